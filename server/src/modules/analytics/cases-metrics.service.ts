import type { PrismaClient } from '../../db/database.ts';
import { InvalidInputError } from '../../errors.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { storeTimeZone } from '../stores/stores.service.ts';
import type { SeriesPoint } from './metrics.ts';
import { type DateRange, type Granularity, periodsBetween } from './periods.ts';
import { periodLabelSql, type Series, totalPoint } from './satisfaction.service.ts';

/**
 * Follow-up case metrics per period on the store's wall clock, in SQL.
 *
 * - CASES_RESOLVED_IN_TIME (P, withinHours h): cases opened (createdAt) in P that reached RESOLVED or
 *   DISMISSED (resolvedAt is set exactly then) within h hours of createdAt and no later than `now`,
 *   ÷ cases opened in P, × 100. Cases still open — even those younger than h at `now`, which may yet
 *   make it — stay in the denominator, so a recent period's rate can still rise. count = cases opened
 *   in P; value null when none were.
 * - CASE_RESOLUTION_HOURS (P): the median of hours from createdAt to resolvedAt over the cases closed
 *   (RESOLVED or DISMISSED) with resolvedAt in P (and ≤ now); count = those cases; null when none.
 *   The total is the median over the whole range (medians do not add up: SQL computes it with
 *   GROUPING SETS in the same statement).
 */

type Db = PrismaClient | Prisma.TransactionClient;

export const CASE_METRICS = ['CASES_RESOLVED_IN_TIME', 'CASE_RESOLUTION_HOURS'] as const;
export type CaseMetric = (typeof CASE_METRICS)[number];

export const DEFAULT_WITHIN_HOURS = 48;
export const MAX_WITHIN_HOURS = 720;

export interface CaseMetricSeriesInput {
  metric: CaseMetric;
  range: DateRange;
  granularity: Granularity;
  /** For CASES_RESOLVED_IN_TIME: 1…720, default 48. */
  withinHours?: number;
  /** The evaluation time (default now): closings after it do not count yet. */
  now?: Date;
}

/** Throws InvalidInputError('withinHours', …) unless an integer 1…720. */
export function validateWithinHours(withinHours: number, field = 'withinHours'): number {
  if (!Number.isInteger(withinHours) || withinHours < 1 || withinHours > MAX_WITHIN_HOURS)
    throw new InvalidInputError(field, `must be a whole number of hours from 1 to ${MAX_WITHIN_HOURS}`);
  return withinHours;
}

interface Row {
  key: string | null;
  /** 1 on the total row (GROUPING SETS' empty set), else 0. */
  isTotal: number;
  n: number;
  value: number | null;
}

export async function caseMetricSeries(db: Db, storeId: string, input: CaseMetricSeriesInput): Promise<Series> {
  const withinHours = validateWithinHours(input.withinHours ?? DEFAULT_WITHIN_HOURS);
  const now = input.now ?? new Date();
  const timeZone = await storeTimeZone(db, storeId);
  const periods = periodsBetween(input.range, input.granularity, timeZone);
  const { from, to } = input.range;
  let rows: Row[];
  if (input.metric === 'CASES_RESOLVED_IN_TIME') {
    rows = await db.$queryRaw<Row[]>`
      SELECT s.key, GROUPING(s.key)::int AS "isTotal", count(*)::int AS n,
        (100.0 * count(*) FILTER (WHERE s.in_time) / NULLIF(count(*), 0))::float8 AS value
      FROM (
        SELECT ${periodLabelSql(Prisma.sql`c."createdAt"`, input.granularity, timeZone)} AS key,
          (c.status IN ('RESOLVED', 'DISMISSED') AND c."resolvedAt" IS NOT NULL AND c."resolvedAt" <= ${now}
            AND c."resolvedAt" <= c."createdAt" + make_interval(hours => ${withinHours}::int)) AS in_time
        FROM "FollowUpCase" c
        WHERE c."storeId" = ${storeId}::uuid AND c."createdAt" >= ${from} AND c."createdAt" < ${to}
      ) s
      GROUP BY GROUPING SETS ((s.key), ())`;
  } else {
    rows = await db.$queryRaw<Row[]>`
      SELECT s.key, GROUPING(s.key)::int AS "isTotal", count(*)::int AS n,
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY s.hours))::float8 AS value
      FROM (
        SELECT ${periodLabelSql(Prisma.sql`c."resolvedAt"`, input.granularity, timeZone)} AS key,
          EXTRACT(EPOCH FROM (c."resolvedAt" - c."createdAt"))::float8 / 3600 AS hours
        FROM "FollowUpCase" c
        WHERE c."storeId" = ${storeId}::uuid AND c.status IN ('RESOLVED', 'DISMISSED')
          AND c."resolvedAt" >= ${from} AND c."resolvedAt" < ${to} AND c."resolvedAt" <= ${now}
      ) s
      GROUP BY GROUPING SETS ((s.key), ())`;
  }
  const byPeriod = new Map<string, Row>();
  let totalRow: Row | undefined;
  for (const row of rows) {
    if (Number(row.isTotal) === 1) totalRow = row;
    else if (row.key !== null) byPeriod.set(row.key, row);
  }
  const point = (row: Row | undefined) => {
    const n = row ? Number(row.n) : 0;
    return { value: n > 0 && row?.value != null ? Number(row.value) : null, count: n, marginOfError: null };
  };
  const points = periods.map(
    (period): SeriesPoint => ({
      period: period.label,
      start: period.start,
      end: period.end,
      ...point(byPeriod.get(period.label)),
    }),
  );
  return { points, total: totalPoint(periods, input.range, point(totalRow)) };
}

export interface CaseCounts {
  /** Cases opened in the range. */
  opened: number;
  /** Cases OPEN or IN_PROGRESS now, whenever they were opened (the current backlog). */
  open: number;
}

/** Cases opened in the range, and the current backlog (OPEN or IN_PROGRESS, store-wide). */
export async function caseCounts(db: Db, storeId: string, range: DateRange): Promise<CaseCounts> {
  const [row] = await db.$queryRaw<{ opened: number; open: number }[]>`
    SELECT
      (count(*) FILTER (WHERE c."createdAt" >= ${range.from} AND c."createdAt" < ${range.to}))::int AS opened,
      (count(*) FILTER (WHERE c.status IN ('OPEN', 'IN_PROGRESS')))::int AS open
    FROM "FollowUpCase" c
    WHERE c."storeId" = ${storeId}::uuid`;
  return { opened: Number(row?.opened ?? 0), open: Number(row?.open ?? 0) };
}
