import type { PrismaClient } from '../../db/database.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { SeriesPoint } from './metrics.ts';
import {
  type DateRange,
  type Granularity,
  type Period,
  periodOf,
  periodsBetween,
  previousPeriod,
  sqlTrunc,
  validateRange,
} from './periods.ts';
import {
  CUSTOMER_METRICS,
  type CustomerMetric,
  cohortCells,
  customerMetricValues,
  DISCOUNT_DEPENDENCE_THRESHOLD,
  type MetricValue,
  monthsBetween,
  type PeriodActivity,
  percent,
  withRunningTotals,
} from './retention.ts';

/**
 * Customer, retention and sales metrics straight from "Order", in a few SQL statements per call.
 *
 * Definitions (README "Analytics"): a purchase is a non-cancelled SALE that is not fully returned;
 * revenue is Σ netTotal of non-cancelled sales + Σ total of unlinked, non-cancelled returns; customer
 * metrics count registered customers only. Periods are calendar periods on the store's wall clock.
 *
 * A channel / location filter decides which orders count, for every metric: the figures are those of
 * "customers active through that channel", as if the store had only those orders — a customer is new
 * in the period of their first purchase through that channel, and historic CLV is their spend there.
 */

type Db = PrismaClient | Prisma.TransactionClient;

export type OrderChannel = 'STORE' | 'ONLINE' | 'APP' | 'OTHER';

export interface OrderFilter {
  channel?: OrderChannel | null;
  location?: string | null;
}

export interface CustomerMetricSeries {
  /**
   * The periods of the series (the first starts at or before range.from, the last ends at or after
   * range.to); each point counts only the orders of its period inside the range. A point's retention
   * compares with the whole period before it (for the first point: the full period before the range).
   */
  periods: Period[];
  values: Record<CustomerMetric, SeriesPoint[]>;
  /**
   * The metrics over the whole range [from, to) as one point (labelled like the first period, start =
   * from, end = to). Its retention is |active before ∩ active in the range| / |active before| where
   * "before" is the comparison range of `comparisonStart` (a month range: the month before); historic
   * CLV is as of `to`.
   */
  total: Record<CustomerMetric, SeriesPoint>;
  /** The store's default currency (money is in its minor units) and time zone. */
  currency: string;
  timeZone: string;
}

interface ActivityRow {
  label: string | null;
  active: number;
  new_customers: number;
  retained: number;
  prev_active: number;
  first_prev_active: number;
  repeaters: number;
  customer_purchases: number;
  customer_revenue: number;
  orders: number;
  revenue: number;
  purchase_revenue: number;
  discounted_orders: number;
  discounted_revenue: number;
  customers_before: number;
  spend_before: number;
}

const STEP: Record<Granularity, string> = {
  DAY: '1 day',
  WEEK: '7 days',
  MONTH: '1 month',
  QUARTER: '3 months',
  YEAR: '1 year',
};

/** The purchase rule as SQL over "Order" (alias o). */
const PURCHASE = `o.kind = 'SALE' AND o.status <> 'CANCELLED' AND NOT (o."returnedTotal" > 0 AND o."netTotal" <= 0)`;
/** Which orders count: $2 channel, $3 location (null = any). */
const FILTER = `($2::text IS NULL OR o.channel::text = $2::text) AND ($3::text IS NULL OR o.location = $3::text)`;

/**
 * One statement: per period of the range the customer and sales counts, and one row (label null) with
 * the range's totals and what came before the range, for retention and historic CLV.
 *
 * `customers` is the one pass over the store's whole history, a hash aggregate per customer: first
 * purchase ever, spend before the range, purchases and spend in the range, and whether they bought in
 * the period before the first one and in the comparison range (for the total's retention). `activity`
 * and `sales` read only [from, to) through the ("storeId", "placedAt") index.
 *
 * $1 store, $2 channel, $3 location, $4 zone, $5 date_trunc unit, $6 step interval, $7–$11 the period
 * before the first one [$7, $11), $8 range.from, $9 range.to, $10 start of the comparison range
 * [$10, $8), $12 the first period's label (its wall-clock start).
 */
const SERIES_SQL = `
WITH customers AS MATERIALIZED (
  SELECT o."customerId" AS c, min(o."placedAt") AS first,
    COALESCE(sum(o."netTotal") FILTER (WHERE o."placedAt" < $8::timestamptz), 0) AS spend_before,
    count(*) FILTER (WHERE o."placedAt" >= $8::timestamptz) AS n_range,
    COALESCE(sum(o."netTotal") FILTER (WHERE o."placedAt" >= $8::timestamptz), 0) AS spend_range,
    bool_or(o."placedAt" >= $7::timestamptz AND o."placedAt" < $11::timestamptz) AS active_before,
    bool_or(o."placedAt" >= $10::timestamptz AND o."placedAt" < $8::timestamptz) AS active_comparison
  FROM "Order" AS o
  WHERE o."storeId" = $1::uuid AND o."placedAt" < $9::timestamptz AND o."customerId" IS NOT NULL
    AND ${PURCHASE} AND ${FILTER}
  GROUP BY 1
),
activity AS (
  SELECT o."customerId" AS c, date_trunc($5::text, o."placedAt" AT TIME ZONE $4::text) AS b,
    count(*)::int AS n, sum(o."netTotal") AS spend, min(o."placedAt") AS first_here
  FROM "Order" AS o
  WHERE o."storeId" = $1::uuid AND o."placedAt" >= $8::timestamptz AND o."placedAt" < $9::timestamptz
    AND o."customerId" IS NOT NULL AND ${PURCHASE} AND ${FILTER}
  GROUP BY 1, 2
),
flagged AS (
  SELECT a.b, a.n, a.spend, f.first = a.first_here AS is_new, f.first < a.first_here AS bought_before,
    CASE WHEN a.b = $12::timestamp THEN f.active_before
         ELSE lag(a.b) OVER (PARTITION BY a.c ORDER BY a.b) = a.b - $6::interval END AS retained
  FROM activity AS a JOIN customers AS f ON f.c = a.c
),
customer_periods AS (
  SELECT b,
    count(*)::int AS active,
    count(*) FILTER (WHERE is_new)::int AS new_customers,
    count(*) FILTER (WHERE retained)::int AS retained,
    count(*) FILTER (WHERE bought_before OR n >= 2)::int AS repeaters,
    sum(n)::int AS customer_purchases,
    sum(spend)::float8 AS customer_revenue
  FROM flagged GROUP BY b
),
sales AS (
  SELECT date_trunc($5::text, o."placedAt" AT TIME ZONE $4::text) AS b,
    count(*) FILTER (WHERE ${PURCHASE})::int AS orders,
    sum(CASE WHEN o.kind = 'SALE' THEN o."netTotal"
             WHEN o."returnOfId" IS NULL AND o.status <> 'CANCELLED' THEN o.total ELSE 0 END)::float8 AS revenue,
    COALESCE(sum(o."netTotal") FILTER (WHERE ${PURCHASE}), 0)::float8 AS purchase_revenue,
    count(*) FILTER (WHERE ${PURCHASE} AND o."discountTotal" > 0)::int AS discounted_orders,
    COALESCE(sum(o."netTotal") FILTER (WHERE ${PURCHASE} AND o."discountTotal" > 0), 0)::float8 AS discounted_revenue
  FROM "Order" AS o
  WHERE o."storeId" = $1::uuid AND o."placedAt" >= $8::timestamptz AND o."placedAt" < $9::timestamptz AND ${FILTER}
  GROUP BY 1
),
customer_totals AS (
  SELECT
    count(*) FILTER (WHERE n_range > 0)::int AS active,
    count(*) FILTER (WHERE n_range > 0 AND first >= $8::timestamptz)::int AS new_customers,
    count(*) FILTER (WHERE n_range > 0 AND active_comparison)::int AS retained,
    count(*) FILTER (WHERE active_comparison)::int AS prev_active,
    count(*) FILTER (WHERE active_before)::int AS first_prev_active,
    count(*) FILTER (WHERE n_range >= 2 OR (n_range > 0 AND first < $8::timestamptz))::int AS repeaters,
    COALESCE(sum(n_range), 0)::int AS customer_purchases,
    COALESCE(sum(spend_range), 0)::float8 AS customer_revenue,
    count(*) FILTER (WHERE first < $8::timestamptz)::int AS customers_before,
    COALESCE(sum(spend_before), 0)::float8 AS spend_before
  FROM customers
),
sales_totals AS (
  SELECT COALESCE(sum(orders), 0)::int AS orders, COALESCE(sum(revenue), 0)::float8 AS revenue,
    COALESCE(sum(purchase_revenue), 0)::float8 AS purchase_revenue,
    COALESCE(sum(discounted_orders), 0)::int AS discounted_orders,
    COALESCE(sum(discounted_revenue), 0)::float8 AS discounted_revenue
  FROM sales
)
SELECT to_char(COALESCE(cp.b, s.b), 'YYYY-MM-DD') AS label,
  COALESCE(cp.active, 0) AS active, COALESCE(cp.new_customers, 0) AS new_customers,
  COALESCE(cp.retained, 0) AS retained, 0 AS prev_active, 0 AS first_prev_active, COALESCE(cp.repeaters, 0) AS repeaters,
  COALESCE(cp.customer_purchases, 0) AS customer_purchases, COALESCE(cp.customer_revenue, 0) AS customer_revenue,
  COALESCE(s.orders, 0) AS orders, COALESCE(s.revenue, 0) AS revenue, COALESCE(s.purchase_revenue, 0) AS purchase_revenue,
  COALESCE(s.discounted_orders, 0) AS discounted_orders, COALESCE(s.discounted_revenue, 0) AS discounted_revenue,
  0 AS customers_before, 0::float8 AS spend_before
FROM customer_periods AS cp FULL JOIN sales AS s ON s.b = cp.b
UNION ALL
SELECT NULL, ct.active, ct.new_customers, ct.retained, ct.prev_active, ct.first_prev_active, ct.repeaters,
  ct.customer_purchases, ct.customer_revenue, st.orders, st.revenue, st.purchase_revenue, st.discounted_orders,
  st.discounted_revenue, ct.customers_before, ct.spend_before
FROM customer_totals AS ct CROSS JOIN sales_totals AS st
`;

async function storeSettings(db: Db, storeId: string): Promise<{ timezone: string; defaultCurrency: string }> {
  const store = await db.store.findUnique({
    where: { id: storeId },
    select: { timezone: true, defaultCurrency: true },
  });
  if (!store) throw new NotFoundError('Store');
  return { timezone: store.timezone, defaultCurrency: store.defaultCurrency.trim() };
}

function normaliseFilter(filter: OrderFilter | undefined): { channel: string | null; location: string | null } {
  const location = filter?.location?.trim() || null;
  if (location && location.length > 200) throw new InvalidInputError('location', 'must be at most 200 characters');
  return { channel: filter?.channel ?? null, location };
}

function activityOf(row: ActivityRow | undefined, previousActive: number | null): PeriodActivity {
  return {
    orders: row?.orders ?? 0,
    revenue: row?.revenue ?? 0,
    purchaseRevenue: row?.purchase_revenue ?? 0,
    discountedOrders: row?.discounted_orders ?? 0,
    discountedRevenue: row?.discounted_revenue ?? 0,
    activeCustomers: row?.active ?? 0,
    newCustomers: row?.new_customers ?? 0,
    previousActive,
    retained: row?.retained ?? 0,
    repeatCustomers: row?.repeaters ?? 0,
    customerPurchases: row?.customer_purchases ?? 0,
    customerRevenue: row?.customer_revenue ?? 0,
  };
}

function pointsOf(values: Record<CustomerMetric, MetricValue>, period: Period): Record<CustomerMetric, SeriesPoint> {
  const points = {} as Record<CustomerMetric, SeriesPoint>;
  for (const metric of CUSTOMER_METRICS)
    points[metric] = {
      period: period.label,
      start: period.start,
      end: period.end,
      value: values[metric].value,
      count: values[metric].count,
      marginOfError: null,
    };
  return points;
}

/**
 * The range the total's retention compares with: the same number of calendar months just before when
 * the range is whole months on the store's wall clock (a month is compared with the month before),
 * otherwise the same duration just before `from`.
 */
export function comparisonStart(range: DateRange, timeZone: string): Date {
  const first = periodOf(range.from, 'MONTH', timeZone);
  const last = periodOf(range.to, 'MONTH', timeZone);
  if (first.start.getTime() === range.from.getTime() && last.start.getTime() === range.to.getTime()) {
    const months = monthsBetween(first.label.slice(0, 7), last.label.slice(0, 7));
    let start = first;
    for (let i = 0; i < months; i++) start = previousPeriod(start, 'MONTH', timeZone);
    return start.start;
  }
  return new Date(range.from.getTime() - (range.to.getTime() - range.from.getTime()));
}

/**
 * Every customer and sales metric per period over `range` (2 statements: the store's zone and currency,
 * then one statement over "Order"). Orders outside [from, to) never count: the first and last points
 * cover only their part of the range. Throws InvalidInputError for an empty range or too many periods.
 */
export async function customerMetricSeries(
  db: Db,
  storeId: string,
  options: { range: DateRange; granularity: Granularity; filter?: OrderFilter },
): Promise<CustomerMetricSeries> {
  const { range, granularity } = options;
  validateRange(range);
  const filter = normaliseFilter(options.filter);
  const store = await storeSettings(db, storeId);
  const tz = store.timezone;
  const periods = periodsBetween(range, granularity, tz);
  const first = periods[0]!;
  const before = previousPeriod(first, granularity, tz);
  const comparison = comparisonStart(range, tz);

  const rows = await db.$queryRawUnsafe<ActivityRow[]>(
    SERIES_SQL,
    storeId,
    filter.channel,
    filter.location,
    tz,
    sqlTrunc(granularity),
    STEP[granularity],
    before.start,
    range.from,
    range.to,
    comparison,
    before.end,
    first.label,
  );
  const byLabel = new Map<string, ActivityRow>();
  let totalRow: ActivityRow | undefined;
  for (const row of rows) {
    if (row.label === null) totalRow = row;
    else byLabel.set(row.label, row);
  }

  let previousActive = totalRow?.first_prev_active ?? 0;
  const activity = periods.map((period) => {
    const row = byLabel.get(period.label);
    const counts = activityOf(row, previousActive);
    previousActive = counts.activeCustomers;
    return counts;
  });
  const counts = withRunningTotals(activity, {
    customers: totalRow?.customers_before ?? 0,
    spend: totalRow?.spend_before ?? 0,
  });

  const values = {} as Record<CustomerMetric, SeriesPoint[]>;
  for (const metric of CUSTOMER_METRICS) values[metric] = [];
  periods.forEach((period, index) => {
    const points = pointsOf(customerMetricValues(counts[index]!), period);
    for (const metric of CUSTOMER_METRICS) values[metric].push(points[metric]);
  });

  const lastCounts = counts.at(-1)!;
  const totalCounts = {
    ...activityOf(totalRow, totalRow?.prev_active ?? 0),
    customersToDate: lastCounts.customersToDate,
    spendToDate: lastCounts.spendToDate,
  };
  const total = pointsOf(customerMetricValues(totalCounts), { label: first.label, start: range.from, end: range.to });
  return { periods, values, total, currency: store.defaultCurrency, timeZone: tz };
}

// ---------------------------------------------------------------------------------------------
// Cohorts

export const MAX_COHORT_MONTHS = 36;

export interface CohortRow {
  /** The acquisition month, YYYY-MM (store time zone). */
  cohort: string;
  /** Customers whose first purchase ever is in that month. */
  size: number;
  /** Month 0 (the acquisition month) … `months`, never past the current month. */
  cells: Array<{ monthsSince: number; customers: number; percent: number }>;
}

/**
 * Acquisition cohorts by the local month of each registered customer's first purchase ever, for
 * cohort months starting in [from, to): cell m counts the cohort's customers with a purchase in
 * calendar month cohort + m (m = 0 … months). Cohorts without customers are left out. One statement
 * over "Order" (plus the store's zone).
 */
export async function cohortMatrix(
  db: Db,
  storeId: string,
  options: { from: Date; to: Date; months?: number; now?: Date },
): Promise<{ cohorts: CohortRow[] }> {
  if (Number.isNaN(options.from.getTime())) throw new InvalidInputError('from', 'must be an ISO 8601 date-time');
  if (Number.isNaN(options.to.getTime())) throw new InvalidInputError('to', 'must be an ISO 8601 date-time');
  if (options.from >= options.to) throw new InvalidInputError('to', 'must be after from');
  const months = options.months ?? 12;
  if (!Number.isInteger(months) || months < 1 || months > MAX_COHORT_MONTHS)
    throw new InvalidInputError('months', `must be a whole number from 1 to ${MAX_COHORT_MONTHS}`);
  const { timezone: tz } = await storeSettings(db, storeId);
  const current = periodOf(options.now ?? new Date(), 'MONTH', tz).label.slice(0, 7);
  const rows = await db.$queryRawUnsafe<{ cohort: string; months_since: number; customers: number }[]>(
    `WITH months AS (
       SELECT DISTINCT o."customerId" AS c, date_trunc('month', o."placedAt" AT TIME ZONE $2::text) AS m
       FROM "Order" AS o
       WHERE o."storeId" = $1::uuid AND o."customerId" IS NOT NULL AND ${PURCHASE}
     ),
     tagged AS (
       SELECT m, min(m) OVER (PARTITION BY c) AS cohort FROM months
     )
     SELECT to_char(cohort, 'YYYY-MM') AS cohort,
       ((extract(year FROM m) - extract(year FROM cohort)) * 12
         + extract(month FROM m) - extract(month FROM cohort))::int AS months_since,
       count(*)::int AS customers
     FROM tagged
     WHERE (cohort AT TIME ZONE $2::text) >= $3::timestamptz AND (cohort AT TIME ZONE $2::text) < $4::timestamptz
       AND m < cohort + make_interval(months => $5::int + 1)
     GROUP BY 1, 2
     ORDER BY 1, 2`,
    storeId,
    tz,
    options.from,
    options.to,
    months,
  );
  const byCohort = new Map<string, Map<number, number>>();
  for (const row of rows) {
    const cells = byCohort.get(row.cohort) ?? new Map<number, number>();
    cells.set(row.months_since, row.customers);
    byCohort.set(row.cohort, cells);
  }
  const cohorts: CohortRow[] = [];
  for (const [cohort, active] of byCohort) {
    const size = active.get(0) ?? 0;
    cohorts.push({ cohort, size, cells: cohortCells(size, active, months, monthsBetween(cohort, current)) });
  }
  return { cohorts };
}

// ---------------------------------------------------------------------------------------------
// Discount dependence

export interface DiscountDependence {
  /** Purchases placed in the range, guests included. */
  orders: number;
  /** Of which discounted (discountTotal > 0). */
  discountedOrders: number;
  /** discountedOrders / orders × 100; null without purchases. */
  orderShare: number | null;
  /** Σ netTotal of the purchases (unlinked returns left out: they belong to no sale). */
  revenue: number;
  /** Σ netTotal of the discounted purchases. */
  discountedRevenue: number;
  /** discountedRevenue / revenue × 100; null when the purchases are worth 0. */
  revenueShare: number | null;
  /** Registered customers with ≥ 2 purchases in the range. */
  repeatCustomers: number;
  /** Of which ≥ threshold % of their purchases in the range were discounted. */
  dependentCustomers: number;
  /** dependentCustomers / repeatCustomers × 100; null without repeat customers. */
  dependentShare: number | null;
  threshold: number;
}

/** How much of the range's sales were discounted, and how many repeat customers buy only on discount. One statement. */
export async function discountDependence(db: Db, storeId: string, range: DateRange): Promise<DiscountDependence> {
  validateRange(range);
  const [row] = await db.$queryRawUnsafe<
    {
      orders: number;
      discounted_orders: number;
      revenue: number;
      discounted_revenue: number;
      repeat_customers: number;
      dependent_customers: number;
    }[]
  >(
    `WITH purchases AS MATERIALIZED (
       SELECT o."customerId" AS c, o."netTotal" AS net, o."discountTotal" > 0 AS discounted
       FROM "Order" AS o
       WHERE o."storeId" = $1::uuid AND o."placedAt" >= $2::timestamptz AND o."placedAt" < $3::timestamptz
         AND ${PURCHASE}
     ),
     customers AS (
       SELECT c, count(*) AS n, count(*) FILTER (WHERE discounted) AS d
       FROM purchases WHERE c IS NOT NULL GROUP BY c HAVING count(*) >= 2
     )
     SELECT
       (SELECT count(*) FROM purchases)::int AS orders,
       (SELECT count(*) FILTER (WHERE discounted) FROM purchases)::int AS discounted_orders,
       (SELECT COALESCE(sum(net), 0) FROM purchases)::float8 AS revenue,
       (SELECT COALESCE(sum(net) FILTER (WHERE discounted), 0) FROM purchases)::float8 AS discounted_revenue,
       (SELECT count(*) FROM customers)::int AS repeat_customers,
       (SELECT count(*) FILTER (WHERE d * 100 >= $4::int * n) FROM customers)::int AS dependent_customers`,
    storeId,
    range.from,
    range.to,
    DISCOUNT_DEPENDENCE_THRESHOLD,
  );
  const r = row!;
  return {
    orders: r.orders,
    discountedOrders: r.discounted_orders,
    orderShare: percent(r.discounted_orders, r.orders),
    revenue: r.revenue,
    discountedRevenue: r.discounted_revenue,
    revenueShare: r.orders === 0 ? null : percent(r.discounted_revenue, r.revenue),
    repeatCustomers: r.repeat_customers,
    dependentCustomers: r.dependent_customers,
    dependentShare: percent(r.dependent_customers, r.repeat_customers),
    threshold: DISCOUNT_DEPENDENCE_THRESHOLD,
  };
}
