/**
 * Loyalty benchmark: (1) points earning for bulk order ingest — the CDNOW sample imported, then its
 * order events delivered to the loyalty subscribers, in orders per second, against a baseline of the
 * same events delivered to no-op handlers (the outbox's own cost) in the same run; (2) `me { loyalty }`
 * latency through yoga.fetch for signed-in shoppers, against `viewer { kind }` (auth and GraphQL
 * overhead with no loyalty work) in the same run. PGlite always; PostgreSQL too when DATABASE_URL is set.
 *
 *   npx tsx bench/loyalty.ts [--file PATH] [--requests N] [--only pglite|postgres]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signCustomerToken } from '../server/src/auth/sign-customer-token.ts';
import { loadConfig } from '../server/src/config.ts';
import { DomainEvents } from '../server/src/events/events.ts';
import { createDomainEvents } from '../server/src/events/subscribers.ts';
import { silentLogger } from '../server/src/logger.ts';
import { importOrdersFromFile } from '../server/src/modules/imports/imports.service.ts';
import { EXAMPLE_RULES } from '../server/src/modules/loyalty/example-program.ts';
import { reconcile } from '../server/src/modules/loyalty/ledger.service.ts';
import { updateProgram } from '../server/src/modules/loyalty/program.service.ts';
import { createStore } from '../server/src/modules/stores/stores.service.ts';
import { createKantaYoga } from '../server/src/yoga.ts';
import {
  type BenchDatabase,
  machineLine,
  mulberry32,
  openPglite,
  openPostgres,
  percentile,
  printTable,
  status,
} from './lib.ts';

const DEFAULT_FILE = path.resolve(import.meta.dirname, '../../shared/data/cdnow/CDNOW_sample.txt');

const HELP = `Usage: npx tsx bench/loyalty.ts [options]

Measures, on PGlite (in memory) and, when DATABASE_URL is set, on that PostgreSQL (private schema):
  (1) points earning: the CDNOW sample is imported (cdnow preset), then its order.recorded events are
      delivered to the loyalty subscribers (earn, first-order bonus, tier evaluation); orders per second,
      against the same events delivered to no-op handlers (baseline: the outbox alone)
  (2) me { loyalty } latency for signed-in shoppers through yoga.fetch, against viewer { kind }
      (baseline: key + customer token + GraphQL with no loyalty work)

Options:
  --file PATH       CDNOW-format file (default ../shared/data/cdnow/CDNOW_sample.txt)
  --requests N      requests per latency path (default 500)
  --only DATABASE   pglite or postgres
  -h, --help        this text

Environment: DATABASE_URL=postgresql://user@host:5432/db to include PostgreSQL.`;

/** The README's example program, with a lifetime tier window so 1997 orders reach tiers. */
const RULES = { ...EXAMPLE_RULES, tiers: { ...EXAMPLE_RULES.tiers, window: 'LIFETIME' as const } };

const ME_QUERY = `query Me { me { loyalty { points lifetimePoints tier { name } nextTier { name remaining }
  expiringPoints { points on } history(first: 5) { edges { node { kind points reason } } } } } }`;
const VIEWER_QUERY = 'query Viewer { viewer { kind customerExternalId } }';

interface EarnResult {
  database: string;
  orders: number;
  baselineSeconds: number;
  loyaltySeconds: number;
  earnRows: number;
  issues: number;
}

interface LatencyResult {
  database: string;
  path: string;
  requests: number;
  p50: number;
  p95: number;
  mean: number;
}

const noop = async () => {};

async function earning(target: BenchDatabase, file: string): Promise<{ result: EarnResult; store: Store }> {
  const { db, name } = target;
  const store = await createStore(db.prisma, { name: 'bench loyalty', defaultCurrency: 'USD' });
  await updateProgram(db.prisma, store.id, { name: 'Bench rewards', rules: RULES });
  status(`${name}: importing ${path.basename(file)}`);
  const report = await importOrdersFromFile(db.prisma, store.id, file, { preset: 'cdnow' });
  const orders = await db.prisma.outboxEvent.count({ where: { storeId: store.id, type: 'order.recorded' } });
  status(`${name}: ${report.imported} orders imported; delivering their events`);

  // Baseline: the same events, claimed and marked processed by handlers that do nothing.
  const baselineEvents = new DomainEvents(db, silentLogger());
  for (const type of ['order.recorded', 'customer.created'] as const) baselineEvents.subscribe(type, 'noop', noop);
  let started = performance.now();
  await baselineEvents.drain();
  const baselineSeconds = (performance.now() - started) / 1000;
  await db.prisma.outboxEvent.updateMany({
    where: { storeId: store.id },
    data: { processedAt: null, availableAt: new Date(0), attempts: 0 },
  });

  const events = createDomainEvents(db, silentLogger());
  started = performance.now();
  await events.drain();
  const loyaltySeconds = (performance.now() - started) / 1000;
  const earnRows = await db.prisma.pointsTransaction.count({
    where: { storeId: store.id, kind: 'EARN', source: 'ORDER' },
  });
  const issues = (await reconcile(db.prisma, store.id)).length;
  status(`${name}: ${Math.round(orders / loyaltySeconds).toLocaleString('en')} orders/s earning points`);
  return { result: { database: name, orders, baselineSeconds, loyaltySeconds, earnRows, issues }, store };
}

type Store = Awaited<ReturnType<typeof createStore>>;

async function latency(target: BenchDatabase, store: Store, requests: number): Promise<LatencyResult[]> {
  const { db, name } = target;
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  const yoga = createKantaYoga({ db, config, logger: silentLogger(), events: createDomainEvents(db, silentLogger()) });
  const identities = await db.prisma.customerIdentity.findMany({
    where: { storeId: store.id, source: 'cdnow' },
    select: { externalId: true },
    orderBy: { externalId: 'asc' },
  });
  const random = mulberry32(7);
  const tokens = await Promise.all(
    Array.from({ length: 200 }, () => identities[Math.floor(random() * identities.length)]!).map((identity) =>
      signCustomerToken(store.secretKey, `cdnow:${identity.externalId}`),
    ),
  );
  const run = async (query: string, count: number, check: (body: { data?: any }) => boolean): Promise<number[]> => {
    const times: number[] = [];
    for (let index = 0; index < count; index++) {
      const started = performance.now();
      const response = await yoga.fetch(
        new Request('http://kanta.bench/graphql', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${store.publishableKey}`,
            'x-kanta-customer': tokens[index % tokens.length]!,
          },
          body: JSON.stringify({ query }),
        }),
      );
      const body = await response.json();
      times.push(performance.now() - started);
      if (!check(body)) throw new Error(`unexpected response: ${JSON.stringify(body).slice(0, 300)}`);
    }
    return times;
  };
  const meOk = (body: { data?: any }) => typeof body?.data?.me?.loyalty?.points === 'number';
  const viewerOk = (body: { data?: any }) => body?.data?.viewer?.kind === 'CUSTOMER';
  // Warm-up: JIT, Prisma's query compiler, the database's caches; not measured.
  await run(ME_QUERY, 50, meOk);
  await run(VIEWER_QUERY, 50, viewerOk);
  const results: LatencyResult[] = [];
  for (const [label, query, check] of [
    ['viewer { kind } (baseline)', VIEWER_QUERY, viewerOk],
    ['me { loyalty }', ME_QUERY, meOk],
  ] as const) {
    const times = (await run(query, requests, check)).sort((a, b) => a - b);
    const result = {
      database: name,
      path: label,
      requests,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      mean: times.reduce((sum, time) => sum + time, 0) / times.length,
    };
    status(`${name} ${label}: p50 ${result.p50.toFixed(2)} ms, p95 ${result.p95.toFixed(2)} ms`);
    results.push(result);
  }
  return results;
}

async function main() {
  const { values } = parseArgs({
    options: {
      file: { type: 'string', default: DEFAULT_FILE },
      requests: { type: 'string', default: '500' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const requests = Number(values.requests);
  if (!Number.isInteger(requests) || requests < 10 || requests > 100_000)
    throw new Error(`--requests must be a whole number from 10 to 100000, got "${values.requests}"`);
  if (values.only && values.only !== 'pglite' && values.only !== 'postgres')
    throw new Error(`--only must be pglite or postgres, got "${values.only}"`);
  const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), values.file!);
  if (!fs.existsSync(file)) throw new Error(`--file: ${file} does not exist`);
  const databaseUrl = process.env.DATABASE_URL;
  if (values.only === 'postgres' && !databaseUrl) throw new Error('--only postgres needs DATABASE_URL');

  process.stdout.write(
    `Kanta loyalty benchmark: ${path.basename(file)}, ${requests} requests per path\n${machineLine()}\n`,
  );
  const earnResults: EarnResult[] = [];
  const latencyResults: LatencyResult[] = [];
  const targets: (() => Promise<BenchDatabase>)[] = [];
  if (values.only !== 'postgres') targets.push(openPglite);
  if (values.only !== 'pglite' && databaseUrl) targets.push(() => openPostgres(databaseUrl));
  for (const open of targets) {
    const target = await open();
    try {
      const { result, store } = await earning(target, file);
      earnResults.push(result);
      latencyResults.push(...(await latency(target, store, requests)));
    } finally {
      await target.dispose();
    }
  }

  printTable(
    ['database', 'orders', 'baseline s', 'orders/s (baseline)', 'loyalty s', 'orders/s earning', 'vs baseline', 'note'],
    earnResults.map((result) => [
      result.database,
      result.orders.toLocaleString('en'),
      result.baselineSeconds.toFixed(2),
      Math.round(result.orders / result.baselineSeconds).toLocaleString('en'),
      result.loyaltySeconds.toFixed(2),
      Math.round(result.orders / result.loyaltySeconds).toLocaleString('en'),
      `${(result.baselineSeconds / result.loyaltySeconds).toFixed(2)}×`,
      [
        result.earnRows === result.orders ? '' : `${result.earnRows} earn rows for ${result.orders} orders`,
        result.issues ? `${result.issues} accounts do not reconcile` : 'ledger reconciles',
      ]
        .filter(Boolean)
        .join('; '),
    ]),
    new Set([1, 2, 3, 4, 5, 6]),
  );
  printTable(
    ['database', 'query', 'requests', 'p50 ms', 'p95 ms', 'mean ms', 'p50 vs baseline'],
    latencyResults.map((result) => {
      const base = latencyResults.find(
        (other) => other.database === result.database && other.path.includes('baseline'),
      );
      return [
        result.database,
        result.path,
        String(result.requests),
        result.p50.toFixed(2),
        result.p95.toFixed(2),
        result.mean.toFixed(2),
        base ? `${(result.p50 / base.p50).toFixed(2)}×` : '-',
      ];
    }),
    new Set([2, 3, 4, 5, 6]),
  );
}

try {
  await main();
  // The migration engine leaves a timer behind.
  process.exit(0);
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(1);
}
