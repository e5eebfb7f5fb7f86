import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

const here = path.dirname(fileURLToPath(import.meta.url));

// `prisma generate` insists on a schema-engine binary, which cannot be downloaded here and is never
// needed: point it at a stub that fails loudly if anything does try to run it (see ENVIRONMENT.md).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(here, 'engine-stub', 'schema-engine');

export default defineConfig({
  schema: path.join(here, 'schema'),
  migrations: { path: path.join(here, 'migrations') },
});
