import type { PrismaClient } from '../../db/database.ts';
import { uuidv7 } from '../../db/uuid7.ts';
import { InvalidInputError } from '../../errors.ts';
import type { Prisma, RecommendationBuild } from '../../generated/prisma/client.ts';
import {
  coPurchaseNeighbours,
  type NeighbourKind,
  type NeighbourRow,
  type PopularityRow,
  type Purchase,
  popularityRows,
  SIMILARITY_DEFAULTS,
} from './model.ts';
import { type RecommendationSettingsView, recommendationSettings } from './settings.service.ts';

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Model builds: reads a store's purchases, computes the co-purchase neighbour lists (ALSO_BOUGHT by
 * buyer, BOUGHT_TOGETHER by order) and product popularity with the pure functions of model.ts, and
 * replaces the stored rows in one transaction.
 *
 * A FULL build recomputes everything. An INCREMENTAL build recomputes only the lists of the skus named
 * by orders changed since the last build's watermark ("affected" skus), and patches the other skus'
 * lists where they name an affected sku. That is exact for the affected skus' own lists: the decayed
 * cosine score does not depend on `now` (every decay factor carries the same 0.5^(now/halfLife),
 * which cancels between C_ij and sqrt(N_i·N_j)), and only pairs involving an affected sku change. It is
 * approximate for the other lists in one way: a neighbour trimmed out of an unaffected sku's top K
 * earlier cannot come back when an affected neighbour's score drops; the periodic full rebuild
 * (jobs.service.ts) restores it. Popularity is recomputed in full every time: it is cheap.
 */

export interface ReadPurchasesOptions {
  /** Only sales placed before this instant (returns count whenever they were placed). */
  before?: Date;
  /** Only the purchases of buyers (customers, or guest orders) with a product line of one of these skus. */
  buyersOfSkus?: readonly string[];
}

/**
 * The purchases that feed the models, in one statement. A purchase is a product line (kind PRODUCT,
 * a sku, quantity > 0) of a SALE order that is not cancelled, unless RETURN orders naming that order
 * (and not cancelled themselves) gave back at least the quantity of that sku the order bought.
 * Shipping, fees, adjustments, returns and cancelled orders never feed. A guest order is its own
 * buyer, `order:<orderId>`. Several lines of one sku in an order are one purchase.
 */
export async function readPurchases(
  prisma: Db,
  storeId: string,
  options: ReadPurchasesOptions = {},
): Promise<Purchase[]> {
  return (await readPurchaseOrders(prisma, storeId, options)).purchases;
}

/** [order id, customer id or null, placedAt epoch ms, channel, skus, product lines]. */
type PurchaseOrderRow = [string, string | null, number, string, string[], number];

async function readPurchaseOrders(
  prisma: Db,
  storeId: string,
  options: ReadPurchasesOptions,
): Promise<{ purchases: Purchase[]; lines: number }> {
  const rows = await prisma.$queryRawUnsafe<{ row: string }[]>(
    PURCHASES_SQL,
    storeId,
    options.before ?? null,
    options.buyersOfSkus ? [...options.buyersOfSkus] : null,
  );
  const purchases: Purchase[] = [];
  let lines = 0;
  for (const { row } of rows) {
    const [basket, customer, at, channel, skus, count] = JSON.parse(row) as PurchaseOrderRow;
    const buyer = customer ?? `order:${basket}`;
    lines += count;
    for (const sku of skus.length > 1 ? new Set(skus) : skus) purchases.push({ basket, buyer, sku, at, channel });
  }
  return { purchases, lines };
}

// One row per order, as a JSON array in a single text column: a third of the rows of a per-line
// result, and on 500,000 lines half the client CPU of separate columns with a text[] (the driver
// parses arrays in JavaScript, JSON.parse is native).
// The per-(order, sku) bought quantity is summed only for the few lines a return names, so the
// lines are scanned once with hash joins. Returns that do not name their order cannot be matched
// to a purchase and are ignored (the order keeps feeding the models).
const PURCHASES_SQL = `
WITH returned AS (
  SELECT r."returnOfId" AS "orderId", rl.sku, -SUM(rl.quantity) AS quantity
  FROM "Order" r
  JOIN "OrderLine" rl ON rl."orderId" = r.id
  WHERE r."storeId" = $1::uuid AND r.kind = 'RETURN' AND r.status <> 'CANCELLED' AND r."returnOfId" IS NOT NULL
    AND rl.kind = 'PRODUCT' AND rl.sku IS NOT NULL AND rl.quantity < 0
  GROUP BY r."returnOfId", rl.sku
)
SELECT json_build_array(
         o.id, o."customerId", (extract(epoch FROM o."placedAt") * 1000)::bigint, o.channel,
         array_agg(l.sku), COUNT(*)
       )::text AS row
FROM "Order" o
JOIN "OrderLine" l ON l."orderId" = o.id
LEFT JOIN returned r ON r."orderId" = l."orderId" AND r.sku = l.sku
WHERE o."storeId" = $1::uuid AND o.kind = 'SALE' AND o.status <> 'CANCELLED'
  AND l."storeId" = $1::uuid AND l.kind = 'PRODUCT' AND l.sku IS NOT NULL AND l.quantity > 0
  AND (r.quantity IS NULL OR r.quantity < (
    SELECT SUM(l3.quantity)
    FROM "OrderLine" l3
    WHERE l3."orderId" = l."orderId" AND l3.sku = l.sku AND l3.kind = 'PRODUCT' AND l3.quantity > 0
  ))
  AND ($2::timestamptz IS NULL OR o."placedAt" < $2::timestamptz)
  AND ($3::text[] IS NULL OR COALESCE(o."customerId", o.id) IN (
    SELECT COALESCE(o2."customerId", o2.id)
    FROM "OrderLine" l2
    JOIN "Order" o2 ON o2.id = l2."orderId"
    WHERE l2."storeId" = $1::uuid AND l2.sku = ANY ($3::text[]) AND l2.kind = 'PRODUCT'
  ))
GROUP BY o.id`;

export type BuildStep = 'read' | 'model' | 'write';

export interface BuildReport {
  id: string;
  kind: 'FULL' | 'INCREMENTAL';
  /** When the build began and committed (not part of the brief's interface; additive). */
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  orderLines: number;
  orders: number;
  buyers: number;
  products: number;
  changedProducts: number;
  neighbours: number;
  watermark: Date;
  /** An incremental build found no order changed since the last build: nothing was written, this is the last build. */
  skipped?: boolean;
}

export interface RebuildOptions {
  /** Recompute everything, whatever the previous builds (default: incremental once a full build exists). */
  full?: boolean;
  /** The instant purchases are aged against (default: now). */
  now?: Date;
  /**
   * An incremental build that would recompute at least this share of the products builds in full
   * instead (default 0.25: on the 500,000-line bench, a third of the products changed made patching
   * 1.5× the cost of a full build).
   */
  fullRebuildShare?: number;
  onProgress?: (step: BuildStep, done: number, total: number) => void;
}

/** Rows per INSERT: large enough to amortise the round trip, small enough to keep parameters modest. */
const WRITE_CHUNK = 10_000;
const KINDS: readonly NeighbourKind[] = ['ALSO_BOUGHT', 'BOUGHT_TOGETHER'];
/** The builds of one store write one after the other; the last commit wins and is consistent. */
const lockKey = (storeId: string) => `recs:${storeId}`;

/** The store's settings with the defaults filled in (no row: the defaults). */
export function loadRecommendationSettings(prisma: Db, storeId: string): Promise<RecommendationSettingsView> {
  return recommendationSettings(prisma, storeId);
}

/** The store's newest build (any kind), or null before the first one. */
export function latestBuild(prisma: Db, storeId: string): Promise<RecommendationBuild | null> {
  return prisma.recommendationBuild.findFirst({
    where: { storeId },
    orderBy: [{ finishedAt: 'desc' }, { id: 'desc' }],
  });
}

export const MAX_BUILDS_LISTED = 100;

/** The store's builds, newest first. */
export async function recommendationBuilds(prisma: Db, storeId: string, first = 10): Promise<BuildReport[]> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_BUILDS_LISTED)
    throw new InvalidInputError('first', `must be a whole number from 1 to ${MAX_BUILDS_LISTED}`);
  const builds = await prisma.recommendationBuild.findMany({
    where: { storeId },
    orderBy: [{ finishedAt: 'desc' }, { id: 'desc' }],
    take: first,
  });
  return builds.map((build) => reportOf(build));
}

function reportOf(build: RecommendationBuild, skipped?: boolean): BuildReport {
  return {
    id: build.id,
    kind: build.kind,
    startedAt: build.startedAt,
    finishedAt: build.finishedAt,
    durationMs: build.durationMs,
    orderLines: build.orderLines,
    orders: build.orders,
    buyers: build.buyers,
    products: build.products,
    changedProducts: build.changedProducts,
    neighbours: build.neighbours,
    watermark: build.watermark,
    ...(skipped ? { skipped } : {}),
  };
}

/**
 * Rebuilds the store's recommendation models: FULL when asked or when the store has no full build yet,
 * else INCREMENTAL (see the top of this file), skipped when no order changed since the last build.
 * The watermark is the newest Order.updatedAt read before the purchases, so an order changed while
 * the build runs is read again by the next one. (An order committed later with an earlier updatedAt —
 * a long recordOrders transaction — is missed until the next full build.)
 */
export async function rebuildRecommendations(
  prisma: PrismaClient,
  storeId: string,
  options: RebuildOptions = {},
): Promise<BuildReport> {
  const started = performance.now();
  const startedAt = new Date();
  const now = options.now ?? startedAt;
  const progress = options.onProgress ?? (() => {});

  const [previous, lastFull, watermarkRow, settings] = await Promise.all([
    latestBuild(prisma, storeId),
    prisma.recommendationBuild.findFirst({ where: { storeId, kind: 'FULL' }, select: { id: true } }),
    prisma.$queryRaw<{ watermark: Date | null }[]>`
      SELECT max("updatedAt") AS watermark FROM "Order" WHERE "storeId" = ${storeId}::uuid`,
    loadRecommendationSettings(prisma, storeId),
  ]);
  const watermark = watermarkRow[0]?.watermark ?? now;
  const incremental = !options.full && previous !== null && lastFull !== null;

  let affected: Set<string> | undefined;
  if (incremental) {
    const changed = await prisma.$queryRaw<{ sku: string }[]>`
      SELECT DISTINCT l.sku
      FROM "Order" o
      JOIN "OrderLine" l ON l."orderId" = o.id
      WHERE o."storeId" = ${storeId}::uuid AND o."updatedAt" > ${previous.watermark}
        AND l.kind = 'PRODUCT' AND l.sku IS NOT NULL`;
    if (changed.length === 0) return reportOf(previous, true);
    affected = new Set(changed.map((row) => row.sku));
  }

  progress('read', 0, 1);
  const { purchases, lines } = await readPurchaseOrders(prisma, storeId, {});
  progress('read', 1, 1);

  const baskets = new Set<string>();
  const buyers = new Set<string>();
  const products = new Set<string>();
  for (const purchase of purchases) {
    baskets.add(purchase.basket);
    buyers.add(purchase.buyer);
    products.add(purchase.sku);
  }
  // When many products changed, patching costs more than rewriting: build in full instead.
  if (affected && affected.size >= (options.fullRebuildShare ?? 0.25) * products.size) affected = undefined;

  progress('model', 0, KINDS.length + 1);
  const similarity = {
    ...SIMILARITY_DEFAULTS,
    now: now.getTime(),
    halfLifeDays: settings.halfLifeDays,
  };
  const neighbours = new Map<NeighbourKind, { lists: NeighbourRow[]; reverse: NeighbourRow[] }>();
  for (const [index, kind] of KINDS.entries()) {
    neighbours.set(kind, coPurchaseNeighbours(purchases, kind, similarity, affected));
    progress('model', index + 1, KINDS.length + 1);
  }
  const popularity = popularityRows(purchases, now.getTime());
  progress('model', KINDS.length + 1, KINDS.length + 1);

  // Rows (z, x) with x affected and z not: patches for z's stored list (none for a full build).
  const patches = new Map<NeighbourKind, NeighbourRow[]>(
    KINDS.map((kind) => [kind, topPerSku(neighbours.get(kind)!.reverse, SIMILARITY_DEFAULTS.topK)]),
  );
  const written = KINDS.reduce((sum, kind) => sum + neighbours.get(kind)!.lists.length + patches.get(kind)!.length, 0);
  const chunks =
    KINDS.reduce(
      (sum, kind) =>
        sum +
        Math.ceil(neighbours.get(kind)!.lists.length / WRITE_CHUNK) +
        Math.ceil(patches.get(kind)!.length / WRITE_CHUNK),
      0,
    ) + Math.ceil(popularity.length / WRITE_CHUNK);
  let chunksDone = 0;
  const chunkWritten = () => progress('write', ++chunksDone, chunks);

  progress('write', 0, chunks);
  const build = await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${lockKey(storeId)}))`;
      if (affected) {
        const skus = [...affected];
        // Lists of affected skus are replaced; other lists lose their affected neighbours, which the
        // reverse rows bring back with their new scores.
        // Two joins on unnest, not `sku = ANY(…) OR "neighbourSku" = ANY(…)`: with hundreds of affected
        // skus that OR compares every row with every sku.
        await tx.$executeRaw`
          DELETE FROM "ProductNeighbour" p USING unnest(${skus}::text[]) AS a(sku)
          WHERE p."storeId" = ${storeId}::uuid AND p.sku = a.sku`;
        await tx.$executeRaw`
          DELETE FROM "ProductNeighbour" p USING unnest(${skus}::text[]) AS a(sku)
          WHERE p."storeId" = ${storeId}::uuid AND p."neighbourSku" = a.sku`;
      } else await tx.$executeRaw`DELETE FROM "ProductNeighbour" WHERE "storeId" = ${storeId}::uuid`;
      for (const kind of KINDS) {
        await insertNeighbours(tx, storeId, kind, neighbours.get(kind)!.lists, chunkWritten);
        const patch = patches.get(kind)!;
        if (patch.length === 0) continue;
        const { rows, overfull } = await usefulPatches(tx, storeId, kind, patch);
        await insertNeighbours(tx, storeId, kind, rows, chunkWritten);
        if (overfull.length > 0) await trimLists(tx, storeId, kind, overfull);
      }
      await tx.$executeRaw`DELETE FROM "ProductPopularity" WHERE "storeId" = ${storeId}::uuid`;
      await insertPopularity(tx, storeId, popularity, chunkWritten);
      return tx.recommendationBuild.create({
        data: {
          id: uuidv7(),
          storeId,
          kind: affected ? 'INCREMENTAL' : 'FULL',
          startedAt,
          finishedAt: new Date(),
          durationMs: Math.round(performance.now() - started),
          orderLines: lines,
          orders: baskets.size,
          buyers: buyers.size,
          products: products.size,
          changedProducts: affected ? affected.size : products.size,
          neighbours: written,
          watermark,
        },
      });
    },
    // A large store writes hundreds of thousands of rows; a second build of the store waits for the lock.
    { timeout: 15 * 60_000, maxWait: 5 * 60_000 },
  );
  // Freshly rewritten tables have stale statistics, and the planner then picks slow plans for serving
  // (a shopper's list: 58 ms instead of 13 ms right after a full build) and for the next build's trim (a
  // nested loop). ANALYZE samples at most 30,000 rows: tens of milliseconds. Best effort: a role that
  // does not own the tables may not analyse them, and autovacuum gets there eventually.
  await prisma.$executeRawUnsafe('ANALYZE "ProductNeighbour", "ProductPopularity"').catch(() => undefined);
  return reportOf(build);
}

/**
 * The best `k` rows of each sku (model.ts's order: score, support, then sku by code unit). Of z's
 * reverse rows only these can make z's top K, so the others need not be written and trimmed again.
 */
function topPerSku(rows: readonly NeighbourRow[], k: number): NeighbourRow[] {
  const bySku = new Map<string, NeighbourRow[]>();
  for (const row of rows) {
    const list = bySku.get(row.sku);
    if (list) list.push(row);
    else bySku.set(row.sku, [row]);
  }
  const kept: NeighbourRow[] = [];
  for (const list of bySku.values()) {
    if (list.length > k)
      list.sort(
        (x, y) =>
          y.score - x.score ||
          y.support - x.support ||
          (x.neighbourSku < y.neighbourSku ? -1 : x.neighbourSku > y.neighbourSku ? 1 : 0),
      );
    for (let i = 0; i < Math.min(k, list.length); i++) kept.push(list[i]!);
  }
  return kept;
}

/**
 * Of the reverse rows for other products' lists, the ones that can make those lists' top K: all of them
 * while a list (without its affected neighbours, deleted just before) has room, else only those scoring
 * at least the list's lowest entry. Writing only these, and trimming only the lists they overfill,
 * keeps an incremental build cheaper than a full one (writing every reverse row and trimming every
 * touched list cost 1.4× a full build on the 500,000-line bench).
 */
async function usefulPatches(
  tx: Prisma.TransactionClient,
  storeId: string,
  kind: NeighbourKind,
  patch: readonly NeighbourRow[],
): Promise<{ rows: NeighbourRow[]; overfull: string[] }> {
  const skus = [...new Set(patch.map((row) => row.sku))];
  const state = await tx.$queryRawUnsafe<{ sku: string; size: number; floor: number }[]>(
    `SELECT sku, count(*)::int AS size, min(score) AS floor FROM "ProductNeighbour"
     WHERE "storeId" = $1::uuid AND kind = $2::"RecommendationKind" AND sku = ANY ($3::text[])
     GROUP BY sku`,
    storeId,
    kind,
    skus,
  );
  const lists = new Map(state.map((row) => [row.sku, row]));
  const k = SIMILARITY_DEFAULTS.topK;
  const bySku = new Map<string, NeighbourRow[]>();
  for (const row of patch) {
    const list = bySku.get(row.sku);
    if (list) list.push(row);
    else bySku.set(row.sku, [row]);
  }
  const rows: NeighbourRow[] = [];
  const overfull: string[] = [];
  for (const [sku, candidates] of bySku) {
    const size = lists.get(sku)?.size ?? 0;
    const floor = lists.get(sku)?.floor ?? 0;
    candidates.sort((x, y) => y.score - x.score);
    let kept = 0;
    for (const [index, row] of candidates.entries())
      if (index < k - size || row.score >= floor) {
        rows.push(row);
        kept++;
      }
    if (size + kept > k) overfull.push(sku);
  }
  return { rows, overfull };
}

async function insertNeighbours(
  tx: Prisma.TransactionClient,
  storeId: string,
  kind: NeighbourKind,
  rows: readonly NeighbourRow[],
  onChunk: () => void,
): Promise<void> {
  for (let start = 0; start < rows.length; start += WRITE_CHUNK) {
    const chunk = rows.slice(start, start + WRITE_CHUNK);
    await tx.$executeRawUnsafe(
      `INSERT INTO "ProductNeighbour" ("storeId", kind, sku, "neighbourSku", score, support)
       SELECT $1::uuid, $2::"RecommendationKind", x.sku, x.neighbour, x.score, x.support
       FROM unnest($3::text[], $4::text[], $5::float8[], $6::int[]) AS x(sku, neighbour, score, support)`,
      storeId,
      kind,
      chunk.map((row) => row.sku),
      chunk.map((row) => row.neighbourSku),
      chunk.map((row) => row.score),
      chunk.map((row) => row.support),
    );
    onChunk();
  }
}

/** Cuts lists back to the top K, in model.ts's order: score, support, then sku by code unit (COLLATE "C"). */
async function trimLists(
  tx: Prisma.TransactionClient,
  storeId: string,
  kind: NeighbourKind,
  skus: readonly string[],
): Promise<void> {
  await tx.$executeRawUnsafe(
    `DELETE FROM "ProductNeighbour" p
     USING (
       SELECT sku, "neighbourSku",
              row_number() OVER (PARTITION BY sku ORDER BY score DESC, support DESC, "neighbourSku" COLLATE "C") AS rank
       FROM "ProductNeighbour"
       WHERE "storeId" = $1::uuid AND kind = $2::"RecommendationKind" AND sku = ANY ($3::text[])
     ) ranked
     WHERE p."storeId" = $1::uuid AND p.kind = $2::"RecommendationKind" AND p.sku = ranked.sku
       AND p."neighbourSku" = ranked."neighbourSku" AND ranked.rank > $4`,
    storeId,
    kind,
    [...skus],
    SIMILARITY_DEFAULTS.topK,
  );
}

async function insertPopularity(
  tx: Prisma.TransactionClient,
  storeId: string,
  rows: readonly PopularityRow[],
  onChunk: () => void,
): Promise<void> {
  for (let start = 0; start < rows.length; start += WRITE_CHUNK) {
    const chunk = rows.slice(start, start + WRITE_CHUNK);
    await tx.$executeRawUnsafe(
      `INSERT INTO "ProductPopularity" ("storeId", scope, sku, popularity, trending, buyers)
       SELECT $1::uuid, x.scope, x.sku, x.popularity, x.trending, x.buyers
       FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[], $6::int[])
         AS x(scope, sku, popularity, trending, buyers)`,
      storeId,
      chunk.map((row) => row.scope),
      chunk.map((row) => row.sku),
      chunk.map((row) => row.popularity),
      chunk.map((row) => row.trending),
      chunk.map((row) => row.buyers),
    );
    onChunk();
  }
}
