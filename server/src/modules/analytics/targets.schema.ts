import { builder } from '../../builder.ts';
import { storeIdOf } from '../../context.ts';
import { InvalidInputError, NotFoundError, rethrowAsBadUserInput } from '../../errors.ts';
import type { MetricTarget } from '../../generated/prisma/client.ts';
import { AnalyticsMetricEnum, GranularityEnum } from './analytics.types.schema.ts';
import { metricSeries } from './metrics.service.ts';
import { type AnalyticsMetric, HIGHER_IS_BETTER } from './metrics.ts';
import type { Granularity } from './periods.ts';
import {
  createTarget,
  currentTargetStatus,
  deleteTarget,
  evaluateTargets,
  listTargets,
  type PeriodJudgement,
  type StoredTargetResult,
  TARGET_COMPARATORS,
  type TargetEvaluation,
  targetHistory,
  updateTarget,
} from './targets.service.ts';

/**
 * Admin-only metric targets: goals per period for any metric, the current period so far, stored
 * results of completed periods, and evaluation on request (the analytics job evaluates too).
 * Thin resolvers over targets.service.ts with the real metric registry.
 */

const adminOnly = { authScopes: { admin: true } } as const;

const TargetComparatorEnum = builder.enumType('TargetComparator', {
  values: {
    AT_LEAST: { description: 'On track when the value is at least the target.' },
    AT_MOST: { description: 'On track when the value is at most the target (CES, churn, resolution hours).' },
  } as const satisfies Record<(typeof TARGET_COMPARATORS)[number], { description: string }>,
});

const TargetStatusEnum = builder.enumType('TargetStatus', {
  values: {
    ON_TRACK: { description: 'The value meets the target (inclusive).' },
    OFF_TRACK: { description: 'The value misses the target.' },
    NO_DATA: { description: 'Nothing to measure in the period (no answers, no customers…).' },
  } as const,
});

const periodFields = {
  period: 'The period’s local start date, YYYY-MM-DD (in the store’s time zone).',
};

const MetricTargetPeriodRef = builder.objectRef<PeriodJudgement>('MetricTargetPeriod').implement({
  description: 'A target judged for the current, unfinished period: the value so far.',
  fields: (t) => ({
    period: t.exposeString('period', { description: periodFields.period }),
    periodStart: t.expose('periodStart', { type: 'DateTime' }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime', description: 'Exclusive.' }),
    value: t.exposeFloat('value', { nullable: true }),
    count: t.exposeInt('count', {
      description: 'What the value was computed from (answers, orders, customers, cases).',
    }),
    status: t.expose('status', { type: TargetStatusEnum }),
  }),
});

const MetricTargetResultRef = builder.objectRef<StoredTargetResult>('MetricTargetResult').implement({
  description: 'A target judged for one completed period, as stored.',
  fields: (t) => ({
    id: t.exposeID('id'),
    period: t.exposeString('period', { description: periodFields.period }),
    periodStart: t.expose('periodStart', { type: 'DateTime' }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime', description: 'Exclusive.' }),
    value: t.exposeFloat('value', { nullable: true }),
    count: t.exposeInt('count'),
    status: t.expose('status', { type: TargetStatusEnum }),
    evaluatedAt: t.expose('evaluatedAt', { type: 'DateTime', description: 'When the value was last measured.' }),
  }),
});

const MetricTargetRef = builder.objectRef<MetricTarget>('MetricTarget').implement({
  description: 'A goal for a metric, judged per period in the store’s time zone.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    metric: t.field({ type: AnalyticsMetricEnum, resolve: (target) => target.metric as AnalyticsMetric }),
    comparator: t.expose('comparator', { type: TargetComparatorEnum }),
    value: t.exposeFloat('value', { description: 'The target, in the metric’s units.' }),
    granularity: t.field({ type: GranularityEnum, resolve: (target) => target.granularity as Granularity }),
    withinHours: t.exposeInt('withinHours', {
      nullable: true,
      description: 'CASES_RESOLVED_IN_TIME only: hours a case may take.',
    }),
    active: t.exposeBoolean('active', { description: 'Inactive targets are not evaluated.' }),
    higherIsBetter: t.boolean({ resolve: (target) => HIGHER_IS_BETTER[target.metric as AnalyticsMetric] }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    current: t.field({
      type: MetricTargetPeriodRef,
      description: 'The period containing now, so far (computed on request, not stored).',
      resolve: (target, _args, context) =>
        currentTargetStatus(context.prisma, target.storeId, target, { metricSeries }).catch(rethrowAsBadUserInput),
    }),
    history: t.field({
      type: [MetricTargetResultRef],
      description: 'Stored results of completed periods, newest first.',
      args: { last: t.arg.int({ defaultValue: 6, description: '1–500.' }) },
      resolve: (target, { last }, context) =>
        targetHistory(context.prisma, target.storeId, target.id, last ?? 6).catch(rethrowAsBadUserInput),
    }),
  }),
});

const MetricTargetEvaluationRef = builder.objectRef<TargetEvaluation>('MetricTargetEvaluation').implement({
  description: 'A target judged for its last completed period by `evaluateMetricTargets`.',
  fields: (t) => ({
    targetId: t.exposeID('targetId'),
    name: t.exposeString('name'),
    metric: t.expose('metric', { type: AnalyticsMetricEnum }),
    period: t.exposeString('period', { description: periodFields.period }),
    periodStart: t.expose('periodStart', { type: 'DateTime' }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime', description: 'Exclusive.' }),
    value: t.exposeFloat('value', { nullable: true }),
    count: t.exposeInt('count'),
    status: t.expose('status', { type: TargetStatusEnum }),
    firstEvaluation: t.exposeBoolean('firstEvaluation', {
      description: 'This run stored the period’s result first (metric.off_track is emitted then, if OFF_TRACK).',
    }),
  }),
});

const MetricTargetInput = builder.inputType('MetricTargetInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: '1–100 characters, unique in the store.' }),
    metric: t.field({ type: AnalyticsMetricEnum, required: true }),
    comparator: t.field({ type: TargetComparatorEnum, required: true }),
    value: t.float({
      required: true,
      description: 'In the metric’s units: percentages 0–100, NPS −100…100, CES 1–7, counts and money ≥ 0.',
    }),
    granularity: t.field({ type: GranularityEnum, required: true, description: 'The period it is judged per.' }),
    withinHours: t.int({ description: 'CASES_RESOLVED_IN_TIME only: 1–720 hours, default 48.' }),
    active: t.boolean({ description: 'Default true.' }),
  }),
});

const MetricTargetUpdateInput = builder.inputType('MetricTargetUpdateInput', {
  description: 'Fields to change; omitted fields stay as they are.',
  fields: (t) => ({
    name: t.string(),
    metric: t.field({ type: AnalyticsMetricEnum }),
    comparator: t.field({ type: TargetComparatorEnum }),
    value: t.float(),
    granularity: t.field({ type: GranularityEnum }),
    withinHours: t.int({ description: 'CASES_RESOLVED_IN_TIME only; null resets it to 48.' }),
    active: t.boolean(),
  }),
});

const DeletedMetricTarget = builder.objectRef<{ id: string }>('DeletedMetricTarget');
DeletedMetricTarget.implement({ fields: (t) => ({ id: t.exposeID('id') }) });

/** GraphQL leaves absent input fields undefined; explicit nulls of non-nullable settings mean "not given". */
function given(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(input).filter(([key, value]) => value !== undefined && (value !== null || key === 'withinHours')),
  );
}

/** Services name input fields as given to them; the GraphQL argument is `input`. */
function inputField(error: unknown): never {
  if (error instanceof InvalidInputError && !error.field.startsWith('input.') && error.field !== 'input')
    throw new InvalidInputError(`input.${error.field}`, error.rule);
  throw error;
}

builder.queryFields((t) => ({
  metricTargets: t.field({
    type: [MetricTargetRef],
    ...adminOnly,
    description: 'The store’s metric targets by name, with the current period so far and stored history.',
    resolve: (_root, _args, context) => listTargets(context.prisma, storeIdOf(context)),
  }),
}));

builder.mutationFields((t) => ({
  createMetricTarget: t.field({
    type: MetricTargetRef,
    ...adminOnly,
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: MetricTargetInput, required: true }) },
    resolve: (_root, { input }, context) =>
      createTarget(context.prisma, storeIdOf(context), given(input)).catch(inputField),
  }),
  updateMetricTarget: t.field({
    type: MetricTargetRef,
    ...adminOnly,
    errors: { types: [NotFoundError, InvalidInputError] },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: MetricTargetUpdateInput, required: true }) },
    resolve: (_root, { id, input }, context) =>
      updateTarget(context.prisma, storeIdOf(context), String(id), given(input)).catch(inputField),
  }),
  deleteMetricTarget: t.field({
    type: DeletedMetricTarget,
    ...adminOnly,
    description: 'Deletes the target and its stored results.',
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, context) => ({
      id: await deleteTarget(context.prisma, storeIdOf(context), String(id)),
    }),
  }),
  evaluateMetricTargets: t.field({
    type: [MetricTargetEvaluationRef],
    ...adminOnly,
    description:
      'Judges every active target for its last completed period now and stores the results; emits metric.off_track the first time a period is stored off track.',
    resolve: async (_root, _args, context) => {
      const results = await evaluateTargets(context.prisma, storeIdOf(context), { metricSeries }).catch(
        rethrowAsBadUserInput,
      );
      // Deliver metric.off_track now rather than at the dispatcher's next poll.
      if (results.some((result) => result.firstEvaluation && result.status === 'OFF_TRACK')) context.events.kick();
      return results;
    },
  }),
}));
