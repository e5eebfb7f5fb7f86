import { builder } from '../../builder.ts';
import { storeIdOf } from '../../context.ts';
import { InvalidInputError, rethrowAsBadUserInput } from '../../errors.ts';
import { OrderChannelEnum } from '../customers/customers.schema.ts';
import {
  AnalyticsMetricEnum,
  DateRangeInput,
  dateRangeArg,
  GranularityEnum,
  SeriesPointRef,
} from './analytics.types.schema.ts';
import {
  type CohortRow,
  type CustomerMetricSeries,
  cohortMatrix,
  customerMetricSeries,
  type DiscountDependence,
  discountDependence,
  MAX_COHORT_MONTHS,
} from './customer-metrics.service.ts';
import { type CustomerMetric, isCustomerMetric } from './retention.ts';

/**
 * Customer, retention and sales metrics (`customerMetrics`), acquisition cohorts (`cohortRetention`)
 * and discount dependence (`discountDependence`). Admin-only; thin resolvers over
 * customer-metrics.service.ts, bad arguments answered with BAD_USER_INPUT.
 */

const adminOnly = { authScopes: { admin: true } } as const;

type Report = CustomerMetricSeries & { computedAt: Date };

function customerMetric(metric: string): CustomerMetric {
  if (!isCustomerMetric(metric))
    rethrowAsBadUserInput(
      new InvalidInputError('metric', 'is not a customer or sales metric; use satisfaction or metricSeries'),
    );
  return metric;
}

const CustomerMetricsReportRef = builder.objectRef<Report>('CustomerMetricsReport').implement({
  description:
    'Customer and sales metrics over a range, computed once per request: `series(metric)` per period, `total(metric)` for the whole range. Customer metrics count registered customers only; sales metrics include guests.',
  fields: (t) => ({
    series: t.field({
      type: [SeriesPointRef],
      description: 'One point per period of the range (each counting only its part of the range).',
      args: { metric: t.arg({ type: AnalyticsMetricEnum, required: true }) },
      resolve: (report, args) => report.values[customerMetric(args.metric)],
    }),
    total: t.field({
      type: SeriesPointRef,
      description:
        'The metric over the whole range. RETENTION_RATE / CHURN_RATE compare with the range just before: the same number of calendar months when the range is whole months, else the same duration.',
      args: { metric: t.arg({ type: AnalyticsMetricEnum, required: true }) },
      resolve: (report, args) => report.total[customerMetric(args.metric)],
    }),
    currency: t.exposeString('currency', { description: 'The store currency; money is in its minor units.' }),
    computedAt: t.expose('computedAt', { type: 'DateTime' }),
  }),
});

const CohortCellRef = builder.objectRef<CohortRow['cells'][number]>('CohortCell').implement({
  fields: (t) => ({
    monthsSince: t.exposeInt('monthsSince', { description: '0 = the acquisition month.' }),
    customers: t.exposeInt('customers', { description: 'Cohort customers with a purchase in that month.' }),
    percent: t.exposeFloat('percent', { description: 'customers / cohort size × 100.' }),
  }),
});

const CohortRef = builder.objectRef<CohortRow>('Cohort').implement({
  description: 'Customers acquired (first purchase ever) in one month of the store’s time zone.',
  fields: (t) => ({
    cohort: t.exposeString('cohort', { description: 'The acquisition month, YYYY-MM.' }),
    size: t.exposeInt('size'),
    cells: t.field({
      type: [CohortCellRef],
      description: 'Month 0 … `months` after acquisition, up to the current month (no future cells).',
      resolve: (cohort) => cohort.cells,
    }),
  }),
});

const CohortMatrixRef = builder.objectRef<{ cohorts: CohortRow[] }>('CohortMatrix').implement({
  fields: (t) => ({
    cohorts: t.field({
      type: [CohortRef],
      description: 'Oldest first; months without new customers are left out.',
      resolve: (matrix) => matrix.cohorts,
    }),
  }),
});

const DiscountDependenceRef = builder.objectRef<DiscountDependence>('DiscountDependence').implement({
  description:
    'How much of the range’s sales were discounted (discountTotal > 0), and how many repeat customers buy (almost) only on discount.',
  fields: (t) => ({
    orders: t.exposeInt('orders', { description: 'Purchases in the range, guests included.' }),
    discountedOrders: t.exposeInt('discountedOrders'),
    orderShare: t.exposeFloat('orderShare', { nullable: true, description: '% of purchases discounted.' }),
    revenue: t.exposeFloat('revenue', {
      description: 'Σ net value of the purchases, minor units (returns not linked to a sale are left out).',
    }),
    discountedRevenue: t.exposeFloat('discountedRevenue'),
    revenueShare: t.exposeFloat('revenueShare', { nullable: true, description: '% of purchase value discounted.' }),
    repeatCustomers: t.exposeInt('repeatCustomers', {
      description: 'Registered customers with at least 2 purchases in the range.',
    }),
    dependentCustomers: t.exposeInt('dependentCustomers', {
      description: 'Repeat customers with at least `threshold` % of their purchases in the range discounted.',
    }),
    dependentShare: t.exposeFloat('dependentShare', { nullable: true, description: '% of repeat customers.' }),
    threshold: t.exposeInt('threshold', { description: 'Percent.' }),
  }),
});

builder.queryFields((t) => ({
  customerMetrics: t.field({
    ...adminOnly,
    type: CustomerMetricsReportRef,
    description:
      'Customer, retention and sales metrics per period of `range` (store time zone). `channel` / `location` keep only the orders placed there: the figures of customers active through that channel.',
    args: {
      range: t.arg({ type: DateRangeInput, required: true }),
      granularity: t.arg({ type: GranularityEnum, defaultValue: 'MONTH' }),
      channel: t.arg({ type: OrderChannelEnum, required: false }),
      location: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, context) => {
      try {
        const report = await customerMetricSeries(context.prisma, storeIdOf(context), {
          range: dateRangeArg(args.range),
          granularity: args.granularity ?? 'MONTH',
          filter: { channel: args.channel ?? null, location: args.location ?? null },
        });
        return { ...report, computedAt: new Date() };
      } catch (error) {
        rethrowAsBadUserInput(error);
      }
    },
  }),
  cohortRetention: t.field({
    ...adminOnly,
    type: CohortMatrixRef,
    description: `Acquisition cohorts by the month (store time zone) of each customer's first purchase ever, for cohort months starting in [from, to); cell m = the cohort's customers with a purchase in month cohort + m, m = 0 … months (1–${MAX_COHORT_MONTHS}).`,
    args: {
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true, description: 'Exclusive.' }),
      months: t.arg.int({ defaultValue: 12 }),
    },
    resolve: (_root, args, context) =>
      cohortMatrix(context.prisma, storeIdOf(context), {
        from: args.from,
        to: args.to,
        months: args.months ?? 12,
      }).catch(rethrowAsBadUserInput),
  }),
  discountDependence: t.field({
    ...adminOnly,
    type: DiscountDependenceRef,
    args: { range: t.arg({ type: DateRangeInput, required: true }) },
    resolve: async (_root, args, context) => {
      try {
        return await discountDependence(context.prisma, storeIdOf(context), dateRangeArg(args.range));
      } catch (error) {
        rethrowAsBadUserInput(error);
      }
    },
  }),
}));
