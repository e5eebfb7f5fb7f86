import type { KantaConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { type Database, openDatabase } from './database.ts';
import { deployMigrations } from './migrations.ts';
import { checkReadiness } from './readiness.ts';

/** The database options a config describes, for the server and every CLI command alike. */
export function databaseOptions(config: KantaConfig) {
  return { url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.poolSize };
}

export function migrationOptions(db: Database) {
  return db.schema === 'public' ? {} : { schemaName: db.schema };
}

/**
 * Opens the configured database. The embedded database is migrated on the spot (it belongs to this
 * installation alone); PostgreSQL is migrated explicitly with `kanta migrate deploy`, so that several
 * API processes starting at once never race to change the schema.
 */
export async function openConfiguredDatabase(config: KantaConfig, logger: Logger): Promise<Database> {
  const db = await openDatabase(databaseOptions(config));
  try {
    // Checking is one cheap query; starting the migration engine costs a second or two of CPU.
    if (db.kind === 'embedded' && !(await checkReadiness(db)).ready) {
      const { applied } = await deployMigrations(db.adapterFactory(), migrationOptions(db));
      if (applied.length > 0) logger.info({ applied }, 'applied migrations to the embedded database');
    }
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
