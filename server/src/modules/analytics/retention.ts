import { CUSTOMER_METRICS } from './metrics.ts';

export { CUSTOMER_METRICS };

/**
 * Customer and sales metrics from per-period aggregate counts, pure. SQL counts (customer-metrics
 * service); this module turns the counts into values: rates and shares as percentages (0–100), null
 * when the denominator is empty, and the `count` each value was computed from.
 */

export type CustomerMetric = (typeof CUSTOMER_METRICS)[number];

export function isCustomerMetric(metric: string): metric is CustomerMetric {
  return (CUSTOMER_METRICS as readonly string[]).includes(metric);
}

/** What SQL counts for one period (money in minor units). */
export interface PeriodCounts {
  /** Purchases placed in the period, guests included. */
  orders: number;
  /** Revenue: Σ netTotal of non-cancelled sales + Σ total of unlinked returns placed in the period. */
  revenue: number;
  /** Σ netTotal of the purchases (the base of the discounted revenue share). */
  purchaseRevenue: number;
  /** Purchases with discountTotal > 0. */
  discountedOrders: number;
  /** Σ netTotal of the discounted purchases. */
  discountedRevenue: number;
  /** Registered customers with ≥ 1 purchase in the period. */
  activeCustomers: number;
  /** Active customers whose first purchase ever is in the period. */
  newCustomers: number;
  /** Customers active in the period before (null: not known, so no retention). */
  previousActive: number | null;
  /** Customers active both in the period before and in this one. */
  retained: number;
  /** Active customers with ≥ 2 purchases in total up to the end of the period. */
  repeatCustomers: number;
  /** Purchases of registered customers in the period. */
  customerPurchases: number;
  /** Σ netTotal of registered customers' purchases in the period. */
  customerRevenue: number;
  /** Customers with ≥ 1 purchase up to the end of the period. */
  customersToDate: number;
  /** Σ netTotal of registered customers' purchases up to the end of the period. */
  spendToDate: number;
}

export interface MetricValue {
  value: number | null;
  count: number;
}

/** part / whole × 100, or null when whole is 0. */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : (part / whole) * 100;
}

/** part / whole, or null when whole is 0. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/**
 * Every customer and sales metric of one period. `count` per metric:
 * - ACTIVE/NEW/RETURNING_CUSTOMERS, REPEAT_PURCHASE_RATE, PURCHASE_FREQUENCY, REVENUE_PER_CUSTOMER:
 *   active customers (counts are 0, never null; the rest null without active customers);
 * - RETENTION_RATE, CHURN_RATE: customers active in the period before (null when 0 or unknown);
 * - HISTORIC_CLV: customers with a purchase up to the end of the period (null when 0);
 * - REVENUE, ORDERS, AVERAGE_ORDER_VALUE, DISCOUNTED_ORDER_SHARE, DISCOUNTED_REVENUE_SHARE: purchases
 *   (revenue and orders are 0, never null; AOV and the shares null without purchases, the revenue
 *   share also when the purchases are worth 0).
 */
export function customerMetricValues(counts: PeriodCounts): Record<CustomerMetric, MetricValue> {
  const active = counts.activeCustomers;
  const previous = counts.previousActive ?? 0;
  const retention = counts.previousActive === null ? null : percent(counts.retained, previous);
  const orders = counts.orders;
  return {
    ACTIVE_CUSTOMERS: { value: active, count: active },
    NEW_CUSTOMERS: { value: counts.newCustomers, count: active },
    RETURNING_CUSTOMERS: { value: active - counts.newCustomers, count: active },
    RETENTION_RATE: { value: retention, count: previous },
    CHURN_RATE: { value: retention === null ? null : 100 - retention, count: previous },
    REPEAT_PURCHASE_RATE: { value: percent(counts.repeatCustomers, active), count: active },
    PURCHASE_FREQUENCY: { value: ratio(counts.customerPurchases, active), count: active },
    REVENUE_PER_CUSTOMER: { value: ratio(counts.customerRevenue, active), count: active },
    HISTORIC_CLV: { value: ratio(counts.spendToDate, counts.customersToDate), count: counts.customersToDate },
    REVENUE: { value: counts.revenue, count: orders },
    ORDERS: { value: orders, count: orders },
    AVERAGE_ORDER_VALUE: { value: ratio(counts.revenue, orders), count: orders },
    DISCOUNTED_ORDER_SHARE: { value: percent(counts.discountedOrders, orders), count: orders },
    DISCOUNTED_REVENUE_SHARE: {
      value: orders === 0 ? null : percent(counts.discountedRevenue, counts.purchaseRevenue),
      count: orders,
    },
  };
}

/** The customer-level counts of consecutive periods, as SQL gives them (no running totals yet). */
export interface PeriodActivity extends Omit<PeriodCounts, 'customersToDate' | 'spendToDate'> {}

/**
 * Adds the running totals for historic CLV: customers and spend before the first period, plus each
 * period's new customers and customer revenue (every customer is new in exactly one period).
 */
export function withRunningTotals(
  periods: readonly PeriodActivity[],
  before: { customers: number; spend: number },
): PeriodCounts[] {
  let customers = before.customers;
  let spend = before.spend;
  return periods.map((period) => {
    customers += period.newCustomers;
    spend += period.customerRevenue;
    return { ...period, customersToDate: customers, spendToDate: spend };
  });
}

export interface CohortCell {
  monthsSince: number;
  customers: number;
  /** customers / size × 100. */
  percent: number;
}

/**
 * The cells of one acquisition cohort: month 0 … min(months, lastMonth), zero where nobody bought.
 * `active` maps monthsSince → customers of the cohort with a purchase that month; `lastMonth` is the
 * current month's distance from the cohort month (no cells in the future).
 */
export function cohortCells(
  size: number,
  active: ReadonlyMap<number, number>,
  months: number,
  lastMonth: number,
): CohortCell[] {
  const cells: CohortCell[] = [];
  const until = Math.min(months, lastMonth);
  for (let monthsSince = 0; monthsSince <= until; monthsSince++) {
    const customers = active.get(monthsSince) ?? 0;
    cells.push({ monthsSince, customers, percent: size === 0 ? 0 : (customers / size) * 100 });
  }
  return cells;
}

/** Whole calendar months from cohort month "YYYY-MM" to month "YYYY-MM" (negative when before). */
export function monthsBetween(cohort: string, month: string): number {
  const [cy, cm] = cohort.split('-').map(Number) as [number, number];
  const [y, m] = month.split('-').map(Number) as [number, number];
  return (y - cy) * 12 + (m - cm);
}

/** A customer is discount-dependent when at least this % of their purchases (≥ 2) in the range were discounted. */
export const DISCOUNT_DEPENDENCE_THRESHOLD = 80;

/** Whether a customer with `purchases` (≥ 2) of which `discounted` were discounted is discount-dependent. */
export function isDiscountDependent(purchases: number, discounted: number): boolean {
  return purchases >= 2 && discounted * 100 >= DISCOUNT_DEPENDENCE_THRESHOLD * purchases;
}
