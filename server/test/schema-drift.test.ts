import fs from 'node:fs';
import { expect, test } from 'vitest';
import { printSchemaFile } from '../src/schema-printer.ts';

test('schema/schema.graphql matches the code (run `pnpm schema:print` after changing the schema)', () => {
  const committed = fs.readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
  expect(committed).toBe(printSchemaFile());
});
