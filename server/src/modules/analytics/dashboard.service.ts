import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import { countOverdueCases } from '../feedback/cases.service.ts';
import { wallTimeToUtc } from '../imports/values.ts';
import { localParts } from '../loyalty/tiers.ts';
import { caseMetricSeries } from './cases-metrics.service.ts';
import { customerMetricSeries } from './customer-metrics.service.ts';
import { type AnalyticsMetric, HIGHER_IS_BETTER, type SeriesPoint } from './metrics.ts';
import { type DateRange, type Granularity, periodOf, previousPeriod, validateRange } from './periods.ts';
import { satisfactionSeries } from './satisfaction.service.ts';

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * The one-call dashboard: headline figures for a range against the equally long range before it,
 * trend series for charts, follow-up cases, RFM segments, churn risk and targets. Every figure comes
 * from SQL aggregates (the metric services); the whole summary is cached per store and range for
 * DASHBOARD_CACHE_SECONDS and says when it was computed.
 */

export const DASHBOARD_PERIODS = [
  'TODAY',
  'LAST_7_DAYS',
  'LAST_30_DAYS',
  'LAST_90_DAYS',
  'LAST_12_MONTHS',
  'THIS_MONTH',
  'LAST_MONTH',
  'THIS_QUARTER',
  'LAST_QUARTER',
  'THIS_YEAR',
  'LAST_YEAR',
] as const;
export type DashboardPeriod = (typeof DASHBOARD_PERIODS)[number];

export const DASHBOARD_CACHE_SECONDS = 60;

/** The headline metrics, in display order. */
export const DASHBOARD_METRICS: readonly AnalyticsMetric[] = [
  'REVENUE',
  'ORDERS',
  'AVERAGE_ORDER_VALUE',
  'ACTIVE_CUSTOMERS',
  'NEW_CUSTOMERS',
  'RETURNING_CUSTOMERS',
  'RETENTION_RATE',
  'REPEAT_PURCHASE_RATE',
  'PURCHASE_FREQUENCY',
  'REVENUE_PER_CUSTOMER',
  'HISTORIC_CLV',
  'DISCOUNTED_ORDER_SHARE',
  'NPS',
  'CSAT',
  'CES',
  'CASES_RESOLVED_IN_TIME',
];

export interface Kpi {
  metric: AnalyticsMetric;
  value: number | null;
  count: number;
  marginOfError: number | null;
  previousValue: number | null;
  /** value − previousValue (percentage points for rates). */
  change: number | null;
  higherIsBetter: boolean;
  /** The store's active target for this metric, judged on the range so far. */
  target: { name: string; comparator: 'AT_LEAST' | 'AT_MOST'; value: number; met: boolean | null } | null;
}

export interface DashboardData {
  range: DateRange;
  previousRange: DateRange;
  /** Granularity of the trend series (DAY up to 62 days, WEEK up to a year, MONTH beyond). */
  granularity: Granularity;
  currency: string;
  timeZone: string;
  kpis: Kpi[];
  trends: { revenue: SeriesPoint[]; activeCustomers: SeriesPoint[]; nps: SeriesPoint[] };
  cases: { open: number; overdue: number; openedInRange: number };
  segments: { computedAt: Date | null; rows: { segment: string; customers: number }[] };
  churnRisk: { fittedAt: Date | null; rows: { band: string; customers: number; predictedClv12: number }[] };
  computedAt: Date;
  /** True when this answer came from the cache (at most DASHBOARD_CACHE_SECONDS old). */
  cached: boolean;
}

const DAY = 86_400_000;

/** The range a preset names on the store's wall clock at `now`; rolling ranges include today. */
export function dashboardRange(
  period: DashboardPeriod,
  now: Date,
  timeZone: string,
): { range: DateRange; previous: DateRange } {
  const calendar = (granularity: Granularity, back: number) => {
    let current = periodOf(now, granularity, timeZone);
    for (let i = 0; i < back; i++) current = previousPeriod(current, granularity, timeZone);
    const before = previousPeriod(current, granularity, timeZone);
    return { range: { from: current.start, to: current.end }, previous: { from: before.start, to: before.end } };
  };
  const rolling = (days: number) => {
    const today = localParts(now, timeZone);
    const tomorrow = Date.UTC(today.year, today.month - 1, today.day + 1);
    const to = new Date(wallTimeToUtc(tomorrow, timeZone));
    const from = new Date(wallTimeToUtc(tomorrow - days * DAY, timeZone));
    const previousFrom = new Date(wallTimeToUtc(tomorrow - 2 * days * DAY, timeZone));
    return { range: { from, to }, previous: { from: previousFrom, to: from } };
  };
  switch (period) {
    case 'TODAY':
      return calendar('DAY', 0);
    case 'LAST_7_DAYS':
      return rolling(7);
    case 'LAST_30_DAYS':
      return rolling(30);
    case 'LAST_90_DAYS':
      return rolling(90);
    case 'LAST_12_MONTHS':
      return rolling(365);
    case 'THIS_MONTH':
      return calendar('MONTH', 0);
    case 'LAST_MONTH':
      return calendar('MONTH', 1);
    case 'THIS_QUARTER':
      return calendar('QUARTER', 0);
    case 'LAST_QUARTER':
      return calendar('QUARTER', 1);
    case 'THIS_YEAR':
      return calendar('YEAR', 0);
    case 'LAST_YEAR':
      return calendar('YEAR', 1);
  }
}

/** The equally long range just before `range`. */
export function previousRangeOf(range: DateRange): DateRange {
  const length = range.to.getTime() - range.from.getTime();
  return { from: new Date(range.from.getTime() - length), to: range.from };
}

export function trendGranularity(range: DateRange): Granularity {
  const days = (range.to.getTime() - range.from.getTime()) / DAY;
  if (days <= 62) return 'DAY';
  if (days <= 366) return 'WEEK';
  return 'MONTH';
}

const cache = new Map<string, { expires: number; data: DashboardData }>();

/** Forget cached dashboards (tests, or after a bulk import). */
export function clearDashboardCache(storeId?: string): void {
  if (!storeId) cache.clear();
  else for (const key of cache.keys()) if (key.startsWith(`${storeId}|`)) cache.delete(key);
}

export async function dashboard(
  db: Db,
  storeId: string,
  input: { range: DateRange; previous?: DateRange; now?: Date; fresh?: boolean },
): Promise<DashboardData> {
  validateRange(input.range);
  const range = input.range;
  const previous = input.previous ?? previousRangeOf(range);
  const key = `${storeId}|${range.from.toISOString()}|${range.to.toISOString()}|${previous.from.toISOString()}`;
  const hit = cache.get(key);
  if (!input.fresh && hit && hit.expires > Date.now()) return { ...hit.data, cached: true };

  const now = input.now ?? new Date();
  const granularity = trendGranularity(range);
  const store = await db.store.findUniqueOrThrow({
    where: { id: storeId },
    select: { defaultCurrency: true, timezone: true },
  });
  const satisfaction = (type: 'NPS' | 'CSAT' | 'CES', which: DateRange, g: Granularity) =>
    satisfactionSeries(db, storeId, { type, range: which, granularity: g });
  const coarse: Granularity = 'YEAR';
  const [
    customers,
    customersBefore,
    nps,
    npsBefore,
    csat,
    csatBefore,
    ces,
    cesBefore,
    inTime,
    inTimeBefore,
    openCases,
    overdue,
    opened,
    segments,
    risk,
    fit,
    targets,
  ] = await Promise.all([
    customerMetricSeries(db, storeId, { range, granularity }),
    customerMetricSeries(db, storeId, { range: previous, granularity: coarse }),
    satisfaction('NPS', range, granularity),
    satisfaction('NPS', previous, coarse),
    satisfaction('CSAT', range, coarse),
    satisfaction('CSAT', previous, coarse),
    satisfaction('CES', range, coarse),
    satisfaction('CES', previous, coarse),
    caseMetricSeries(db, storeId, {
      metric: 'CASES_RESOLVED_IN_TIME',
      range,
      granularity: coarse,
      withinHours: 48,
      now,
    }),
    caseMetricSeries(db, storeId, {
      metric: 'CASES_RESOLVED_IN_TIME',
      range: previous,
      granularity: coarse,
      withinHours: 48,
      now,
    }),
    db.followUpCase.count({ where: { storeId, status: { in: ['OPEN', 'IN_PROGRESS'] } } }),
    countOverdueCases(db, storeId, now),
    db.followUpCase.count({ where: { storeId, createdAt: { gte: range.from, lt: range.to } } }),
    db.customerRfm.groupBy({
      by: ['segment'],
      where: { storeId },
      _count: { _all: true },
      _max: { computedAt: true },
    }),
    db.customerPrediction.groupBy({
      by: ['churnRisk'],
      where: { storeId },
      _count: { _all: true },
      _sum: { predictedClv12: true },
    }),
    db.customerModelFit.findFirst({ where: { storeId }, orderBy: { fittedAt: 'desc' }, select: { fittedAt: true } }),
    db.metricTarget.findMany({ where: { storeId, active: true }, orderBy: { createdAt: 'asc' } }),
  ]);

  const totals = new Map<AnalyticsMetric, { now: SeriesPoint; before: SeriesPoint }>();
  for (const metric of DASHBOARD_METRICS) {
    if (metric === 'NPS') totals.set(metric, { now: nps.total, before: npsBefore.total });
    else if (metric === 'CSAT') totals.set(metric, { now: csat.total, before: csatBefore.total });
    else if (metric === 'CES') totals.set(metric, { now: ces.total, before: cesBefore.total });
    else if (metric === 'CASES_RESOLVED_IN_TIME') totals.set(metric, { now: inTime.total, before: inTimeBefore.total });
    else {
      const current = customers.total[metric as keyof typeof customers.total];
      const before = customersBefore.total[metric as keyof typeof customersBefore.total];
      if (current && before) totals.set(metric, { now: current, before });
    }
  }
  const kpis: Kpi[] = [];
  for (const metric of DASHBOARD_METRICS) {
    const pair = totals.get(metric);
    if (!pair) continue;
    const value = pair.now.value;
    const previousValue = pair.before.value;
    const target = targets.find((row) => row.metric === metric);
    kpis.push({
      metric,
      value,
      count: pair.now.count,
      marginOfError: pair.now.marginOfError ?? null,
      previousValue,
      change: value != null && previousValue != null ? value - previousValue : null,
      higherIsBetter: HIGHER_IS_BETTER[metric],
      target: target
        ? {
            name: target.name,
            comparator: target.comparator,
            value: target.value,
            met:
              value == null ? null : target.comparator === 'AT_LEAST' ? value >= target.value : value <= target.value,
          }
        : null,
    });
  }

  const data: DashboardData = {
    range,
    previousRange: previous,
    granularity,
    currency: store.defaultCurrency,
    timeZone: store.timezone,
    kpis,
    trends: {
      revenue: customers.values.REVENUE ?? [],
      activeCustomers: customers.values.ACTIVE_CUSTOMERS ?? [],
      nps: nps.points,
    },
    cases: { open: openCases, overdue, openedInRange: opened },
    segments: {
      computedAt: segments.reduce<Date | null>(
        (latest, row) =>
          row._max.computedAt && (!latest || row._max.computedAt > latest) ? row._max.computedAt : latest,
        null,
      ),
      rows: segments
        .map((row) => ({ segment: row.segment, customers: row._count._all }))
        .sort((a, b) => b.customers - a.customers),
    },
    churnRisk: {
      fittedAt: fit?.fittedAt ?? null,
      rows: (['LOW', 'MEDIUM', 'HIGH', 'LOST'] as const).map((band) => {
        const row = risk.find((entry) => entry.churnRisk === band);
        return { band, customers: row?._count._all ?? 0, predictedClv12: Math.round(row?._sum.predictedClv12 ?? 0) };
      }),
    },
    computedAt: new Date(),
    cached: false,
  };
  if (cache.size > 1_000) cache.clear();
  cache.set(key, { expires: Date.now() + DASHBOARD_CACHE_SECONDS * 1_000, data });
  return data;
}
