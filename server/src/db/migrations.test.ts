// Runs the migration workflow against an in-memory PGlite served over a socket (always) and against
// the PostgreSQL in TEST_DATABASE_URL (when set), each test in a fresh database or private schema.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createMigration,
  createScratchPglite,
  deployMigrations,
  MIGRATIONS_DIR,
  MigrationError,
  migrationStatus,
  randomSchemaName,
  resolveMigration,
  SCHEMA_DIR,
  servePglite,
  toSnakeCase,
} from './migrations.ts';

interface Target {
  factory: PrismaPg;
  schemaName?: string;
  /** Runs SQL in the target database/schema, outside the migration engine. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function pgliteTarget(): Promise<Target> {
  const served = await servePglite(await createScratchPglite());
  return {
    factory: new PrismaPg(served.poolConfig),
    query: async (sql) => (await served.db.query<Record<string, unknown>>(sql)).rows,
    close: () => served.close(),
  };
}

async function postgresTarget(url: string): Promise<Target> {
  const schemaName = randomSchemaName();
  // Unqualified names in migrations land in the first schema of the search_path.
  const config: pg.PoolConfig = { connectionString: url, options: `-c search_path=${schemaName}`, max: 2 };
  const pool = new pg.Pool(config);
  return {
    factory: new PrismaPg(config, { schema: schemaName }),
    schemaName,
    query: async (sql) => (await pool.query(sql)).rows,
    close: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
      await pool.end();
    },
  };
}

const targets: [string, () => Promise<Target>][] = [['PGlite over a socket', pgliteTarget]];
const postgresUrl = process.env.TEST_DATABASE_URL;
if (postgresUrl) targets.push(['PostgreSQL', () => postgresTarget(postgresUrl)]);

const committed = fs
  .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kanta-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}
/** A migrations directory holding the committed migrations plus `extra` ones (name → SQL). */
function migrationsDirWith(extra: Record<string, string> = {}): string {
  const dir = tempDir('migrations');
  fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

beforeAll(async () => {
  // Compiles PGlite and runs initdb once, so the first test does not pay for it within its timeout.
  await (await createScratchPglite()).close();
}, 120_000);

describe.each(targets)('migrations on %s', (_label, makeTarget) => {
  let target: Target;
  const options = (migrationsDir?: string) => ({
    ...(migrationsDir ? { migrationsDir } : {}),
    ...(target.schemaName ? { schemaName: target.schemaName } : {}),
  });
  const tableNames = async () =>
    (
      await target.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`,
      )
    ).map((row) => row.table_name);

  afterEach(async () => {
    await target?.close();
  });

  it('reports every committed migration as pending on an empty database', { timeout: 60_000 }, async () => {
    target = await makeTarget();
    expect(committed.length).toBeGreaterThan(0);
    const status = await migrationStatus(target.factory, options());
    expect(status).toEqual({ applied: [], pending: committed, failed: [], edited: [], missingFromDirectory: [] });
  });

  it('deploys to a fresh database, after which nothing is pending', { timeout: 60_000 }, async () => {
    target = await makeTarget();
    expect(await deployMigrations(target.factory, options())).toEqual({ applied: committed });
    expect(await tableNames()).toEqual(expect.arrayContaining(['_prisma_migrations', 'Store', 'ApiKey']));
    const rows = await target.query(
      `SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at`,
    );
    expect(rows.map((row) => row.migration_name)).toEqual(committed);
    expect(rows.every((row) => row.finished_at !== null && row.rolled_back_at === null)).toBe(true);

    expect(await deployMigrations(target.factory, options())).toEqual({ applied: [] });
    const status = await migrationStatus(target.factory, options());
    expect(status).toEqual({ applied: committed, pending: [], failed: [], edited: [], missingFromDirectory: [] });
  });

  it('fails loudly on a broken migration, records it and blocks deploys until resolved', {
    timeout: 60_000,
  }, async () => {
    target = await makeTarget();
    const broken = '29990101000000_broken';
    const dir = migrationsDirWith({
      [broken]: 'CREATE TABLE "HalfDone" (id int);\nSELECT * FROM "NoSuchTable";\n',
    });

    const error = await deployMigrations(target.factory, options(dir)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).migrationName).toBe(broken);
    expect((error as MigrationError).message).toContain(broken);
    expect((error as MigrationError).message).toMatch(/NoSuchTable/);
    // The script runs as one transaction: nothing of it stays behind.
    expect(await tableNames()).not.toContain('HalfDone');
    expect(await tableNames()).toContain('Store');

    const status = await migrationStatus(target.factory, options(dir));
    expect(status.failed).toEqual([broken]);
    expect(status.applied).toEqual(committed);
    expect(status.pending).toEqual([]);

    const blocked = await deployMigrations(target.factory, options(dir)).catch((caught: unknown) => caught);
    expect(blocked).toBeInstanceOf(MigrationError);
    expect((blocked as MigrationError).migrationName).toBe(broken);
    expect((blocked as MigrationError).message).toMatch(/still recorded as failed/);

    // Fix the script, mark the failed attempt rolled back, and deploy retries it.
    fs.writeFileSync(path.join(dir, broken, 'migration.sql'), 'CREATE TABLE "HalfDone" (id int);\n');
    await resolveMigration(target.factory, broken, 'rolled-back', options(dir));
    expect((await migrationStatus(target.factory, options(dir))).failed).toEqual([]);
    expect(await deployMigrations(target.factory, options(dir))).toEqual({ applied: [broken] });
    expect(await tableNames()).toContain('HalfDone');
    expect(await migrationStatus(target.factory, options(dir))).toMatchObject({
      applied: [...committed, broken],
      pending: [],
      failed: [],
    });
  });

  it('can resolve a failed migration as applied', { timeout: 60_000 }, async () => {
    target = await makeTarget();
    const broken = '29990101000000_done_by_hand';
    const dir = migrationsDirWith({ [broken]: 'SELECT 1/0;' });
    await expect(deployMigrations(target.factory, options(dir))).rejects.toThrow(/division by zero/);
    await resolveMigration(target.factory, broken, 'applied', options(dir));
    expect(await migrationStatus(target.factory, options(dir))).toMatchObject({
      applied: [...committed, broken],
      failed: [],
      pending: [],
    });
    expect(await deployMigrations(target.factory, options(dir))).toEqual({ applied: [] });
  });

  it('applies scripts with semicolons inside strings, comments and DO blocks', { timeout: 60_000 }, async () => {
    target = await makeTarget();
    const name = '29990101000000_tricky';
    const dir = migrationsDirWith({
      [name]: [
        'CREATE TABLE "Note" (body text NOT NULL);',
        `INSERT INTO "Note" (body) VALUES ('one; two'), ($q$three;four$q$); -- a comment; with a semicolon`,
        '/* block comment; still a comment */',
        'DO $$',
        'BEGIN',
        '  IF (SELECT count(*) FROM "Note") = 2 THEN',
        `    INSERT INTO "Note" (body) VALUES ('from DO; block');`,
        '  END IF;',
        'END',
        '$$;',
        '',
      ].join('\n'),
    });
    expect(await deployMigrations(target.factory, options(dir))).toEqual({ applied: [...committed, name] });
    const rows = await target.query('SELECT body FROM "Note" ORDER BY body');
    expect(rows.map((row) => row.body)).toEqual(['from DO; block', 'one; two', 'three;four']);
  });

  it('reports a migration edited after it was applied', { timeout: 60_000 }, async () => {
    target = await makeTarget();
    const name = '29990101000000_edited';
    const dir = migrationsDirWith({ [name]: 'CREATE TABLE "Edited" (id int);\n' });
    await deployMigrations(target.factory, options(dir));
    expect((await migrationStatus(target.factory, options(dir))).edited).toEqual([]);
    fs.appendFileSync(path.join(dir, name, 'migration.sql'), 'CREATE INDEX "Edited_id_idx" ON "Edited"(id);\n');
    const status = await migrationStatus(target.factory, options(dir));
    expect(status.edited).toEqual([name]);
    expect(status.failed).toEqual([]);
  });

  it('reports migrations applied to the database but missing from the directory', { timeout: 60_000 }, async () => {
    target = await makeTarget();
    const extra = '29990101000000_elsewhere';
    await deployMigrations(target.factory, options(migrationsDirWith({ [extra]: 'SELECT 1;' })));
    const status = await migrationStatus(target.factory, options());
    expect(status.missingFromDirectory).toEqual([extra]);
    expect(status.applied).toEqual(committed);
  });
});

describe('createMigration', () => {
  it('finds nothing to do: the committed migrations match prisma/schema', { timeout: 120_000 }, async () => {
    const dir = migrationsDirWith();
    expect(fs.readFileSync(path.join(dir, 'migration_lock.toml'), 'utf8')).toMatch(/provider = "postgresql"/);
    expect(await createMigration('nothing', { migrationsDir: dir })).toBeNull();
    expect(
      fs
        .readdirSync(dir)
        .filter((entry) => entry !== 'migration_lock.toml')
        .sort(),
    ).toEqual(committed);
  });

  it('writes a migration for a schema change, which then deploys', { timeout: 120_000 }, async () => {
    const schemaDir = tempDir('schema');
    fs.cpSync(SCHEMA_DIR, schemaDir, { recursive: true });
    fs.writeFileSync(
      path.join(schemaDir, 'extra.prisma'),
      'model Extra {\n  id   Int    @id @default(autoincrement())\n  note String @default("a; b")\n}\n',
    );
    const dir = migrationsDirWith();
    const created = await createMigration('Add extra table!', { schemaDir, migrationsDir: dir });
    expect(created).not.toBeNull();
    const { directory, sql } = created as { directory: string; sql: string };
    expect(path.dirname(directory)).toBe(dir);
    expect(path.basename(directory)).toMatch(/^\d{14}_add_extra_table$/);
    expect(fs.readFileSync(path.join(directory, 'migration.sql'), 'utf8')).toBe(sql);
    expect(sql).toContain('CREATE TABLE "Extra"');

    for (const [, makeTarget] of targets) {
      const target = await makeTarget();
      try {
        const options = { migrationsDir: dir, ...(target.schemaName ? { schemaName: target.schemaName } : {}) };
        expect(await deployMigrations(target.factory, options)).toEqual({
          applied: [...committed, path.basename(directory)],
        });
        await target.query(`INSERT INTO "Extra" DEFAULT VALUES`);
        expect(await target.query(`SELECT note FROM "Extra"`)).toEqual([{ note: 'a; b' }]);
      } finally {
        await target.close();
      }
    }
  });

  it('refuses a history that does not replay, naming the migration', { timeout: 60_000 }, async () => {
    const broken = '29990101000000_does_not_replay';
    const dir = migrationsDirWith({ [broken]: 'ALTER TABLE "Nope" ADD COLUMN x int;' });
    const error = await createMigration('next', { migrationsDir: dir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).migrationName).toBe(broken);
    expect((error as MigrationError).message).toContain(broken);
    expect((error as MigrationError).message).toMatch(/Nope/);
    expect(fs.readdirSync(dir)).not.toContainEqual(expect.stringMatching(/_next$/));
  });

  it('sanitises migration names to snake_case', () => {
    expect(toSnakeCase('Add loyaltyTiers & rewards!')).toBe('add_loyalty_tiers_rewards');
    expect(toSnakeCase('  init ')).toBe('init');
  });
});
