import type { Period } from './periods.ts';

/**
 * The metrics Kanta computes, by name, and the shape every series has. Rates and shares are
 * percentages (0–100); NPS is −100…100; CSAT is the % of 4–5 answers; CES is the mean answer (1–7,
 * lower is better); money is in the store currency's minor units.
 */
/** Satisfaction, from survey answers by answer time. */
export const SATISFACTION_METRICS = ['NPS', 'CSAT', 'CES', 'RESPONSES'] as const;
/** Follow-up cases, by the time the case was opened (resolution hours: by resolution time). */
export const CASE_METRICS = ['CASES_RESOLVED_IN_TIME', 'CASE_RESOLUTION_HOURS'] as const;
/** Customers (registered only) and sales (orders by order time, guests included): customerMetricSeries. */
export const CUSTOMER_METRICS = [
  'ACTIVE_CUSTOMERS',
  'NEW_CUSTOMERS',
  'RETURNING_CUSTOMERS',
  'RETENTION_RATE',
  'CHURN_RATE',
  'REPEAT_PURCHASE_RATE',
  'PURCHASE_FREQUENCY',
  'REVENUE_PER_CUSTOMER',
  'HISTORIC_CLV',
  'REVENUE',
  'ORDERS',
  'AVERAGE_ORDER_VALUE',
  'DISCOUNTED_ORDER_SHARE',
  'DISCOUNTED_REVENUE_SHARE',
] as const;
export const ANALYTICS_METRICS = [...SATISFACTION_METRICS, ...CASE_METRICS, ...CUSTOMER_METRICS] as const;
export type AnalyticsMetric = (typeof ANALYTICS_METRICS)[number];

/** Which way is good, for targets and for arrows on a dashboard. */
export const HIGHER_IS_BETTER: Readonly<Record<AnalyticsMetric, boolean>> = {
  NPS: true,
  CSAT: true,
  CES: false,
  RESPONSES: true,
  CASES_RESOLVED_IN_TIME: true,
  CASE_RESOLUTION_HOURS: false,
  REVENUE: true,
  ORDERS: true,
  AVERAGE_ORDER_VALUE: true,
  DISCOUNTED_ORDER_SHARE: false,
  DISCOUNTED_REVENUE_SHARE: false,
  ACTIVE_CUSTOMERS: true,
  NEW_CUSTOMERS: true,
  RETURNING_CUSTOMERS: true,
  RETENTION_RATE: true,
  CHURN_RATE: false,
  REPEAT_PURCHASE_RATE: true,
  PURCHASE_FREQUENCY: true,
  REVENUE_PER_CUSTOMER: true,
  HISTORIC_CLV: true,
};

/** One point of a chart series. `value` is null when the period has nothing to measure (no answers, no customers). */
export interface SeriesPoint {
  /** The period's local start date, "YYYY-MM-DD". */
  period: string;
  start: Date;
  end: Date;
  value: number | null;
  /** What the value was computed from: answers, orders, customers or cases. */
  count: number;
  /** 95 % margin of error (± value units) where the metric is a sample estimate (NPS, CSAT, CES). */
  marginOfError?: number | null;
}

export function emptyPoint(period: Period): SeriesPoint {
  return { period: period.label, start: period.start, end: period.end, value: null, count: 0, marginOfError: null };
}
