/**
 * Analytics benchmark: a seeded, realistic retail history (bench/analytics-data.ts: cohorts, BG/NBD-like
 * buyers, seasonality, discounts, returns, cancellations, guests, surveys and cases) is bulk-inserted
 * into a fresh store, then the admin dashboard query for the last complete month is timed through
 * yoga.fetch against `viewer { kind }` with the same secret key (GraphQL + auth overhead) in the same
 * run; so is the CLV model fit (BG/NBD + Gamma-Gamma with predictions). PGlite always; PostgreSQL too when DATABASE_URL is set.
 *
 *   npx tsx bench/analytics.ts [--customers 5000] [--lines 500000] [--requests 30] [--only pglite|postgres] [--seed 1]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/src/config.ts';
import type { Database } from '../server/src/db/database.ts';
import { uuidv7 } from '../server/src/db/uuid7.ts';
import { createDomainEvents } from '../server/src/events/subscribers.ts';
import { silentLogger } from '../server/src/logger.ts';
import { fitCustomerModels } from '../server/src/modules/analytics/clv/clv.service.ts';
import { createStore } from '../server/src/modules/stores/stores.service.ts';
import { createKantaYoga, type KantaYoga } from '../server/src/yoga.ts';
import {
  defaultStart,
  generateRetailData,
  insertRetailData,
  type RetailData,
  summarizeRetailData,
} from './analytics-data.ts';
import {
  type BenchDatabase,
  machineLine,
  openPglite,
  openPostgres,
  percentile,
  printTable,
  progress,
  status,
} from './lib.ts';

/** The dashboard a retailer's admin page asks for: every headline figure, trend, segment and churn band. */
const DASHBOARD_QUERY = `query Dashboard($range: DateRangeInput!, $fresh: Boolean) {
  dashboard(range: $range, fresh: $fresh) {
    range { from to } previousRange { from to } granularity currency timeZone
    kpis { metric value count marginOfError previousValue change higherIsBetter target { name value met } }
    revenueTrend { period value count } activeCustomersTrend { period value count } npsTrend { period value count }
    openCases overdueCases casesOpenedInRange
    segments { segment customers } segmentsComputedAt
    churnRisk { band customers predictedClv12 } modelFittedAt
    computedAt cached
  }
}`;
const VIEWER_QUERY = 'query Viewer { viewer { kind } }';

const TARGET_MS = 500;
const PGLITE_DEFAULT_LINES = 100_000;

const HELP = `Usage: npx tsx bench/analytics.ts [options]

Generates a seeded retail history (customers acquired in cohorts with Q4 peaks, BG/NBD-like buying,
December and weekend seasonality, 1–10 line baskets from a 2,000-product Zipf catalogue, ~25 % discounted,
~8 % returned, ~2 % cancelled, ~10 % guest orders, surveys for ~15 % of sales and follow-up cases),
bulk-inserts it into a fresh store on PGlite (in memory) and, when DATABASE_URL is set, on that PostgreSQL
(private schema, dropped afterwards), then measures through yoga.fetch with the store's secret key:
  - the admin dashboard(range: last complete month) query, computed (fresh: true) and cached, p50/p95,
    against viewer { kind } (baseline: key + GraphQL with no analytics work)
  - fitCustomerModels (CLV) on the generated store

Options:
  --customers N     registered customers (default 5000)
  --lines N         order lines on PostgreSQL (default 500000)
  --pglite-lines N  order lines on PGlite (default 100000, or --lines if smaller: PGlite is single-threaded
                    WebAssembly and 500,000 lines take minutes to insert and seconds per dashboard)
  --months N        months of history, ending where the current month starts (default 24)
  --requests N      timed requests per query (default 30)
  --seed N          generator seed (default 1)
  --concurrency N   INSERT statements in flight on PostgreSQL (default 4; PGlite: 1)
  --only DATABASE   pglite or postgres
  -h, --help        this text

Environment: DATABASE_URL=postgresql://user@host:5432/db to include PostgreSQL.`;

interface InsertResult {
  database: string;
  customers: number;
  sales: number;
  returns: number;
  lines: number;
  responses: number;
  rows: number;
  seconds: number;
  /** The same lines into a scratch table with a primary key only, same statements: the database's raw speed. */
  baselineSeconds: number;
}

interface LatencyResult {
  database: string;
  path: string;
  requests: number;
  p50: number;
  p95: number;
  mean: number;
  note?: string;
}

interface FitResult {
  database: string;
  seconds: number | null;
  note: string;
}

function integer(name: string, value: string | undefined, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max)
    throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return number;
}

async function insert(target: BenchDatabase, data: RetailData, concurrency: number) {
  const { db, name } = target;
  const store = await createStore(db.prisma, { name: 'bench analytics', defaultCurrency: 'EUR' });
  const label = `${name} insert`;
  const started = performance.now();
  const written = await insertRetailData(db.prisma, store.id, data, {
    concurrency,
    onProgress: (done, total) => progress(label, done, total, started, 'rows'),
  });
  const seconds = (performance.now() - started) / 1000;
  const summary = summarizeRetailData(data);
  const baselineSeconds = await baselineInsert(target, data, concurrency);
  const result: InsertResult = {
    database: name,
    customers: summary.customers,
    sales: summary.sales,
    returns: summary.returns,
    lines: summary.lines,
    responses: summary.responses,
    rows: written.rows,
    seconds,
    baselineSeconds,
  };
  status(
    `${label}: ${written.rows.toLocaleString('en')} rows in ${seconds.toFixed(1)} s (${Math.round(summary.lines / seconds).toLocaleString('en')} lines/s)`,
  );
  return { store, result };
}

/** The lines alone, as jsonb_to_recordset batches of 5,000 (same concurrency) into a table with no index but its key. */
async function baselineInsert(target: BenchDatabase, data: RetailData, concurrency: number): Promise<number> {
  const { db, name } = target;
  await db.prisma.$executeRawUnsafe(
    `CREATE TABLE "BenchLine" (id uuid PRIMARY KEY, "orderId" uuid NOT NULL, "storeId" uuid NOT NULL,
       "lineNumber" int NOT NULL, sku text, name text NOT NULL, quantity int NOT NULL, "unitPrice" int NOT NULL,
       discount int NOT NULL, total bigint NOT NULL)`,
  );
  const storeId = randomUUID();
  const label = `${name} baseline lines`;
  const started = performance.now();
  let done = 0;
  function* batches(): Generator<Record<string, unknown>[]> {
    let batch: Record<string, unknown>[] = [];
    for (const order of data.orders) {
      const orderId = uuidv7();
      order.lines.forEach((line, index) => {
        batch.push({
          id: uuidv7(),
          orderId,
          lineNumber: index + 1,
          sku: line.sku,
          name: line.name,
          quantity: line.quantity,
          unitPrice: line.unitPrice,
          discount: line.discount,
          total: String(line.quantity * line.unitPrice - Math.sign(line.quantity) * line.discount),
        });
      });
      if (batch.length >= 5000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
  const iterator = batches();
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO "BenchLine" (id, "orderId", "storeId", "lineNumber", sku, name, quantity, "unitPrice", discount, total)
         SELECT x.id, x."orderId", $2::uuid, x."lineNumber", x.sku, x.name, x.quantity, x."unitPrice", x.discount, x.total
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "orderId" uuid, "lineNumber" int, sku text, name text,
              quantity int, "unitPrice" int, discount int, total bigint)`,
        JSON.stringify(next.value),
        storeId,
      );
      done += next.value.length;
      progress(label, done, data.lineCount, started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await db.prisma.$executeRawUnsafe('DROP TABLE "BenchLine"');
  status(`${label}: ${Math.round(data.lineCount / seconds).toLocaleString('en')} lines/s`);
  return seconds;
}

type Post = (query: string, variables?: Record<string, unknown>) => Promise<{ data?: any; errors?: any[] }>;

function poster(yoga: KantaYoga, key: string): Post {
  return async (query, variables) => {
    const response = await yoga.fetch(
      new Request('http://kanta.bench/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      }),
    );
    return (await response.json()) as { data?: any; errors?: any[] };
  };
}

interface Measured {
  label: string;
  query: string;
  variables?: Record<string, unknown>;
  check: (body: { data?: any; errors?: any[] }) => boolean;
}

async function latency(db: Database, name: string, secretKey: string, requests: number, data: RetailData) {
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  const yoga = createKantaYoga({ db, config, logger: silentLogger(), events: createDomainEvents(db, silentLogger()) });
  const post = poster(yoga, secretKey);
  const to = data.end;
  const month = {
    from: new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 1, 1)).toISOString(),
    to: to.toISOString(),
  };
  const computed = (body: { data?: any; errors?: any[] }) => !body.errors && body.data?.dashboard?.kpis?.length > 0;
  const paths: Measured[] = [
    {
      label: 'viewer { kind } (baseline)',
      query: VIEWER_QUERY,
      check: (body) => body.data?.viewer?.kind === 'ADMIN',
    },
    {
      label: 'dashboard (last complete month, fresh: computed)',
      query: DASHBOARD_QUERY,
      variables: { range: month, fresh: true },
      check: computed,
    },
    {
      label: 'dashboard (last complete month, cached)',
      query: DASHBOARD_QUERY,
      variables: { range: month, fresh: false },
      check: computed,
    },
  ];
  const results: LatencyResult[] = [];
  for (const path of paths) {
    const warm = await post(path.query, path.variables);
    if (!path.check(warm)) {
      status(`${name} ${path.label}: failed, skipped: ${JSON.stringify(warm.errors ?? warm).slice(0, 400)}`);
      results.push({ database: name, path: path.label, requests: 0, p50: NaN, p95: NaN, mean: NaN, note: 'failed' });
      continue;
    }
    for (let index = 0; index < 2; index++) await post(path.query, path.variables);
    const times: number[] = [];
    const label = `${name} ${path.label}`;
    const started = performance.now();
    for (let index = 0; index < requests; index++) {
      const begun = performance.now();
      const body = await post(path.query, path.variables);
      times.push(performance.now() - begun);
      if (!path.check(body)) throw new Error(`${label}: unexpected response ${JSON.stringify(body).slice(0, 300)}`);
      progress(label, index + 1, requests, started, 'requests');
    }
    times.sort((a, b) => a - b);
    const result: LatencyResult = {
      database: name,
      path: path.label,
      requests,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      mean: times.reduce((sum, time) => sum + time, 0) / times.length,
    };
    status(`${label}: p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms`);
    results.push(result);
  }
  return results;
}

async function fit(db: Database, name: string, storeId: string): Promise<FitResult> {
  status(`${name}: fitting the CLV models`);
  const started = performance.now();
  try {
    const outcome = await fitCustomerModels(db.prisma, storeId);
    const seconds = (performance.now() - started) / 1000;
    const fitRow = await db.prisma.customerModelFit.findFirst({ where: { storeId }, orderBy: { fittedAt: 'desc' } });
    const predictions = await db.prisma.customerPrediction.count({ where: { storeId } });
    const note = fitRow
      ? `r ${fitRow.r.toFixed(3)}, α ${fitRow.alpha.toFixed(2)}, a ${fitRow.a.toFixed(3)}, b ${fitRow.b.toFixed(3)}; ${predictions.toLocaleString('en')} predictions`
      : `no CustomerModelFit row (${JSON.stringify(outcome)?.slice(0, 120)})`;
    status(`${name}: CLV fit in ${seconds.toFixed(2)} s (${note})`);
    return { database: name, seconds, note };
  } catch (error) {
    return { database: name, seconds: null, note: `failed: ${(error as Error).message.slice(0, 200)}` };
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '5000' },
      lines: { type: 'string', default: '500000' },
      'pglite-lines': { type: 'string' },
      months: { type: 'string', default: '24' },
      requests: { type: 'string', default: '30' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '4' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const customers = integer('customers', values.customers, 1, 1_000_000);
  const lines = integer('lines', values.lines, customers, 50_000_000);
  const pgliteLines = values['pglite-lines']
    ? integer('pglite-lines', values['pglite-lines'], customers, 50_000_000)
    : Math.min(lines, PGLITE_DEFAULT_LINES);
  const months = integer('months', values.months, 2, 120);
  const requests = integer('requests', values.requests, 5, 100_000);
  const seed = integer('seed', values.seed, 0, 2 ** 32 - 1);
  const concurrency = integer('concurrency', values.concurrency, 1, 16);
  if (values.only && values.only !== 'pglite' && values.only !== 'postgres')
    throw new Error(`--only must be pglite or postgres, got "${values.only}"`);
  const databaseUrl = process.env.DATABASE_URL;
  if (values.only === 'postgres' && !databaseUrl) throw new Error('--only postgres needs DATABASE_URL');

  const start = defaultStart(months);
  process.stdout.write(
    `Kanta analytics benchmark: seed ${seed}, ${customers.toLocaleString('en')} customers, ${months} months from ${start.toISOString().slice(0, 10)}, ${requests} requests per query\n${machineLine()}\n`,
  );
  const datasets = new Map<number, RetailData>();
  const dataFor = (orderLines: number) => {
    let data = datasets.get(orderLines);
    if (!data) {
      const started = performance.now();
      data = generateRetailData({ seed, customers, orderLines, start, months });
      status(
        `generated ${orderLines.toLocaleString('en')} lines in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      datasets.set(orderLines, data);
    }
    return data;
  };

  const targets: { open: () => Promise<BenchDatabase>; lines: number; concurrency: number }[] = [];
  if (values.only !== 'postgres') targets.push({ open: openPglite, lines: pgliteLines, concurrency: 1 });
  if (values.only !== 'pglite' && databaseUrl)
    targets.push({ open: () => openPostgres(databaseUrl), lines, concurrency });
  if (pgliteLines !== lines && values.only !== 'postgres')
    process.stdout.write(
      `PGlite runs with ${pgliteLines.toLocaleString('en')} lines${databaseUrl && values.only !== 'pglite' ? `, PostgreSQL with ${lines.toLocaleString('en')}` : ''} (--pglite-lines)\n`,
    );

  const inserts: InsertResult[] = [];
  const latencies: LatencyResult[] = [];
  const fits: FitResult[] = [];
  for (const { open, lines: orderLines, concurrency: inFlight } of targets) {
    const data = dataFor(orderLines);
    const target = await open();
    try {
      const { store, result } = await insert(target, data, inFlight);
      inserts.push(result);
      latencies.push(...(await latency(target.db, target.name, store.secretKey, requests, data)));
      fits.push(await fit(target.db, target.name, store.id));
    } finally {
      await target.dispose();
    }
  }

  printTable(
    [
      'database',
      'customers',
      'sales',
      'returns',
      'lines',
      'responses',
      'rows',
      'insert s',
      'rows/s',
      'lines/s',
      'baseline lines/s',
      'vs baseline',
    ],
    inserts.map((result) => [
      result.database,
      result.customers.toLocaleString('en'),
      result.sales.toLocaleString('en'),
      result.returns.toLocaleString('en'),
      result.lines.toLocaleString('en'),
      result.responses.toLocaleString('en'),
      result.rows.toLocaleString('en'),
      result.seconds.toFixed(1),
      Math.round(result.rows / result.seconds).toLocaleString('en'),
      Math.round(result.lines / result.seconds).toLocaleString('en'),
      Math.round(result.lines / result.baselineSeconds).toLocaleString('en'),
      `${(result.baselineSeconds / result.seconds).toFixed(2)}×`,
    ]),
    new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
  );
  printTable(
    ['database', 'query', 'requests', 'p50 ms', 'p95 ms', 'mean ms', 'p50 vs baseline', 'note'],
    latencies.map((result) => {
      const base = latencies.find((other) => other.database === result.database && other.path.includes('baseline'));
      const isBase = result.path.includes('baseline');
      const note =
        result.note ??
        (isBase
          ? ''
          : result.database === 'PostgreSQL' && result.path.startsWith('dashboard') && !result.path.includes('cached')
            ? result.p95 < TARGET_MS
              ? `p95 under the ${TARGET_MS} ms target`
              : `p95 over the ${TARGET_MS} ms target`
            : '');
      return [
        result.database,
        result.path,
        String(result.requests),
        Number.isNaN(result.p50) ? '-' : result.p50.toFixed(1),
        Number.isNaN(result.p95) ? '-' : result.p95.toFixed(1),
        Number.isNaN(result.mean) ? '-' : result.mean.toFixed(1),
        base && !isBase && !Number.isNaN(result.p50) ? `${(result.p50 / base.p50).toFixed(1)}×` : '-',
        note,
      ];
    }),
    new Set([2, 3, 4, 5, 6]),
  );
  printTable(
    ['database', 'CLV fit s', 'note'],
    fits.map((result) => [result.database, result.seconds === null ? '-' : result.seconds.toFixed(2), result.note]),
    new Set([1]),
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
