import { builder } from '../../builder.ts';
import { storeIdOf } from '../../context.ts';
import { RfmSegmentEnum } from './analytics.types.schema.ts';
import { type RfmSegmentSummary, type RfmSummary, recomputeRfm, rfmSummary } from './rfm.service.ts';
import { RFM_SEGMENT_RULES, type RfmSegment, ruleText } from './rfm.ts';

/**
 * Admin-only RFM segments: the per-segment report, recomputing it now, and a customer's scores.
 * Members of a segment are listed with `customers(filter: { rfmSegment })` (saved segments too).
 */

const adminOnly = { authScopes: { admin: true } } as const;

const RfmSegmentSummaryRef = builder.objectRef<RfmSegmentSummary>('RfmSegmentSummary').implement({
  description: 'One RFM segment: its size and its customers’ averages.',
  fields: (t) => ({
    segment: t.expose('segment', { type: RfmSegmentEnum }),
    customers: t.exposeInt('customers'),
    share: t.exposeFloat('share', { description: 'Percent of scored customers (0–100).' }),
    avgDaysSinceLastPurchase: t.exposeFloat('avgDaysSinceLastPurchase', {
      nullable: true,
      description: 'Null for an empty segment.',
    }),
    avgPurchases: t.exposeFloat('avgPurchases', { nullable: true }),
    avgNetSpent: t.exposeFloat('avgNetSpent', { nullable: true, description: 'Minor units.' }),
    totalNetSpent: t.exposeFloat('totalNetSpent', { description: 'Minor units.' }),
  }),
});

interface RfmDefinition {
  segment: RfmSegment;
  description: string;
  rule: string;
}

const RfmDefinitionRef = builder.objectRef<RfmDefinition>('RfmSegmentDefinition').implement({
  description: 'What a segment means and which scores put a customer in it.',
  fields: (t) => ({
    segment: t.expose('segment', { type: RfmSegmentEnum }),
    description: t.exposeString('description'),
    rule: t.exposeString('rule', {
      description: 'On R and FM = round((F + M) / 2), e.g. "R 4–5 and FM 4–5". Scores are quintiles 1–5, 5 = best.',
    }),
  }),
});

const DEFINITIONS: RfmDefinition[] = RFM_SEGMENT_RULES.map((rule) => ({
  segment: rule.segment,
  description: rule.description,
  rule: ruleText(rule),
}));

const RfmReportRef = builder.objectRef<RfmSummary>('RfmReport').implement({
  description:
    'Customers with at least one purchase, by RFM segment. Recency, frequency and monetary are quintile scores 1–5 within the store (5 = best; equal values get equal scores).',
  fields: (t) => ({
    computedAt: t.expose('computedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the scores were computed; null when never.',
    }),
    customers: t.exposeInt('customers', { description: 'Scored customers.' }),
    segments: t.field({
      type: [RfmSegmentSummaryRef],
      description: 'Every segment, in the order of `definitions`, empty ones included.',
      resolve: (report) => report.segments,
    }),
    definitions: t.field({ type: [RfmDefinitionRef], resolve: () => DEFINITIONS }),
  }),
});

interface CustomerRfmShape {
  recency: number;
  frequency: number;
  monetary: number;
  segment: RfmSegment;
  daysSinceLastPurchase: number;
  purchases: number;
  netSpent: bigint;
  computedAt: Date;
}

const CustomerRfmRef = builder.objectRef<CustomerRfmShape>('CustomerRfm').implement({
  description: 'A customer’s RFM scores (quintiles 1–5, 5 = best) and segment, as last computed.',
  fields: (t) => ({
    recency: t.exposeInt('recency'),
    frequency: t.exposeInt('frequency'),
    monetary: t.exposeInt('monetary'),
    segment: t.expose('segment', { type: RfmSegmentEnum }),
    daysSinceLastPurchase: t.exposeInt('daysSinceLastPurchase'),
    purchases: t.exposeInt('purchases'),
    netSpent: t.float({ description: 'Minor units.', resolve: (rfm) => Number(rfm.netSpent) }),
    computedAt: t.expose('computedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectFields('Customer', (t) => ({
  rfm: t.field({
    type: CustomerRfmRef,
    nullable: true,
    ...adminOnly,
    description: 'RFM scores and segment; null when the customer has no purchases or was not scored yet.',
    select: { rfm: true },
    resolve: (customer) => customer.rfm,
  }),
}));

builder.queryFields((t) => ({
  rfmSegments: t.field({
    type: RfmReportRef,
    ...adminOnly,
    description: 'The store’s customers by RFM segment, as last computed (by the analytics job or `recomputeRfm`).',
    resolve: (_root, _args, context) => rfmSummary(context.prisma, storeIdOf(context)),
  }),
}));

builder.mutationFields((t) => ({
  recomputeRfm: t.field({
    type: RfmReportRef,
    ...adminOnly,
    description: 'Scores every customer with a purchase now and returns the new report.',
    resolve: async (_root, _args, context) => {
      const storeId = storeIdOf(context);
      await recomputeRfm(context.prisma, storeId);
      return rfmSummary(context.prisma, storeId);
    },
  }),
}));
