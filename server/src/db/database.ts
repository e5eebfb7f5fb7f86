import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { type EmbeddedEndpoint, openEmbedded, openInMemory } from './embedded.ts';

export type { PrismaClient };

/**
 * One code path above the driver: embedded PGlite (over its unix socket) and real PostgreSQL both
 * go through `pg` and `@prisma/adapter-pg`, so queries, transactions and isolation levels behave
 * the same way in the quick start and in production.
 */
export interface Database {
  prisma: PrismaClient;
  kind: 'embedded' | 'postgres';
  /** PostgreSQL schema the tables live in ("public" unless the URL says `?schema=`). */
  schema: string;
  /** Where the data lives, for logs and `--help`-style messages; never contains a password. */
  description: string;
  /** A fresh adapter factory for the migration engine, pointed at the same database and schema. */
  adapterFactory(): PrismaPg;
  /** SQL statements sent so far by this process; tests use the difference to catch N+1 queries. */
  queryCount(): number;
  /** In-memory embedded databases only: an archive of the whole database, for `template`. */
  dump?: () => Promise<Blob>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgresql:// URL; when absent the embedded database is used. `?schema=name` selects a schema. */
  url?: string | undefined;
  /** Data directory of the embedded database; ignored with `url`. */
  dataDir?: string;
  /** An in-memory embedded database that disappears on close (tests). */
  memory?: boolean;
  /** With `memory`: start from this `dump()` archive instead of an empty database. */
  template?: Blob;
  poolSize?: number;
}

function describeUrl(url: URL, schema: string): string {
  return `postgresql://${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname} (schema ${schema})`;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  let poolConfig: pg.PoolConfig;
  let schema = 'public';
  let kind: Database['kind'];
  let description: string;
  let embedded: EmbeddedEndpoint | undefined;
  if (options.url) {
    const url = new URL(options.url);
    schema = url.searchParams.get('schema') ?? 'public';
    url.searchParams.delete('schema');
    kind = 'postgres';
    description = describeUrl(url, schema);
    poolConfig = { connectionString: url.toString(), max: options.poolSize ?? 10 };
  } else {
    if (!options.memory && !options.dataDir) throw new Error('openDatabase needs a url, a dataDir or memory: true');
    embedded = options.memory ? await openInMemory(options.template) : await openEmbedded(options.dataDir!);
    kind = 'embedded';
    description = options.memory ? 'embedded (in memory)' : `embedded (${options.dataDir})`;
    // PGlite is a single session behind the socket: a query on a second connection would run inside
    // another connection's open transaction. One connection per process keeps transactions whole.
    poolConfig = { host: embedded.socketDirectory, port: 5432, user: 'postgres', database: 'postgres', max: 1 };
  }
  if (schema !== 'public') poolConfig.options = `-c search_path="${schema.replaceAll('"', '""')}"`;

  let statements = 0;
  const pool = new pg.Pool({ ...poolConfig, idleTimeoutMillis: 10_000 });
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      statements++;
      return query(...args);
    };
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => {});

  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema }) });
  return {
    prisma,
    kind,
    schema,
    description,
    adapterFactory: () => new PrismaPg({ ...poolConfig, max: 1 }, { schema }),
    queryCount: () => statements,
    ...(embedded?.dump ? { dump: embedded.dump } : {}),
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
      await embedded?.close();
    },
  };
}
