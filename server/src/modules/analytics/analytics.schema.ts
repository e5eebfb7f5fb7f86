import { builder } from '../../builder.ts';
import { storeIdOf } from '../../context.ts';
import { InvalidInputError, rethrowAsBadUserInput } from '../../errors.ts';
import { storeTimeZone } from '../stores/stores.service.ts';
import {
  AnalyticsMetricEnum,
  DateRangeInput,
  dateRangeArg,
  GranularityEnum,
  SeriesPointRef,
} from './analytics.types.schema.ts';
import { DASHBOARD_PERIODS, type DashboardData, dashboard, dashboardRange, type Kpi } from './dashboard.service.ts';
import type { MetricResult } from './metrics.service.ts';
import { metricSeries } from './metrics.service.ts';
import type { AnalyticsMetric } from './metrics.ts';

/**
 * `metricSeries` (any metric by name, for charts and targets) and the one-call `dashboard`. Admin-only.
 */

const MetricSeriesRef = builder
  .objectRef<MetricResult & { metric: AnalyticsMetric; computedAt: Date }>('MetricSeries')
  .implement({
    description: 'A metric over a range: one point per period and the figure for the whole range.',
    fields: (t) => ({
      metric: t.field({ type: AnalyticsMetricEnum, resolve: (series) => series.metric }),
      points: t.field({ type: [SeriesPointRef], resolve: (series) => series.points }),
      total: t.field({ type: SeriesPointRef, resolve: (series) => series.total }),
      computedAt: t.expose('computedAt', {
        type: 'DateTime',
        description: 'Computed live from the data at this instant.',
      }),
    }),
  });

const DashboardPeriodEnum = builder.enumType('DashboardPeriod', {
  description:
    'A range on the store’s wall clock. Rolling ranges (LAST_n_DAYS, LAST_12_MONTHS = 365 days) end with today; calendar ones are whole months, quarters or years. The comparison is the equally long range before (the previous month, quarter or year for calendar ranges).',
  values: DASHBOARD_PERIODS,
});

const DateRangeRef = builder.objectRef<{ from: Date; to: Date }>('DateRange').implement({
  fields: (t) => ({
    from: t.expose('from', { type: 'DateTime' }),
    to: t.expose('to', { type: 'DateTime', description: 'Exclusive.' }),
  }),
});

const KpiTargetRef = builder.objectRef<NonNullable<Kpi['target']>>('KpiTarget').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    comparator: t.exposeString('comparator', { description: 'AT_LEAST or AT_MOST.' }),
    value: t.exposeFloat('value'),
    met: t.exposeBoolean('met', { nullable: true, description: 'On the range so far; null without data.' }),
  }),
});

const KpiRef = builder.objectRef<Kpi>('Kpi').implement({
  description: 'A headline figure for the range and the range before.',
  fields: (t) => ({
    metric: t.field({ type: AnalyticsMetricEnum, resolve: (kpi) => kpi.metric }),
    value: t.exposeFloat('value', { nullable: true }),
    count: t.exposeInt('count', { description: 'Orders, customers, answers or cases behind the value.' }),
    marginOfError: t.exposeFloat('marginOfError', { nullable: true, description: '95 % margin for NPS, CSAT, CES.' }),
    previousValue: t.exposeFloat('previousValue', { nullable: true }),
    change: t.exposeFloat('change', {
      nullable: true,
      description: 'value − previousValue (percentage points for rates).',
    }),
    higherIsBetter: t.exposeBoolean('higherIsBetter'),
    target: t.field({ type: KpiTargetRef, nullable: true, resolve: (kpi) => kpi.target }),
  }),
});

const SegmentCountRef = builder.objectRef<{ segment: string; customers: number }>('DashboardSegment').implement({
  fields: (t) => ({ segment: t.exposeString('segment'), customers: t.exposeInt('customers') }),
});

const ChurnBandRef = builder
  .objectRef<{ band: string; customers: number; predictedClv12: number }>('DashboardChurnBand')
  .implement({
    fields: (t) => ({
      band: t.exposeString('band', { description: 'LOW, MEDIUM, HIGH or LOST.' }),
      customers: t.exposeInt('customers'),
      predictedClv12: t.exposeFloat('predictedClv12', {
        description: 'Sum of the customers’ predicted 12-month value, minor units.',
      }),
    }),
  });

const DashboardRef = builder.objectRef<DashboardData>('Dashboard').implement({
  description:
    'The store at a glance. Figures are computed from the data when asked and cached for 60 seconds per store and range (`computedAt`, `cached`); RFM segments and churn risk are as of the last analytics job (`segmentsComputedAt`, `modelFittedAt`).',
  fields: (t) => ({
    range: t.field({ type: DateRangeRef, resolve: (data) => data.range }),
    previousRange: t.field({ type: DateRangeRef, resolve: (data) => data.previousRange }),
    granularity: t.field({ type: GranularityEnum, resolve: (data) => data.granularity }),
    currency: t.exposeString('currency'),
    timeZone: t.exposeString('timeZone'),
    kpis: t.field({ type: [KpiRef], resolve: (data) => data.kpis }),
    revenueTrend: t.field({ type: [SeriesPointRef], resolve: (data) => data.trends.revenue }),
    activeCustomersTrend: t.field({ type: [SeriesPointRef], resolve: (data) => data.trends.activeCustomers }),
    npsTrend: t.field({ type: [SeriesPointRef], resolve: (data) => data.trends.nps }),
    openCases: t.int({ resolve: (data) => data.cases.open }),
    overdueCases: t.int({ resolve: (data) => data.cases.overdue }),
    casesOpenedInRange: t.int({ resolve: (data) => data.cases.openedInRange }),
    segments: t.field({ type: [SegmentCountRef], resolve: (data) => data.segments.rows }),
    segmentsComputedAt: t.field({ type: 'DateTime', nullable: true, resolve: (data) => data.segments.computedAt }),
    churnRisk: t.field({ type: [ChurnBandRef], resolve: (data) => data.churnRisk.rows }),
    modelFittedAt: t.field({ type: 'DateTime', nullable: true, resolve: (data) => data.churnRisk.fittedAt }),
    computedAt: t.expose('computedAt', { type: 'DateTime' }),
    cached: t.exposeBoolean('cached'),
  }),
});

builder.queryFields((t) => ({
  metricSeries: t.field({
    type: MetricSeriesRef,
    authScopes: { admin: true },
    description:
      'Any metric as a chart series: one `{ period value count }` per period of `granularity` in `range` (on the store’s wall clock), plus the whole range.',
    args: {
      metric: t.arg({ type: AnalyticsMetricEnum, required: true }),
      range: t.arg({ type: DateRangeInput, required: true }),
      granularity: t.arg({ type: GranularityEnum, required: false, defaultValue: 'MONTH' }),
      withinHours: t.arg.int({
        required: false,
        description: 'CASES_RESOLVED_IN_TIME: hours within which a case counts as resolved in time (default 48).',
      }),
    },
    resolve: async (_root, args, context) => {
      try {
        const range = dateRangeArg(args.range);
        if (args.withinHours != null && (args.withinHours < 1 || args.withinHours > 720))
          throw new InvalidInputError('withinHours', 'must be from 1 to 720');
        const result = await metricSeries(context.prisma, storeIdOf(context), args.metric, {
          range,
          granularity: args.granularity ?? 'MONTH',
          withinHours: args.withinHours ?? undefined,
        });
        return { ...result, metric: args.metric, computedAt: new Date() };
      } catch (error) {
        rethrowAsBadUserInput(error);
      }
    },
  }),
  dashboard: t.field({
    type: DashboardRef,
    authScopes: { admin: true },
    description:
      'Headline figures with the previous range for comparison, trends, cases, segments and churn risk in one call. Give `period` (default LAST_30_DAYS) or an explicit `range`.',
    args: {
      period: t.arg({ type: DashboardPeriodEnum, required: false }),
      range: t.arg({ type: DateRangeInput, required: false }),
      fresh: t.arg.boolean({ required: false, defaultValue: false, description: 'Skip the 60-second cache.' }),
    },
    resolve: async (_root, args, context) => {
      try {
        if (args.period && args.range) throw new InvalidInputError('range', 'give either period or range, not both');
        const storeId = storeIdOf(context);
        if (args.range)
          return await dashboard(context.prisma, storeId, {
            range: dateRangeArg(args.range),
            fresh: args.fresh ?? false,
          });
        const timeZone = await storeTimeZone(context.prisma, storeId);
        const { range, previous } = dashboardRange(args.period ?? 'LAST_30_DAYS', new Date(), timeZone);
        return await dashboard(context.prisma, storeId, { range, previous, fresh: args.fresh ?? false });
      } catch (error) {
        rethrowAsBadUserInput(error);
      }
    },
  }),
}));
