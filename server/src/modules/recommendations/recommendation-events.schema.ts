import { builder } from '../../builder.ts';
import { storeIdOf } from '../../context.ts';
import { InvalidInputError, rethrowAsBadUserInput } from '../../errors.ts';
import { DateRangeInput, dateRangeArg } from '../analytics/analytics.types.schema.ts';
import { resolveShopper } from '../customers/shopper.ts';
import type { RecommendationStrategy } from './list-id.ts';
import { RecommendationStrategyEnum } from './recommendations.schema.ts';
import {
  type AttributedRevenue,
  MAX_TRACKED_SKUS,
  type PerformanceFigures,
  type RecommendationPerformance,
  recommendationPerformance,
  type StrategyPerformance,
  type TrackRecommendationEventResult,
  trackRecommendationEvent,
} from './tracking.service.ts';

/**
 * Tracking of served recommendation lists (impressions, clicks) from any key, and the admin view of
 * how lists perform, with the orders attributed to clicks. Thin resolvers over tracking.service.ts.
 */

const RecommendationEventKindEnum = builder.enumType('RecommendationEventKind', {
  description: 'What the storefront reports about a recommended product.',
  values: {
    IMPRESSION: { description: 'The product was shown in the list.' },
    CLICK: { description: 'The shopper opened the product from the list.' },
  } as const,
});

const TrackRecommendationEventInput = builder.inputType('TrackRecommendationEventInput', {
  description: 'Impressions (in batches) or one click of a served recommendation list.',
  fields: (t) => ({
    listId: t.string({
      required: true,
      description: 'The `id` of the served `RecommendationList`; accepted for 30 days after it was served.',
    }),
    kind: t.field({ type: RecommendationEventKindEnum, required: true }),
    skus: t.stringList({
      required: true,
      description: `The products shown (1–${MAX_TRACKED_SKUS}), or the one product clicked.`,
    }),
    position: t.int({
      required: false,
      description:
        'The 1-based position of the clicked product, or of the first product shown (the others follow in order).',
    }),
  }),
});

const TrackRecommendationEventPayload = builder
  .objectRef<TrackRecommendationEventResult>('TrackRecommendationEventPayload')
  .implement({
    description: 'What was stored: each list, kind and sku is recorded once.',
    fields: (t) => ({
      recorded: t.exposeInt('recorded', { description: 'Events stored by this call.' }),
      duplicates: t.exposeInt('duplicates', {
        description: 'Events already reported for this list, kind and sku (a retry or re-render), not stored again.',
      }),
    }),
  });

const AttributedRevenueRef = builder.objectRef<AttributedRevenue>('RecommendationAttributedRevenue').implement({
  description: 'Orders credited to recommendation clicks in one currency.',
  fields: (t) => ({
    currency: t.exposeString('currency', { description: 'ISO 4217 code.' }),
    attributedOrders: t.exposeInt('attributedOrders', { description: 'Orders with at least one credited line.' }),
    attributedRevenue: t.exposeInt('attributedRevenue', {
      description: 'The credited lines’ totals, in minor units of `currency`.',
    }),
  }),
});

const PerformanceFiguresRef = builder.interfaceRef<PerformanceFigures>('RecommendationPerformanceFigures').implement({
  description: 'How recommendation lists performed in a range: store-wide or for one strategy.',
  fields: (t) => ({
    impressions: t.exposeInt('impressions', { description: 'Products reported shown (one per list and product).' }),
    clicks: t.exposeInt('clicks', { description: 'Products reported clicked (one per list and product).' }),
    clickThroughRate: t.exposeFloat('clickThroughRate', {
      nullable: true,
      description: 'Clicks per 100 impressions; null without impressions.',
    }),
    attributedOrders: t.exposeInt('attributedOrders', {
      description:
        'Orders placed in the range with a line credited to a click (the customer clicked the product in a list within the store’s `attributionDays` before ordering), any currency.',
    }),
    currency: t.exposeString('currency', { description: 'The store’s default currency, that of `attributedRevenue`.' }),
    attributedRevenue: t.exposeInt('attributedRevenue', {
      description:
        'The credited lines’ totals (line discounts off) in minor units of `currency`; other currencies are in `revenueByCurrency`.',
    }),
    revenueByCurrency: t.field({
      type: [AttributedRevenueRef],
      description: 'One row per currency with credited orders, by currency code.',
      resolve: (figures) => figures.revenueByCurrency,
    }),
  }),
});

const StrategyPerformanceRef = builder.objectRef<StrategyPerformance>('RecommendationStrategyPerformance').implement({
  description: 'The performance of the lists of one strategy (credits go to the strategy of the clicked list).',
  interfaces: [PerformanceFiguresRef],
  fields: (t) => ({
    // Stored strategies come from parsed list ids, which only name the enum's values.
    strategy: t.field({ type: RecommendationStrategyEnum, resolve: (row) => row.strategy as RecommendationStrategy }),
  }),
});

const PerformanceRef = builder.objectRef<RecommendationPerformance>('RecommendationPerformance').implement({
  description:
    'Impressions and clicks reported in the range and the orders placed in it that are credited to a click, store-wide and per strategy.',
  interfaces: [PerformanceFiguresRef],
  fields: (t) => ({
    from: t.expose('from', { type: 'DateTime' }),
    to: t.expose('to', { type: 'DateTime', description: 'Exclusive.' }),
    byStrategy: t.field({
      type: [StrategyPerformanceRef],
      description: 'One row per strategy with events or credited orders in the range, by strategy name.',
      resolve: (performance) => performance.byStrategy,
    }),
  }),
});

builder.mutationField('trackRecommendationEvent', (t) =>
  t.field({
    type: TrackRecommendationEventPayload,
    authScopes: { store: true },
    description:
      'Reports that products of a served recommendation list were shown (impressions, in batches) or that one was clicked. Any key; with a customer token the shopper is remembered, so that their orders within the store’s attribution window are credited to the click. Reporting the same list, kind and product again changes nothing (counted in `duplicates`).',
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: TrackRecommendationEventInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const storeId = storeIdOf(context);
      const customerId = await resolveShopper(context.prisma, context.principal);
      return trackRecommendationEvent(context.prisma, storeId, input, { customerId });
    },
  }),
);

builder.queryField('recommendationPerformance', (t) =>
  t.field({
    type: PerformanceRef,
    authScopes: { admin: true },
    description:
      'How recommendation lists performed in `range`: impressions, clicks, click-through rate and the orders credited to clicks, store-wide and per strategy.',
    args: { range: t.arg({ type: DateRangeInput, required: true }) },
    resolve: async (_root, args, context) => {
      try {
        return await recommendationPerformance(context.prisma, storeIdOf(context), dateRangeArg(args.range));
      } catch (error) {
        rethrowAsBadUserInput(error);
      }
    },
  }),
);
