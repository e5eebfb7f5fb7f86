import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, test } from 'vitest';
import {
  cliJson,
  cliOk,
  createEmptyDatabaseTemplate,
  runCli,
  SERVER_DIR,
  type TempDataDir,
  tempDataDir,
} from './process-helpers.ts';

/**
 * `kanta import orders` as a user runs it: a process of its own against the embedded database (and
 * PostgreSQL when TEST_DATABASE_URL is set). Three processes per backend: each costs seconds.
 */

type Env = Record<string, string | undefined>;
const FIXTURE = path.join(SERVER_DIR, 'test/fixtures/messy-orders.csv');

let template: TempDataDir | undefined;
beforeAll(async () => {
  template = await createEmptyDatabaseTemplate();
}, 120_000);
afterAll(async () => {
  await template?.cleanup();
});

async function embedded(): Promise<{ env: Env; cleanup(): Promise<void> }> {
  const dir = tempDataDir(template?.dataDir);
  return { env: { KANTA_DATA_DIR: dir.dataDir }, cleanup: dir.cleanup };
}

async function postgres(base: string): Promise<{ env: Env; cleanup(): Promise<void> }> {
  const schema = `import_cli_${randomBytes(6).toString('hex')}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  const dir = tempDataDir();
  const env = { DATABASE_URL: url.toString(), KANTA_DATA_DIR: dir.dataDir };
  await cliOk(['migrate', 'deploy'], env);
  return {
    env,
    async cleanup() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      await dir.cleanup();
    },
  };
}

interface ImportReportJson {
  rows: number;
  imported: number;
  alreadyPresent: number;
  dryRun: boolean;
  orders: { lines: number; returns: number; guests: number };
  skipped: { count: number; rows: { line: number; reason: string }[]; reasons: Record<string, number> };
}

const backends: [string, () => Promise<{ env: Env; cleanup(): Promise<void> }>][] = [['embedded', embedded]];
if (process.env.TEST_DATABASE_URL) backends.push(['postgresql', () => postgres(process.env.TEST_DATABASE_URL!)]);

describe.concurrent('kanta import orders', () => {
  for (const [name, setup] of backends) {
    test(`[${name}] imports the messy fixture with a JSON report; a second run imports nothing new`, async ({
      expect,
      onTestFinished,
    }) => {
      const { env, cleanup } = await setup();
      onTestFinished(cleanup);
      const store = await cliJson<{ id: string }>(['store', 'create', '--name', 'Import', '--json'], env);

      const args = ['import', 'orders', FIXTURE, '--store', store.id, '--preset', 'online-retail'];
      const first = await runCli([...args, '--timezone', 'Europe/Helsinki', '--json'], env);
      expect(first.code, first.stderr).toBe(0);
      // stdout is only the report; progress (not a TTY here) goes to stderr.
      const report = JSON.parse(first.stdout) as ImportReportJson;
      expect(report).toMatchObject({
        rows: 25,
        imported: 11,
        alreadyPresent: 0,
        dryRun: false,
        orders: { lines: 18, returns: 2, guests: 3 },
        skipped: { count: 7 },
      });
      expect(report.skipped.rows.map((skip) => skip.line)).toEqual([7, 18, 20, 21, 24, 25, 27]);

      const second = await runCli(args, env);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain('imported (new):   0 orders');
      expect(second.stdout).toContain('already present:  11');
      expect(second.stdout).toContain('line 18: placedAt: unreadable date "not a date"');
      expect(second.stdout).toContain('skipped:          7 rows');

      // A mistake in the options is one line on stderr and exit code 1.
      const bad = await runCli([...args, '--map', 'InvoiceNo=nonsense'], env);
      expect(bad.code).toBe(1);
      expect(bad.stderr.trim()).toMatch(/^kanta: invalid input: map: "InvoiceNo=nonsense": unknown field "nonsense"/);
    }, 300_000);
  }
});
