import { builder } from '../../builder.ts';
import { storeIdOf } from '../../context.ts';
import { rethrowAsBadUserInput } from '../../errors.ts';
import { OrderChannelEnum } from '../customers/customers.schema.ts';
import { countOverdueCases } from '../feedback/cases.service.ts';
import { SurveyTypeEnum } from '../feedback/feedback.schema.ts';
import type { SurveyType } from '../feedback/scores.ts';
import {
  DateRangeInput,
  dateRangeArg,
  GranularityEnum,
  RfmSegmentEnum,
  SeriesPointRef,
} from './analytics.types.schema.ts';
import { caseCounts, caseMetricSeries, DEFAULT_WITHIN_HOURS, validateWithinHours } from './cases-metrics.service.ts';
import type { DateRange } from './periods.ts';
import {
  SATISFACTION_DIMENSIONS,
  type SatisfactionBreakdownRow,
  type SatisfactionFilter,
  type Series,
  satisfactionBreakdown,
  satisfactionSeries,
} from './satisfaction.service.ts';

/**
 * Admin-only satisfaction reports (NPS, CSAT, CES over time, with margins of error, and broken down
 * by channel, location, product, category, survey or RFM segment) and follow-up case metrics.
 * Thin resolvers over satisfaction.service.ts and cases-metrics.service.ts.
 */

const SatisfactionDimensionEnum = builder.enumType('SatisfactionDimension', {
  description:
    'What to break answers down by. Answers without the dimension are left out; an answer about several products or categories counts for each.',
  values: {
    CHANNEL: { description: 'The answer’s channel.' },
    LOCATION: { description: 'The answer’s location (store, site).' },
    PRODUCT: { description: 'Each SKU the answer is about; the label is the catalogue name.' },
    CATEGORY: { description: 'The top-level category (first of categoryPath) of the answer’s catalogue products.' },
    SURVEY: { description: 'The survey (key = its id, label = its name).' },
    RFM_SEGMENT: { description: 'The customer’s current RFM segment (customers scored by the last RFM job).' },
  } as const satisfies Record<(typeof SATISFACTION_DIMENSIONS)[number], { description: string }>,
});

const SatisfactionFilterInput = builder.inputType('SatisfactionFilterInput', {
  description: 'Which answers count; every field given must hold.',
  fields: (t) => ({
    channel: t.field({ type: OrderChannelEnum, required: false }),
    location: t.string({ required: false }),
    sku: t.string({ required: false, description: 'Answers about this SKU.' }),
    category: t.string({
      required: false,
      description: 'Answers about a catalogue product with this category at any level of its path.',
    }),
    segmentId: t.id({
      required: false,
      description: 'Answers of customers in this saved segment (as it matches now).',
    }),
    rfmSegment: t.field({ type: RfmSegmentEnum, required: false }),
  }),
});

interface ReportShape extends Series {
  type: SurveyType;
  storeId: string;
  range: DateRange;
  filter: SatisfactionFilter | null;
  computedAt: Date;
}

const SatisfactionBreakdownRowRef = builder.objectRef<SatisfactionBreakdownRow>('SatisfactionBreakdownRow').implement({
  fields: (t) => ({
    key: t.exposeString('key', {
      description: 'The channel, location, SKU, top-level category, survey id or RFM segment.',
    }),
    label: t.exposeString('label', { description: 'For display: the survey or product name; else the key.' }),
    value: t.exposeFloat('value', { nullable: true }),
    count: t.exposeInt('count', { description: 'Answers behind the value.' }),
    marginOfError: t.exposeFloat('marginOfError', {
      nullable: true,
      description: '95 % margin of error (±); null for CES with fewer than 2 answers.',
    }),
  }),
});

const SatisfactionReportRef = builder.objectRef<ReportShape>('SatisfactionReport').implement({
  description:
    'NPS, CSAT or CES over a range, by the time answers arrived on the store’s wall clock, with 95 % margins of error. Values are unrounded.',
  fields: (t) => ({
    type: t.field({ type: SurveyTypeEnum, resolve: (report) => report.type }),
    total: t.field({ type: SeriesPointRef, description: 'The whole range.', resolve: (report) => report.total }),
    series: t.field({
      type: [SeriesPointRef],
      description: 'Every period of the range; periods without answers have value null and count 0.',
      resolve: (report) => report.points,
    }),
    breakdown: t.field({
      type: [SatisfactionBreakdownRowRef],
      description: 'The range broken down by a dimension, most answers first (ask for several with aliases).',
      args: { by: t.arg({ type: SatisfactionDimensionEnum, required: true }) },
      resolve: async (report, args, context) => {
        try {
          return await satisfactionBreakdown(context.prisma, report.storeId, {
            type: report.type,
            range: report.range,
            by: args.by,
            filter: report.filter,
          });
        } catch (error) {
          rethrowAsBadUserInput(error);
        }
      },
    }),
    computedAt: t.expose('computedAt', { type: 'DateTime', description: 'Computed live at this instant.' }),
  }),
});

interface FollowUpShape {
  resolvedInTime: Series;
  resolutionHours: Series;
  withinHours: number;
  opened: number;
  open: number;
  overdue: number;
  computedAt: Date;
}

const FollowUpSeriesRef = builder.objectRef<Series>('FollowUpSeries').implement({
  fields: (t) => ({
    total: t.field({ type: SeriesPointRef, description: 'The whole range.', resolve: (series) => series.total }),
    series: t.field({ type: [SeriesPointRef], resolve: (series) => series.points }),
  }),
});

const FollowUpMetricsRef = builder.objectRef<FollowUpShape>('FollowUpMetrics').implement({
  description: 'How quickly follow-up cases are closed.',
  fields: (t) => ({
    resolvedInTime: t.field({
      type: FollowUpSeriesRef,
      description:
        '% of the cases opened in each period that were resolved or dismissed within `withinHours` of opening; cases still open stay in the denominator. count = cases opened.',
      resolve: (metrics) => metrics.resolvedInTime,
    }),
    resolutionHours: t.field({
      type: FollowUpSeriesRef,
      description: 'Median hours from opening to resolving or dismissing, of the cases closed in each period.',
      resolve: (metrics) => metrics.resolutionHours,
    }),
    withinHours: t.exposeInt('withinHours'),
    opened: t.exposeInt('opened', { description: 'Cases opened in the range.' }),
    open: t.exposeInt('open', {
      description: 'Cases OPEN or IN_PROGRESS now (the whole backlog, not only the range).',
    }),
    overdue: t.exposeInt('overdue', { description: 'Cases OPEN or IN_PROGRESS past their due time now.' }),
    computedAt: t.expose('computedAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  satisfaction: t.field({
    type: SatisfactionReportRef,
    authScopes: { admin: true },
    description:
      'NPS, CSAT or CES per period of `granularity` (on the store’s wall clock) over `range`, optionally filtered, with margins of error and breakdowns.',
    args: {
      type: t.arg({ type: SurveyTypeEnum, required: true }),
      range: t.arg({ type: DateRangeInput, required: true }),
      granularity: t.arg({ type: GranularityEnum, required: false, defaultValue: 'MONTH' }),
      filter: t.arg({ type: SatisfactionFilterInput, required: false }),
    },
    resolve: async (_root, args, context) => {
      try {
        const storeId = storeIdOf(context);
        const range = dateRangeArg(args.range);
        const filter: SatisfactionFilter | null = args.filter
          ? {
              channel: args.filter.channel ?? null,
              location: args.filter.location ?? null,
              sku: args.filter.sku ?? null,
              category: args.filter.category ?? null,
              segmentId: args.filter.segmentId == null ? null : String(args.filter.segmentId),
              rfmSegment: args.filter.rfmSegment ?? null,
            }
          : null;
        const series = await satisfactionSeries(context.prisma, storeId, {
          type: args.type,
          range,
          granularity: args.granularity ?? 'MONTH',
          filter,
        });
        return { ...series, type: args.type, storeId, range, filter, computedAt: new Date() };
      } catch (error) {
        rethrowAsBadUserInput(error);
      }
    },
  }),
  followUpMetrics: t.field({
    type: FollowUpMetricsRef,
    authScopes: { admin: true },
    description: 'Follow-up cases resolved in time and resolution hours per period, and the current backlog.',
    args: {
      range: t.arg({ type: DateRangeInput, required: true }),
      granularity: t.arg({ type: GranularityEnum, required: false, defaultValue: 'MONTH' }),
      withinHours: t.arg.int({ required: false, defaultValue: DEFAULT_WITHIN_HOURS, description: '1–720.' }),
    },
    resolve: async (_root, args, context) => {
      try {
        const storeId = storeIdOf(context);
        const range = dateRangeArg(args.range);
        const withinHours = validateWithinHours(args.withinHours ?? DEFAULT_WITHIN_HOURS);
        const granularity = args.granularity ?? 'MONTH';
        const now = new Date();
        const [resolvedInTime, resolutionHours, counts, overdue] = await Promise.all([
          caseMetricSeries(context.prisma, storeId, {
            metric: 'CASES_RESOLVED_IN_TIME',
            range,
            granularity,
            withinHours,
            now,
          }),
          caseMetricSeries(context.prisma, storeId, { metric: 'CASE_RESOLUTION_HOURS', range, granularity, now }),
          caseCounts(context.prisma, storeId, range),
          countOverdueCases(context.prisma, storeId, now),
        ]);
        return { resolvedInTime, resolutionHours, withinHours, ...counts, overdue, computedAt: now };
      } catch (error) {
        rethrowAsBadUserInput(error);
      }
    },
  }),
}));
