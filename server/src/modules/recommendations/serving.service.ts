import type { PrismaClient } from '../../db/database.ts';
import { InvalidInputError } from '../../errors.ts';
import { Prisma, type Product } from '../../generated/prisma/client.ts';
import { newListId, RECOMMENDATION_STRATEGIES, type RecommendationStrategy } from './list-id.ts';
import {
  basketScores,
  HISTORY_MAX_ITEMS,
  type HistoryItem,
  type NeighbourKind,
  type NeighbourLists,
  personalScores,
  type ScoredCandidate,
  type ScoredSku,
} from './model.ts';
import { applyRules, isEligible, isRepeatPurchase, type Ranked } from './rules.ts';
import { type RecommendationSettingsView, recommendationSettings } from './settings.service.ts';

/**
 * Serving: turns the precomputed models (ProductNeighbour, ProductPopularity) into a list for a
 * product page, a cart or a shopper. Nothing is written; the list id carries the strategy and the time.
 *
 * Each list costs two or three SQL statements, none per item, each a union of small index-driven
 * queries (one big all-in-one statement was tried first: planning it cost more than running these):
 * 1. the store's settings, in parallel with
 * 2. the model's input. A product page: its neighbour list joined to the catalogue, the product itself,
 *    the pinned products and the newest product of its category — usually all the page needs. A cart or
 *    a shopper: their history and the neighbour lists it reaches, scored in memory by model.ts;
 * 3. the rest, only the parts needed: the best scored candidates' catalogue entries, the pinned products,
 *    the newest product of the context's categories and — only when the model may leave the list short —
 *    the fill sources, each cut to a few rows more than the rules can use.
 * A fourth statement (the fill sources) is sent only when a cart's or shopper's candidates turned out too
 * few after all (most of the best ones out of stock, say).
 *
 * Ranking, per list: business rules (rules.ts `applyRules`) over the model's candidates with the
 * pinned products first; while the list is short, the same rules over each fill source in turn —
 * (1) popular products of the context's categories (leaf category, then top category), (2) store-wide
 * trending, (3) store-wide popular — with everything already chosen passed as pinned, so it keeps its
 * place and counts towards the per-category limit. Popularity is read in the context's channel when
 * that channel has any, else across channels. Finally one slot (the last) goes to the newest eligible
 * product of the context's leaf categories that is under 30 days old and has fewer than 5 buyers, so
 * new products get seen before anyone bought them.
 */

export const RECOMMENDATION_SOURCES = RECOMMENDATION_STRATEGIES;
export type RecommendationSource = RecommendationStrategy;
export type RecommendationChannel = 'STORE' | 'ONLINE' | 'APP' | 'OTHER';

export interface RecommendedItem {
  product: Product;
  /** 1-based. */
  position: number;
  /** The ranking score within the item's source, after boost/bury (0 for the new-product slot). */
  score: number;
  source: RecommendationSource;
  /** The skus (viewed product, basket or history) that led to the item, strongest first. */
  because: string[];
}

export interface RecommendationList {
  id: string;
  strategy: RecommendationStrategy;
  items: RecommendedItem[];
}

export interface ServeOptions {
  /** 1–50; default 8. */
  first?: number | null;
  /** Popularity is read in this channel when it has any. */
  channel?: RecommendationChannel | null;
  /** Never recommended (e.g. what the page already shows); up to 200. */
  excludeSkus?: readonly string[] | null;
  /** Ages are measured from here; default now. */
  now?: Date;
}

export const DEFAULT_FIRST = 8;
export const MAX_FIRST = 50;
export const MAX_BASKET_SKUS = 50;
export const MAX_EXCLUDE_SKUS = 200;
/** A product this young with fewer buyers than this gets the exposure slot. */
const NEW_PRODUCT_DAYS = 30;
const NEW_PRODUCT_MAX_BUYERS = 5;
/** Categories of this many of the shopper's most recent purchases drive the category fill. */
const HISTORY_CONTEXT_ITEMS = 10;

type Db = PrismaClient | Prisma.TransactionClient;

/** Product page: "customers who bought this also bought" (ALSO_BOUGHT) or "frequently bought together". */
export async function productRecommendations(
  prisma: Db,
  storeId: string,
  sku: string,
  options: ServeOptions & { kind?: NeighbourKind | null } = {},
): Promise<RecommendationList> {
  const first = firstOf(options.first);
  const kind = options.kind ?? 'ALSO_BOUGHT';
  const exclude = excludeOf(options.excludeSkus);
  exclude.add(sku);
  const now = options.now ?? new Date();
  const [settings, rows] = await Promise.all([
    recommendationSettings(prisma, storeId),
    productPageRows(prisma, { storeId, sku, kind, exclude, now }),
  ]);
  const context = rows.find((row) => row.src === 'CONTEXT');
  const because = new Map<string, string[]>();
  for (const row of rows) if (row.src === 'MODEL') because.set(row.sku, [sku]);
  return serve(prisma, {
    storeId,
    settings,
    first,
    now,
    exclude,
    channel: options.channel ?? null,
    categories: categoriesOf(context ? [context.categoryPath] : []),
    model: { rows: rows.filter((row) => row.src !== 'CONTEXT') },
    modelSource: kind,
    strategy: kind,
    because,
  });
}

/** Cart: "frequently bought together" for the basket; a signed-in shopper's earlier purchases are left out. */
export async function basketRecommendations(
  prisma: Db,
  storeId: string,
  skus: readonly string[],
  options: ServeOptions & { customerId?: string | null } = {},
): Promise<RecommendationList> {
  const first = firstOf(options.first);
  if (skus.length > MAX_BASKET_SKUS) throw new InvalidInputError('skus', `must list at most ${MAX_BASKET_SKUS} skus`);
  const basket = [...new Set(skus)];
  if (basket.length === 0) return customerRecommendations(prisma, storeId, options.customerId ?? null, options);
  const exclude = excludeOf(options.excludeSkus);
  for (const sku of basket) exclude.add(sku);
  const now = options.now ?? new Date();
  const [settings, context] = await Promise.all([
    recommendationSettings(prisma, storeId),
    readContext(prisma, storeId, {
      customerId: options.customerId ?? null,
      basket,
      kinds: ['BOUGHT_TOGETHER', 'ALSO_BOUGHT'],
    }),
  ]);
  excludeBought(exclude, context.history, settings);
  const scored = basketScores(basket, context.lists.BOUGHT_TOGETHER, context.lists.ALSO_BOUGHT);
  return serve(prisma, {
    storeId,
    settings,
    first,
    now,
    exclude,
    channel: options.channel ?? null,
    categories: categoriesOf(context.basket.map((product) => product.categoryPath)),
    model: { scored },
    modelSource: 'BOUGHT_TOGETHER',
    strategy: 'BOUGHT_TOGETHER',
    because: becauseOf(scored),
  });
}

/**
 * A shopper's personal list from their purchases through the ALSO_BOUGHT lists; what they bought is
 * left out unless it is a repeat-purchase kind. Without a customer (or a history), the store's
 * trending and popular products.
 */
export async function customerRecommendations(
  prisma: Db,
  storeId: string,
  customerId: string | null,
  options: ServeOptions = {},
): Promise<RecommendationList> {
  const first = firstOf(options.first);
  const exclude = excludeOf(options.excludeSkus);
  const now = options.now ?? new Date();
  const [settings, context] = await Promise.all([
    recommendationSettings(prisma, storeId),
    customerId
      ? readContext(prisma, storeId, { customerId, basket: [], kinds: ['ALSO_BOUGHT'] })
      : Promise.resolve(EMPTY_CONTEXT),
  ]);
  excludeBought(exclude, context.history, settings);
  const history: HistoryItem[] = context.history
    .slice(0, HISTORY_MAX_ITEMS)
    .map(({ sku, lastAt, count }) => ({ sku, lastAt, count }));
  const scored = personalScores(history, context.lists.ALSO_BOUGHT, { now: now.getTime(), exclude });
  const list = await serve(prisma, {
    storeId,
    settings,
    first,
    now,
    exclude,
    channel: options.channel ?? null,
    categories: categoriesOf(context.history.slice(0, HISTORY_CONTEXT_ITEMS).map((item) => item.categoryPath)),
    model: { scored },
    modelSource: 'PERSONAL',
    strategy: 'PERSONAL',
    because: becauseOf(scored),
  });
  if (history.length > 0) return list;
  // Nothing to personalise from: the list is the store's, and says which of its lists leads.
  const strategy = list.items[0]?.source === 'TRENDING' ? 'TRENDING' : 'POPULAR';
  return { ...list, id: newListId(strategy), strategy };
}

// ---------------------------------------------------------------------------------------------
// Input

function firstOf(first: number | null | undefined): number {
  const value = first ?? DEFAULT_FIRST;
  if (!Number.isInteger(value) || value < 1 || value > MAX_FIRST)
    throw new InvalidInputError('first', `must be a whole number from 1 to ${MAX_FIRST}`);
  return value;
}

function excludeOf(skus: readonly string[] | null | undefined): Set<string> {
  if (skus && skus.length > MAX_EXCLUDE_SKUS)
    throw new InvalidInputError('context.excludeSkus', `must list at most ${MAX_EXCLUDE_SKUS} skus`);
  return new Set(skus ?? []);
}

// ---------------------------------------------------------------------------------------------
// History and neighbour lists (statement 2 for carts and shoppers)

interface HistoryEntry extends HistoryItem {
  categoryPath: string[];
  tags: string[];
}

interface ServingContext {
  /** Every sku the customer kept, most recent first. */
  history: HistoryEntry[];
  lists: Record<NeighbourKind, NeighbourLists>;
  basket: { sku: string; categoryPath: string[] }[];
}

const EMPTY_CONTEXT: ServingContext = {
  history: [],
  lists: { ALSO_BOUGHT: new Map(), BOUGHT_TOGETHER: new Map() },
  basket: [],
};

interface ContextRow {
  history: unknown;
  neighbours: unknown;
  basket: unknown;
}

/**
 * One statement: the customer's purchases (the build's definition: product lines of non-cancelled
 * sales minus skus returned in full by non-cancelled returns naming the order), the basket's catalogue
 * entries, and the neighbour lists of the basket (or, without one, of the 50 most recent purchases).
 *
 * Returns are looked up among the customer's own orders, only for orders with a returned value, through
 * the (customerId, placedAt) index: nothing indexes returns by the order they name, and a scan of the
 * store's orders per list would cost more than the whole list. A return recorded as a guest's (or
 * another customer's) is therefore not seen here — the product then stays in the history, which only
 * keeps it out of the shopper's list; the models (build.service.ts) do see it.
 */
async function readContext(
  prisma: Db,
  storeId: string,
  input: { customerId: string | null; basket: readonly string[]; kinds: readonly NeighbourKind[] },
): Promise<ServingContext> {
  // An array (not a subquery) so the lookup is an index scan of (storeId, kind, sku) whatever the statistics.
  const sources =
    input.basket.length > 0 ? Prisma.sql`${[...input.basket]}::text[]` : Prisma.sql`ARRAY(SELECT sku FROM recent)`;
  const [row] = await prisma.$queryRaw<ContextRow[]>`
    WITH bought AS (
      SELECT o.id AS "orderId", l.sku, SUM(l.quantity) AS quantity, MAX(o."placedAt") AS "placedAt",
             bool_or(o."returnedTotal" <> 0) AS returned
      FROM "Order" o
      JOIN "OrderLine" l ON l."orderId" = o.id
      WHERE o."storeId" = ${storeId}::uuid AND o."customerId" = ${input.customerId}::uuid
        AND o.kind = 'SALE' AND o.status <> 'CANCELLED'
        AND l.kind = 'PRODUCT' AND l.sku IS NOT NULL AND l.quantity > 0
      GROUP BY o.id, l.sku
    ),
    returned AS (
      SELECT r."returnOfId" AS "orderId", rl.sku, -SUM(rl.quantity) AS quantity
      FROM "Order" r
      JOIN "OrderLine" rl ON rl."orderId" = r.id
      WHERE r."storeId" = ${storeId}::uuid AND r."customerId" = ${input.customerId}::uuid
        AND r.kind = 'RETURN' AND r.status <> 'CANCELLED'
        AND r."returnOfId" IN (SELECT "orderId" FROM bought WHERE returned)
        AND rl.kind = 'PRODUCT' AND rl.sku IS NOT NULL AND rl.quantity < 0
      GROUP BY r."returnOfId", rl.sku
    ),
    history AS (
      SELECT b.sku, (extract(epoch FROM MAX(b."placedAt")) * 1000)::float8 AS "lastAt", COUNT(*)::int AS count
      FROM bought b
      LEFT JOIN returned r ON r."orderId" = b."orderId" AND r.sku = b.sku
      WHERE r.quantity IS NULL OR r.quantity < b.quantity
      GROUP BY b.sku
    ),
    recent AS (SELECT sku FROM history ORDER BY "lastAt" DESC, sku LIMIT ${HISTORY_MAX_ITEMS}::int)
    SELECT
      (SELECT COALESCE(json_agg(json_build_object('sku', h.sku, 'lastAt', h."lastAt", 'count', h.count,
                'categoryPath', COALESCE(p."categoryPath", '{}'), 'tags', COALESCE(p.tags, '{}'))
              ORDER BY h."lastAt" DESC, h.sku), '[]'::json)
       FROM history h
       LEFT JOIN "Product" p ON p."storeId" = ${storeId}::uuid AND p.sku = h.sku) AS history,
      (SELECT COALESCE(json_agg(json_build_object('kind', n.kind, 'sku', n.sku, 'neighbourSku', n."neighbourSku",
                'score', n.score)), '[]'::json)
       FROM "ProductNeighbour" n
       WHERE n."storeId" = ${storeId}::uuid AND n.kind = ANY(${[...input.kinds]}::"RecommendationKind"[])
         AND n.sku = ANY(${sources})) AS neighbours,
      (SELECT COALESCE(json_agg(json_build_object('sku', p.sku, 'categoryPath', p."categoryPath")), '[]'::json)
       FROM "Product" p
       WHERE p."storeId" = ${storeId}::uuid AND p.sku = ANY(${[...input.basket]}::text[])) AS basket`;
  const lists: Record<NeighbourKind, Map<string, ScoredSku[]>> = { ALSO_BOUGHT: new Map(), BOUGHT_TOGETHER: new Map() };
  for (const neighbour of json<{ kind: NeighbourKind; sku: string; neighbourSku: string; score: number }[]>(
    row?.neighbours,
  )) {
    const byKind = lists[neighbour.kind];
    let list = byKind.get(neighbour.sku);
    if (!list) {
      list = [];
      byKind.set(neighbour.sku, list);
    }
    list.push({ sku: neighbour.neighbourSku, score: neighbour.score });
  }
  return {
    history: json<HistoryEntry[]>(row?.history),
    lists,
    basket: json<{ sku: string; categoryPath: string[] }[]>(row?.basket),
  };
}

/** json columns arrive parsed from node-postgres and as text from some adapters. */
function json<T>(value: unknown): T {
  if (value == null) return [] as T;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** What the shopper kept is not recommended again, unless it is bought again and again (coffee, filters). */
function excludeBought(exclude: Set<string>, history: readonly HistoryEntry[], settings: RecommendationSettingsView) {
  for (const item of history) if (!isRepeatPurchase(item, settings)) exclude.add(item.sku);
}

function categoriesOf(paths: readonly (readonly string[])[]): { leafs: string[]; tops: string[] } {
  const leafs = new Set<string>();
  const tops = new Set<string>();
  for (const path of paths) {
    if (path.length === 0) continue;
    leafs.add(path[path.length - 1]!);
    tops.add(path[0]!);
  }
  return { leafs: [...leafs], tops: [...tops] };
}

function becauseOf(scored: readonly ScoredCandidate[]): Map<string, string[]> {
  return new Map(scored.map((candidate) => [candidate.sku, candidate.because]));
}

// ---------------------------------------------------------------------------------------------
// Candidate statements

type CandidateSource = 'MODEL' | 'CONTEXT' | 'PINNED' | 'NEW' | 'LEAF' | 'TOP' | 'TRENDING' | 'POPULAR';

type CandidateRow = Product & { src: CandidateSource; raw: number };

const PRODUCT_COLUMNS = Prisma.sql`p.id, p."storeId", p.sku, p.name, p.url, p."imageUrl", p.price, p.currency,
  p."categoryPath", p.tags, p.active, p."inStock", p."createdAt", p."updatedAt"`;

/**
 * Everything a product page usually needs, in one statement: its neighbour list joined to the catalogue
 * (active, in stock), the product itself (for its categories), the pinned products (the settings row read
 * inside the statement, so this runs in parallel with the settings read) and the newest product of its
 * leaf category (the exposure slot). Only a product whose list comes up short needs another statement.
 */
function productPageRows(
  prisma: Db,
  input: { storeId: string; sku: string; kind: NeighbourKind; exclude: ReadonlySet<string>; now: Date },
): Promise<CandidateRow[]> {
  const store = Prisma.sql`${input.storeId}::uuid`;
  const settings = (column: string) =>
    Prisma.sql`COALESCE((SELECT s.${Prisma.raw(`"${column}"`)} FROM "RecommendationSettings" s WHERE s."storeId" = ${store}), '{}')`;
  const eligible = Prisma.sql`p.active AND p."inStock" AND NOT (p."categoryPath" && ${settings('excludeCategories')})
    AND NOT (p.sku = ANY(${[...input.exclude]}::text[]))`;
  return prisma.$queryRaw<CandidateRow[]>`
    SELECT 'MODEL' AS src, n.score AS raw, ${PRODUCT_COLUMNS}
    FROM "ProductNeighbour" n
    JOIN "Product" p ON p."storeId" = n."storeId" AND p.sku = n."neighbourSku"
    WHERE n."storeId" = ${store} AND n.kind = ${input.kind}::"RecommendationKind" AND n.sku = ${input.sku}
      AND p.active AND p."inStock"
    UNION ALL
    SELECT 'CONTEXT', 0, ${PRODUCT_COLUMNS}
    FROM "Product" p
    WHERE p."storeId" = ${store} AND p.sku = ${input.sku}
    UNION ALL
    SELECT 'PINNED', 0, ${PRODUCT_COLUMNS}
    FROM "Product" p
    WHERE p."storeId" = ${store} AND p.sku = ANY(${settings('pinnedSkus')}) AND ${eligible}
    UNION ALL
    (SELECT 'NEW', 0, ${PRODUCT_COLUMNS}
     FROM "Product" p
     WHERE p."storeId" = ${store}
       AND p."createdAt" >= ${new Date(input.now.getTime() - NEW_PRODUCT_DAYS * 86_400_000)}::timestamptz
       AND p."categoryPath"[cardinality(p."categoryPath")] = (
         SELECT c."categoryPath"[cardinality(c."categoryPath")] FROM "Product" c
         WHERE c."storeId" = ${store} AND c.sku = ${input.sku})
       AND ${eligible}
       AND NOT EXISTS (
         SELECT 1 FROM "ProductPopularity" pp
         WHERE pp."storeId" = p."storeId" AND pp.scope = 'ALL' AND pp.sku = p.sku
           AND pp.buyers >= ${NEW_PRODUCT_MAX_BUYERS}::int)
     ORDER BY p."createdAt" DESC, p.sku
     LIMIT 1)`;
}

interface ExtraInput {
  storeId: string;
  settings: RecommendationSettingsView;
  first: number;
  now: Date;
  exclude: ReadonlySet<string>;
  channel: RecommendationChannel | null;
  categories: { leafs: string[]; tops: string[] };
  /** Model candidates whose catalogue rows are still needed. */
  scored: readonly ScoredCandidate[];
  pins: boolean;
  newProduct: boolean;
  fill: boolean;
}

/**
 * One statement for everything else a list may need, each part a small index-driven query (the parts
 * not needed are left out, so a cheap plan stays cheap): the model's candidates, the pinned products,
 * the newest product of the context's leaf categories, and the fill sources — popular products of the
 * context's leaf and top categories, then store-wide trending and popular — each cut to a few rows
 * more than the rules can use. Eligibility (active, in stock, no excluded category, not excluded) is
 * checked here so the cuts count usable products; the rules check it again.
 */
function extraRows(prisma: Db, input: ExtraInput): Promise<CandidateRow[]> | CandidateRow[] {
  const { storeId, settings } = input;
  const exclude = [...input.exclude];
  const eligible = Prisma.sql`p.active AND p."inStock" AND NOT (p."categoryPath" && ${[...settings.excludeCategories]}::text[])
    AND NOT (p.sku = ANY(${exclude}::text[]))`;
  const leaf = Prisma.sql`p."categoryPath"[cardinality(p."categoryPath")]`;
  // Enough for the rules: at most `first` lost to full categories, `first` + pins to duplicates.
  const limit = 2 * input.first + settings.pinnedSkus.length + 10;
  const scope = input.channel
    ? Prisma.sql`(SELECT CASE WHEN EXISTS (SELECT 1 FROM "ProductPopularity" x
        WHERE x."storeId" = ${storeId}::uuid AND x.scope = ${input.channel}) THEN ${input.channel} ELSE 'ALL' END)`
    : Prisma.sql`'ALL'`;
  const popular = (src: CandidateSource, score: Prisma.Sql, where: Prisma.Sql) => Prisma.sql`
    (SELECT ${src} AS src, ${score} AS raw, ${PRODUCT_COLUMNS}
     FROM "ProductPopularity" pp
     JOIN "Product" p ON p."storeId" = pp."storeId" AND p.sku = pp.sku
     WHERE pp."storeId" = ${storeId}::uuid AND pp.scope = ${scope} AND ${where} AND ${eligible}
     ORDER BY ${score} DESC, pp.sku
     LIMIT ${limit}::int)`;
  const parts: Prisma.Sql[] = [];
  if (input.scored.length > 0)
    parts.push(Prisma.sql`
      (SELECT 'MODEL' AS src, m.score AS raw, ${PRODUCT_COLUMNS}
       FROM unnest(${input.scored.map((candidate) => candidate.sku)}::text[],
                   ${input.scored.map((candidate) => candidate.score)}::float8[]) AS m(sku, score)
       JOIN "Product" p ON p."storeId" = ${storeId}::uuid AND p.sku = m.sku
       WHERE ${eligible})`);
  if (input.pins && settings.pinnedSkus.length > 0)
    parts.push(Prisma.sql`
      (SELECT 'PINNED' AS src, 0::float8 AS raw, ${PRODUCT_COLUMNS}
       FROM "Product" p
       WHERE p."storeId" = ${storeId}::uuid AND p.sku = ANY(${[...settings.pinnedSkus]}::text[]) AND ${eligible})`);
  const { leafs, tops } = input.categories;
  if (input.newProduct && leafs.length > 0)
    parts.push(Prisma.sql`
      (SELECT 'NEW' AS src, 0::float8 AS raw, ${PRODUCT_COLUMNS}
       FROM "Product" p
       WHERE p."storeId" = ${storeId}::uuid
         AND p."createdAt" >= ${new Date(input.now.getTime() - NEW_PRODUCT_DAYS * 86_400_000)}::timestamptz
         AND ${leaf} = ANY(${leafs}::text[]) AND ${eligible}
         AND NOT EXISTS (
           SELECT 1 FROM "ProductPopularity" pp
           WHERE pp."storeId" = p."storeId" AND pp.scope = 'ALL' AND pp.sku = p.sku
             AND pp.buyers >= ${NEW_PRODUCT_MAX_BUYERS}::int)
       ORDER BY p."createdAt" DESC, p.sku
       LIMIT 1)`);
  if (input.fill) {
    if (leafs.length > 0)
      parts.push(popular('LEAF', Prisma.sql`pp.popularity`, Prisma.sql`${leaf} = ANY(${leafs}::text[])`));
    if (tops.length > 0)
      parts.push(popular('TOP', Prisma.sql`pp.popularity`, Prisma.sql`p."categoryPath"[1] = ANY(${tops}::text[])`));
    parts.push(popular('TRENDING', Prisma.sql`pp.trending`, Prisma.sql`pp.trending > 0`));
    parts.push(popular('POPULAR', Prisma.sql`pp.popularity`, Prisma.sql`TRUE`));
  }
  if (parts.length === 0) return [];
  return prisma.$queryRaw<CandidateRow[]>(Prisma.join(parts, ' UNION ALL '));
}

/**
 * Candidates of a cart or shopper fetched from the catalogue: the best few by model score, more than the
 * rules can use. A boost tag can therefore only lift a candidate from within these.
 */
function modelPrefetch(first: number, settings: RecommendationSettingsView): number {
  return 3 * first + settings.pinnedSkus.length + 20;
}

/**
 * Whether the model's candidates may leave the list short: fewer than `first` + pins survive
 * eligibility, exclusion and the per-category limit (pinned products can each displace one).
 */
function mayBeShort(
  rows: readonly CandidateRow[],
  settings: RecommendationSettingsView,
  first: number,
  exclude: ReadonlySet<string>,
): boolean {
  const perCategory = new Map<string, number>();
  let usable = 0;
  for (const row of rows) {
    if (exclude.has(row.sku) || !isEligible(row, settings)) continue;
    const category = row.categoryPath[row.categoryPath.length - 1];
    if (category !== undefined) {
      const count = perCategory.get(category) ?? 0;
      if (settings.maxPerCategory > 0 && count >= settings.maxPerCategory) continue;
      perCategory.set(category, count + 1);
    }
    usable++;
  }
  return usable < first + settings.pinnedSkus.length;
}

/**
 * The statement(s) after the model: extras in one statement, and — only when the candidates fetched
 * turn out too few after all (many of them out of stock) — the fill sources in one more.
 */
async function serve(
  prisma: Db,
  input: Omit<ExtraInput, 'scored' | 'pins' | 'newProduct' | 'fill'> & {
    model: { rows: CandidateRow[] } | { scored: readonly ScoredCandidate[] };
    modelSource: RecommendationSource;
    strategy: RecommendationStrategy;
    because: ReadonlyMap<string, string[]>;
  },
): Promise<RecommendationList> {
  const { settings, first, exclude } = input;
  const scored =
    'scored' in input.model
      ? input.model.scored.filter((candidate) => !exclude.has(candidate.sku)).slice(0, modelPrefetch(first, settings))
      : [];
  const known = 'rows' in input.model ? input.model.rows : [];
  // Fetched candidates are checked exactly; for scored ones eligibility is not known yet, so assume the worst
  // only when there are few.
  const fill =
    'rows' in input.model
      ? mayBeShort(
          known.filter((row) => row.src === 'MODEL'),
          settings,
          first,
          exclude,
        )
      : scored.length < 2 * first + settings.pinnedSkus.length;
  // The product page's statement already brought the pinned and the new product.
  const complete = 'rows' in input.model;
  const base = { ...input, scored, pins: !complete, newProduct: !complete, fill };
  let rows = [...known, ...(await extraRows(prisma, base))];
  const options = { ...input, settings, first, exclude };
  let list = rank(rows, options);
  if (list.items.length < first && !fill) {
    rows = [...rows, ...(await extraRows(prisma, { ...base, scored: [], pins: false, newProduct: false, fill: true }))];
    list = rank(rows, options);
  }
  return list;
}

// ---------------------------------------------------------------------------------------------
// Ranking (pure, after the statements)

type ProductRanked = Ranked<Product, RecommendationSource>;

const FILL_TIERS: { sources: CandidateSource[]; as: RecommendationSource }[] = [
  { sources: ['LEAF', 'TOP'], as: 'CATEGORY' },
  { sources: ['TRENDING'], as: 'TRENDING' },
  { sources: ['POPULAR'], as: 'POPULAR' },
];

function rank(
  rows: readonly CandidateRow[],
  options: {
    settings: RecommendationSettingsView;
    first: number;
    exclude: ReadonlySet<string>;
    modelSource: RecommendationSource;
    strategy: RecommendationStrategy;
    because: ReadonlyMap<string, string[]>;
  },
): RecommendationList {
  const { settings, first, exclude } = options;
  const bySource = new Map<CandidateSource, CandidateRow[]>();
  for (const row of rows) {
    const list = bySource.get(row.src) ?? [];
    list.push(row);
    bySource.set(row.src, list);
  }
  const ranked = (source: CandidateSource, as: RecommendationSource): ProductRanked[] =>
    (bySource.get(source) ?? []).map((row) => ({
      product: productOf(row),
      score: row.raw,
      source: as,
      because: options.because.get(row.sku) ?? [],
    }));

  const pinnedBySku = new Map(ranked('PINNED', 'PINNED').map((item) => [item.product.sku, item]));
  // In the order the settings list them.
  const pinned = settings.pinnedSkus.flatMap((sku) => {
    const item = pinnedBySku.get(sku);
    return item ? [{ ...item, score: 0 }] : [];
  });
  let chosen = applyRules(ranked('MODEL', options.modelSource), { settings, first, exclude, pinned });
  const scores = new Map(chosen.map((item) => [item.product.sku, item.score]));
  for (const tier of FILL_TIERS) {
    if (chosen.length >= first) break;
    const taken = new Set(chosen.map((item) => item.product.sku));
    const candidates = tier.sources
      .flatMap((source) => ranked(source, tier.as))
      .filter((item) => !taken.has(item.product.sku));
    const unique = [...new Map(candidates.map((item) => [item.product.sku, item])).values()];
    // Already chosen items go in as pinned: they keep their place and count towards the category limit.
    chosen = applyRules(unique, { settings, first, exclude, pinned: chosen });
    for (const item of chosen) if (!scores.has(item.product.sku)) scores.set(item.product.sku, item.score);
  }
  chosen = chosen.map((item) => ({ ...item, score: scores.get(item.product.sku) ?? item.score }));
  chosen = withNewProduct(chosen, bySource.get('NEW')?.[0], settings, first);
  return {
    id: newListId(options.strategy),
    strategy: options.strategy,
    items: chosen.map((item, index) => ({
      product: item.product,
      position: index + 1,
      score: item.score,
      source: item.source,
      because: item.because ?? [],
    })),
  };
}

/**
 * The exposure slot: the newest product of the context's category (already checked eligible and not
 * excluded) takes the last place, unless it is already listed, the last place holds a pinned product,
 * or its category is already at the per-category limit without the item it replaces.
 */
function withNewProduct(
  chosen: ProductRanked[],
  row: CandidateRow | undefined,
  settings: RecommendationSettingsView,
  first: number,
): ProductRanked[] {
  if (!row || chosen.some((item) => item.product.sku === row.sku)) return chosen;
  const kept = chosen.length < first ? chosen : chosen.slice(0, -1);
  if (chosen.length >= first && chosen[chosen.length - 1]!.source === 'PINNED') return chosen;
  const leaf = row.categoryPath[row.categoryPath.length - 1];
  if (leaf !== undefined && settings.maxPerCategory > 0) {
    const same = kept.filter((item) => item.product.categoryPath[item.product.categoryPath.length - 1] === leaf);
    if (same.length >= settings.maxPerCategory) return chosen;
  }
  return [...kept, { product: productOf(row), score: 0, source: 'CATEGORY', because: [] }];
}

function productOf(row: CandidateRow): Product {
  const { src: _src, raw: _raw, ...product } = row;
  return product;
}
