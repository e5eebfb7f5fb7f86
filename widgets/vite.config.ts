import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  // urql checks process.env.NODE_ENV for dev-only warnings; browsers have no
  // `process`, and "production" lets the minifier drop those branches.
  define: {
    'process.env.NODE_ENV': JSON.stringify('production'),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: 'src/index.ts',
      formats: ['es', 'iife'],
      // Not "kanta": the classic build's `var <name>` would overwrite the
      // window.kanta API that index.ts sets up (see the comment there).
      name: 'KantaWidgets',
      fileName: (format) => (format === 'es' ? 'kanta.js' : 'kanta.iife.js'),
    },
    rolldownOptions: {
      output: {
        // Library mode leaves ES output unminified (for re-bundling); kanta.js
        // is loaded directly by storefronts, so minify it like the classic build.
        minify: true,
      },
    },
  },
});
