#!/usr/bin/env node
// Builds the widget bundles into widgets/dist:
//   kanta.js (+ chunks/)         every widget, ES module, heavy parts and locales as lazy chunks
//   kanta.iife.js                every widget for a classic <script>, nothing lazy
//   standalone/<tag>.js (+ chunks) one widget each, with its own copy of Lit and urql
// Each build writes a Vite manifest, which scripts/size-budget.mjs reads.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(
    'Usage: node scripts/build.mjs\n\nBuilds widgets/dist (kanta.js, kanta.iife.js, standalone/<tag>.js); then run scripts/size-budget.mjs.',
  );
  process.exit(0);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;
export const STANDALONE = [
  'loyalty-badge',
  'feedback-form',
  'product-rating',
  'product-reviews',
  'product-recommendations',
];

const shared = {
  root,
  configFile: false,
  logLevel: 'warn',
  // urql checks process.env.NODE_ENV for dev-only checks; browsers have no
  // `process`, and "production" lets the minifier drop those branches.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  // Persisted documents only: urql needs no GraphQL parser or printer.
  resolve: { alias: [{ find: /^@0no-co\/graphql\.web$/, replacement: `${root}src/internal/graphql-web-shim.ts` }] },
};

fs.rmSync(dist, { recursive: true, force: true });

async function esBuild(entry, outDir, name) {
  await build({
    ...shared,
    build: {
      outDir,
      emptyOutDir: false,
      sourcemap: true,
      manifest: `${name}.manifest.json`,
      target: 'es2022',
      // No preload helper around import(): lazy chunks have no CSS and few
      // dependencies, and the helper would cost every bundle ~0.5 KB.
      modulePreload: false,
      rolldownOptions: {
        input: { [name]: entry },
        preserveEntrySignatures: 'exports-only',
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
          minify: true,
        },
      },
    },
  });
}

await esBuild(`${root}src/index.ts`, dist, 'kanta');
// The classic build cannot load chunks: everything is inlined.
await build({
  ...shared,
  build: {
    outDir: dist,
    emptyOutDir: false,
    sourcemap: true,
    target: 'es2022',
    lib: {
      entry: `${root}src/index.ts`,
      formats: ['iife'],
      // Not "kanta": the classic build's `var <name>` would overwrite the
      // window.kanta API that internal/loader.ts sets up.
      name: 'KantaWidgets',
      fileName: () => 'kanta.iife.js',
    },
    rolldownOptions: { output: { codeSplitting: false, minify: true } },
  },
});
for (const tag of STANDALONE) await esBuild(`${root}src/standalone/${tag}.ts`, `${dist}/standalone`, tag);
console.log(`built widgets/dist: kanta.js, kanta.iife.js, standalone/{${STANDALONE.join(',')}}.js`);

// The custom elements manifest (dist/custom-elements.json, served at /widgets/custom-elements.json).
const { execFileSync } = await import('node:child_process');
const { createRequire } = await import('node:module');
const { dirname, join } = await import('node:path');
const cem = join(
  dirname(createRequire(import.meta.url).resolve('@custom-elements-manifest/analyzer/package.json')),
  'cem.js',
);
execFileSync(process.execPath, [cem, 'analyze', '--quiet'], { cwd: root, stdio: 'inherit' });
console.log('built widgets/dist/custom-elements.json');
