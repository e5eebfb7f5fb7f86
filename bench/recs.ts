/**
 * Recommendations benchmark.
 *
 * Part 1, builds: a seeded retail history (bench/analytics-data.ts, ≈ 500,000 order lines with returns,
 * cancellations and guests) is bulk-inserted into a fresh store; then `readPurchases` alone is timed (the
 * baseline: reading the purchases is the floor every rebuild pays), the pure models in memory, and a full
 * `rebuildRecommendations` with its read / model / write steps; then 100 new orders go in through
 * `recordOrders` and an incremental rebuild is timed, and one more with nothing changed (skipped).
 *
 * Part 2, serving: a real HTTP server (createKantaYoga + http.createServer, as server.ts does) runs in this
 * process and a worker thread drives it, so the load generator never shares the server's event loop: 50
 * keep-alive requests in flight, then one at a time, for ≈ 10 s per query (product page, shopper, cart)
 * against `product(sku) { sku name price }` as the baseline in the same run (key check + GraphQL + one
 * read). Then the serving functions are called directly (50, then 1 in flight) for the per-list cost
 * without HTTP and GraphQL.
 *
 *   pnpm bench:recs [--customers 5000] [--lines 500000] [--seconds 10] [--concurrency 50,1] [--pglite]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { signCustomerToken } from '../server/src/auth/sign-customer-token.ts';
import { loadConfig } from '../server/src/config.ts';
import type { Database } from '../server/src/db/database.ts';
import { createDomainEvents } from '../server/src/events/subscribers.ts';
import { silentLogger } from '../server/src/logger.ts';
import { type OrderInput, recordOrders } from '../server/src/modules/orders/orders.service.ts';
import { upsertProducts } from '../server/src/modules/products/products.service.ts';
import { readPurchases, rebuildRecommendations } from '../server/src/modules/recommendations/build.service.ts';
import {
  coPurchaseNeighbours,
  popularityRows,
  SIMILARITY_DEFAULTS,
} from '../server/src/modules/recommendations/model.ts';
import { createStore } from '../server/src/modules/stores/stores.service.ts';
import { createKantaYoga } from '../server/src/yoga.ts';
import { defaultStart, generateRetailData, insertRetailData, type RetailData } from './analytics-data.ts';
import {
  type BenchDatabase,
  machineLine,
  mulberry32,
  openPglite,
  openPostgres,
  percentile,
  printTable,
  progress,
  status,
} from './lib.ts';

const REBUILD_TARGET_S = 30;
const P99_TARGET_MS = 10;
const PGLITE_DEFAULT_LINES = 100_000;
const DAY = 86_400_000;

const HELP = `Usage: pnpm bench:recs [options]      (from server/: npx tsx ../bench/recs.ts [options])

Benchmarks the recommendations module on a seeded retail history (bench/analytics-data.ts: Zipf catalogue
of 2,000 products, 1–10 line baskets, returns, cancellations, ~10 % guest orders, three channels) in a
fresh store: PostgreSQL from DATABASE_URL (a private schema, dropped at the end, also on Ctrl-C), and/or
PGlite in memory with --pglite.

Part 1, builds:
  - readPurchases alone (baseline: the read every rebuild pays), the pure models in memory (both neighbour
    kinds + popularity), a full rebuildRecommendations (read / model / write steps) and its ratio to the
    baseline; target: full rebuild of 500,000 order lines under ${REBUILD_TARGET_S} s on PostgreSQL
  - recordOrders of --new-orders new orders, then an incremental rebuild, then one with nothing changed
Part 2, serving (a real HTTP server in this process, a worker thread as the load generator, keep-alive):
  - product(sku) { sku name price } (baseline), product(sku) { recommendations(first: 10) },
    me { recommendations(first: 10) } (customer tokens), recommendations(skus: [3 skus], first: 10);
    p50/p95/p99 ms and req/s at each --concurrency level; target: p99 < ${P99_TARGET_MS} ms per list at the first
  - productRecommendations / customerRecommendations / basketRecommendations called directly, same
    concurrency: the per-list cost without HTTP and GraphQL, and SQL statements per list

Options:
  --customers N     registered customers (default 5000)
  --lines N         order lines on PostgreSQL (default 500000)
  --pglite          also run on PGlite in memory (alone when DATABASE_URL is not set)
  --pglite-lines N  order lines on PGlite (default ${PGLITE_DEFAULT_LINES.toLocaleString('en')}, or --lines if smaller)
  --months N        months of history, ending where the current month starts (default 24)
  --new-orders N    orders recorded before the incremental rebuild (default 100 — a busy shop's 15 minutes —, at most 1000)
  --seconds N       measured seconds per query and per serving function (default 10; 1 s warm-up each)
  --concurrency N,M requests in flight, one run per level (default 50,1: under load, and one at a
                    time for the latency of a list without queueing); the first level is judged
  --skip-serving    part 1 only
  --seed N          generator seed (default 1)
  -h, --help        this text

Environment: DATABASE_URL=postgresql://user@host:5432/db for PostgreSQL.`;

interface BuildRow {
  database: string;
  step: string;
  seconds: number;
  rows: string;
  note: string;
}

interface LatencyRow {
  database: string;
  path: string;
  inFlight: number;
  requests: number;
  seconds: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  errors: number;
  note: string;
  isList: boolean;
}

interface DatabaseOutcome {
  database: string;
  lines: number;
  fullRebuildSeconds: number | null;
  listP99: { path: string; p99: number }[];
  /** The HTTP baseline at the judged concurrency. */
  baseline?: LatencyRow | undefined;
  failures: string[];
}

function integer(name: string, value: string | undefined, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max)
    throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return number;
}

const seconds = (fromMs: number) => (performance.now() - fromMs) / 1000;
const fmt = (value: number) => value.toLocaleString('en');

// ---------------------------------------------------------------------------------------------------
// Setup

interface Seeded {
  storeId: string;
  publishableKey: string;
  secretKey: string;
  customerIds: Map<string, string>;
  /** Skus a shopper can land on (active), weighted by how often they sell. */
  pageSkus: string[];
  /** Sale baskets (active skus), for carts. */
  baskets: string[][];
}

/** Inserts the history and makes the catalogue look like a live one: old products, a few new, some unavailable. */
async function seed(target: BenchDatabase, data: RetailData, concurrency: number): Promise<Seeded> {
  const { db, name } = target;
  const prisma = db.prisma;
  const store = await createStore(prisma, { name: 'bench recs', defaultCurrency: 'EUR' });
  const label = `${name} insert`;
  const started = performance.now();
  const written = await insertRetailData(prisma, store.id, data, {
    concurrency,
    onProgress: (done, total) => progress(label, done, total, started, 'rows'),
  });
  status(
    `${label}: ${fmt(written.rows)} rows (${fmt(data.lineCount)} order lines) in ${seconds(started).toFixed(1)} s`,
  );

  // Deterministic sets: every 97th product inactive, every 29th out of stock. Serving must skip both.
  const inactive = data.products.filter((_, index) => index % 97 === 96).map((product) => product.sku);
  const outOfStock = data.products.filter((_, index) => index % 29 === 28).map((product) => product.sku);
  // insertRetailData stamps products with now(); a live catalogue is mostly old, so only the new ones below
  // compete for the "new product" slot.
  await prisma.$executeRawUnsafe(
    `UPDATE "Product" SET "createdAt" = $2::timestamptz,
       active = NOT (sku = ANY($3::text[])), "inStock" = NOT (sku = ANY($4::text[]))
     WHERE "storeId" = $1::uuid`,
    store.id,
    data.options.start.toISOString(),
    inactive,
    outOfStock,
  );
  const random = mulberry32(data.options.seed ^ 0x5eed);
  await upsertProducts(
    prisma,
    store.id,
    Array.from({ length: 24 }, (_, index) => {
      const like = data.products[Math.floor(random() * data.products.length)]!;
      return {
        sku: `NEW-${String(index + 1).padStart(3, '0')}`,
        name: `New ${like.name}`,
        price: like.price,
        currency: data.options.currency,
        categoryPath: like.categoryPath,
        tags: ['new'],
        active: true,
        inStock: true,
        imageUrl: `https://img.example/new-${index + 1}.jpg`,
        url: `https://shop.example/p/new-${index + 1}`,
      };
    }),
  );
  await prisma.$executeRawUnsafe('ANALYZE "Product"');

  const unavailable = new Set(inactive);
  const pageSkus: string[] = [];
  const baskets: string[][] = [];
  for (const order of data.orders) {
    if (order.kind !== 'SALE' || order.status === 'CANCELLED') continue;
    const skus = [...new Set(order.lines.map((line) => line.sku))].filter((sku) => !unavailable.has(sku));
    for (const sku of skus) pageSkus.push(sku);
    if (skus.length > 0) baskets.push(skus);
  }
  return {
    storeId: store.id,
    publishableKey: store.publishableKey,
    secretKey: store.secretKey,
    customerIds: written.customerIds,
    pageSkus,
    baskets,
  };
}

/** New orders of existing customers (and ~10 % guests) placed since the history ended, 1–4 popular items each. */
function newOrders(data: RetailData, count: number, seedValue: number): OrderInput[] {
  const random = mulberry32(seedValue ^ 0x0badcafe);
  const now = Date.now();
  const from = Math.max(data.end.getTime(), now - DAY);
  const bySku = new Map(data.products.map((product) => [product.sku, product]));
  const sold = data.orders.filter((order) => order.kind === 'SALE').flatMap((order) => order.lines);
  return Array.from({ length: count }, (_, index) => {
    const customer = random() < 0.1 ? null : data.customers[Math.floor(random() * data.customers.length)]!;
    const channel = (['STORE', 'ONLINE', 'APP'] as const)[Math.floor(random() * 3)]!;
    const skus = new Set<string>();
    const size = 1 + Math.floor(random() * 4);
    while (skus.size < size) skus.add(sold[Math.floor(random() * sold.length)]!.sku);
    const lines: OrderInput['lines'] = [...skus].map((sku) => {
      const product = bySku.get(sku)!;
      return { sku, name: product.name, quantity: 1 + Math.floor(random() * 2), unitPrice: product.price };
    });
    if (channel === 'ONLINE') lines.push({ name: 'Shipping', quantity: 1, unitPrice: 490, kind: 'SHIPPING' });
    return {
      externalId: `bench-new-${index + 1}`,
      customer: customer ? { identities: [{ source: 'bench', externalId: customer.externalId }] } : null,
      channel,
      placedAt: new Date(from + random() * (now - from)),
      currency: data.options.currency,
      lines,
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// Part 1: builds

async function builds(db: Database, name: string, data: RetailData, seeded: Seeded, newOrderCount: number) {
  const prisma = db.prisma;
  const { storeId } = seeded;
  const rows: BuildRow[] = [];

  status(`${name}: readPurchases (warm-up)`);
  await readPurchases(prisma, storeId);
  let started = performance.now();
  const purchases = await readPurchases(prisma, storeId);
  const readSeconds = seconds(started);
  rows.push({
    database: name,
    step: 'baseline: readPurchases alone',
    seconds: readSeconds,
    rows: `${fmt(purchases.length)} purchases`,
    note: `of ${fmt(data.lineCount)} order lines`,
  });
  status(`${name}: readPurchases: ${fmt(purchases.length)} purchases in ${readSeconds.toFixed(2)} s`);

  const now = Date.now();
  started = performance.now();
  const options = { ...SIMILARITY_DEFAULTS, now, halfLifeDays: 365 };
  const alsoBought = coPurchaseNeighbours(purchases, 'ALSO_BOUGHT', options);
  const together = coPurchaseNeighbours(purchases, 'BOUGHT_TOGETHER', options);
  const popularity = popularityRows(purchases, now);
  const modelSeconds = seconds(started);
  rows.push({
    database: name,
    step: 'pure models in memory',
    seconds: modelSeconds,
    rows: `${fmt(alsoBought.lists.length + together.lists.length)} neighbours`,
    note: `${fmt(popularity.length)} popularity rows; no I/O`,
  });
  status(`${name}: models in memory: ${modelSeconds.toFixed(2)} s`);

  // When each step was first reported: a rough read / model / write split of the rebuild.
  const stepStarts = new Map<string, number>();
  const fullLabel = `${name} full rebuild`;
  started = performance.now();
  const full = await rebuildRecommendations(prisma, storeId, {
    full: true,
    onProgress: (step, done, total) => {
      if (!stepStarts.has(step)) stepStarts.set(step, performance.now());
      progress(`${fullLabel}: ${step}`, done, total, stepStarts.get(step)!, step === 'write' ? 'chunks' : 'steps');
    },
  });
  const fullSeconds = seconds(started);
  const ended = performance.now();
  const marks = [...stepStarts.entries()].sort((a, b) => a[1] - b[1]);
  const split = marks
    .map(([step, at], index) => `${step} ${(((marks[index + 1]?.[1] ?? ended) - at) / 1000).toFixed(1)}`)
    .join(', ');
  rows.push({
    database: name,
    step: 'full rebuild (rebuildRecommendations)',
    seconds: fullSeconds,
    rows: `${fmt(full.neighbours)} neighbours`,
    note: `${(fullSeconds / readSeconds).toFixed(1)}× baseline; ${fmt(full.orderLines)} lines, ${fmt(full.orders)} orders, ${fmt(full.buyers)} buyers, ${fmt(full.products)} products${split ? `; steps s: ${split}` : ''}`,
  });
  status(`${fullLabel}: ${fullSeconds.toFixed(2)} s (${full.kind}, ${fmt(full.neighbours)} neighbours)`);

  const orders = newOrders(data, newOrderCount, data.options.seed);
  started = performance.now();
  for (let offset = 0; offset < orders.length; offset += 1000)
    await recordOrders(prisma, storeId, orders.slice(offset, offset + 1000), { source: 'bench' });
  const recordSeconds = seconds(started);
  status(`${name}: recordOrders: ${fmt(orders.length)} new orders in ${recordSeconds.toFixed(2)} s`);
  rows.push({
    database: name,
    step: `recordOrders: ${fmt(orders.length)} new orders`,
    seconds: recordSeconds,
    rows: `${fmt(orders.reduce((sum, order) => sum + order.lines.length, 0))} lines`,
    note: 'not a target; what the incremental build then reads',
  });

  const incrementalStarts = new Map<string, number>();
  started = performance.now();
  const incremental = await rebuildRecommendations(prisma, storeId, {
    onProgress: (step) => {
      if (!incrementalStarts.has(step)) incrementalStarts.set(step, performance.now());
    },
  });
  const incrementalSeconds = seconds(started);
  const incrementalEnded = performance.now();
  const incrementalMarks: [string, number][] = [
    ['prepare', started],
    ...[...incrementalStarts.entries()].sort((a, b) => a[1] - b[1]),
  ];
  const incrementalSplit = incrementalMarks
    .map(
      ([step, at], index) =>
        `${step} ${(((incrementalMarks[index + 1]?.[1] ?? incrementalEnded) - at) / 1000).toFixed(1)}`,
    )
    .join(', ');
  rows.push({
    database: name,
    step: 'incremental rebuild after them',
    seconds: incrementalSeconds,
    rows: `${fmt(incremental.neighbours)} neighbours`,
    note: `${incremental.kind}${incremental.skipped ? ' (skipped!)' : ''}, ${fmt(incremental.changedProducts)} changed products; ${(incrementalSeconds / fullSeconds).toFixed(2)}× the full rebuild; steps s: ${incrementalSplit}`,
  });
  status(`${name} incremental rebuild: ${incrementalSeconds.toFixed(2)} s (${incremental.kind})`);

  started = performance.now();
  const unchanged = await rebuildRecommendations(prisma, storeId, {});
  rows.push({
    database: name,
    step: 'incremental rebuild, nothing changed',
    seconds: seconds(started),
    rows: '-',
    note: unchanged.skipped ? 'skipped, as it should' : `NOT skipped (${unchanged.kind})`,
  });
  return { rows, fullSeconds };
}

// ---------------------------------------------------------------------------------------------------
// Part 2: serving

const ITEMS = 'id items { product { sku name price imageUrl } }';
const QUERIES = {
  baseline: 'query Product($sku: String!) { product(sku: $sku) { sku name price } }',
  product: `query ProductRecs($sku: String!) { product(sku: $sku) { recommendations(first: 10) { ${ITEMS} } } }`,
  me: `query MyRecs { me { recommendations(first: 10) { ${ITEMS} } } }`,
  basket: `query CartRecs($skus: [String!]!) { recommendations(skus: $skus, first: 10) { ${ITEMS} } }`,
};

interface WireRequest {
  headers: Record<string, string>;
  body: string;
}

/**
 * The load generator, run in a worker thread (plain JavaScript, evaluated as CommonJS): `concurrency` lanes
 * each send a request, wait for the answer, send the next, over keep-alive connections, for the warm-up and
 * then the measured seconds (and never more than maxRequests). A response counts as an error when its
 * status is not 200 or its body carries GraphQL errors.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { host, port } = workerData;
function send(agent, request) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request({ host, port, path: '/graphql', method: 'POST', agent,
      headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ ms: performance.now() - started, ok: res.statusCode === 200 && !text.includes('"errors"'), text });
      });
      res.on('error', (error) => resolve({ ms: performance.now() - started, ok: false, text: String(error) }));
    });
    req.on('error', (error) => resolve({ ms: performance.now() - started, ok: false, text: String(error) }));
    req.end(request.body);
  });
}
async function phase(agent, job, seconds, record) {
  const deadline = performance.now() + seconds * 1000;
  const latencies = record ? new Float64Array(job.maxRequests) : null;
  let count = 0, errors = 0, firstError = null, next = 0;
  const started = performance.now();
  const lane = async () => {
    while (performance.now() < deadline && count < job.maxRequests) {
      const request = job.requests[next++ % job.requests.length];
      const result = await send(agent, request);
      if (latencies && count < job.maxRequests) latencies[count] = result.ms;
      count++;
      if (!result.ok) { errors++; if (firstError === null) firstError = result.text.slice(0, 300); }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, lane));
  const wallMs = performance.now() - started;
  return { latencies: latencies ? latencies.slice(0, Math.min(count, job.maxRequests)) : null, count, errors, firstError, wallMs };
}
parentPort.on('message', async (job) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  await phase(agent, job, job.warmupSeconds, false);
  const result = await phase(agent, job, job.seconds, true);
  agent.destroy();
  parentPort.postMessage(result, [result.latencies.buffer]);
});
`;

interface WorkerResult {
  latencies: Float64Array;
  count: number;
  errors: number;
  firstError: string | null;
  wallMs: number;
}

/** A value deep in a parsed GraphQL answer, undefined when any step is missing. */
function dig(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const list = (value: unknown): unknown[] | null => (Array.isArray(value) ? value : null);

function summarize(
  database: string,
  path: string,
  inFlight: number,
  latencies: ArrayLike<number>,
  wallMs: number,
  errors: number,
  note: string,
  isList: boolean,
): LatencyRow {
  const times = Array.from(latencies).sort((a, b) => a - b);
  return {
    database,
    path,
    inFlight,
    requests: times.length,
    seconds: wallMs / 1000,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    mean: times.reduce((sum, time) => sum + time, 0) / Math.max(1, times.length),
    errors,
    note,
    isList,
  };
}

async function serving(
  db: Database,
  name: string,
  seeded: Seeded,
  options: { seconds: number; levels: readonly number[]; seed: number },
): Promise<LatencyRow[]> {
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  const logger = silentLogger();
  // Events are written to the outbox but not delivered: nothing here needs subscribers.
  const yoga = createKantaYoga({ db, config, logger, events: createDomainEvents(db, logger) });
  const server = http.createServer(yoga);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { host: '127.0.0.1', port } });
  const random = mulberry32(options.seed ^ 0x7e57);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const storefront = { 'content-type': 'application/json', authorization: `Bearer ${seeded.publishableKey}` };
  const variants = 2000;

  const skuRequests = (query: string): WireRequest[] =>
    Array.from({ length: variants }, () => ({
      headers: storefront,
      body: JSON.stringify({ query, variables: { sku: pick(seeded.pageSkus) } }),
    }));
  const customers = [...seeded.customerIds.keys()];
  // Tokens live 15 minutes at most: signed now, right before the run.
  const tokens = await Promise.all(
    Array.from({ length: 500 }, () => signCustomerToken(seeded.secretKey, `bench:${pick(customers)}`)),
  );
  const meRequests: WireRequest[] = tokens.map((token) => ({
    headers: { ...storefront, 'x-kanta-customer': token },
    body: JSON.stringify({ query: QUERIES.me }),
  }));
  const basketRequests: WireRequest[] = Array.from({ length: variants }, () => {
    const skus = new Set(pick(seeded.baskets).slice(0, 3));
    while (skus.size < 3) skus.add(pick(seeded.pageSkus));
    return { headers: storefront, body: JSON.stringify({ query: QUERIES.basket, variables: { skus: [...skus] } }) };
  });

  const paths: {
    label: string;
    requests: WireRequest[];
    isList: boolean;
    items: (data: unknown) => unknown[] | null;
  }[] = [
    {
      label: 'product(sku) { sku name price } (baseline)',
      requests: skuRequests(QUERIES.baseline),
      isList: false,
      items: (data) => (dig(data, 'product', 'sku') ? [dig(data, 'product')] : null),
    },
    {
      label: 'product(sku) { recommendations(first: 10) }',
      requests: skuRequests(QUERIES.product),
      isList: true,
      items: (data) => list(dig(data, 'product', 'recommendations', 'items')),
    },
    {
      label: 'me { recommendations(first: 10) }',
      requests: meRequests,
      isList: true,
      items: (data) => list(dig(data, 'me', 'recommendations', 'items')),
    },
    {
      label: 'recommendations(skus: [3 skus], first: 10)',
      requests: basketRequests,
      isList: true,
      items: (data) => list(dig(data, 'recommendations', 'items')),
    },
  ];

  const rows: LatencyRow[] = [];
  try {
    const working: typeof paths = [];
    for (const path of paths) {
      // One request first, to check the answer's shape: a broken query is reported, not timed.
      const probe = path.requests[0]!;
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: probe.headers,
        body: probe.body,
      });
      const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
      const items = body.errors ? null : path.items(body.data);
      if (items) {
        status(`${name} ${path.label}: probe answered ${items.length} items`);
        working.push(path);
        continue;
      }
      status(`${name} ${path.label}: failed, not timed: ${JSON.stringify(body.errors ?? body).slice(0, 400)}`);
      for (const inFlight of options.levels)
        rows.push({ ...summarize(name, path.label, inFlight, [], 0, 1, 'failed', path.isList), requests: 0 });
    }
    for (const inFlight of options.levels)
      for (const path of working) {
        const result = await new Promise<WorkerResult>((resolve, reject) => {
          const fail = (error: Error) => {
            worker.off('message', done);
            reject(error);
          };
          const done = (message: WorkerResult) => {
            worker.off('error', fail);
            resolve(message);
          };
          worker.once('message', done);
          worker.once('error', fail);
          worker.postMessage({
            requests: path.requests,
            concurrency: inFlight,
            warmupSeconds: 1,
            seconds: options.seconds,
            maxRequests: Math.ceil(options.seconds * 50_000),
          });
        });
        const row = summarize(
          name,
          path.label,
          inFlight,
          result.latencies,
          result.wallMs,
          result.errors,
          result.firstError ? `first error: ${result.firstError.slice(0, 120)}` : '',
          path.isList,
        );
        status(
          `${name} ${path.label}, ${inFlight} in flight: ${fmt(row.requests)} requests, ${Math.round(row.requests / row.seconds)} req/s, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms${result.errors ? `, ${result.errors} errors` : ''}`,
        );
        rows.push(row);
      }
  } finally {
    await worker.terminate();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return rows;
}

/** The serving functions themselves, `concurrency` calls in flight, plus SQL statements per call. */
async function services(
  db: Database,
  name: string,
  seeded: Seeded,
  options: { seconds: number; levels: readonly number[]; seed: number },
): Promise<LatencyRow[]> {
  // Loaded here so that part 1 (--skip-serving) runs without the serving module.
  const { basketRecommendations, customerRecommendations, productRecommendations } = await import(
    '../server/src/modules/recommendations/serving.service.ts'
  );
  const prisma = db.prisma;
  const { storeId } = seeded;
  const random = mulberry32(options.seed ^ 0x5e7c);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const customerIds = [...seeded.customerIds.values()];
  const basket = () => {
    const skus = new Set(pick(seeded.baskets).slice(0, 3));
    while (skus.size < 3) skus.add(pick(seeded.pageSkus));
    return [...skus];
  };
  const calls: { label: string; isList: boolean; call: () => Promise<unknown> }[] = [
    {
      label: 'prisma.product.findUnique (baseline)',
      isList: false,
      call: () => prisma.product.findUnique({ where: { storeId_sku: { storeId, sku: pick(seeded.pageSkus) } } }),
    },
    {
      label: 'productRecommendations (ALSO_BOUGHT)',
      isList: true,
      call: () => productRecommendations(prisma, storeId, pick(seeded.pageSkus), { first: 10, kind: 'ALSO_BOUGHT' }),
    },
    {
      label: 'productRecommendations (BOUGHT_TOGETHER)',
      isList: true,
      call: () =>
        productRecommendations(prisma, storeId, pick(seeded.pageSkus), { first: 10, kind: 'BOUGHT_TOGETHER' }),
    },
    {
      label: 'customerRecommendations',
      isList: true,
      call: () => customerRecommendations(prisma, storeId, pick(customerIds), { first: 10 }),
    },
    {
      label: 'basketRecommendations (3 skus)',
      isList: true,
      call: () => basketRecommendations(prisma, storeId, basket(), { first: 10 }),
    },
  ];
  const rows: LatencyRow[] = [];
  const working: (typeof calls)[number][] = [];
  const statementsOf = new Map<string, string>();
  for (const item of calls) {
    // Statements per call, measured alone (the counter is process-wide).
    const statements: number[] = [];
    try {
      for (let index = 0; index < 20; index++) {
        const before = db.queryCount();
        await item.call();
        statements.push(db.queryCount() - before);
      }
    } catch (error) {
      status(`${name} ${item.label}: failed, not timed: ${(error as Error).message.slice(0, 300)}`);
      for (const inFlight of options.levels)
        rows.push({ ...summarize(name, item.label, inFlight, [], 0, 1, 'failed', item.isList), requests: 0 });
      continue;
    }
    statements.sort((a, b) => a - b);
    statementsOf.set(
      item.label,
      statements[0] === statements.at(-1) ? `${statements[0]}` : `${statements[0]}–${statements.at(-1)}`,
    );
    working.push(item);
  }
  const run = async (call: () => Promise<unknown>, inFlight: number, runSeconds: number) => {
    const deadline = performance.now() + runSeconds * 1000;
    const latencies: number[] = [];
    let errors = 0;
    let firstError = '';
    const started = performance.now();
    const lane = async () => {
      while (performance.now() < deadline && latencies.length < runSeconds * 50_000) {
        const begun = performance.now();
        try {
          await call();
        } catch (error) {
          errors++;
          firstError ||= (error as Error).message.slice(0, 120);
        }
        latencies.push(performance.now() - begun);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    return { latencies, errors, firstError, wallMs: performance.now() - started };
  };
  for (const inFlight of options.levels)
    for (const { label, isList, call } of working) {
      await run(call, inFlight, 1);
      const result = await run(call, inFlight, options.seconds);
      const perCall = statementsOf.get(label)!;
      const row = summarize(
        name,
        label,
        inFlight,
        result.latencies,
        result.wallMs,
        result.errors,
        `${perCall} statements/call${result.firstError ? `; first error: ${result.firstError}` : ''}`,
        isList,
      );
      status(
        `${name} ${label}, ${inFlight} in flight: p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms, ${perCall} statements`,
      );
      rows.push(row);
    }
  return rows;
}

// ---------------------------------------------------------------------------------------------------

function latencyTable(title: string, rows: LatencyRow[], unit: string) {
  process.stdout.write(`\n${title}`);
  printTable(
    [
      'database',
      'path',
      'in flight',
      unit,
      `${unit}/s`,
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'mean ms',
      'p99 vs baseline',
      'errors',
      'note',
    ],
    rows.map((row) => {
      const base = rows.find(
        (other) =>
          other.database === row.database && other.inFlight === row.inFlight && other.path.includes('baseline'),
      );
      const failed = row.requests === 0;
      const ms = (value: number) => (failed ? '-' : value.toFixed(2));
      return [
        row.database,
        row.path,
        String(row.inFlight),
        fmt(row.requests),
        failed ? '-' : fmt(Math.round(row.requests / row.seconds)),
        ms(row.p50),
        ms(row.p95),
        ms(row.p99),
        ms(row.mean),
        base && base !== row && !failed && base.requests > 0 ? `${(row.p99 / base.p99).toFixed(1)}×` : '-',
        fmt(row.errors),
        row.note,
      ];
    }),
    new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]),
  );
}

async function main() {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '5000' },
      lines: { type: 'string', default: '500000' },
      pglite: { type: 'boolean', default: false },
      'pglite-lines': { type: 'string' },
      months: { type: 'string', default: '24' },
      'new-orders': { type: 'string', default: '100' },
      seconds: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '50,1' },
      'skip-serving': { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
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
  const newOrderCount = integer('new-orders', values['new-orders'], 1, 1000);
  const runSeconds = integer('seconds', values.seconds, 1, 600);
  const levels = (values.concurrency ?? '').split(',').map((level) => integer('concurrency', level.trim(), 1, 1000));
  const concurrency = levels[0]!;
  const seedValue = integer('seed', values.seed, 0, 2 ** 32 - 1);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl && !values.pglite)
    throw new Error('set DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres) or pass --pglite');

  const start = defaultStart(months);
  process.stdout.write(
    `Kanta recommendations benchmark: seed ${seedValue}, ${fmt(customers)} customers, ${months} months from ${start.toISOString().slice(0, 10)}, ${levels.join(' and ')} in flight, ${runSeconds} s per query\n${machineLine()}\n`,
  );

  const targets: { open: () => Promise<BenchDatabase>; lines: number; concurrency: number }[] = [];
  if (values.pglite) targets.push({ open: openPglite, lines: pgliteLines, concurrency: 1 });
  if (databaseUrl) targets.push({ open: () => openPostgres(databaseUrl), lines, concurrency: 4 });

  const buildRows: BuildRow[] = [];
  const httpRows: LatencyRow[] = [];
  const serviceRows: LatencyRow[] = [];
  const outcomes: DatabaseOutcome[] = [];
  for (const target of targets) {
    const started = performance.now();
    const data = generateRetailData({ seed: seedValue, customers, orderLines: target.lines, start, months });
    status(`generated ${fmt(data.lineCount)} lines in ${seconds(started).toFixed(1)} s`);
    const database = await target.open();
    const outcome: DatabaseOutcome = {
      database: database.name,
      lines: data.lineCount,
      fullRebuildSeconds: null,
      listP99: [],
      failures: [],
    };
    outcomes.push(outcome);
    try {
      const seeded = await seed(database, data, target.concurrency);
      const built = await builds(database.db, database.name, data, seeded, newOrderCount);
      buildRows.push(...built.rows);
      outcome.fullRebuildSeconds = built.fullSeconds;
      if (!values['skip-serving']) {
        const serveOptions = { seconds: runSeconds, levels, seed: seedValue };
        const rows = await serving(database.db, database.name, seeded, serveOptions);
        httpRows.push(...rows);
        outcome.baseline = rows.find((row) => !row.isList && row.inFlight === concurrency && row.requests > 0);
        for (const row of rows.filter((row) => row.isList && row.inFlight === concurrency)) {
          if (row.requests === 0 || row.errors > 0) outcome.failures.push(`${row.path}: ${row.note || 'errors'}`);
          if (row.requests > 0) outcome.listP99.push({ path: row.path, p99: row.p99 });
        }
        serviceRows.push(...(await services(database.db, database.name, seeded, serveOptions)));
      }
    } catch (error) {
      outcome.failures.push((error as Error).message);
      status(`${database.name}: failed: ${(error as Error).stack ?? (error as Error).message}`);
    } finally {
      await database.dispose();
    }
  }

  process.stdout.write('\nPart 1: builds');
  printTable(
    ['database', 'step', 'seconds', 'written / read', 'note'],
    buildRows.map((row) => [row.database, row.step, row.seconds.toFixed(2), row.rows, row.note]),
    new Set([2, 3]),
  );
  if (httpRows.length > 0)
    latencyTable(
      `\nPart 2: serving over HTTP, ${levels.join(' and ')} requests in flight from a worker thread`,
      httpRows,
      'requests',
    );
  if (serviceRows.length > 0)
    latencyTable(`\nServing functions called directly, ${levels.join(' and ')} in flight`, serviceRows, 'calls');

  // The targets are stated for PostgreSQL with 500,000 lines; a PGlite-only run reports against them too.
  const judged = outcomes.find((outcome) => outcome.database === 'PostgreSQL') ?? outcomes[0]!;
  const verdicts: string[] = [];
  let met = judged.failures.length === 0;
  if (judged.fullRebuildSeconds === null) {
    verdicts.push('full rebuild: FAILED');
    met = false;
  } else {
    const ok = judged.fullRebuildSeconds < REBUILD_TARGET_S;
    met &&= ok;
    verdicts.push(
      `full rebuild of ${fmt(judged.lines)} lines ${judged.fullRebuildSeconds.toFixed(1)} s (< ${REBUILD_TARGET_S} s): ${ok ? 'MET' : 'NOT MET'}`,
    );
  }
  if (!values['skip-serving']) {
    const worst = judged.listP99.reduce((max, row) => Math.max(max, row.p99), 0);
    const ok = judged.listP99.length === 3 && worst < P99_TARGET_MS;
    met &&= ok;
    // With a fixed number in flight, latency ≈ in flight ÷ throughput: the baseline shows what the server
    // and machine allow before any recommendation work.
    const base = judged.baseline;
    const context = base
      ? ` (baseline product(sku): p99 ${base.p99.toFixed(1)} ms at ${fmt(Math.round(base.requests / base.seconds))} req/s)`
      : '';
    verdicts.push(
      `p99 per list over HTTP at ${concurrency} in flight, worst ${worst.toFixed(1)} ms (< ${P99_TARGET_MS} ms): ${ok ? 'MET' : 'NOT MET'}${context}`,
    );
  }
  for (const failure of judged.failures) process.stdout.write(`failure: ${failure}\n`);
  // Latency under a closed loop follows the CPU left to the server: say how busy the machine was.
  process.stdout.write(
    `\nload average at the end: ${os
      .loadavg()
      .map((load) => load.toFixed(1))
      .join(', ')}\n`,
  );
  process.stdout.write(`\n${judged.database}: ${verdicts.join('; ')}. Targets ${met ? 'MET' : 'NOT MET'}\n`);
}

try {
  await main();
  // The migration engine leaves a timer behind.
  process.exit(0);
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(1);
}
