import { builder } from '../../builder.ts';

import { ANALYTICS_METRICS, type SeriesPoint } from './metrics.ts';
import { type DateRange, GRANULARITIES, validateRange } from './periods.ts';
import { RFM_SEGMENTS } from './rfm.ts';

/**
 * GraphQL types shared by the analytics API (every analytics field is admin-only): the period
 * input, granularity and metric enums, and the chart point `{ period value count }`.
 */

export const GranularityEnum = builder.enumType('Granularity', {
  description: 'Calendar periods on the store’s wall clock (its time zone); weeks start on Monday.',
  values: GRANULARITIES,
});

export const AnalyticsMetricEnum = builder.enumType('AnalyticsMetric', {
  description:
    'A metric Kanta computes. Rates and shares are percentages (0–100), NPS −100…100, CES the mean answer (1–7, lower is better), money in minor units. The README defines each one with its formula.',
  values: ANALYTICS_METRICS,
});

export const ChurnRiskEnum = builder.enumType('ChurnRisk', {
  description:
    'From the probability that the customer is still active (BG/NBD): LOW ≥ 70 %, MEDIUM ≥ 40 %, HIGH ≥ 10 %, LOST below.',
  values: ['LOW', 'MEDIUM', 'HIGH', 'LOST'] as const,
});

export const RfmSegmentEnum = builder.enumType('RfmSegment', {
  description: 'Named RFM segments from recency, frequency and monetary quintile scores (README: Segments).',
  values: RFM_SEGMENTS,
});

export const DateRangeInput = builder.inputType('DateRangeInput', {
  description: 'A half-open range of instants [from, to).',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', required: true }),
    to: t.field({ type: 'DateTime', required: true, description: 'Exclusive.' }),
  }),
});

/** The range argument, validated (from < to), as a DateRange. */
export function dateRangeArg(range: { from: Date; to: Date }, field = 'range'): DateRange {
  const value = { from: range.from, to: range.to };
  validateRange(value, field);
  return value;
}

export const SeriesPointRef = builder.objectRef<SeriesPoint>('SeriesPoint').implement({
  description: 'One point of a chart series.',
  fields: (t) => ({
    period: t.exposeString('period', { description: 'The period’s local start date, YYYY-MM-DD.' }),
    start: t.expose('start', { type: 'DateTime' }),
    end: t.expose('end', { type: 'DateTime', description: 'Exclusive.' }),
    value: t.exposeFloat('value', { nullable: true, description: 'Null when there was nothing to measure.' }),
    count: t.exposeInt('count', { description: 'Answers, orders, customers or cases the value comes from.' }),
    marginOfError: t.float({
      nullable: true,
      description: '95 % margin of error (± in the value’s units) for sample estimates (NPS, CSAT, CES).',
      resolve: (point) => point.marginOfError ?? null,
    }),
  }),
});
