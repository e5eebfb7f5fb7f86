import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './schema.ts';

/** The checked-in schema/schema.graphql: sorted, so diffs show real changes only. */
export function printSchemaFile(): string {
  return `# Generated from server/src by \`pnpm schema:print\`; do not edit. A test fails when it drifts.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}
