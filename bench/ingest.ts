/**
 * Bulk order ingest benchmark: order lines per second through the recordOrders service, the GraphQL
 * recordOrders mutation and the CSV importer, each against a baseline measured in the same run (raw
 * multi-row INSERTs of the same lines: the best the database can do). PGlite always; PostgreSQL too
 * when DATABASE_URL is set (in a private schema, dropped afterwards).
 *
 *   npx tsx bench/ingest.ts [--orders N] [--seed S] [--only pglite|postgres]
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/src/config.ts';
import type { Database } from '../server/src/db/database.ts';
import type { DomainEvents } from '../server/src/events/events.ts';
import { silentLogger } from '../server/src/logger.ts';
import type { OrderInput } from '../server/src/modules/orders/orders.service.ts';
import { recordOrders } from '../server/src/modules/orders/orders.service.ts';
import { createStore } from '../server/src/modules/stores/stores.service.ts';
import { schema } from '../server/src/schema.ts';
import { createKantaYoga } from '../server/src/yoga.ts';
import {
  type BenchDatabase,
  machineLine,
  mulberry32,
  openPglite,
  openPostgres,
  printTable as printRows,
  progress,
  status,
} from './lib.ts';

const TARGET_LINES_PER_SECOND = 5_000;
const SERVICE_BATCH = 1_000;
const GRAPHQL_BATCH = 500;
const BASELINE_BATCH_ROWS = 3_000;

const HELP = `Usage: npx tsx bench/ingest.ts [options]

Measures bulk order ingest in order lines per second, on PGlite (in memory) and, when DATABASE_URL
is set, on that PostgreSQL (in a private schema bench_<random>, dropped afterwards):
  (a) recordOrders service, ${SERVICE_BATCH.toLocaleString('en')} orders per call
  (b) GraphQL recordOrders mutation through yoga.fetch, ${GRAPHQL_BATCH} orders per request
  (c) CSV importer (importOrdersFromFile) on a generated file
  (d) baseline: raw multi-row INSERTs of the same lines into a scratch table
Every path writes the same seeded orders (~3 lines each, ~85% with a customer) into its own store.

Options:
  --orders N        orders per path (default 2000)
  --seed S          generator seed (default 42)
  --only DATABASE   pglite or postgres
  -h, --help        this text

Environment: DATABASE_URL=postgresql://user@host:5432/db to include PostgreSQL.`;

// ---------------------------------------------------------------------------------------------------
// Seeded data

const FIRST_NAMES = ['Aino', 'Eero', 'Helmi', 'Juho', 'Lea', 'Mikko', 'Noora', 'Oskari', 'Sofia', 'Ville'];
const LAST_NAMES = ['Korhonen', 'Virtanen', 'Mäkinen', 'Nieminen', 'Hämäläinen', 'Laine', 'Heikkinen', 'Koskinen'];
const CHANNELS = ['STORE', 'ONLINE', 'APP'] as const;

interface Dataset {
  orders: OrderInput[];
  lines: number;
}

function generate(count: number, seed: number): Dataset {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const products = Array.from({ length: 500 }, (_, index) => ({
    sku: `SKU-${String(index + 1).padStart(4, '0')}`,
    name: `Product ${index + 1}`,
    price: 195 + Math.floor(random() * 60) * 50,
  }));
  // About 2.5 orders per customer: repeat buyers, as in real stores.
  const customerCount = Math.max(1, Math.round(count / 2.5));
  const start = Date.UTC(2026, 0, 1);
  const orders: OrderInput[] = [];
  let lines = 0;
  for (let index = 0; index < count; index++) {
    const hasCustomer = random() < 0.85;
    const customer = Math.floor(random() * customerCount) + 1;
    const lineCount = 1 + Math.floor(random() * 5);
    const chosen = new Set<number>();
    while (chosen.size < lineCount) chosen.add(Math.floor(random() * products.length));
    lines += lineCount;
    orders.push({
      externalId: `B-${String(index + 1).padStart(7, '0')}`,
      customer: hasCustomer
        ? {
            identities: [{ source: 'web', externalId: `c-${customer}` }],
            email: `customer${customer}@example.com`,
            firstName: FIRST_NAMES[customer % FIRST_NAMES.length]!,
            lastName: LAST_NAMES[customer % LAST_NAMES.length]!,
          }
        : null,
      channel: pick(CHANNELS),
      placedAt: new Date(start + Math.floor(random() * 330 * 86_400_000)),
      currency: 'EUR',
      lines: [...chosen].map((productIndex) => {
        const product = products[productIndex]!;
        return {
          sku: product.sku,
          name: product.name,
          quantity: 1 + Math.floor(random() * 3),
          unitPrice: product.price,
        };
      }),
    });
  }
  return { orders, lines };
}

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function writeCsv(dataset: Dataset): string {
  const file = path.join(os.tmpdir(), `kanta-bench-${process.pid}-${randomBytes(4).toString('hex')}.csv`);
  const rows = ['orderId,placedAt,customerId,email,firstName,lastName,sku,name,quantity,unitPrice,currency,channel'];
  for (const order of dataset.orders) {
    const customer = order.customer;
    for (const line of order.lines)
      rows.push(
        [
          order.externalId,
          order.placedAt.toISOString(),
          customer?.identities?.[0]?.externalId ?? '',
          customer?.email ?? '',
          customer?.firstName ?? '',
          customer?.lastName ?? '',
          line.sku ?? '',
          line.name,
          String(line.quantity),
          (line.unitPrice / 100).toFixed(2),
          order.currency ?? 'EUR',
          order.channel,
        ]
          .map(csvCell)
          .join(','),
      );
  }
  fs.writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

// ---------------------------------------------------------------------------------------------------
// Progress and results

interface Result {
  database: string;
  path: string;
  orders: number;
  lines: number;
  seconds: number | null;
  note?: string;
}

// ---------------------------------------------------------------------------------------------------
// The paths

/** Resolvers call `events.kick()`; delivery happens after commit and is not what is measured here. */
const idleEvents = { kick() {}, drain: async () => 0 } as unknown as DomainEvents;

async function countLines(db: Database, storeId: string): Promise<number> {
  return db.prisma.orderLine.count({ where: { storeId } });
}

async function newStore(db: Database, name: string): Promise<{ id: string; secretKey: string }> {
  return createStore(db.prisma, { name, defaultCurrency: 'EUR' });
}

async function timed(
  db: Database,
  databaseName: string,
  pathName: string,
  dataset: Dataset,
  storeId: string,
  run: (report: (lines: number) => void) => Promise<void>,
): Promise<Result> {
  const label = `${databaseName} ${pathName}`;
  const started = performance.now();
  await run((lines) => progress(label, lines, dataset.lines, started));
  const seconds = (performance.now() - started) / 1000;
  const written = await countLines(db, storeId);
  const result: Result = {
    database: databaseName,
    path: pathName,
    orders: dataset.orders.length,
    lines: written,
    seconds,
  };
  if (written !== dataset.lines) result.note = `wrote ${written} of ${dataset.lines} lines`;
  status(`${label}: ${formatRate(result)} lines/s${result.note ? ` (${result.note})` : ''}`);
  return result;
}

async function baseline(db: Database, databaseName: string, dataset: Dataset): Promise<Result> {
  await db.prisma.$executeRawUnsafe(
    `CREATE TABLE "BenchLine" (
       id bigserial PRIMARY KEY, "orderId" text NOT NULL, "lineNumber" int NOT NULL, sku text, name text NOT NULL,
       quantity int NOT NULL, "unitPrice" int NOT NULL, total bigint NOT NULL)`,
  );
  const rows = dataset.orders.flatMap((order) =>
    order.lines.map((line, index) => [
      order.externalId,
      index + 1,
      line.sku ?? null,
      line.name,
      line.quantity,
      line.unitPrice,
      String(line.quantity * line.unitPrice),
    ]),
  );
  const label = `${databaseName} (d) baseline`;
  const started = performance.now();
  for (let offset = 0; offset < rows.length; offset += BASELINE_BATCH_ROWS) {
    const batch = rows.slice(offset, offset + BASELINE_BATCH_ROWS);
    const placeholders = batch.map((_, row) => {
      const base = row * 7;
      return `($${base + 1}, $${base + 2}::int, $${base + 3}, $${base + 4}, $${base + 5}::int, $${base + 6}::int, $${base + 7}::bigint)`;
    });
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "BenchLine" ("orderId", "lineNumber", sku, name, quantity, "unitPrice", total) VALUES ${placeholders.join(', ')}`,
      ...batch.flat(),
    );
    progress(label, offset + batch.length, rows.length, started);
  }
  const seconds = (performance.now() - started) / 1000;
  await db.prisma.$executeRawUnsafe('DROP TABLE "BenchLine"');
  const result: Result = {
    database: databaseName,
    path: '(d) baseline: raw multi-row INSERT',
    orders: dataset.orders.length,
    lines: rows.length,
    seconds,
  };
  status(`${label}: ${formatRate(result)} lines/s`);
  return result;
}

async function serviceIngest(db: Database, databaseName: string, dataset: Dataset): Promise<Result> {
  const store = await newStore(db, 'bench service');
  return timed(
    db,
    databaseName,
    `(a) recordOrders service, ${SERVICE_BATCH}/call`,
    dataset,
    store.id,
    async (report) => {
      let lines = 0;
      for (let offset = 0; offset < dataset.orders.length; offset += SERVICE_BATCH) {
        const batch = dataset.orders.slice(offset, offset + SERVICE_BATCH);
        await recordOrders(db.prisma, store.id, batch, { source: 'bench' });
        lines += batch.reduce((sum, order) => sum + order.lines.length, 0);
        report(lines);
      }
    },
  );
}

/**
 * The mutation as the schema declares it today: its argument is either the list of orders or an input
 * object with one list field holding them (the name is whatever orders.schema.ts chose).
 */
function recordOrdersMutation():
  | { text: string; variables: (orders: unknown[]) => Record<string, unknown> }
  | { missing: string } {
  const field = schema.getMutationType()?.getFields().recordOrders;
  if (!field) return { missing: 'the schema has no Mutation.recordOrders yet' };
  // Type names, not graphql's isListType: bench/ cannot import the server's graphql instance.
  const argument = field.args.find((candidate) => String(candidate.type).endsWith('!')) ?? field.args[0];
  if (!argument) return { missing: 'Mutation.recordOrders takes no arguments' };
  const typeName = String(argument.type);
  const text = `mutation Bench($input: ${typeName}) { recordOrders(${argument.name}: $input) { __typename } }`;
  if (typeName.startsWith('[')) return { text, variables: (orders) => ({ input: orders }) };
  const inputType = schema.getType(typeName.replace(/!$/, ''));
  if (inputType && 'getFields' in inputType) {
    const list = Object.values(inputType.getFields()).find((inner) => String(inner.type).startsWith('['));
    if (list) return { text, variables: (orders) => ({ input: { [list.name]: orders } }) };
  }
  return {
    missing: `cannot tell where Mutation.recordOrders(${argument.name}: ${String(argument.type)}) takes the orders`,
  };
}

function toGraphqlOrder(order: OrderInput) {
  return { ...order, placedAt: order.placedAt.toISOString() };
}

async function graphqlIngest(db: Database, databaseName: string, dataset: Dataset): Promise<Result> {
  const pathName = `(b) GraphQL recordOrders, ${GRAPHQL_BATCH}/request`;
  const mutation = recordOrdersMutation();
  if ('missing' in mutation) {
    status(`${databaseName} ${pathName}: skipped (${mutation.missing})`);
    return {
      database: databaseName,
      path: pathName,
      orders: 0,
      lines: 0,
      seconds: null,
      note: `skipped: ${mutation.missing}`,
    };
  }
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  const yoga = createKantaYoga({ db, config, logger: silentLogger(), events: idleEvents });
  const store = await newStore(db, 'bench graphql');
  let failure: string | undefined;
  const result = await timed(db, databaseName, pathName, dataset, store.id, async (report) => {
    let lines = 0;
    for (let offset = 0; offset < dataset.orders.length && !failure; offset += GRAPHQL_BATCH) {
      const batch = dataset.orders.slice(offset, offset + GRAPHQL_BATCH);
      const response = await yoga.fetch(
        new Request('http://kanta.bench/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${store.secretKey}` },
          body: JSON.stringify({ query: mutation.text, variables: mutation.variables(batch.map(toGraphqlOrder)) }),
        }),
      );
      const body = (await response.json()) as {
        data?: { recordOrders?: { __typename: string } };
        errors?: { message: string }[];
      };
      if (body.errors?.length) failure = body.errors[0]!.message;
      else if (body.data?.recordOrders?.__typename?.endsWith('Error'))
        failure = `answered ${body.data.recordOrders.__typename}`;
      lines += batch.reduce((sum, order) => sum + order.lines.length, 0);
      report(lines);
    }
  });
  if (failure) result.note = `failed: ${failure.slice(0, 120)}`;
  return result;
}

type ImportOrders = (
  prisma: Database['prisma'],
  storeId: string,
  file: string,
  options: { preset?: string; onProgress?: (progress: { rows: number }) => void },
) => Promise<{ imported: number; skipped: { count: number } }>;

async function importIngest(db: Database, databaseName: string, dataset: Dataset, csv: string): Promise<Result> {
  const pathName = '(c) CSV importer, generic preset';
  let importOrders: ImportOrders | undefined;
  try {
    ({ importOrdersFromFile: importOrders } = (await import('../server/src/modules/imports/imports.service.ts')) as {
      importOrdersFromFile?: ImportOrders;
    });
  } catch (error) {
    status(`${databaseName} ${pathName}: skipped (${(error as Error).message})`);
  }
  if (!importOrders)
    return {
      database: databaseName,
      path: pathName,
      orders: 0,
      lines: 0,
      seconds: null,
      note: 'skipped: importer not available',
    };
  const store = await newStore(db, 'bench import');
  let skipped = 0;
  const result = await timed(db, databaseName, pathName, dataset, store.id, async (report) => {
    const summary = await importOrders!(db.prisma, store.id, csv, {
      preset: 'generic',
      onProgress: (progressed) => report(progressed.rows),
    });
    skipped = summary.skipped.count;
  });
  if (skipped) result.note = `${result.note ? `${result.note}; ` : ''}${skipped} rows skipped`;
  return result;
}

async function benchmark(target: BenchDatabase, dataset: Dataset, csv: string): Promise<Result[]> {
  const { db, name } = target;
  // Warm-up: JIT, Prisma's query compiler, the database's caches; not measured.
  const warmUp = await newStore(db, 'bench warm-up');
  await recordOrders(db.prisma, warmUp.id, generate(200, 7).orders, { source: 'bench' });
  const results = [await baseline(db, name, dataset)];
  results.push(await serviceIngest(db, name, dataset));
  results.push(await graphqlIngest(db, name, dataset));
  results.push(await importIngest(db, name, dataset, csv));
  return results;
}

// ---------------------------------------------------------------------------------------------------
// Report

function formatRate(result: Result): string {
  return result.seconds ? Math.round(result.lines / result.seconds).toLocaleString('en') : '-';
}

function printTable(results: Result[]) {
  const rows = results.map((result) => {
    const base = results.find((other) => other.database === result.database && other.path.startsWith('(d)'));
    const rate = result.seconds ? result.lines / result.seconds : null;
    const baseRate = base?.seconds ? base.lines / base.seconds : null;
    return [
      result.database,
      result.path,
      result.seconds ? result.lines.toLocaleString('en') : '-',
      result.seconds ? result.seconds.toFixed(2) : '-',
      formatRate(result),
      rate && baseRate ? `${(rate / baseRate).toFixed(2)}×` : '-',
      result.note ?? '',
    ];
  });
  printRows(['database', 'path', 'lines', 'seconds', 'lines/s', 'vs baseline', 'note'], rows, new Set([2, 3, 4, 5]));
}

function targetStatus(results: Result[]): string {
  const importer = results.find((result) => result.database === 'PostgreSQL' && result.path.startsWith('(c)'));
  const goal = `target ≥ ${TARGET_LINES_PER_SECOND.toLocaleString('en')} lines/s through the importer on PostgreSQL`;
  if (!importer) return `${goal}: not measured (set DATABASE_URL to include PostgreSQL)`;
  if (!importer.seconds || importer.note?.startsWith('skipped')) return `${goal}: not measured (${importer.note})`;
  const rate = importer.lines / importer.seconds;
  return `${goal}: ${rate >= TARGET_LINES_PER_SECOND ? 'MET' : 'NOT MET'} (${Math.round(rate).toLocaleString('en')} lines/s)`;
}

async function main() {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '42' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const orders = Number(values.orders);
  const seed = Number(values.seed);
  if (!Number.isInteger(orders) || orders < 1 || orders > 1_000_000)
    throw new Error(`--orders must be a whole number from 1 to 1000000, got "${values.orders}"`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, got "${values.seed}"`);
  if (values.only && values.only !== 'pglite' && values.only !== 'postgres')
    throw new Error(`--only must be pglite or postgres, got "${values.only}"`);
  const databaseUrl = process.env.DATABASE_URL;
  if (values.only === 'postgres' && !databaseUrl) throw new Error('--only postgres needs DATABASE_URL');

  const dataset = generate(orders, seed);
  const csv = writeCsv(dataset);
  process.stdout.write(
    `Kanta ingest benchmark: ${orders.toLocaleString('en')} orders, ${dataset.lines.toLocaleString('en')} lines per path (seed ${seed})\n${machineLine()}\n`,
  );
  const results: Result[] = [];
  try {
    if (values.only !== 'postgres') {
      status('PGlite: opening an in-memory database and migrating it');
      const target = await openPglite();
      try {
        results.push(...(await benchmark(target, dataset, csv)));
      } finally {
        await target.dispose();
      }
    }
    if (values.only !== 'pglite' && databaseUrl) {
      status('PostgreSQL: migrating a private schema');
      const target = await openPostgres(databaseUrl);
      try {
        results.push(...(await benchmark(target, dataset, csv)));
      } finally {
        await target.dispose();
      }
    }
  } finally {
    fs.rmSync(csv, { force: true });
  }
  printTable(results);
  process.stdout.write(`\n${targetStatus(results)}\n`);
}

try {
  await main();
  // The migration engine leaves a timer behind.
  process.exit(0);
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(1);
}
