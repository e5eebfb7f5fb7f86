import { describe, expect, it } from 'vitest';
import {
  CUSTOMER_METRICS,
  cohortCells,
  customerMetricValues,
  isCustomerMetric,
  isDiscountDependent,
  monthsBetween,
  type PeriodCounts,
  percent,
  ratio,
  withRunningTotals,
} from './retention.ts';

const empty: PeriodCounts = {
  orders: 0,
  revenue: 0,
  purchaseRevenue: 0,
  discountedOrders: 0,
  discountedRevenue: 0,
  activeCustomers: 0,
  newCustomers: 0,
  previousActive: 0,
  retained: 0,
  repeatCustomers: 0,
  customerPurchases: 0,
  customerRevenue: 0,
  customersToDate: 0,
  spendToDate: 0,
};

describe('percent and ratio', () => {
  it.each([
    [1, 4, 25, 0.25],
    [3, 3, 100, 1],
    [0, 5, 0, 0],
    [2, 0, null, null],
    [-1, 4, -25, -0.25],
  ])('%d of %d', (part, whole, pct, r) => {
    expect(percent(part, whole)).toBe(pct);
    expect(ratio(part, whole)).toBe(r);
  });
});

describe('customerMetricValues', () => {
  it('an empty period: counts are 0, rates are null', () => {
    const values = customerMetricValues(empty);
    expect(Object.keys(values).sort()).toEqual([...CUSTOMER_METRICS].sort());
    expect(values.ACTIVE_CUSTOMERS).toEqual({ value: 0, count: 0 });
    expect(values.NEW_CUSTOMERS).toEqual({ value: 0, count: 0 });
    expect(values.RETURNING_CUSTOMERS).toEqual({ value: 0, count: 0 });
    expect(values.REVENUE).toEqual({ value: 0, count: 0 });
    expect(values.ORDERS).toEqual({ value: 0, count: 0 });
    for (const metric of [
      'RETENTION_RATE',
      'CHURN_RATE',
      'REPEAT_PURCHASE_RATE',
      'PURCHASE_FREQUENCY',
      'REVENUE_PER_CUSTOMER',
      'HISTORIC_CLV',
      'AVERAGE_ORDER_VALUE',
      'DISCOUNTED_ORDER_SHARE',
      'DISCOUNTED_REVENUE_SHARE',
    ] as const)
      expect(values[metric]).toEqual({ value: null, count: 0 });
  });

  it('a busy period, hand-computed', () => {
    // 5 purchases (2 by guests) worth 10 000, plus an unlinked return of −1 000: revenue 9 000.
    // 2 purchases discounted, worth 3 000. 3 active customers (1 new), 4 active the period before, 2 of
    // them still active; 2 of the 3 have ≥ 2 purchases to date; customers bought 3 times for 6 000;
    // 10 customers have bought to date, for 50 000 in total.
    const values = customerMetricValues({
      orders: 5,
      revenue: 9_000,
      purchaseRevenue: 10_000,
      discountedOrders: 2,
      discountedRevenue: 3_000,
      activeCustomers: 3,
      newCustomers: 1,
      previousActive: 4,
      retained: 2,
      repeatCustomers: 2,
      customerPurchases: 3,
      customerRevenue: 6_000,
      customersToDate: 10,
      spendToDate: 50_000,
    });
    expect(values).toEqual({
      ACTIVE_CUSTOMERS: { value: 3, count: 3 },
      NEW_CUSTOMERS: { value: 1, count: 3 },
      RETURNING_CUSTOMERS: { value: 2, count: 3 },
      RETENTION_RATE: { value: 50, count: 4 },
      CHURN_RATE: { value: 50, count: 4 },
      REPEAT_PURCHASE_RATE: { value: (2 / 3) * 100, count: 3 },
      PURCHASE_FREQUENCY: { value: 1, count: 3 },
      REVENUE_PER_CUSTOMER: { value: 2_000, count: 3 },
      HISTORIC_CLV: { value: 5_000, count: 10 },
      REVENUE: { value: 9_000, count: 5 },
      ORDERS: { value: 5, count: 5 },
      AVERAGE_ORDER_VALUE: { value: 1_800, count: 5 },
      DISCOUNTED_ORDER_SHARE: { value: 40, count: 5 },
      DISCOUNTED_REVENUE_SHARE: { value: 30, count: 5 },
    });
  });

  it('retention is null when nobody was active before (or it is unknown)', () => {
    const base = { ...empty, activeCustomers: 2, newCustomers: 2 };
    expect(customerMetricValues({ ...base, previousActive: 0 }).RETENTION_RATE).toEqual({ value: null, count: 0 });
    expect(customerMetricValues({ ...base, previousActive: null }).CHURN_RATE).toEqual({ value: null, count: 0 });
    expect(customerMetricValues({ ...base, previousActive: 3, retained: 0 }).CHURN_RATE).toEqual({
      value: 100,
      count: 3,
    });
  });

  it('zero-value purchases: AOV 0, revenue share null', () => {
    const values = customerMetricValues({ ...empty, orders: 2, discountedOrders: 1 });
    expect(values.AVERAGE_ORDER_VALUE).toEqual({ value: 0, count: 2 });
    expect(values.DISCOUNTED_ORDER_SHARE).toEqual({ value: 50, count: 2 });
    expect(values.DISCOUNTED_REVENUE_SHARE).toEqual({ value: null, count: 2 });
  });
});

describe('withRunningTotals', () => {
  it('adds new customers and their spend period by period', () => {
    const { customersToDate: _a, spendToDate: _b, ...activity } = empty;
    const counts = withRunningTotals(
      [
        { ...activity, newCustomers: 2, customerRevenue: 300 },
        { ...activity, newCustomers: 0, customerRevenue: 0 },
        { ...activity, newCustomers: 1, customerRevenue: 700 },
      ],
      { customers: 4, spend: 1_000 },
    );
    expect(counts.map((c) => [c.customersToDate, c.spendToDate])).toEqual([
      [6, 1_300],
      [6, 1_300],
      [7, 2_000],
    ]);
  });
});

describe('cohorts', () => {
  it.each([
    ['2026-01', '2026-01', 0],
    ['2026-01', '2026-03', 2],
    ['2025-11', '2026-02', 3],
    ['2026-03', '2026-01', -2],
  ])('months from %s to %s', (cohort, month, expected) => {
    expect(monthsBetween(cohort, month)).toBe(expected);
  });

  it('fills missing months with zeros and stops at the current month', () => {
    const cells = cohortCells(
      4,
      new Map([
        [0, 4],
        [2, 1],
      ]),
      12,
      3,
    );
    expect(cells).toEqual([
      { monthsSince: 0, customers: 4, percent: 100 },
      { monthsSince: 1, customers: 0, percent: 0 },
      { monthsSince: 2, customers: 1, percent: 25 },
      { monthsSince: 3, customers: 0, percent: 0 },
    ]);
  });

  it('stops at `months`', () => {
    expect(cohortCells(2, new Map([[0, 2]]), 1, 10).map((cell) => cell.monthsSince)).toEqual([0, 1]);
  });

  it('a cohort in the future has no cells', () => {
    expect(cohortCells(1, new Map([[0, 1]]), 12, -1)).toEqual([]);
  });
});

describe('discount dependence', () => {
  it.each([
    [2, 2, true],
    [2, 1, false],
    [5, 4, true],
    [5, 3, false],
    [10, 8, true],
    [10, 7, false],
    [1, 1, false],
  ])('%d purchases, %d discounted', (purchases, discounted, expected) => {
    expect(isDiscountDependent(purchases, discounted)).toBe(expected);
  });
});

describe('isCustomerMetric', () => {
  it.each([
    ['RETENTION_RATE', true],
    ['REVENUE', true],
    ['NPS', false],
    ['CASES_RESOLVED_IN_TIME', false],
  ])('%s', (metric, expected) => {
    expect(isCustomerMetric(metric)).toBe(expected);
  });
});
