import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';
import type { BrowserCommand } from 'vitest/node';

export interface EmulateMediaOptions {
  colorScheme?: 'light' | 'dark' | null;
  reducedMotion?: 'reduce' | 'no-preference' | null;
}

// Runs in Node with Playwright's page: lets a test switch the media features
// the widgets respond to (prefers-color-scheme, prefers-reduced-motion).
const emulateMedia: BrowserCommand<[EmulateMediaOptions]> = async (context, options) => {
  await context.page.emulateMedia(options);
};

// Widgets run in real Chromium (Debian's, offline-installable), not jsdom:
// shadow DOM, ::part, custom properties and axe's colour-contrast checks need
// a real layout engine.
export default defineProject({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // As in the build (scripts/build.mjs): urql's development checks reject persisted documents, which
  // carry only an id, not the operation's definition.
  define: {
    'process.env.NODE_ENV': JSON.stringify('production'),
  },
  // As in the build: urql without the GraphQL parser and printer (persisted documents only).
  resolve: {
    alias: [
      {
        find: /^@0no-co\/graphql\.web$/,
        replacement: fileURLToPath(new URL('./src/internal/graphql-web-shim.ts', import.meta.url)),
      },
    ],
  },
  test: {
    name: 'widgets',
    include: ['src/**/*.test.ts'],
    // A real Kanta server (PGlite, or TEST_DATABASE_URL's PostgreSQL) for the widgets to talk to.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
      commands: { emulateMedia },
    },
  },
});
