import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/database.ts';
import { deployMigrations, MIGRATIONS_DIR } from '../src/db/migrations.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of a dump of a freshly migrated embedded database, or '' when tests use PostgreSQL. */
    pgliteTemplate: string;
  }
}

function migrationsDigest(): string {
  const hash = createHash('sha256');
  for (const name of fs.readdirSync(MIGRATIONS_DIR).sort()) {
    const file = path.join(MIGRATIONS_DIR, name, 'migration.sql');
    if (fs.existsSync(file)) hash.update(name).update(fs.readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * A fresh PGlite costs an initdb (5–15 s of WASM) plus the migrations; loading a dump of a migrated
 * one takes a fraction of that. Build the dump once per set of migrations and let every test file
 * start from it.
 */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('pgliteTemplate', '');
    return;
  }
  const file = path.join(os.tmpdir(), `kanta-test-template-${migrationsDigest()}.tgz`);
  if (!fs.existsSync(file)) {
    const db = await openDatabase({ memory: true });
    try {
      await deployMigrations(db.adapterFactory());
      const archive = await db.dump!();
      const temporary = `${file}.${process.pid}`;
      fs.writeFileSync(temporary, Buffer.from(await archive.arrayBuffer()));
      fs.renameSync(temporary, file);
    } finally {
      await db.close();
    }
  }
  project.provide('pgliteTemplate', file);
}
