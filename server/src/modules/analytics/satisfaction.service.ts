import type { PrismaClient } from '../../db/database.ts';
import { InvalidInputError, isUuid } from '../../errors.ts';
import { type OrderChannel, Prisma, type RfmSegment } from '../../generated/prisma/client.ts';
import { customerListWhere } from '../customers/customers.service.ts';
import type { SurveyType } from '../feedback/scores.ts';
import { storeTimeZone } from '../stores/stores.service.ts';
import { emptyPoint, type SeriesPoint } from './metrics.ts';
import { type DateRange, type Granularity, type Period, periodsBetween, sqlTrunc, validateRange } from './periods.ts';
import { type AnswerCounts, addCounts, estimateFor, NO_ANSWERS } from './satisfaction.ts';

/**
 * Satisfaction (NPS, CSAT, CES) and answer counts over time and by dimension, from
 * `SurveyResponse` rows: an answer belongs to the period of its `createdAt` on the store's wall clock
 * (`Store.timezone`) and to its `type`. One SQL statement sums each group's answers into counts
 * (`satisfaction.ts` turns counts into the score and its margin of error); every period of the range
 * is present, empty ones with a null value and count 0. The counts are sums, so a range's total is
 * its periods' counts added up.
 */

type Db = PrismaClient | Prisma.TransactionClient;

/** Which answers to count; every condition given must hold. */
export interface SatisfactionFilter {
  /** SurveyResponse.channel. */
  channel?: OrderChannel | null;
  /** SurveyResponse.location, exactly. */
  location?: string | null;
  /** The answer is about this SKU (SurveyResponse.productSkus contains it). */
  sku?: string | null;
  /** One of the answer's SKUs is a product of the store with this category at any level of its categoryPath. */
  category?: string | null;
  /**
   * Answers of customers in this saved segment (as it matches now). The segment's customers are
   * resolved to ids first and passed to SQL as one uuid[] parameter: fine up to tens of thousands.
   */
  segmentId?: string | null;
  /** Answers of customers whose current RFM segment (CustomerRfm) is this one. */
  rfmSegment?: RfmSegment | null;
}

export interface SatisfactionSeriesInput {
  type: SurveyType;
  range: DateRange;
  granularity: Granularity;
  filter?: SatisfactionFilter | null;
}

export interface ResponseCountSeriesInput {
  range: DateRange;
  granularity: Granularity;
  filter?: SatisfactionFilter | null;
}

export interface Series {
  points: SeriesPoint[];
  /** The whole range as one point (period = the first period's label, start = range.from, end = range.to). */
  total: SeriesPoint;
}

export const SATISFACTION_DIMENSIONS = ['CHANNEL', 'LOCATION', 'PRODUCT', 'CATEGORY', 'SURVEY', 'RFM_SEGMENT'] as const;
export type SatisfactionDimension = (typeof SATISFACTION_DIMENSIONS)[number];

export interface SatisfactionBreakdownInput {
  type: SurveyType;
  range: DateRange;
  by: SatisfactionDimension;
  filter?: SatisfactionFilter | null;
}

export interface SatisfactionBreakdownRow {
  /** The channel, location, SKU, top-level category, survey id or RFM segment. */
  key: string;
  /** For people: the survey's name, the product's name (else the SKU); the key itself otherwise. */
  label: string;
  value: number | null;
  count: number;
  marginOfError: number | null;
}

/**
 * The SQL conditions on `r` ("SurveyResponse") for a filter; the store condition comes first.
 * Throws InvalidInputError('filter.segmentId', …) when the segment is not one of the store's.
 */
export async function responseConditions(
  db: Db,
  storeId: string,
  filter: SatisfactionFilter | null | undefined,
): Promise<Prisma.Sql[]> {
  const where: Prisma.Sql[] = [Prisma.sql`r."storeId" = ${storeId}::uuid`];
  if (!filter) return where;
  if (filter.channel) where.push(Prisma.sql`r.channel = ${filter.channel}::"OrderChannel"`);
  if (filter.location != null) where.push(Prisma.sql`r.location = ${filter.location}`);
  if (filter.sku != null) where.push(Prisma.sql`${filter.sku}::text = ANY(r."productSkus")`);
  if (filter.category != null)
    // The category's SKUs are listed once (an uncorrelated subquery), then matched by array overlap.
    where.push(Prisma.sql`r."productSkus" && ARRAY(
      SELECT p.sku FROM "Product" p
      WHERE p."storeId" = ${storeId}::uuid AND ${filter.category}::text = ANY(p."categoryPath"))`);
  if (filter.rfmSegment)
    where.push(Prisma.sql`EXISTS (
      SELECT 1 FROM "CustomerRfm" f
      WHERE f."customerId" = r."customerId" AND f."storeId" = r."storeId" AND f.segment = ${filter.rfmSegment}::"RfmSegment")`);
  if (filter.segmentId != null) {
    const ids = await segmentCustomerIds(db, storeId, filter.segmentId);
    // IN (unnest) lets the planner hash the ids instead of scanning the array per answer.
    where.push(Prisma.sql`r."customerId" IN (SELECT unnest(${ids}::uuid[]))`);
  }
  return where;
}

async function segmentCustomerIds(db: Db, storeId: string, segmentId: string): Promise<string[]> {
  const notOurs = new InvalidInputError('filter.segmentId', 'must name a segment of this store');
  if (!isUuid(segmentId)) throw notOurs;
  const segment = await db.segment.findFirst({ where: { id: segmentId, storeId }, select: { id: true } });
  if (!segment) throw notOurs;
  const where = await customerListWhere(db as PrismaClient, storeId, { segmentId });
  const customers = await db.customer.findMany({ where: { AND: [where, { storeId }] }, select: { id: true } });
  return customers.map((customer) => customer.id);
}

interface CountRow {
  key: string | null;
  label?: string | null;
  n: number;
  promoters: number;
  detractors: number;
  satisfied: number;
  sum: number;
  sumSquares: number;
}

/** The SELECT list summing answers `r` into AnswerCounts. */
const COUNTS_SQL = Prisma.sql`
  count(*)::int AS n,
  (count(*) FILTER (WHERE r.score >= 9))::int AS promoters,
  (count(*) FILTER (WHERE r.score <= 6))::int AS detractors,
  (count(*) FILTER (WHERE r.score >= 4))::int AS satisfied,
  COALESCE(sum(r.score), 0)::float8 AS sum,
  COALESCE(sum(r.score::float8 * r.score), 0)::float8 AS "sumSquares"`;

function countsOf(row: CountRow): AnswerCounts {
  return {
    n: Number(row.n),
    promoters: Number(row.promoters),
    detractors: Number(row.detractors),
    satisfied: Number(row.satisfied),
    sum: Number(row.sum),
    sumSquares: Number(row.sumSquares),
  };
}

/** `to_char(date_trunc(unit, <column> AT TIME ZONE tz), 'YYYY-MM-DD')`: the label periodsBetween gives. */
export function periodLabelSql(column: Prisma.Sql, granularity: Granularity, timeZone: string): Prisma.Sql {
  // The unit comes from a fixed list, so it is written into the statement (GROUP BY 1 groups by it).
  return Prisma.sql`to_char(date_trunc(${Prisma.raw(`'${sqlTrunc(granularity)}'`)}, ${column} AT TIME ZONE ${timeZone}::text), 'YYYY-MM-DD')`;
}

async function countsByPeriod(
  db: Db,
  storeId: string,
  type: SurveyType | null,
  range: DateRange,
  granularity: Granularity,
  filter: SatisfactionFilter | null | undefined,
): Promise<{ periods: Period[]; counts: Map<string, AnswerCounts> }> {
  const timeZone = await storeTimeZone(db, storeId);
  const periods = periodsBetween(range, granularity, timeZone);
  const where = await responseConditions(db, storeId, filter);
  if (type) where.push(Prisma.sql`r.type = ${type}::"SurveyType"`);
  where.push(Prisma.sql`r."createdAt" >= ${range.from}`, Prisma.sql`r."createdAt" < ${range.to}`);
  const rows = await db.$queryRaw<CountRow[]>`
    SELECT ${periodLabelSql(Prisma.sql`r."createdAt"`, granularity, timeZone)} AS key, ${COUNTS_SQL}
    FROM "SurveyResponse" r
    WHERE ${Prisma.join(where, ' AND ')}
    GROUP BY 1`;
  return { periods, counts: new Map(rows.map((row) => [row.key ?? '', countsOf(row)])) };
}

/** The whole range as one point; `period` is the first period's label. */
export function totalPoint(
  periods: Period[],
  range: DateRange,
  value: Omit<SeriesPoint, 'period' | 'start' | 'end'>,
): SeriesPoint {
  return { period: periods[0]?.label ?? '', start: range.from, end: range.to, ...value };
}

/** NPS, CSAT or CES per period of the range, with the whole range as `total`. */
export async function satisfactionSeries(db: Db, storeId: string, input: SatisfactionSeriesInput): Promise<Series> {
  const { periods, counts } = await countsByPeriod(
    db,
    storeId,
    input.type,
    input.range,
    input.granularity,
    input.filter,
  );
  let all: AnswerCounts = NO_ANSWERS;
  const points = periods.map((period): SeriesPoint => {
    const found = counts.get(period.label);
    if (!found) return emptyPoint(period);
    all = addCounts(all, found);
    const estimate = estimateFor(input.type, found);
    return {
      period: period.label,
      start: period.start,
      end: period.end,
      value: estimate.value,
      count: estimate.count,
      marginOfError: estimate.marginOfError,
    };
  });
  const total = estimateFor(input.type, all);
  return {
    points,
    total: totalPoint(periods, input.range, {
      value: total.value,
      count: total.count,
      marginOfError: total.marginOfError,
    }),
  };
}

/**
 * RESPONSES: how many answers (of every survey type) arrived per period; value = count (0, not
 * null, for a period without answers). The filter applies as for satisfactionSeries.
 */
export async function responseCountSeries(db: Db, storeId: string, input: ResponseCountSeriesInput): Promise<Series> {
  const { periods, counts } = await countsByPeriod(db, storeId, null, input.range, input.granularity, input.filter);
  let all = 0;
  const points = periods.map((period): SeriesPoint => {
    const n = counts.get(period.label)?.n ?? 0;
    all += n;
    return { period: period.label, start: period.start, end: period.end, value: n, count: n, marginOfError: null };
  });
  return { points, total: totalPoint(periods, input.range, { value: all, count: all, marginOfError: null }) };
}

/**
 * For a dimension: the answers `r` (filtered by `where`) with their key, one row per answer and key
 * (`id`, `score`, `key`), and the join giving the label of an aggregated key `c.key`. Keys are found
 * per answer with set-based joins (no per-answer subqueries), labels only for the aggregated rows.
 */
function dimensionSql(
  by: SatisfactionDimension,
  storeId: string,
  where: Prisma.Sql,
): { keyed: Prisma.Sql; label: Prisma.Sql; labelJoin: Prisma.Sql } {
  const plain = { label: Prisma.sql`c.key`, labelJoin: Prisma.empty };
  switch (by) {
    case 'CHANNEL':
      return {
        keyed: Prisma.sql`SELECT r.id, r.score, r.channel::text AS key FROM "SurveyResponse" r
          WHERE ${where} AND r.channel IS NOT NULL`,
        ...plain,
      };
    case 'LOCATION':
      return {
        keyed: Prisma.sql`SELECT r.id, r.score, r.location AS key FROM "SurveyResponse" r
          WHERE ${where} AND r.location IS NOT NULL`,
        ...plain,
      };
    case 'PRODUCT':
      // Each distinct SKU of the answer; the label is the catalogue name when the store has the product.
      return {
        keyed: Prisma.sql`SELECT DISTINCT r.id, r.score, s.sku AS key
          FROM "SurveyResponse" r CROSS JOIN LATERAL unnest(r."productSkus") AS s(sku)
          WHERE ${where}`,
        label: Prisma.sql`COALESCE(p.name, c.key)`,
        labelJoin: Prisma.sql`LEFT JOIN "Product" p ON p."storeId" = ${storeId}::uuid AND p.sku = c.key`,
      };
    case 'CATEGORY':
      // Each distinct top-level category among the answer's catalogue products (once per answer). The
      // store's sku → category map is an uncorrelated scalar subquery, evaluated once, and looked up
      // per SKU: a join here could let the planner rescan Product for every answer.
      return {
        keyed: Prisma.sql`SELECT DISTINCT x.id, x.score, x.key FROM (
            SELECT r.id, r.score, (
              SELECT COALESCE(jsonb_object_agg(p.sku, p."categoryPath"[1]), '{}'::jsonb)
              FROM "Product" p WHERE p."storeId" = ${storeId}::uuid AND cardinality(p."categoryPath") > 0
            ) ->> s.sku AS key
            FROM "SurveyResponse" r CROSS JOIN LATERAL unnest(r."productSkus") AS s(sku)
            WHERE ${where}
          ) x
          WHERE x.key IS NOT NULL`,
        ...plain,
      };
    case 'SURVEY':
      return {
        keyed: Prisma.sql`SELECT r.id, r.score, r."surveyId"::text AS key FROM "SurveyResponse" r WHERE ${where}`,
        label: Prisma.sql`COALESCE(v.name, c.key)`,
        labelJoin: Prisma.sql`LEFT JOIN "Survey" v ON v."storeId" = ${storeId}::uuid AND v.id = c.key::uuid`,
      };
    case 'RFM_SEGMENT':
      return {
        keyed: Prisma.sql`SELECT r.id, r.score, f.segment::text AS key
          FROM "SurveyResponse" r JOIN "CustomerRfm" f ON f."customerId" = r."customerId" AND f."storeId" = r."storeId"
          WHERE ${where}`,
        ...plain,
      };
  }
}

/**
 * NPS, CSAT or CES per value of a dimension over the whole range, most answers first (then by key).
 * Answers without the dimension (no channel, no location, no products, no categorised product, no
 * RFM score) are left out, so the rows' counts need not add up to the total. An answer about several
 * products (or categories) counts once for each of them. CATEGORY is the top-level category
 * (categoryPath[1]) of the answer's products that are in the store's catalogue.
 */
export async function satisfactionBreakdown(
  db: Db,
  storeId: string,
  input: SatisfactionBreakdownInput,
): Promise<SatisfactionBreakdownRow[]> {
  validateRange(input.range);
  const { from, to } = input.range;
  const where = await responseConditions(db, storeId, input.filter);
  where.push(
    Prisma.sql`r.type = ${input.type}::"SurveyType"`,
    Prisma.sql`r."createdAt" >= ${from}`,
    Prisma.sql`r."createdAt" < ${to}`,
  );
  const dimension = dimensionSql(input.by, storeId, Prisma.join(where, ' AND '));
  const rows = await db.$queryRaw<CountRow[]>`
    WITH keyed AS (${dimension.keyed}),
    counted AS (SELECT r.key, ${COUNTS_SQL} FROM keyed r GROUP BY r.key)
    SELECT c.*, ${dimension.label} AS label
    FROM counted c ${dimension.labelJoin}
    ORDER BY c.n DESC, c.key`;
  return rows.map((row) => {
    const estimate = estimateFor(input.type, countsOf(row));
    return {
      key: row.key ?? '',
      label: row.label ?? row.key ?? '',
      value: estimate.value,
      count: estimate.count,
      marginOfError: estimate.marginOfError,
    };
  });
}
