import { z } from 'zod';
import { uuidv7 } from '../../db/uuid7.ts';
import { InvalidInputError, isUuid, NotFoundError } from '../../errors.ts';
import { emit } from '../../events/events.ts';
import type { MetricTarget, PrismaClient } from '../../generated/prisma/client.ts';
import { isUniqueViolation, parseInput } from '../customers/customers.service.ts';
import { storeTimeZone } from '../stores/stores.service.ts';
import type { MetricSeriesFn } from './metrics.service.ts';
import { ANALYTICS_METRICS, type AnalyticsMetric, type SeriesPoint } from './metrics.ts';
import { GRANULARITIES, type Granularity, type Period, periodOf, previousPeriod } from './periods.ts';

export type { MetricSeriesFn } from './metrics.service.ts';

/**
 * Metric targets: a store's goal for a metric per period ("NPS at least 40 every month"), judged for
 * each completed period in the store's time zone. Results are stored once per target and period
 * (re-evaluating refreshes the value, e.g. after late orders); the first time a period's result is
 * written OFF_TRACK, `metric.off_track` is emitted in the same transaction — exactly once per target
 * and period, however often or concurrently the evaluation runs (the unique (target, period start)
 * key decides which run inserted it). A later change of an existing result does not emit again.
 */

export const TARGET_COMPARATORS = ['AT_LEAST', 'AT_MOST'] as const;
export type TargetComparator = (typeof TARGET_COMPARATORS)[number];
export type TargetStatus = 'ON_TRACK' | 'OFF_TRACK' | 'NO_DATA';

export const DEFAULT_WITHIN_HOURS = 48;
const PERCENT: readonly [number, number] = [0, 100];
const NON_NEGATIVE: readonly [number, number] = [0, Number.MAX_SAFE_INTEGER];

/** The values a target may name, per metric (the range the metric itself can take). */
export const METRIC_VALUE_RANGE: Readonly<Record<AnalyticsMetric, readonly [number, number]>> = {
  NPS: [-100, 100],
  CSAT: PERCENT,
  CES: [1, 7],
  RESPONSES: NON_NEGATIVE,
  CASES_RESOLVED_IN_TIME: PERCENT,
  CASE_RESOLUTION_HOURS: NON_NEGATIVE,
  REVENUE: NON_NEGATIVE,
  ORDERS: NON_NEGATIVE,
  AVERAGE_ORDER_VALUE: NON_NEGATIVE,
  DISCOUNTED_ORDER_SHARE: PERCENT,
  DISCOUNTED_REVENUE_SHARE: PERCENT,
  ACTIVE_CUSTOMERS: NON_NEGATIVE,
  NEW_CUSTOMERS: NON_NEGATIVE,
  RETURNING_CUSTOMERS: NON_NEGATIVE,
  RETENTION_RATE: PERCENT,
  CHURN_RATE: PERCENT,
  REPEAT_PURCHASE_RATE: PERCENT,
  PURCHASE_FREQUENCY: NON_NEGATIVE,
  REVENUE_PER_CUSTOMER: NON_NEGATIVE,
  HISTORIC_CLV: NON_NEGATIVE,
};

export interface TargetInput {
  name: string;
  metric: AnalyticsMetric;
  comparator: TargetComparator;
  value: number;
  granularity: Granularity;
  /** Only for CASES_RESOLVED_IN_TIME (1–720, default 48). */
  withinHours?: number | null;
  /** Default true; inactive targets are not evaluated. */
  active?: boolean;
}

const fields = {
  name: z
    .string({ error: 'must be text' })
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters'),
  metric: z.enum(ANALYTICS_METRICS, { error: `must be one of ${ANALYTICS_METRICS.join(', ')}` }),
  comparator: z.enum(TARGET_COMPARATORS, { error: 'must be AT_LEAST or AT_MOST' }),
  value: z.number({ error: 'must be a finite number' }).refine(Number.isFinite, 'must be a finite number'),
  granularity: z.enum(GRANULARITIES, { error: `must be one of ${GRANULARITIES.join(', ')}` }),
  withinHours: z
    .number({ error: 'must be a whole number of hours' })
    .int('must be a whole number of hours')
    .min(1, 'must be between 1 and 720')
    .max(720, 'must be between 1 and 720')
    .nullish(),
  active: z.boolean({ error: 'must be true or false' }).optional(),
};

const createSchema = z.object(fields).strict();
const updateSchema = z.object(fields).partial().strict();

/** Cross-field rules on the merged target: value within the metric's range, withinHours only where it applies. */
function settle(target: TargetInput): Omit<TargetInput, 'withinHours'> & { withinHours: number | null } {
  const [min, max] = METRIC_VALUE_RANGE[target.metric];
  if (target.value < min || target.value > max)
    throw new InvalidInputError(
      'value',
      max === Number.MAX_SAFE_INTEGER
        ? `must be at least ${min} for ${target.metric}`
        : `must be between ${min} and ${max} for ${target.metric}`,
    );
  if (target.metric !== 'CASES_RESOLVED_IN_TIME') {
    if (target.withinHours != null) throw new InvalidInputError('withinHours', 'is only for CASES_RESOLVED_IN_TIME');
    return { ...target, withinHours: null };
  }
  return { ...target, withinHours: target.withinHours ?? DEFAULT_WITHIN_HOURS };
}

/** A valid target as its row's columns (settled: value in range, withinHours only where it applies). */
function columns(target: TargetInput) {
  const data = settle(target);
  return {
    name: data.name,
    metric: data.metric,
    comparator: data.comparator,
    value: data.value,
    granularity: data.granularity,
    withinHours: data.withinHours,
    active: data.active ?? true,
  };
}

function nameTaken(error: unknown): never {
  if (isUniqueViolation(error)) throw new InvalidInputError('name', 'is already used by another target');
  throw error;
}

function idOf(id: string): string {
  if (!isUuid(id)) throw new NotFoundError('Metric target');
  return id;
}

/** Creates a target. Throws InvalidInputError naming the field ("name", "value", …). */
export async function createTarget(prisma: PrismaClient, storeId: string, input: unknown): Promise<MetricTarget> {
  const parsed = parseInput(createSchema, input);
  return prisma.metricTarget.create({ data: { storeId, ...columns(parsed) } }).catch(nameTaken);
}

/**
 * Changes the given fields. Changing the metric away from CASES_RESOLVED_IN_TIME drops withinHours;
 * results already stored stay (they were judged against the target as it was).
 */
export async function updateTarget(
  prisma: PrismaClient,
  storeId: string,
  id: string,
  input: unknown,
): Promise<MetricTarget> {
  const patch = parseInput(updateSchema, input);
  const current = await prisma.metricTarget.findFirst({ where: { id: idOf(id), storeId } });
  if (!current) throw new NotFoundError('Metric target');
  const metricChanged = patch.metric !== undefined && patch.metric !== current.metric;
  const merged: TargetInput = {
    name: patch.name ?? current.name,
    metric: patch.metric ?? (current.metric as AnalyticsMetric),
    comparator: patch.comparator ?? current.comparator,
    value: patch.value ?? current.value,
    granularity: patch.granularity ?? (current.granularity as Granularity),
    withinHours: patch.withinHours !== undefined ? patch.withinHours : metricChanged ? null : current.withinHours,
    active: patch.active ?? current.active,
  };
  const updated = await prisma.metricTarget
    .updateMany({ where: { id: current.id, storeId }, data: columns(merged) })
    .catch(nameTaken);
  if (updated.count === 0) throw new NotFoundError('Metric target');
  return prisma.metricTarget.findFirstOrThrow({ where: { id: current.id, storeId } });
}

/** Deletes a target and its stored results; returns its id. */
export async function deleteTarget(prisma: PrismaClient, storeId: string, id: string): Promise<string> {
  const deleted = await prisma.metricTarget.deleteMany({ where: { id: idOf(id), storeId } });
  if (deleted.count === 0) throw new NotFoundError('Metric target');
  return id;
}

/** The store's targets by name. */
export function listTargets(
  prisma: PrismaClient,
  storeId: string,
  options: { activeOnly?: boolean } = {},
): Promise<MetricTarget[]> {
  return prisma.metricTarget.findMany({
    where: { storeId, ...(options.activeOnly ? { active: true } : {}) },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** ON_TRACK when the value meets the target (inclusive), NO_DATA without a value. */
export function judge(comparator: TargetComparator, target: number, value: number | null): TargetStatus {
  if (value == null || !Number.isFinite(value)) return 'NO_DATA';
  const met = comparator === 'AT_LEAST' ? value >= target : value <= target;
  return met ? 'ON_TRACK' : 'OFF_TRACK';
}

export interface PeriodJudgement {
  period: string;
  periodStart: Date;
  periodEnd: Date;
  value: number | null;
  count: number;
  status: TargetStatus;
}

export interface TargetEvaluation extends PeriodJudgement {
  targetId: string;
  name: string;
  metric: AnalyticsMetric;
  /** True when this run wrote the period's result first (and emitted metric.off_track if OFF_TRACK). */
  firstEvaluation: boolean;
  evaluatedAt: Date;
}

export interface EvaluateOptions {
  now?: Date;
  /** The metric registry (`metricSeries` from metrics.service.ts); injected so tests can pass a fake. */
  metricSeries: MetricSeriesFn;
}

/** The metric over one period (the point of that period, else the range total). */
async function measure(
  prisma: PrismaClient,
  storeId: string,
  target: MetricTarget,
  period: Period,
  options: { now: Date; metricSeries: MetricSeriesFn },
): Promise<PeriodJudgement> {
  const granularity = target.granularity as Granularity;
  const { points, total } = await options.metricSeries(prisma, storeId, target.metric as AnalyticsMetric, {
    range: { from: period.start, to: period.end },
    granularity,
    ...(target.withinHours != null ? { withinHours: target.withinHours } : {}),
    now: options.now,
  });
  const point: SeriesPoint = points.find((candidate) => candidate.period === period.label) ?? total;
  const value = point.value == null || !Number.isFinite(point.value) ? null : point.value;
  return {
    period: period.label,
    periodStart: period.start,
    periodEnd: period.end,
    value,
    count: point.count,
    status: judge(target.comparator, target.value, value),
  };
}

/** The last completed period (the one before the period containing `now`) in the store's zone. */
export function lastCompletedPeriod(now: Date, granularity: Granularity, timeZone: string): Period {
  return previousPeriod(periodOf(now, granularity, timeZone), granularity, timeZone);
}

/**
 * Judges every active target for its last completed period and stores the result; emits
 * metric.off_track when a period's result is first written OFF_TRACK. Returns one entry per target.
 */
export async function evaluateTargets(
  prisma: PrismaClient,
  storeId: string,
  options: EvaluateOptions,
): Promise<TargetEvaluation[]> {
  const now = options.now ?? new Date();
  const timeZone = await storeTimeZone(prisma, storeId);
  const targets = await listTargets(prisma, storeId, { activeOnly: true });
  const results: TargetEvaluation[] = [];
  for (const target of targets) {
    const period = lastCompletedPeriod(now, target.granularity as Granularity, timeZone);
    const judged = await measure(prisma, storeId, target, period, { now, metricSeries: options.metricSeries });
    const evaluatedAt = new Date();
    const firstEvaluation = await prisma.$transaction(async (tx) => {
      const inserted = await tx.$queryRawUnsafe<{ id: string }[]>(
        `INSERT INTO "MetricTargetResult" (id, "storeId", "targetId", "periodStart", "periodEnd", value, count, status, "evaluatedAt")
         VALUES ($1::uuid, $2::uuid, $3::uuid, $4::timestamptz, $5::timestamptz, $6::float8, $7::int, $8::"TargetStatus", $9::timestamptz)
         ON CONFLICT ("targetId", "periodStart") DO NOTHING
         RETURNING id`,
        uuidv7(),
        storeId,
        target.id,
        judged.periodStart,
        judged.periodEnd,
        judged.value,
        judged.count,
        judged.status,
        evaluatedAt,
      );
      if (inserted.length === 0) {
        await tx.metricTargetResult.updateMany({
          where: { storeId, targetId: target.id, periodStart: judged.periodStart },
          data: { value: judged.value, count: judged.count, status: judged.status, evaluatedAt },
        });
        return false;
      }
      if (judged.status === 'OFF_TRACK')
        await emit(tx, storeId, 'metric.off_track', {
          targetId: target.id,
          name: target.name,
          metric: target.metric,
          comparator: target.comparator,
          target: target.value,
          value: judged.value!,
          periodStart: judged.periodStart.toISOString(),
          periodEnd: judged.periodEnd.toISOString(),
        });
      return true;
    });
    results.push({
      targetId: target.id,
      name: target.name,
      metric: target.metric as AnalyticsMetric,
      ...judged,
      firstEvaluation,
      evaluatedAt,
    });
  }
  return results;
}

export interface StoredTargetResult {
  id: string;
  targetId: string;
  period: string;
  periodStart: Date;
  periodEnd: Date;
  value: number | null;
  count: number;
  status: TargetStatus;
  evaluatedAt: Date;
}

/** The newest `last` stored results of a target (newest first). */
export async function targetHistory(
  prisma: PrismaClient,
  storeId: string,
  targetId: string,
  last = 6,
  timeZone?: string,
): Promise<StoredTargetResult[]> {
  if (!Number.isInteger(last) || last < 1 || last > 500)
    throw new InvalidInputError('last', 'must be between 1 and 500');
  const rows = await prisma.metricTargetResult.findMany({
    where: { storeId, targetId },
    orderBy: { periodStart: 'desc' },
    take: last,
    include: { target: { select: { granularity: true } } },
  });
  const zone = timeZone ?? (await storeTimeZone(prisma, storeId));
  return rows.map((row) => ({
    id: row.id,
    targetId: row.targetId,
    period: periodOf(row.periodStart, row.target.granularity as Granularity, zone).label,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    value: row.value,
    count: row.count,
    status: row.status,
    evaluatedAt: row.evaluatedAt,
  }));
}

/** The current (unfinished) period's value and status so far; nothing is stored. */
export async function currentTargetStatus(
  prisma: PrismaClient,
  storeId: string,
  target: MetricTarget,
  options: EvaluateOptions & { timeZone?: string },
): Promise<PeriodJudgement> {
  const now = options.now ?? new Date();
  const timeZone = options.timeZone ?? (await storeTimeZone(prisma, storeId));
  const period = periodOf(now, target.granularity as Granularity, timeZone);
  return measure(prisma, storeId, target, period, { now, metricSeries: options.metricSeries });
}

export interface TargetStatusView {
  target: MetricTarget;
  /** The period containing `now`, so far. */
  current: PeriodJudgement;
  /** The newest stored results of completed periods, newest first. */
  history: StoredTargetResult[];
}

/** For the UI: each target (or one) with its current period so far and its last `periods` results. */
export async function targetStatus(
  prisma: PrismaClient,
  storeId: string,
  targetId: string | null,
  options: EvaluateOptions & { periods?: number },
): Promise<TargetStatusView[]> {
  const now = options.now ?? new Date();
  const timeZone = await storeTimeZone(prisma, storeId);
  let targets: MetricTarget[];
  if (targetId) {
    const target = await prisma.metricTarget.findFirst({ where: { id: idOf(targetId), storeId } });
    if (!target) throw new NotFoundError('Metric target');
    targets = [target];
  } else targets = await listTargets(prisma, storeId);
  const views: TargetStatusView[] = [];
  for (const target of targets)
    views.push({
      target,
      current: await currentTargetStatus(prisma, storeId, target, { ...options, now, timeZone }),
      history: await targetHistory(prisma, storeId, target.id, options.periods ?? 6, timeZone),
    });
  return views;
}
