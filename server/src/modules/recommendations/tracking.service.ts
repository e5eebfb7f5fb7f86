import { z } from 'zod';
import type { PrismaClient } from '../../db/database.ts';
import { uuidv7 } from '../../db/uuid7.ts';
import { InvalidInputError } from '../../errors.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { parseInput } from '../customers/customers.service.ts';
import { parseListId } from './list-id.ts';
import { recommendationSettings } from './settings.service.ts';

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * What the storefront reports about served lists (impressions and clicks), which orders those clicks
 * led to (attribution), and how lists performed. Lists are stateless (list-id.ts): the id is checked
 * by its format and age, never looked up.
 */

export const MAX_TRACKED_SKUS = 50;
/** Lists hold at most 50 items, so no reported position can be beyond it. */
const MAX_POSITION = 50;

export type RecommendationEventKind = 'IMPRESSION' | 'CLICK';

export interface TrackRecommendationEventInput {
  listId: string;
  kind: RecommendationEventKind;
  /** The skus shown (impressions arrive in batches) or the one clicked. */
  skus: readonly string[];
  /** 1-based: the clicked item's position, or the first shown item's (the others follow in order). */
  position?: number | null;
}

export interface TrackRecommendationEventResult {
  recorded: number;
  /** Already reported for this list, kind and sku (a retry, a re-render): not stored again. */
  duplicates: number;
}

const trackInput = z
  .object(
    {
      listId: z.string({ error: 'must be a string' }).trim().max(200, 'must be at most 200 characters'),
      kind: z.enum(['IMPRESSION', 'CLICK'], { error: 'must be IMPRESSION or CLICK' }),
      skus: z
        .array(
          z
            .string({ error: 'must be a string' })
            .trim()
            .min(1, 'must not be empty')
            .max(200, 'must be at most 200 characters'),
          { error: 'must be a list of skus' },
        )
        .min(1, 'must list at least one sku')
        .max(MAX_TRACKED_SKUS, `must list at most ${MAX_TRACKED_SKUS} skus`),
      position: z
        .number({ error: 'must be a number' })
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(MAX_POSITION, `must be at most ${MAX_POSITION}`)
        .nullish(),
    },
    { error: 'must be an object' },
  )
  .superRefine((input, context) => {
    if (input.kind === 'CLICK' && input.skus.length !== 1)
      context.addIssue({ code: 'custom', path: ['skus'], message: 'a click names exactly one sku' });
    else if (input.position != null && input.position + input.skus.length - 1 > MAX_POSITION)
      context.addIssue({
        code: 'custom',
        path: ['position'],
        message: `puts the last sku beyond position ${MAX_POSITION}`,
      });
  });

/**
 * Records impressions or a click of a served list, once per list, kind and sku (a unique key and
 * ON CONFLICT DO NOTHING make retries and concurrent reports harmless). `customerId` is the signed-in
 * shopper's customer, stored so that their later orders can be attributed to the click. An invalid or
 * expired list id, or a sku the store does not have, throws InvalidInputError and records nothing.
 */
export async function trackRecommendationEvent(
  prisma: PrismaClient,
  storeId: string,
  input: TrackRecommendationEventInput,
  options: { customerId?: string | null; now?: Date } = {},
): Promise<TrackRecommendationEventResult> {
  const valid = parseInput(trackInput, input, 'input');
  const now = options.now ?? new Date();
  const list = parseListId(valid.listId, now);
  if (!list) throw new InvalidInputError('input.listId', 'must be the id of a list served in the last 30 days');
  const known = await prisma.product.findMany({
    where: { storeId, sku: { in: [...new Set(valid.skus)] } },
    select: { sku: true },
  });
  const skus = new Set(known.map((product) => product.sku));
  const unknown = valid.skus.findIndex((sku) => !skus.has(sku));
  if (unknown >= 0) throw new InvalidInputError(`input.skus.${unknown}`, 'is not a product of this store');
  const { count } = await prisma.recommendationEvent.createMany({
    data: valid.skus.map((sku, index) => ({
      storeId,
      listId: valid.listId,
      strategy: list.strategy,
      kind: valid.kind,
      sku,
      position: valid.position == null ? null : valid.position + index,
      customerId: options.customerId ?? null,
      createdAt: now,
    })),
    skipDuplicates: true,
  });
  return { recorded: count, duplicates: valid.skus.length - count };
}

interface AttributionCandidate {
  orderId: string;
  sku: string;
  revenue: bigint;
  currency: string;
  eventId: string;
  listId: string;
  strategy: string;
}

/**
 * Credits the product lines of the given sales to recommendation clicks: a line is attributed when
 * the order's customer clicked its sku in a recommendation list within the store's `attributionDays`
 * before the order was placed ([placedAt − N days, placedAt]); the latest such click gets the credit.
 * Revenue is the sum of the sku's line totals in that order (line discounts taken off; an order-level
 * discount is not spread over lines). Guest orders, returns, cancelled orders and non-product lines
 * are never attributed. Idempotent: (orderId, sku) is unique and existing credits are kept.
 * Returns the number of attributions written.
 */
export async function attributeOrders(
  prisma: PrismaClient,
  storeId: string,
  orderIds: readonly string[],
): Promise<number> {
  if (orderIds.length === 0) return 0;
  const { attributionDays } = await recommendationSettings(prisma, storeId);
  // The click lookup goes through the customer: the (customerId, kind, createdAt) index finds the latest
  // click in a few rows. Store scoping is applied to the found click, outside the lookup, because with
  // "storeId" inside it the planner (without statistics yet, e.g. right after a bulk import) walked the
  // store's (storeId, createdAt) index instead, reading every click of the window for every line:
  // 10 s instead of 0.1 s for 1,000 orders against 10,000 clicks on PostgreSQL.
  // Lines are reached through their order, which is scoped to the store.
  const candidates = await prisma.$queryRaw<AttributionCandidate[]>`
    WITH lines AS (
      SELECT o.id AS "orderId", o."customerId", o."placedAt", o.currency, l.sku, sum(l.total)::bigint AS revenue
      FROM "Order" o
      JOIN "OrderLine" l ON l."orderId" = o.id
      WHERE o."storeId" = ${storeId}::uuid AND o.id = ANY(${orderIds}::uuid[])
        AND o.kind = 'SALE' AND o.status <> 'CANCELLED' AND o."customerId" IS NOT NULL
        AND l.kind = 'PRODUCT' AND l.sku IS NOT NULL AND l.quantity > 0
      GROUP BY o.id, l.sku
    )
    SELECT lines."orderId", lines.sku, lines.revenue, lines.currency, e.id AS "eventId", e."listId", e.strategy
    FROM lines
    JOIN LATERAL (
      SELECT id, "storeId", "listId", strategy FROM "RecommendationEvent"
      WHERE "customerId" = lines."customerId" AND kind = 'CLICK' AND sku = lines.sku
        AND "createdAt" <= lines."placedAt"
        AND "createdAt" >= lines."placedAt" - make_interval(days => ${attributionDays}::int)
      ORDER BY "createdAt" DESC, id DESC
      LIMIT 1
    ) e ON true
    WHERE e."storeId" = ${storeId}::uuid`;
  if (candidates.length === 0) return 0;
  // One JSON parameter rather than Prisma's createMany: a bulk import credits thousands of lines per
  // batch, and binding nine parameters per row was most of the cost.
  const rows = candidates.map((candidate) => ({ id: uuidv7(), ...candidate, revenue: candidate.revenue.toString() }));
  return prisma.$executeRaw`
    INSERT INTO "RecommendationAttribution" (id, "storeId", "orderId", sku, "eventId", "listId", strategy, revenue, currency)
    SELECT x.id, ${storeId}::uuid, x."orderId", x.sku, x."eventId", x."listId", x.strategy, x.revenue::bigint, x.currency
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS x(id uuid, "orderId" uuid, sku text, "eventId" uuid, "listId" text, strategy text, revenue text, currency text)
    ON CONFLICT ("orderId", sku) DO NOTHING`;
}

/** A cancelled order was worth nothing in the end: its credits go. */
export async function removeOrderAttributions(prisma: PrismaClient, storeId: string, orderId: string): Promise<number> {
  const { count } = await prisma.recommendationAttribution.deleteMany({ where: { storeId, orderId } });
  return count;
}

export interface AttributedRevenue {
  currency: string;
  attributedOrders: number;
  /** Minor units of `currency`. */
  attributedRevenue: number;
}

export interface PerformanceFigures {
  impressions: number;
  clicks: number;
  /** Clicks per 100 impressions; null without impressions. */
  clickThroughRate: number | null;
  /** Distinct orders with at least one attributed line, any currency. */
  attributedOrders: number;
  /** The store's default currency, the one `attributedRevenue` is in. */
  currency: string;
  attributedRevenue: number;
  /** One row per currency that has attributed orders, by currency code. */
  revenueByCurrency: AttributedRevenue[];
}

export interface StrategyPerformance extends PerformanceFigures {
  strategy: string;
}

export interface RecommendationPerformance extends PerformanceFigures {
  from: Date;
  to: Date;
  /** One row per strategy with events or attributions in the range, by strategy name. */
  byStrategy: StrategyPerformance[];
}

interface EventCountRow {
  defaultCurrency: string;
  strategy: string | null;
  kind: RecommendationEventKind | null;
  n: number | null;
}

interface AttributionRow {
  strategy: string | null;
  currency: string | null;
  byStrategy: number;
  byCurrency: number;
  orders: number;
  revenue: bigint;
}

/**
 * Impressions and clicks reported in [from, to), and the orders placed in [from, to) credited to a
 * click, store-wide and per strategy. Two statements, side by side: event counts (with the store's
 * currency) and attribution totals (GROUPING SETS, so distinct order counts stay distinct across
 * strategies and currencies).
 */
export async function recommendationPerformance(
  prisma: PrismaClient,
  storeId: string,
  range: { from: Date; to: Date },
): Promise<RecommendationPerformance> {
  const [eventRows, attributionRows] = await Promise.all([
    prisma.$queryRaw<EventCountRow[]>`
      SELECT s."defaultCurrency", e.strategy, e.kind, e.n
      FROM "Store" s
      LEFT JOIN (
        SELECT strategy, kind::text AS kind, count(*)::int AS n
        FROM "RecommendationEvent"
        WHERE "storeId" = ${storeId}::uuid AND "createdAt" >= ${range.from} AND "createdAt" < ${range.to}
        GROUP BY strategy, kind
      ) e ON true
      WHERE s.id = ${storeId}::uuid`,
    prisma.$queryRaw<AttributionRow[]>`
      SELECT a.strategy, a.currency, GROUPING(a.strategy)::int AS "byStrategy",
        GROUPING(a.currency)::int AS "byCurrency",
        count(DISTINCT a."orderId")::int AS orders, coalesce(sum(a.revenue), 0)::bigint AS revenue
      FROM "RecommendationAttribution" a
      JOIN "Order" o ON o.id = a."orderId" AND o."storeId" = a."storeId"
      WHERE a."storeId" = ${storeId}::uuid AND o."placedAt" >= ${range.from} AND o."placedAt" < ${range.to}
      GROUP BY GROUPING SETS ((a.strategy, a.currency), (a.strategy), (a.currency), ())`,
  ]);
  const currency = eventRows[0]?.defaultCurrency.trim() ?? 'EUR';
  const empty = (): PerformanceFigures => ({
    impressions: 0,
    clicks: 0,
    clickThroughRate: null,
    attributedOrders: 0,
    currency,
    attributedRevenue: 0,
    revenueByCurrency: [],
  });
  const total = empty();
  const strategies = new Map<string, PerformanceFigures>();
  const ofStrategy = (strategy: string | null) => {
    if (strategy === null) return total;
    let figures = strategies.get(strategy);
    if (!figures) {
      figures = empty();
      strategies.set(strategy, figures);
    }
    return figures;
  };
  for (const row of eventRows) {
    if (row.kind === null || row.n === null) continue;
    for (const figures of [total, ofStrategy(row.strategy)])
      if (row.kind === 'CLICK') figures.clicks += row.n;
      else figures.impressions += row.n;
  }
  for (const row of attributionRows) {
    // GROUPING() is 1 where the column was rolled up: the row is then for every strategy / currency.
    const figures = row.byStrategy === 1 ? total : ofStrategy(row.strategy);
    if (row.byCurrency === 1) figures.attributedOrders = row.orders;
    else {
      const code = row.currency!.trim();
      figures.revenueByCurrency.push({
        currency: code,
        attributedOrders: row.orders,
        attributedRevenue: Number(row.revenue),
      });
      if (code === currency) figures.attributedRevenue = Number(row.revenue);
    }
  }
  const finish = (figures: PerformanceFigures) => {
    figures.clickThroughRate = figures.impressions > 0 ? (100 * figures.clicks) / figures.impressions : null;
    figures.revenueByCurrency.sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
  };
  finish(total);
  const byStrategy = [...strategies]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([strategy, figures]) => {
      finish(figures);
      return { strategy, ...figures };
    });
  return { from: range.from, to: range.to, ...total, byStrategy };
}

/** A customer's events and the credits of their clicks: the recommendations section of a data export. */
export async function customerRecommendationData(db: Db, storeId: string, customerId: string) {
  const events = await db.recommendationEvent.findMany({
    where: { storeId, customerId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { listId: true, strategy: true, kind: true, sku: true, position: true, createdAt: true },
  });
  const attributions = await db.recommendationAttribution.findMany({
    where: { storeId, event: { customerId } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: {
      orderId: true,
      sku: true,
      listId: true,
      strategy: true,
      revenue: true,
      currency: true,
      createdAt: true,
    },
  });
  return { events, attributions };
}
