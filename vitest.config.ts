import { defineConfig } from 'vitest/config';

// One run, two projects: the server suite (Node, real databases) and the widgets suite (real Chromium).
export default defineConfig({
  test: {
    projects: ['server/vitest.config.ts', 'widgets/vitest.config.ts'],
  },
});
