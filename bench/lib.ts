/** Shared pieces of the benchmarks: a seeded generator, progress output, scratch databases, tables. */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { type Database, openDatabase } from '../server/src/db/database.ts';
import { deployMigrations } from '../server/src/db/migrations.ts';
import { migrationOptions } from '../server/src/db/prepare.ts';

/** mulberry32: a tiny, fast 32-bit PRNG; the same seed gives the same data on every machine. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const interactive = process.stderr.isTTY;

/** A one-line progress bar on stderr (only on a terminal). */
export function progress(label: string, done: number, total: number, startedAt: number, unit = 'lines') {
  if (!interactive) return;
  const seconds = (performance.now() - startedAt) / 1000;
  const rate = seconds > 0 ? Math.round(done / seconds) : 0;
  process.stderr.write(
    `\r\x1b[K  ${label}: ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${unit}, ${rate.toLocaleString('en')} ${unit}/s`,
  );
}

export function status(text: string) {
  process.stderr.write(`${interactive ? '\r\x1b[K' : ''}  ${text}\n`);
}

export function machineLine(): string {
  const cpus = os.cpus();
  return `Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}, load average ${os.loadavg()[0]!.toFixed(1)}`;
}

export interface BenchDatabase {
  name: string;
  db: Database;
  dispose(): Promise<void>;
}

export async function openPglite(): Promise<BenchDatabase> {
  const db = await openDatabase({ memory: true });
  await deployMigrations(db.adapterFactory(), migrationOptions(db));
  return { name: 'PGlite', db, dispose: () => db.close() };
}

/** A private schema bench_<random> in the PostgreSQL at `base`, dropped by dispose() (and on Ctrl-C). */
export async function openPostgres(base: string): Promise<BenchDatabase> {
  const schemaName = `bench_${randomBytes(5).toString('hex')}`;
  const url = new URL(base);
  url.searchParams.set('schema', schemaName);
  const db = await openDatabase({ url: url.toString(), poolSize: 10 });
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await db.prisma.$executeRawUnsafe(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`).catch((error) => {
      process.stderr.write(`could not drop schema ${schemaName}: ${(error as Error).message}\n`);
    });
    await db.close();
  };
  // Ctrl-C must not leave the scratch schema behind.
  process.once('SIGINT', () => {
    void dispose().finally(() => process.exit(130));
  });
  try {
    await deployMigrations(db.adapterFactory(), migrationOptions(db));
  } catch (error) {
    await dispose();
    throw error;
  }
  return { name: 'PostgreSQL', db, dispose };
}

/** Prints an aligned table; columns listed in `numeric` are right-aligned. */
export function printTable(header: string[], rows: string[][], numeric: Set<number>) {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: string[]) =>
    row
      .map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  process.stdout.write(`\n${format(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}\n`);
  for (const row of rows) process.stdout.write(`${format(row)}\n`);
}

/** A standard normal draw (Box–Muller). */
export function normalSample(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A Gamma(shape, scale 1) draw by Marsaglia–Tsang (shape < 1 boosted by U^(1/shape)); divide by a rate. */
export function gammaSample(random: () => number, shape: number): number {
  if (shape < 1) return gammaSample(random, shape + 1) * random() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalSample(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, b) draw from two gamma draws. */
export function betaSample(random: () => number, a: number, b: number): number {
  const x = gammaSample(random, a);
  return x / (x + gammaSample(random, b));
}

/** The p-th percentile (0–100) of ascending `sorted` values, nearest-rank. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}
