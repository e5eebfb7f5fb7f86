import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) builds. Node, and so every dependency, loads the CJS
    // one; Vite would hand our sources the ESM one, and GraphQLError from one is not instanceof the
    // other (errors get masked, schemas "from another realm"). Make our sources use Node's choice.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    name: 'server',
    root: new URL('.', import.meta.url).pathname,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/global-setup.ts'],
    // Every API test file starts its own embedded database (or PostgreSQL schema) and applies the
    // migrations, which takes a few seconds on a busy CI machine.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
