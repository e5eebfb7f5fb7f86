import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const MIGRATIONS_DIRECTORY = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

export interface Readiness {
  ready: boolean;
  database: 'ok' | 'unreachable';
  pendingMigrations: string[];
  failedMigrations: string[];
}

function migrationNames(): string[] {
  return fs
    .readdirSync(MIGRATIONS_DIRECTORY, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(`${MIGRATIONS_DIRECTORY}/${entry.name}/migration.sql`))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Is this process fit to take traffic: database reachable and every migration in the repository
 * applied. Reads Prisma's `_prisma_migrations` table directly: one cheap query, fit for a probe
 * that runs every few seconds (the migration engine itself takes a second to start).
 */
export async function checkReadiness(db: Database): Promise<Readiness> {
  const expected = migrationNames();
  let rows: { migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }[];
  try {
    rows = await db.prisma.$queryRawUnsafe(
      `SELECT migration_name, finished_at, rolled_back_at FROM "${db.schema.replaceAll('"', '""')}"."_prisma_migrations"`,
    );
  } catch (error) {
    const missingTable =
      /_prisma_migrations/.test(String((error as Error).message)) && /exist/.test(String((error as Error).message));
    if (!missingTable)
      return { ready: false, database: 'unreachable', pendingMigrations: expected, failedMigrations: [] };
    rows = [];
  }
  const applied = new Set(
    rows.filter((row) => row.finished_at && !row.rolled_back_at).map((row) => row.migration_name),
  );
  const failed = rows.filter((row) => !row.finished_at && !row.rolled_back_at).map((row) => row.migration_name);
  const pending = expected.filter((name) => !applied.has(name));
  return {
    ready: pending.length === 0 && failed.length === 0,
    database: 'ok',
    pendingMigrations: pending,
    failedMigrations: failed,
  };
}
