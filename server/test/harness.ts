import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import pg from 'pg';
import { inject } from 'vitest';
import { signCustomerToken } from '../src/auth/sign-customer-token.ts';
import { type KantaConfig, loadConfig } from '../src/config.ts';
import { type Database, openDatabase } from '../src/db/database.ts';
import { deployMigrations } from '../src/db/migrations.ts';
import { migrationOptions } from '../src/db/prepare.ts';
import type { DomainEvents } from '../src/events/events.ts';
import { createDomainEvents } from '../src/events/subscribers.ts';
import { silentLogger } from '../src/logger.ts';
import { type CreatedStore, createStore } from '../src/modules/stores/stores.service.ts';
import { createKantaYoga, type KantaYoga } from '../src/yoga.ts';

/**
 * A private, migrated database for one test file: in-memory PGlite by default, or a fresh schema
 * in the PostgreSQL named by TEST_DATABASE_URL (dropped again on close).
 */
export async function openTestDatabase(): Promise<Database> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const templateFile = inject('pgliteTemplate');
    if (templateFile) return openDatabase({ memory: true, template: new Blob([fs.readFileSync(templateFile)]) });
    const db = await openDatabase({ memory: true });
    await deployMigrations(db.adapterFactory(), migrationOptions(db));
    return db;
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  const db = await openDatabase({ url: url.toString(), poolSize: 10 });
  await deployMigrations(db.adapterFactory(), migrationOptions(db));
  const close = db.close;
  db.close = async () => {
    await close();
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  };
  return db;
}

export function testConfig(overrides: Partial<KantaConfig> = {}): KantaConfig {
  // Server tests send their own documents with publishable keys; the persisted-only default is
  // tested on its own (trusted-documents.api.test.ts) and by the widget tests.
  return { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), storefrontOperations: 'any', ...overrides };
}

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, any> }[];
  headers: Headers;
}

export interface RequestOptions {
  /** An API key; omitted means no Authorization header. */
  key?: string | undefined;
  customerToken?: string | undefined;
  headers?: Record<string, string>;
}

export interface TestApp {
  db: Database;
  /** Not started: call `events.drain()` to deliver pending domain events deterministically. */
  events: DomainEvents;
  yoga: KantaYoga;
  config: KantaConfig;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<GraphQLResponse<T>>;
  createStore(name?: string, extra?: { allowedOrigins?: string[] }): Promise<CreatedStore>;
  customerToken(secretKey: string, customerExternalId: string): Promise<string>;
  /** Runs `action` and returns how many SQL statements it sent, with its result. */
  countQueries<T>(action: () => Promise<T>): Promise<{ count: number; result: T }>;
  close(): Promise<void>;
}

export async function createTestApp(options: { config?: Partial<KantaConfig> } = {}): Promise<TestApp> {
  const db = await openTestDatabase();
  const config = testConfig(options.config);
  const events = createDomainEvents(db, silentLogger());
  const yoga = createKantaYoga({ db, config, logger: silentLogger(), events });
  let storeNumber = 0;
  const fetch = (path: string, init?: RequestInit) =>
    Promise.resolve(yoga.fetch(new Request(`http://kanta.test${path}`, init)));
  return {
    db,
    events,
    yoga,
    config,
    fetch,
    async gql(query, variables, requestOptions = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...requestOptions.headers };
      if (requestOptions.key) headers.authorization = `Bearer ${requestOptions.key}`;
      if (requestOptions.customerToken) headers['x-kanta-customer'] = requestOptions.customerToken;
      const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as { data?: any; errors?: any[] };
      return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
    },
    createStore: (name, extra) => createStore(db.prisma, { name: name ?? `Test store ${++storeNumber}`, ...extra }),
    customerToken: (secretKey, customerExternalId) => signCustomerToken(secretKey, customerExternalId),
    async countQueries(action) {
      const before = db.queryCount();
      const result = await action();
      return { count: db.queryCount() - before, result };
    },
    close: () => db.close(),
  };
}

/**
 * The Redis the cross-process tests use (TEST_REDIS_URL, else the local default). `skip` is true when
 * nothing answers there and this is not CI: a newcomer's `npm test` needs no Redis, CI always has one.
 */
export async function testRedis(): Promise<{ url: string; skip: boolean }> {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const { hostname, port } = new URL(url);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
  if (!reachable && !process.env.CI)
    process.stderr.write(`Redis is not reachable at ${url}: skipping the cross-process tests (set TEST_REDIS_URL)\n`);
  return { url, skip: !reachable && !process.env.CI };
}
