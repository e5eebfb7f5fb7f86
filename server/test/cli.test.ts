import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { loadPersistedOperations } from '../src/http/trusted-documents.ts';
import {
  childEnv,
  cliJson,
  cliOk,
  completion,
  createEmptyDatabaseTemplate,
  graphql,
  killServer,
  mapLimit,
  migrationNames,
  runCli,
  SERVER_DIR,
  type ServerProcess,
  slowGraphqlRequest,
  startServe,
  type TempDataDir,
  tempDataDir,
  withProcessSlot,
} from './process-helpers.ts';

/**
 * The `kanta` CLI and server as a user runs them: every command is a separate process, so exit
 * codes, stderr, --json output and the embedded database's sharing between processes are real.
 * Tests are independent (each has its own data directory or PostgreSQL schema) and run
 * concurrently: each process spends a few seconds loading, and one after the other they would take
 * several minutes.
 */

type Env = Record<string, string | undefined>;

interface Backend {
  name: string;
  /** Creates a private database; `migrated` runs `migrate deploy` first (PostgreSQL is not migrated on the fly). */
  setup(options: { migrated: boolean }): Promise<{ env: Env; cleanup(): Promise<void> }>;
}

/** See createEmptyDatabaseTemplate: copied into each embedded test's own data directory. */
let template: TempDataDir | undefined;
beforeAll(async () => {
  template = await createEmptyDatabaseTemplate();
}, 120_000);
afterAll(async () => {
  await template?.cleanup();
});

const embedded: Backend = {
  name: 'embedded',
  async setup() {
    const dir = tempDataDir(template?.dataDir);
    return { env: { KANTA_DATA_DIR: dir.dataDir }, cleanup: dir.cleanup };
  },
};

const testDatabaseUrl = process.env.TEST_DATABASE_URL;
const postgres: Backend | undefined = testDatabaseUrl
  ? {
      name: 'postgresql',
      async setup({ migrated }) {
        const schema = `cli_${randomBytes(6).toString('hex')}`;
        const url = new URL(testDatabaseUrl);
        url.searchParams.set('schema', schema);
        // KANTA_DATA_DIR still points somewhere private so that a mistake cannot touch .kanta/data.
        const dir = tempDataDir();
        const env = { DATABASE_URL: url.toString(), KANTA_DATA_DIR: dir.dataDir };
        const cleanup = async () => {
          const client = new pg.Client({ connectionString: testDatabaseUrl });
          await client.connect();
          try {
            await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          } finally {
            await client.end();
          }
          await dir.cleanup();
        };
        if (migrated) {
          try {
            await cliOk(['migrate', 'deploy'], env);
          } catch (error) {
            await cleanup();
            throw error;
          }
        }
        return { env, cleanup };
      },
    }
  : undefined;

const backends = postgres ? [embedded, postgres] : [embedded];

interface CreatedStoreJson {
  id: string;
  publishableKey: string;
  secretKey: string;
}

interface KeyRow {
  id: string;
  kind: string;
  name: string;
  prefix: string;
  revokedAt: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A stack trace printed to the user: "    at fn (file:line:col)". */
const STACK_LINE = /^\s+at\s/m;

/** Lines of stderr that carry text (a trailing newline is not a second line). */
function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

describe.concurrent('kanta CLI', () => {
  for (const backend of backends) {
    test(`[${backend.name}] store create/list and keys create/list/revoke, each in its own process`, async ({
      expect,
      onTestFinished,
    }) => {
      const { env, cleanup } = await backend.setup({ migrated: true });
      onTestFinished(cleanup);

      const created = await cliJson<CreatedStoreJson>(['store', 'create', '--name', 'Demo', '--json'], env);
      expect(Object.keys(created).sort()).toEqual(['id', 'publishableKey', 'secretKey']);
      expect(created.id).toMatch(UUID);
      expect(created.publishableKey).toMatch(/^pk_[0-9A-Za-z]{32}$/);
      expect(created.secretKey).toMatch(/^sk_[0-9A-Za-z]{32}$/);

      // A second process finds what the first one wrote: the data is persisted, not kept in memory.
      const stores = await cliJson<{ id: string; name: string; defaultCurrency: string; timezone: string }[]>(
        ['store', 'list', '--json'],
        env,
      );
      expect(stores).toEqual([
        expect.objectContaining({ id: created.id, name: 'Demo', defaultCurrency: 'EUR', timezone: 'UTC' }),
      ]);

      const key = await cliJson<{ id: string; key: string }>(
        ['keys', 'create', '--store', created.id, '--kind', 'secret', '--name', 'backend', '--json'],
        env,
      );
      expect(Object.keys(key).sort()).toEqual(['id', 'key']);
      expect(key.id).toMatch(UUID);
      expect(key.key).toMatch(/^sk_[0-9A-Za-z]{32}$/);
      expect(key.key).not.toBe(created.secretKey);

      // Another store's id must not reach this key.
      const wrongStore = await runCli(['keys', 'revoke', key.id, '--store', randomUUID()], env);
      expect(wrongStore.code).toBe(1);
      expect(lines(wrongStore.stderr)).toEqual(['kanta: API key was not found']);

      const revoke = await runCli(['keys', 'revoke', key.id, '--store', created.id], env);
      expect(revoke.stderr).toBe('');
      expect(revoke.code).toBe(0);
      expect(revoke.stdout).toContain(key.id);

      const listOutput = await cliOk(['keys', 'list', '--store', created.id, '--json'], env);
      // Secret keys are stored as hashes and must never be printed again.
      expect(listOutput).not.toContain(created.secretKey);
      expect(listOutput).not.toContain(key.key);
      const listed = JSON.parse(listOutput) as KeyRow[];
      expect(listed).toHaveLength(3);
      expect(listed.map((row) => row.kind).sort()).toEqual(['PUBLISHABLE', 'SECRET', 'SECRET']);
      for (const row of listed) {
        if (row.id !== key.id) expect(row.revokedAt, row.kind).toBeNull();
      }
      const revoked = listed.find((row) => row.id === key.id);
      expect(revoked).toMatchObject({ kind: 'SECRET', name: 'backend', prefix: key.key.slice(0, 11) });
      expect(Date.parse(revoked?.revokedAt ?? '')).not.toBeNaN();
    }, 420_000);

    test(`[${backend.name}] migrate status shows pending migrations, deploy applies them, status then shows them applied`, async ({
      expect,
      onTestFinished,
    }) => {
      const names = migrationNames();
      expect(names.length, 'prisma/migrations holds no migration').toBeGreaterThan(0);
      const { env, cleanup } = await backend.setup({ migrated: false });
      onTestFinished(cleanup);

      const before = await runCli(['migrate', 'status', '--json'], env);
      expect(before.code, before.stderr).toBe(1);
      expect(JSON.parse(before.stdout)).toMatchObject({ applied: [], pending: names, failed: [] });

      const deploy = await runCli(['migrate', 'deploy'], env);
      expect(deploy.code, deploy.stderr).toBe(0);
      expect(deploy.stdout).toContain(`Applied ${names.length} migration(s)`);
      for (const name of names) expect(deploy.stdout).toContain(name);

      const status = await runCli(['migrate', 'status'], env);
      expect(status.code, status.stderr).toBe(0);
      expect(lines(status.stdout)).toEqual(names.map((name) => `applied  ${name}`));
    }, 420_000);
  }

  test('--help on every command prints its usage and description and exits 0', async ({ expect }) => {
    const commands = [
      [],
      ['serve'],
      ['migrate'],
      ['migrate', 'deploy'],
      ['migrate', 'status'],
      ['migrate', 'resolve'],
      ['db', 'migration', 'create'],
      ['store', 'create'],
      ['store', 'list'],
      ['keys', 'create'],
      ['keys', 'list'],
      ['keys', 'revoke'],
      ['seed', 'demo'],
      ['import'],
      ['import', 'orders'],
      ['import', 'customers'],
      ['import', 'products'],
      ['webhooks'],
      ['webhooks', 'secret'],
      ['loyalty'],
      ['loyalty', 'jobs'],
      ['loyalty', 'reconcile'],
      ['feedback'],
      ['feedback', 'jobs'],
      ['analytics'],
      ['analytics', 'jobs'],
      ['analytics', 'fit'],
      ['analytics', 'segments'],
      ['recs'],
      ['recs', 'rebuild'],
      ['recs', 'evaluate'],
    ];
    // No database is involved: --help must not need one (and must not create .kanta/data).
    const dir = tempDataDir();
    try {
      const results = await mapLimit(commands, 4, (command) =>
        runCli([...command, '--help'], { KANTA_DATA_DIR: dir.dataDir }),
      );
      results.forEach((result, index) => {
        const command = ['kanta', ...commands[index]!].join(' ');
        expect(result.code, `${command} --help: ${result.stderr}`).toBe(0);
        const [usage, blank, description] = result.stdout.split('\n');
        expect(usage, command).toMatch(new RegExp(`^Usage: ${command}( |$)`));
        expect(blank, command).toBe('');
        // Commander prints the description right after the usage line, before Options/Commands.
        expect(description, `${command} has no description`).toMatch(/^[A-Z].{9,}/);
        expect(description, `${command} has no description`).not.toMatch(/^(Options|Commands|Arguments):/);
        expect(result.stderr, command).toBe('');
      });
      expect(fs.existsSync(dir.dataDir)).toBe(false);
    } finally {
      await dir.cleanup();
    }
  }, 420_000);

  test('bad store input exits 1 with one line naming the field and the rule, and creates nothing', async ({
    expect,
    onTestFinished,
  }) => {
    const dir = tempDataDir(template?.dataDir);
    onTestFinished(dir.cleanup);
    const env = { KANTA_DATA_DIR: dir.dataDir };
    const cases: { args: string[]; error: RegExp }[] = [
      { args: ['--name', ''], error: /^kanta: invalid input: name: must not be empty$/ },
      {
        args: ['--name', 'Shop', '--currency', 'EURO'],
        error: /^kanta: invalid input: defaultCurrency: must be an ISO 4217 currency code/,
      },
      {
        args: ['--name', 'Shop', '--origin', 'https://ok.example', '--origin', 'ftp://x'],
        error: /^kanta: invalid input: allowedOrigins\.1: must be an http\(s\) origin/,
      },
    ];
    // One after the other: these processes share one embedded database, which a short-lived owner
    // takes down when it exits.
    for (const { args, error } of cases) {
      const result = await runCli(['store', 'create', ...args, '--json'], env);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stdout, args.join(' ')).toBe('');
      expect(lines(result.stderr), args.join(' ')).toHaveLength(1);
      expect(result.stderr.trimEnd(), args.join(' ')).toMatch(error);
    }

    const banana = await runCli(['keys', 'create', '--store', randomUUID(), '--kind', 'banana'], env);
    expect(banana.code).toBe(1);
    expect(banana.stdout).toBe('');
    expect(banana.stderr).toMatch(/--kind/);
    expect(banana.stderr).toMatch(/banana/);
    expect(banana.stderr).toMatch(/must be "publishable" or "secret"/);
    expect(banana.stderr).not.toMatch(STACK_LINE);

    const stores = await cliJson<unknown[]>(['store', 'list', '--json'], env);
    expect(stores).toEqual([]);
  }, 420_000);

  test('a bad environment variable stops a command with one line naming it, no stack trace', async ({
    expect,
    onTestFinished,
  }) => {
    const dir = tempDataDir();
    onTestFinished(dir.cleanup);
    const base = { KANTA_DATA_DIR: dir.dataDir };
    const cases: { args: string[]; env: Env; stderr: string; entry?: string }[] = [
      {
        args: ['serve'],
        env: { PORT: 'abc' },
        stderr: 'kanta: invalid configuration: PORT must be a number, got "abc"',
      },
      {
        args: ['serve', '--port', '70000'],
        env: {},
        stderr: 'kanta: invalid configuration: PORT must be between 1 and 65535, got "70000"',
      },
      {
        args: ['store', 'list'],
        env: { LOG_LEVEL: 'loud' },
        stderr:
          'kanta: invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      },
      {
        // The connection URL may hold a password: it must not reach logs or terminals.
        args: ['store', 'list'],
        env: { DATABASE_URL: 'mysql://admin:hunter2@db.internal/kanta' },
        stderr: 'kanta: invalid configuration: DATABASE_URL must be a postgresql:// connection URL, got (value hidden)',
      },
      {
        // The plain server entry point (src/main.ts) reports the same way.
        args: [],
        entry: 'src/main.ts',
        env: { PORT: 'abc' },
        stderr: 'kanta: invalid configuration: PORT must be a number, got "abc"',
      },
    ];
    const results = await mapLimit(cases, 5, (item) => {
      if (!item.entry) return runCli(item.args, { ...base, ...item.env });
      const entry = item.entry;
      return withProcessSlot(() => {
        const child = spawn(process.execPath, ['--import', 'tsx', entry, ...item.args], {
          cwd: SERVER_DIR,
          env: childEnv({ ...base, ...item.env }),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        return completion(child, 100_000, entry);
      });
    });
    results.forEach((result, index) => {
      const item = cases[index]!;
      const label = `${Object.entries(item.env)
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')} ${item.entry ?? 'kanta'} ${item.args.join(' ')}`;
      expect(result.code, label).toBe(1);
      expect(result.stderr, label).toBe(`${item.stderr}\n`);
      expect(result.stdout, label).toBe('');
    });
    // Configuration is checked before the database is opened.
    expect(fs.existsSync(dir.dataDir)).toBe(false);
  }, 420_000);

  test('seed demo is idempotent: a second run finds the same store and keys', async ({ expect, onTestFinished }) => {
    const dir = tempDataDir();
    onTestFinished(dir.cleanup);
    // A data directory whose parents do not exist yet, as on a first `pnpm kanta seed demo`.
    const env = { KANTA_DATA_DIR: path.join(dir.root, 'nested', 'kanta', 'data') };
    const first = await cliJson<{ storeId: string; publishableKey: string; secretKey: string }>(
      ['seed', 'demo', '--json'],
      env,
    );
    expect(Object.keys(first).sort()).toEqual(['publishableKey', 'secretKey', 'storeId']);
    expect(first.storeId).toMatch(UUID);
    expect(first.secretKey).toMatch(/^sk_[0-9A-Za-z]{32}$/);
    const second = await cliJson<typeof first>(['seed', 'demo', '--json'], env);
    expect(second).toEqual(first);
  }, 420_000);

  test('the CLI shares the database of a running server; SIGTERM lets an in-flight request finish', async ({
    expect,
    onTestFinished,
  }) => {
    const dir = tempDataDir(template?.dataDir);
    const env = { KANTA_DATA_DIR: dir.dataDir, LOG_LEVEL: 'warn' };
    let server: ServerProcess | undefined;
    onTestFinished(async () => {
      await killServer(server);
      await dir.cleanup();
    });

    server = await startServe(env);
    const lockFile = `${dir.dataDir}.lock`;
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid).toBe(server.child.pid);

    // Both commands run while the server owns the embedded database: they must join it, not fail.
    // One after the other: run concurrently, one of them intermittently fails with "Server has
    // closed the connection" (a bug in the socket sharing, reported separately).
    const alpha = await cliJson<CreatedStoreJson>(['store', 'create', '--name', 'Alpha', '--json'], env);
    const beta = await cliJson<CreatedStoreJson>(['store', 'create', '--name', 'Beta', '--json'], env);
    expect(server.child.exitCode).toBeNull();

    const asAlpha = await graphql(server.url, '{ store { id name } }', alpha.secretKey);
    expect(asAlpha.status).toBe(200);
    expect(asAlpha.body).toEqual({ data: { store: { id: alpha.id, name: 'Alpha' } } });

    // Tenant isolation: Beta's key answers Beta and nothing of Alpha.
    const asBeta = await graphql(server.url, '{ store { id name } }', beta.secretKey);
    expect(asBeta.body).toEqual({ data: { store: { id: beta.id, name: 'Beta' } } });
    expect(JSON.stringify(asBeta.body)).not.toContain(alpha.id);
    expect(JSON.stringify(asBeta.body)).not.toContain('Alpha');

    // A storefront key runs the persisted widget operations, and only those (the production default).
    const storefrontId = [...loadPersistedOperations().keys()].find((id) => id.startsWith('KantaStorefront:'))!;
    const storefront = await graphql(server.url, { documentId: storefrontId }, alpha.publishableKey);
    expect(storefront.body).toEqual({ data: { storefront: { name: 'Alpha', defaultLocale: 'en' } } });
    const ownDocument = await graphql(server.url, '{ storefront { name } }', alpha.publishableKey);
    expect(ownDocument.status).toBe(403);
    expect(ownDocument.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_DOCUMENT_REQUIRED');

    const anonymous = await graphql(server.url, '{ store { id name } }');
    expect(anonymous.body.data?.store ?? null).toBeNull();
    expect(anonymous.body.errors?.length).toBeGreaterThan(0);
    expect(anonymous.body.errors?.[0]?.message).toMatch(/api key/i);
    expect(JSON.stringify(anonymous.body)).not.toContain('Alpha');

    // Graceful shutdown: the request's headers and half its body are in the server when SIGTERM
    // arrives; the rest of the body follows once the server has stopped accepting connections.
    const slow = slowGraphqlRequest(server.url, '{ store { id name } }', alpha.secretKey);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    server.child.kill('SIGTERM');
    const deadline = Date.now() + 10_000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      try {
        await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(1_000) });
        await new Promise((resolve) => setTimeout(resolve, 100));
      } catch {
        refused = true;
      }
    }
    expect(refused, 'the server kept accepting connections after SIGTERM').toBe(true);
    expect(server.child.exitCode, 'the server exited with a request in flight').toBeNull();
    slow.finish();
    const response = await slow.response;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ data: { store: { id: alpha.id, name: 'Alpha' } } });
    const exit = await server.exited;
    expect(exit.signal).toBeNull();
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stderr).not.toMatch(/shutdown timeout/);
    // A clean exit releases the embedded database for the next process.
    expect(fs.existsSync(lockFile)).toBe(false);

    // Restarted on the same data directory, the server still has both stores.
    server = await startServe(env);
    const again = await graphql(server.url, '{ store { id name } }', alpha.secretKey);
    expect(again.body).toEqual({ data: { store: { id: alpha.id, name: 'Alpha' } } });
    const stopped = await server.stop();
    expect(stopped.code, stopped.stderr).toBe(0);
  }, 420_000);
});
