// Database migrations without Prisma's native schema engine (which cannot be downloaded offline):
// the same engine compiled to wasm drives the database through a driver adapter. Migration files and
// the `_prisma_migrations` bookkeeping table are exactly Prisma Migrate's, so `prisma migrate deploy`
// and `prisma migrate status` keep working wherever the native CLI is available.
//
// The engine (or a driver pool it opened) can keep timers alive for a while after a command. Every
// function here disposes what it opened, but a CLI built on them should still end with
// `process.exit()` rather than wait for the event loop to drain.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { loadSchemaEngine, type MigrationList, type SchemaEngine, type SchemaFilter } from './schema-engine.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export const MIGRATIONS_DIR = path.resolve(here, '../../../prisma/migrations');
export const SCHEMA_DIR = path.resolve(here, '../../../prisma/schema');

export interface MigrationStatus {
  /** Migrations from the directory that are applied (and not rolled back) in the database. */
  applied: string[];
  /** Migrations in the directory that the database has not applied yet. */
  pending: string[];
  /** Migrations recorded as failed: deploy refuses to run until they are resolved. */
  failed: string[];
  /** Applied migrations whose migration.sql changed since (checksum mismatch). */
  edited: string[];
  /** Migrations the database has applied but the directory does not contain. */
  missingFromDirectory: string[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
  readonly migrationName?: string;

  constructor(message: string, options: { migrationName?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.migrationName !== undefined) this.migrationName = options.migrationName;
  }
}

export interface DatabaseMigrationOptions {
  /** Defaults to MIGRATIONS_DIR. */
  migrationsDir?: string;
  /**
   * The PostgreSQL schema the adapter works in (the same name as PrismaPg's `schema` option). When
   * given, deploy creates it if missing, since the migrations themselves do not qualify table names
   * and rely on the connection's search_path pointing at it.
   */
  schemaName?: string;
}

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };
const LOCKFILE = 'migration_lock.toml';

/** Reads the migrations directory the way Prisma Migrate does (sorted by directory name). */
export function readMigrationsList(migrationsDir: string = MIGRATIONS_DIR): MigrationList {
  const lockfilePath = path.join(migrationsDir, LOCKFILE);
  const lockfile = {
    path: LOCKFILE,
    content: fs.existsSync(lockfilePath) ? fs.readFileSync(lockfilePath, 'utf8') : null,
  };
  const entries = fs.existsSync(migrationsDir) ? fs.readdirSync(migrationsDir, { withFileTypes: true }) : [];
  const migrationDirectories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      let content: MigrationList['migrationDirectories'][number]['migrationFile']['content'];
      try {
        content = { tag: 'ok', value: fs.readFileSync(file, 'utf8') };
      } catch (error) {
        content = { tag: 'error', value: (error as Error).message };
      }
      return { path: name, migrationFile: { path: 'migration.sql', content } };
    });
  return { baseDir: migrationsDir, lockfile, shadowDbInitScript: '', migrationDirectories };
}

export async function deployMigrations(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  options: DatabaseMigrationOptions = {},
): Promise<{ applied: string[] }> {
  const migrationsList = readMigrationsList(options.migrationsDir);
  if (options.schemaName) await ensureSchema(adapterFactory, options.schemaName);
  return withEngine(adapterFactory, async (engine, describeError) => {
    const before = await engine.diagnoseMigrationHistory({
      migrationsList,
      optInToShadowDatabase: false,
      filters: NO_FILTER,
    });
    // The engine refuses too, but with a message aimed at the Prisma CLI; say what to do here.
    const [blocking] = before.failedMigrationNames;
    if (blocking) {
      throw new MigrationError(
        `Migration ${blocking} failed earlier and is still recorded as failed, so no migration is applied. ` +
          `Fix the database by hand, then resolve it as 'rolled-back' (to retry it) or 'applied'.`,
        { migrationName: blocking },
      );
    }
    try {
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
      return { applied: appliedMigrationNames };
    } catch (error) {
      const message = describeError(error);
      // The engine records the failing migration before giving up; name it from the table rather than
      // parsing the engine's prose.
      const after = await engine
        .diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER })
        .catch(() => undefined);
      const failed = after?.failedMigrationNames.find((name) => !before.failedMigrationNames.includes(name));
      throw new MigrationError(
        failed
          ? `Migration ${failed} failed and is recorded as failed: ${message}`
          : `Deploying migrations failed: ${message}`,
        { ...(failed ? { migrationName: failed } : {}), cause: error },
      );
    }
  });
}

export async function migrationStatus(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  options: DatabaseMigrationOptions = {},
): Promise<MigrationStatus> {
  const migrationsList = readMigrationsList(options.migrationsDir);
  const diagnosis = await withEngine(adapterFactory, (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER }),
  );
  const history = diagnosis.history;
  const failed = diagnosis.failedMigrationNames;
  let pending: string[] = [];
  let missingFromDirectory: string[] = [];
  if (history?.diagnostic === 'databaseIsBehind') pending = history.unappliedMigrationNames;
  else if (history?.diagnostic === 'migrationsDirectoryIsBehind')
    missingFromDirectory = history.unpersistedMigrationNames;
  else if (history?.diagnostic === 'historiesDiverge') {
    pending = history.unappliedMigrationNames;
    missingFromDirectory = history.unpersistedMigrationNames;
  }
  const pendingSet = new Set(pending);
  const failedSet = new Set(failed);
  // A failed migration also counts as unapplied for the engine; report it once, as failed.
  pending = pending.filter((name) => !failedSet.has(name));
  const applied = migrationsList.migrationDirectories
    .map((directory) => directory.path)
    .filter((name) => !pendingSet.has(name) && !failedSet.has(name));
  return { applied, pending, failed, edited: diagnosis.editedMigrationNames, missingFromDirectory };
}

/**
 * Marks a migration by hand, like `prisma migrate resolve`: 'rolled-back' for a failed migration
 * whose effects were undone (deploy will retry it), 'applied' for one that was completed manually.
 */
export async function resolveMigration(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  name: string,
  as: 'applied' | 'rolled-back',
  options: DatabaseMigrationOptions = {},
): Promise<void> {
  const migrationsList = readMigrationsList(options.migrationsDir);
  await withEngine(adapterFactory, async (engine, describeError) => {
    try {
      if (as === 'applied') await engine.markMigrationApplied({ migrationName: name, migrationsList });
      else await engine.markMigrationRolledBack({ migrationName: name });
    } catch (error) {
      throw new MigrationError(`Cannot mark migration ${name} as ${as}: ${describeError(error)}`, {
        migrationName: name,
        cause: error,
      });
    }
  });
}

/**
 * Generates the next migration from the difference between the migration history and the Prisma
 * schema, like `prisma migrate dev --create-only`, and writes `<timestamp>_<name>/migration.sql`.
 * Returns null when the schema has no changes. The history is replayed on a throwaway in-memory
 * PGlite, so no database needs to be running.
 */
export async function createMigration(
  name: string,
  options: { schemaDir?: string; migrationsDir?: string } = {},
): Promise<{ directory: string; sql: string } | null> {
  const migrationName = toSnakeCase(name);
  if (!migrationName) throw new Error(`Migration name ${JSON.stringify(name)} has no letters or digits`);
  const schemaDir = options.schemaDir ?? SCHEMA_DIR;
  const migrationsDir = options.migrationsDir ?? MIGRATIONS_DIR;
  const files = readSchemaFiles(schemaDir);
  const migrationsList = readMigrationsList(migrationsDir);

  const main = await servePglite(await createScratchPglite());
  const shadows: ServedPglite[] = [];
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connectInspectable(main),
    // The engine replays the history on a shadow database to compare it with the schema. It must
    // start empty each time; PGlite makes that a fresh in-memory instance rather than CREATE DATABASE.
    connectToShadowDb: async () => {
      const shadow = await servePglite(await createScratchPglite());
      shadows.push(shadow);
      return connectInspectable(shadow);
    },
  };
  try {
    return await withEngine(factory, async (engine, describeError) => {
      try {
        await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
      } catch (error) {
        // The engine's span trace names the migration it was applying.
        const raw = error instanceof Error ? error.message : String(error);
        const failed = migrationsList.migrationDirectories.find((directory) =>
          raw.includes(`migration_name="${directory.path}"`),
        )?.path;
        throw new MigrationError(
          `The migration history in ${migrationsDir} does not replay on an empty database` +
            `${failed ? ` (migration ${failed} fails)` : ''}: ${describeError(error)}`,
          { ...(failed ? { migrationName: failed } : {}), cause: error },
        );
      }
      const diagnostic = await engine.devDiagnostic({ migrationsList, filters: NO_FILTER });
      if (diagnostic.action.tag === 'reset') {
        throw new MigrationError(`The migration history cannot be used as it is: ${diagnostic.action.reason}`);
      }
      const output = await engine.createMigration({
        draft: false,
        migrationName,
        migrationsList,
        schema: { files },
        filters: NO_FILTER,
      });
      if (output.migrationScript === null) return null;
      const directory = path.join(migrationsDir, output.generatedMigrationName);
      fs.mkdirSync(migrationsDir, { recursive: true });
      // mkdir without `recursive` fails if the directory exists: never overwrite a migration.
      fs.mkdirSync(directory);
      fs.writeFileSync(path.join(directory, `migration.${output.extension}`), output.migrationScript);
      fs.writeFileSync(
        path.join(migrationsDir, LOCKFILE),
        '# Please do not edit this file manually\n' +
          '# It should be added in your version-control system (e.g., Git)\n' +
          `provider = "${output.connectorType}"\n`,
      );
      return { directory, sql: output.migrationScript };
    });
  } finally {
    await Promise.all([main, ...shadows].map((served) => served.close()));
  }
}

let pgliteTemplate: Promise<PGliteOptions> | undefined;

/**
 * A fresh, empty in-memory PGlite. Creating one from scratch runs initdb and compiles PostgreSQL's
 * wasm, several seconds each time; this does both once per process and clones later instances from
 * a dump of the first, so creating a migration (which needs three databases) stays quick.
 */
export async function createScratchPglite(): Promise<PGlite> {
  pgliteTemplate ??= (async () => {
    const dist = new URL('./', import.meta.resolve('@electric-sql/pglite'));
    const modules: PGliteOptions = {
      pgliteWasmModule: new WebAssembly.Module(fs.readFileSync(new URL('pglite.wasm', dist))),
      initdbWasmModule: new WebAssembly.Module(fs.readFileSync(new URL('initdb.wasm', dist))),
      fsBundle: new Blob([fs.readFileSync(new URL('pglite.data', dist))]),
    };
    const first = await PGlite.create(modules);
    try {
      return { ...modules, loadDataDir: await first.dumpDataDir('none') };
    } finally {
      await first.close();
    }
  })();
  pgliteTemplate.catch(() => {
    pgliteTemplate = undefined;
  });
  return PGlite.create(await pgliteTemplate);
}

export interface ServedPglite {
  db: PGlite;
  /** Directory holding the unix socket; pass it as pg's `host`. */
  socketDir: string;
  port: number;
  /** pg pool settings for this server; keep `max` below the server's maxConnections. */
  poolConfig: pg.PoolConfig;
  close(): Promise<void>;
}

/**
 * Serves a PGlite database over a unix socket so `@prisma/adapter-pg` can use it like any PostgreSQL:
 * `new PrismaPg({ ...served.poolConfig, max: 1 }, { schema })`.
 *
 * `maxConnections` must stay above the pg pool's `max`: pg discards a connection after any query
 * error and opens a new one before the server has noticed the old one closing, and the server
 * refuses connections over its limit (the client sees EPIPE). PGlite runs one query at a time
 * anyway, so a pool of 1 with a limit of 2 or more loses nothing.
 */
export async function servePglite(
  db: PGlite,
  options: { maxConnections?: number; closeDb?: boolean } = {},
): Promise<ServedPglite> {
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanta-pglite-'));
  const port = 5432;
  // libpq and pg look for the socket file `.s.PGSQL.<port>` inside the `host` directory.
  const server = new PGLiteSocketServer({
    db,
    path: path.join(socketDir, `.s.PGSQL.${port}`),
    maxConnections: options.maxConnections ?? 4,
  });
  await server.start();
  return {
    db,
    socketDir,
    port,
    poolConfig: { host: socketDir, port, user: 'postgres', database: 'postgres', max: 1 },
    async close() {
      await server.stop();
      if (options.closeDb ?? true) await db.close();
      fs.rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

type EngineCallback<T> = (engine: SchemaEngine, describeError: (error: unknown) => string) => Promise<T>;

/**
 * Runs one command on a fresh engine and releases everything it opened: the engine keeps no state
 * worth reusing between commands, and connections it leaves open would keep the process alive.
 */
async function withEngine<T>(factory: SqlMigrationAwareDriverAdapterFactory, run: EngineCallback<T>): Promise<T> {
  const opened: SqlDriverAdapter[] = [];
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = wholeScriptAdapter(await factory.connect());
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: async () => {
      const adapter = wholeScriptAdapter(await factory.connectToShadowDb());
      opened.push(adapter);
      return adapter;
    },
  };
  const bound = bindMigrationAwareSqlAdapterFactory(tracking);
  // Errors thrown by JS code (not by the database) reach us as "External error id#N"; the message
  // that matters is in the registry.
  const describeError = (error: unknown): string => {
    const message = error instanceof Error ? error.message : String(error);
    const match = /External error id#(\d+)/.exec(message);
    const jsError = match ? bound.errorRegistry.consumeError(Number(match[1]))?.error : undefined;
    if (jsError) return jsError instanceof Error ? jsError.message : String(jsError);
    // Drop the engine's Rust span trace ("   0: sql_schema_connector::…"); it names no more than the
    // migration, which callers get separately.
    return message
      .replace(/\n\s+0: [\s\S]*$/, '')
      .replace(/^external connector error\n/, '')
      .trim();
  };
  const { SchemaEngine } = loadSchemaEngine();
  let engine: SchemaEngine | undefined;
  try {
    engine = await SchemaEngine.new({ datamodels: undefined }, () => {}, bound);
    return await run(engine, describeError);
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(describeError(error), { cause: error });
  } finally {
    engine?.free();
    await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
  }
}

interface ScriptRunner {
  query(text: string): Promise<unknown>;
}

/**
 * `@prisma/adapter-pg` runs a script by splitting it on every `;`, which breaks semicolons inside
 * strings, comments and `DO $$ … $$` bodies. Send the script whole instead: PostgreSQL's simple query
 * protocol runs it as one implicit transaction, which is also what the native engine does, so a
 * failing migration leaves no half-applied statements behind.
 */
function wholeScriptAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const driver = (adapter as { underlyingDriver?: () => unknown }).underlyingDriver?.();
  if (!driver || typeof (driver as ScriptRunner).query !== 'function') return adapter;
  const runner = driver as ScriptRunner;
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    ...(adapter.getConnectionInfo ? { getConnectionInfo: adapter.getConnectionInfo.bind(adapter) } : {}),
    dispose: () => adapter.dispose(),
    executeScript: async (script) => {
      try {
        await runner.query(script);
      } catch (error) {
        throw toDriverAdapterError(error);
      }
    },
  };
}

/** Passes database errors to the engine as structured errors so it can report code and message. */
function toDriverAdapterError(error: unknown): unknown {
  if (!(error instanceof pg.DatabaseError)) return error;
  return new DriverAdapterError({
    kind: 'postgres',
    code: error.code ?? 'N/A',
    severity: error.severity ?? 'ERROR',
    message: error.message,
    detail: error.detail,
    column: error.column,
    hint: error.hint,
  });
}

/**
 * Schema inspection (needed to create migrations) selects catalog columns of PostgreSQL's internal
 * one-byte `"char"` type (e.g. pg_constraint.contype), which `@prisma/adapter-pg` refuses
 * ("UnsupportedNativeDataType: char") while the engine insists on reading them as characters.
 * The pg client below reports such columns as `text` so the adapter accepts them and remembers
 * which ones they were, keyed by the result's rows array (which the adapter passes through as is);
 * `charColumnsAdapter` then types them as `Character` for the engine.
 */
const CHAR_OID = 18;
const TEXT_OID = 25;
const charColumnsByRows = new WeakMap<object, number[]>();
const recordCharColumns = (result: unknown): unknown => {
  const { fields, rows } = (result ?? {}) as { fields?: { dataTypeID: number }[]; rows?: unknown[] };
  const indices: number[] = [];
  fields?.forEach((field, index) => {
    if (field.dataTypeID === CHAR_OID) {
      field.dataTypeID = TEXT_OID;
      indices.push(index);
    }
  });
  if (indices.length > 0 && rows) charColumnsByRows.set(rows, indices);
  return result;
};
class CharAwareClient extends pg.Client {}
const originalQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
Object.defineProperty(CharAwareClient.prototype, 'query', {
  value(this: pg.Client, ...args: unknown[]): unknown {
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = (error: unknown, result: unknown) =>
        callback(error, error ? result : recordCharColumns(result));
      return originalQuery.apply(this, args);
    }
    const returned = originalQuery.apply(this, args);
    return returned instanceof Promise ? returned.then(recordCharColumns) : returned;
  },
});

function charColumnsAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const wrapped = Object.create(adapter) as SqlDriverAdapter;
  wrapped.queryRaw = async (query) => {
    const result = await adapter.queryRaw(query);
    for (const index of charColumnsByRows.get(result.rows) ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
  return wrapped;
}

async function connectInspectable(served: ServedPglite): Promise<SqlDriverAdapter> {
  return charColumnsAdapter(await new PrismaPg({ ...served.poolConfig, Client: CharAwareClient }).connect());
}

async function ensureSchema(factory: SqlMigrationAwareDriverAdapterFactory, schemaName: string): Promise<void> {
  const adapter = await factory.connect();
  try {
    await adapter.executeRaw({
      sql: `CREATE SCHEMA IF NOT EXISTS "${schemaName.replaceAll('"', '""')}"`,
      args: [],
      argTypes: [],
    });
  } finally {
    await adapter.dispose();
  }
}

function readSchemaFiles(schemaDir: string): { path: string; content: string }[] {
  const files = fs
    .readdirSync(schemaDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.prisma'))
    .sort();
  if (files.length === 0) throw new Error(`No .prisma files in ${schemaDir}`);
  return files.map((file) => ({
    path: path.join(schemaDir, file),
    content: fs.readFileSync(path.join(schemaDir, file), 'utf8'),
  }));
}

/** "Add loyalty tiers!" → "add_loyalty_tiers"; also splits camelCase. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** A private schema name for tests and scratch work, e.g. `mig_1f2e3d4c`. */
export function randomSchemaName(prefix = 'mig'): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}
