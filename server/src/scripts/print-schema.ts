import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchemaFile } from '../schema-printer.ts';

const target = fileURLToPath(new URL('../../../schema/schema.graphql', import.meta.url));
fs.writeFileSync(target, printSchemaFile());
process.stdout.write('Wrote schema/schema.graphql\n');
