import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortMatrix, customerMetricSeries } from '../../src/modules/analytics/customer-metrics.service.ts';
import { CUSTOMER_METRICS } from '../../src/modules/analytics/metrics.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';
import { HELSINKI, seedCustomerMetricsStore } from './customer-metrics.fixture.ts';

/**
 * Customer, retention and sales metrics over the hand-computed fixture (see customer-metrics.fixture.ts
 * for the orders). Range: February–April 2026 in Europe/Helsinki, so January is history.
 *
 * Per local month (purchases; revenue = Σ netTotal of non-cancelled sales + unlinked returns):
 * - Feb: purchases o3 A 4 000, o4 C 6 000 (disc.), o5 guest 3 000 → 3 orders; o6 (0, fully returned)
 *   and o7 (cancelled) are no purchases → revenue 13 000, AOV 13 000/3; discounted 1/3 = 33.33 %,
 *   discounted revenue 6 000/13 000 = 46.15 %. Active {A, C} = 2, new {C} = 1, returning 1.
 *   Retention: active(Jan) = {A, B}, ∩ {A, C} = {A} → 1/2 = 50 %, churn 50 %, count 2.
 *   Repeat: A has a January purchase; C has only o4 up to the end of Feb (o7 cancelled) → 1/2 = 50 %.
 *   Frequency (1 + 1)/2 = 1; revenue per customer (4 000 + 6 000)/2 = 5 000.
 *   Historic CLV at end of Feb: A 14 000, B 5 000, C 6 000 → 25 000/3, count 3.
 * - Mar: purchases o8 B 9 000 (disc.), o9 C 3 000 (5 000 − 2 000 returned) → 2 orders; revenue
 *   9 000 + 3 000 − 1 500 (r3, unlinked; r1 r2 linked) = 10 500, AOV 5 250; discounted 1/2 = 50 %,
 *   9 000/12 000 = 75 %. Active {B, C} = 2, new 0, returning 2. Retention: {A, C} ∩ {B, C} = {C} → 50 %.
 *   Repeat: B and C both bought before → 100 %. Frequency 1; revenue per customer 12 000/2 = 6 000.
 *   Historic CLV at end of Mar: 37 000/3, count 3.
 * - Apr: purchases o10 guest 1 000 (Apr 1 00:30 local), o11 A 7 000 (disc.), o12 D 3 000, o13 A 2 000
 *   (disc.) → 4 orders; revenue 13 000, AOV 3 250; discounted 2/4 = 50 %, 9 000/13 000 = 69.23 %.
 *   Active {A, D} = 2, new {D} = 1 (o6 never counted), returning 1. Retention {B, C} ∩ {A, D} = ∅ → 0 %,
 *   churn 100 %. Repeat: A yes, D has one purchase → 50 %. Frequency 3/2 = 1.5; revenue per customer
 *   (7 000 + 2 000 + 3 000)/2 = 6 000. Historic CLV at end of Apr: 49 000/4 = 12 250, count 4.
 * - Total (Feb–Apr, compared with the 3 months before: Nov–Jan, active {A, B}): orders 9, revenue
 *   36 500, AOV 36 500/9; discounted 4/9, 24 000/38 000. Active {A, B, C, D} = 4, new {C, D} = 2,
 *   returning 2; retention {A, B} ∩ active = 2/2 = 100 %, churn 0. Repeat: A (3 purchases), B (bought
 *   in Jan), C (2 purchases) → 3/4 = 75 %. Customer purchases 3 + 1 + 2 + 1 = 7 → frequency 1.75;
 *   customer revenue 13 000 + 9 000 + 9 000 + 3 000 = 34 000 → 8 500 per customer. CLV 12 250.
 */

let app: TestApp;
let store: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  store = await app.createStore('Helsinki shop');
  await seedCustomerMetricsStore(app.db.prisma, store.id);
});
afterAll(() => app?.close());

const METRICS = CUSTOMER_METRICS;
type Metric = (typeof METRICS)[number];

const REPORT = `query($range: DateRangeInput!, $granularity: Granularity, $channel: OrderChannel, $location: String) {
  customerMetrics(range: $range, granularity: $granularity, channel: $channel, location: $location) {
    currency computedAt
    ${METRICS.map(
      (m) => `${m}: series(metric: ${m}) { period start end value count }
    ${m}_total: total(metric: ${m}) { period start end value count }`,
    ).join('\n')}
  }
}`;

interface Point {
  period: string;
  start: string;
  end: string;
  value: number | null;
  count: number;
}

async function report(variables: Record<string, unknown>, key = store.secretKey) {
  const response = await app.gql(REPORT, variables, { key });
  expect(response.errors).toBeUndefined();
  return response.data!.customerMetrics as Record<string, unknown> & Record<Metric, Point[]> & { currency: string };
}

const pairs = (points: Point[]) => points.map((point) => [point.value, point.count]);
const total = (data: Record<string, unknown>, metric: Metric) => data[`${metric}_total`] as Point;
const close = (actual: number | null | undefined, expected: number) => expect(actual).toBeCloseTo(expected, 9);

const range = { from: HELSINKI.feb, to: HELSINKI.may };

describe('customerMetrics', () => {
  it('monthly series in the store time zone, every metric hand-computed', async () => {
    const data = await report({ range });
    expect(data.currency).toBe('EUR');
    expect(data.ORDERS.map((p) => [p.period, p.start, p.end])).toEqual([
      ['2026-02-01', HELSINKI.feb, HELSINKI.mar],
      ['2026-03-01', HELSINKI.mar, HELSINKI.apr],
      ['2026-04-01', HELSINKI.apr, HELSINKI.may],
    ]);
    expect(pairs(data.ACTIVE_CUSTOMERS)).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
    expect(pairs(data.NEW_CUSTOMERS)).toEqual([
      [1, 2],
      [0, 2],
      [1, 2],
    ]);
    expect(pairs(data.RETURNING_CUSTOMERS)).toEqual([
      [1, 2],
      [2, 2],
      [1, 2],
    ]);
    expect(pairs(data.RETENTION_RATE)).toEqual([
      [50, 2],
      [50, 2],
      [0, 2],
    ]);
    expect(pairs(data.CHURN_RATE)).toEqual([
      [50, 2],
      [50, 2],
      [100, 2],
    ]);
    expect(pairs(data.REPEAT_PURCHASE_RATE)).toEqual([
      [50, 2],
      [100, 2],
      [50, 2],
    ]);
    expect(pairs(data.PURCHASE_FREQUENCY)).toEqual([
      [1, 2],
      [1, 2],
      [1.5, 2],
    ]);
    expect(pairs(data.REVENUE_PER_CUSTOMER)).toEqual([
      [5_000, 2],
      [6_000, 2],
      [6_000, 2],
    ]);
    expect(data.HISTORIC_CLV.map((p) => p.count)).toEqual([3, 3, 4]);
    close(data.HISTORIC_CLV[0]!.value, 25_000 / 3);
    close(data.HISTORIC_CLV[1]!.value, 37_000 / 3);
    expect(data.HISTORIC_CLV[2]!.value).toBe(12_250);
    expect(pairs(data.REVENUE)).toEqual([
      [13_000, 3],
      [10_500, 2],
      [13_000, 4],
    ]);
    expect(pairs(data.ORDERS)).toEqual([
      [3, 3],
      [2, 2],
      [4, 4],
    ]);
    close(data.AVERAGE_ORDER_VALUE[0]!.value, 13_000 / 3);
    expect(pairs(data.AVERAGE_ORDER_VALUE).slice(1)).toEqual([
      [5_250, 2],
      [3_250, 4],
    ]);
    close(data.DISCOUNTED_ORDER_SHARE[0]!.value, 100 / 3);
    expect(pairs(data.DISCOUNTED_ORDER_SHARE).slice(1)).toEqual([
      [50, 2],
      [50, 4],
    ]);
    close(data.DISCOUNTED_REVENUE_SHARE[0]!.value, (6_000 / 13_000) * 100);
    expect(data.DISCOUNTED_REVENUE_SHARE[1]!.value).toBe(75);
    close(data.DISCOUNTED_REVENUE_SHARE[2]!.value, (9_000 / 13_000) * 100);
  });

  it('the total over the whole range', async () => {
    const data = await report({ range });
    const t = (metric: Metric) => total(data, metric);
    expect(t('ORDERS')).toMatchObject({ period: '2026-02-01', start: HELSINKI.feb, end: HELSINKI.may });
    expect([t('ACTIVE_CUSTOMERS').value, t('NEW_CUSTOMERS').value, t('RETURNING_CUSTOMERS').value]).toEqual([4, 2, 2]);
    expect(t('RETENTION_RATE')).toMatchObject({ value: 100, count: 2 });
    expect(t('CHURN_RATE')).toMatchObject({ value: 0, count: 2 });
    expect(t('REPEAT_PURCHASE_RATE')).toMatchObject({ value: 75, count: 4 });
    expect(t('PURCHASE_FREQUENCY')).toMatchObject({ value: 1.75, count: 4 });
    expect(t('REVENUE_PER_CUSTOMER')).toMatchObject({ value: 8_500, count: 4 });
    expect(t('HISTORIC_CLV')).toMatchObject({ value: 12_250, count: 4 });
    expect(t('REVENUE')).toMatchObject({ value: 36_500, count: 9 });
    expect(t('ORDERS')).toMatchObject({ value: 9, count: 9 });
    close(t('AVERAGE_ORDER_VALUE').value, 36_500 / 9);
    close(t('DISCOUNTED_ORDER_SHARE').value, 400 / 9);
    close(t('DISCOUNTED_REVENUE_SHARE').value, (24_000 / 38_000) * 100);
  });

  it('one month: its total retention compares with the month before, like its point', async () => {
    // March alone: active(Feb) = {A, C}, active(Mar) = {B, C} → 50 %.
    const data = await report({ range: { from: HELSINKI.mar, to: HELSINKI.apr } });
    expect(pairs(data.RETENTION_RATE)).toEqual([[50, 2]]);
    expect(total(data, 'RETENTION_RATE')).toMatchObject({ value: 50, count: 2 });
    expect(total(data, 'HISTORIC_CLV').count).toBe(3);
  });

  it('a channel keeps only the orders placed there (customers active through that channel)', async () => {
    // STORE orders: o2 B Jan; o4 C Feb 6 000 (disc.); o8 B Mar 9 000 (disc.) and r3 −1 500; o10 guest,
    // o12 D 3 000, o13 A 2 000 (disc.) in Apr. New = first STORE purchase: C Feb, D and A in Apr.
    // Retention: Jan {B} → Feb {C}: 0 %; Feb {C} → Mar {B}: 0 %; Mar {B} → Apr {A, D}: 0 %.
    const data = await report({ range, channel: 'STORE' });
    expect(pairs(data.ORDERS)).toEqual([
      [1, 1],
      [1, 1],
      [3, 3],
    ]);
    expect(data.REVENUE.map((p) => p.value)).toEqual([6_000, 7_500, 6_000]);
    expect(data.ACTIVE_CUSTOMERS.map((p) => p.value)).toEqual([1, 1, 2]);
    expect(data.NEW_CUSTOMERS.map((p) => p.value)).toEqual([1, 0, 2]);
    expect(pairs(data.RETENTION_RATE)).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
    // Historic CLV through STORE: end of Feb B 5 000 + C 6 000 → 5 500; end of Apr + B 9 000, D 3 000, A 2 000.
    expect(data.HISTORIC_CLV.map((p) => [p.value, p.count])).toEqual([
      [5_500, 2],
      [10_000, 2],
      [6_250, 4],
    ]);
    expect(total(data, 'DISCOUNTED_ORDER_SHARE')).toMatchObject({ value: 60, count: 5 });
  });

  it('a location keeps only the orders placed there', async () => {
    // HEL-1: o4 C Feb 6 000 and o8 B Mar 9 000, both discounted.
    const data = await report({ range, location: 'HEL-1', granularity: 'QUARTER' });
    expect(data.ORDERS.map((p) => [p.period, p.value])).toEqual([
      ['2026-01-01', 2],
      ['2026-04-01', 0],
    ]);
    expect(total(data, 'REVENUE')).toMatchObject({ value: 15_000, count: 2 });
    expect(total(data, 'ACTIVE_CUSTOMERS').value).toBe(2);
    expect(total(data, 'NEW_CUSTOMERS').value).toBe(2);
    expect(total(data, 'DISCOUNTED_REVENUE_SHARE').value).toBe(100);
    expect(data.AVERAGE_ORDER_VALUE[1]).toMatchObject({ value: null, count: 0 });
  });

  it('weeks and days bucket on the store wall clock', async () => {
    // Feb 1 2026 is a Sunday: its week starts Mon Jan 26 (local); o3 (Jan 31 22:30 UTC) is in it.
    const weeks = await report({
      range: { from: HELSINKI.feb, to: '2026-02-08T22:00:00.000Z' },
      granularity: 'WEEK',
    });
    expect(weeks.ORDERS.map((p) => [p.period, p.value])).toEqual([
      ['2026-01-26', 1],
      ['2026-02-02', 0],
    ]);
    // Retention for the first week compares with the whole week before (Jan 19–26: nobody bought).
    expect(weeks.RETENTION_RATE[0]).toMatchObject({ value: null, count: 0 });
    const days = await report({ range: { from: HELSINKI.feb, to: '2026-02-01T22:00:00.000Z' }, granularity: 'DAY' });
    expect(pairs(days.ORDERS)).toEqual([[1, 1]]);
    expect(days.NEW_CUSTOMERS[0]!.value).toBe(0);
  });

  it('answers in a bounded number of SQL statements', async () => {
    const { count } = await app.countQueries(() =>
      app.gql(
        `query($range: DateRangeInput!) { customerMetrics(range: $range, granularity: WEEK) {
          a: series(metric: REVENUE) { value } b: series(metric: RETENTION_RATE) { value }
          c: total(metric: HISTORIC_CLV) { value } } }`,
        { range },
        { key: store.secretKey },
      ),
    );
    // Key lookup and the like, the store's zone, one statement over "Order".
    expect(count).toBeLessThanOrEqual(4);
    const service = await app.countQueries(() =>
      customerMetricSeries(app.db.prisma, store.id, {
        range: { from: new Date(range.from), to: new Date(range.to) },
        granularity: 'DAY',
      }),
    );
    expect(service.count).toBe(2);
    expect(service.result.periods).toHaveLength(89);
  });

  it('refuses bad input', async () => {
    const bad = async (query: string, variables: Record<string, unknown>, field: string) => {
      const response = await app.gql(query, variables, { key: store.secretKey });
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.extensions?.issues?.[0]?.field).toBe(field);
      return response.errors![0]!.message;
    };
    const q = `query($range: DateRangeInput!, $g: Granularity) { customerMetrics(range: $range, granularity: $g) { currency } }`;
    await bad(q, { range: { from: HELSINKI.may, to: HELSINKI.feb } }, 'range.to');
    expect(
      await bad(q, { range: { from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, g: 'DAY' }, 'range'),
    ).toMatch(/more than 1000/);
    expect(
      await bad(
        `query($range: DateRangeInput!) { customerMetrics(range: $range) { series(metric: NPS) { value } } }`,
        { range },
        'metric',
      ),
    ).toMatch(/is not a customer or sales metric; use satisfaction or metricSeries/);
    const cohorts = `query($m: Int) { cohortRetention(from: "${HELSINKI.jan}", to: "${HELSINKI.may}", months: $m) { cohorts { cohort } } }`;
    await bad(cohorts, { m: 0 }, 'months');
    await bad(cohorts, { m: 37 }, 'months');
    await bad(`{ cohortRetention(from: "${HELSINKI.may}", to: "${HELSINKI.jan}") { cohorts { cohort } } }`, {}, 'to');
    await bad(
      `query($range: DateRangeInput!) { discountDependence(range: $range) { orders } }`,
      { range: { from: HELSINKI.feb, to: HELSINKI.feb } },
      'range.to',
    );
  });

  it('is for secret keys only', async () => {
    const response = await app.gql(
      `query($range: DateRangeInput!) { customerMetrics(range: $range) { currency } }`,
      { range },
      { key: store.publishableKey },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('cohortRetention', () => {
  const COHORTS = `query($from: DateTime!, $to: DateTime!, $months: Int) {
    cohortRetention(from: $from, to: $to, months: $months) { cohorts { cohort size cells { monthsSince customers percent } } }
  }`;

  it('acquisition cohorts by the local month of the first purchase ever', async () => {
    // Cohort 2026-01 = {A, B}: Jan both, Feb A (o3, Feb in Helsinki), Mar B, Apr A, nobody since.
    // Cohort 2026-02 = {C}: Feb, Mar (o9). Cohort 2026-04 = {D} (o6 was fully returned: not Feb).
    // With months 2 the cells stop at month 2; the current month is far later.
    const response = await app.gql(
      COHORTS,
      { from: HELSINKI.jan, to: HELSINKI.may, months: 2 },
      { key: store.secretKey },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.cohortRetention.cohorts).toEqual([
      {
        cohort: '2026-01',
        size: 2,
        cells: [
          { monthsSince: 0, customers: 2, percent: 100 },
          { monthsSince: 1, customers: 1, percent: 50 },
          { monthsSince: 2, customers: 1, percent: 50 },
        ],
      },
      {
        cohort: '2026-02',
        size: 1,
        cells: [
          { monthsSince: 0, customers: 1, percent: 100 },
          { monthsSince: 1, customers: 1, percent: 100 },
          { monthsSince: 2, customers: 0, percent: 0 },
        ],
      },
      {
        cohort: '2026-04',
        size: 1,
        cells: [0, 1, 2].map((m) => ({ monthsSince: m, customers: m === 0 ? 1 : 0, percent: m === 0 ? 100 : 0 })),
      },
    ]);
  });

  it('cohorts whose month starts in [from, to); no cells after the current month', async () => {
    const { count, result } = await app.countQueries(() =>
      cohortMatrix(app.db.prisma, store.id, {
        from: new Date(HELSINKI.feb),
        to: new Date(HELSINKI.apr),
        now: new Date('2026-03-31T21:30:00Z'), // April 1 in Helsinki
      }),
    );
    expect(count).toBe(2);
    expect(result.cohorts).toEqual([
      {
        cohort: '2026-02',
        size: 1,
        cells: [
          { monthsSince: 0, customers: 1, percent: 100 },
          { monthsSince: 1, customers: 1, percent: 100 },
          { monthsSince: 2, customers: 0, percent: 0 },
        ],
      },
    ]);
    const january = await cohortMatrix(app.db.prisma, store.id, {
      from: new Date(HELSINKI.jan),
      to: new Date(HELSINKI.feb),
      months: 36,
      now: new Date('2026-04-15T12:00:00Z'),
    });
    expect(january.cohorts[0]!.cells.map((cell) => cell.customers)).toEqual([2, 1, 1, 1]);
  });
});

describe('discountDependence', () => {
  const QUERY = `query($range: DateRangeInput!) { discountDependence(range: $range) {
    orders discountedOrders orderShare revenue discountedRevenue revenueShare
    repeatCustomers dependentCustomers dependentShare threshold } }`;

  it('Feb–Apr: repeat customers A (1 of 3 discounted) and C (1 of 2): none dependent', async () => {
    const response = await app.gql(QUERY, { range }, { key: store.secretKey });
    expect(response.errors).toBeUndefined();
    const d = response.data!.discountDependence;
    expect(d).toMatchObject({
      orders: 9,
      discountedOrders: 4,
      revenue: 38_000,
      discountedRevenue: 24_000,
      repeatCustomers: 2,
      dependentCustomers: 0,
      dependentShare: 0,
      threshold: 80,
    });
    close(d.orderShare, 400 / 9);
    close(d.revenueShare, (24_000 / 38_000) * 100);
  });

  it('April: A bought twice, both discounted → dependent', async () => {
    // o10 1 000, o11 7 000 (disc.), o12 3 000, o13 2 000 (disc.).
    const response = await app.gql(
      QUERY,
      { range: { from: HELSINKI.apr, to: HELSINKI.may } },
      { key: store.secretKey },
    );
    expect(response.data!.discountDependence).toEqual({
      orders: 4,
      discountedOrders: 2,
      orderShare: 50,
      revenue: 13_000,
      discountedRevenue: 9_000,
      revenueShare: (9_000 / 13_000) * 100,
      repeatCustomers: 1,
      dependentCustomers: 1,
      dependentShare: 100,
      threshold: 80,
    });
  });
});

describe('an empty store', () => {
  it('answers zeros and nulls, no errors', async () => {
    const empty = await app.createStore('Empty');
    // The empty store is on UTC: the range touches January to April there, 4 periods.
    const data = await report({ range }, empty.secretKey);
    for (const metric of ['ACTIVE_CUSTOMERS', 'NEW_CUSTOMERS', 'RETURNING_CUSTOMERS', 'REVENUE', 'ORDERS'] as const) {
      expect(data[metric].map((p) => p.period)).toEqual(['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01']);
      expect(data[metric].every((p) => p.value === 0 && p.count === 0)).toBe(true);
      expect(total(data, metric)).toMatchObject({ value: 0, count: 0 });
    }
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
    ] as const) {
      expect(data[metric].every((p) => p.value === null && p.count === 0)).toBe(true);
      expect(total(data, metric)).toMatchObject({ value: null, count: 0 });
    }
    const cohorts = await app.gql(
      `{ cohortRetention(from: "${HELSINKI.jan}", to: "${HELSINKI.may}") { cohorts { cohort } } }`,
      {},
      { key: empty.secretKey },
    );
    expect(cohorts.data!.cohortRetention.cohorts).toEqual([]);
    const discount = await app.gql(
      `query($range: DateRangeInput!) { discountDependence(range: $range) { orders orderShare revenue revenueShare repeatCustomers dependentShare } }`,
      { range },
      { key: empty.secretKey },
    );
    expect(discount.data!.discountDependence).toEqual({
      orders: 0,
      orderShare: null,
      revenue: 0,
      revenueShare: null,
      repeatCustomers: 0,
      dependentShare: null,
    });
  });
});
