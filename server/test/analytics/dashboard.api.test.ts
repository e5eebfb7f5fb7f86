import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clearDashboardCache } from '../../src/modules/analytics/dashboard.service.ts';
import { runAnalyticsJobs } from '../../src/modules/analytics/jobs.service.ts';
import { recordOrders } from '../../src/modules/orders/orders.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * The one-call dashboard and `metricSeries`: the dashboard's figures are the metric services' figures
 * (same definitions, same ranges), its comparison range is the one before, it is cached and says so,
 * and it reads a handful of aggregates, not rows.
 */
let app: TestApp;
let shop: CreatedStore;

const NOVEMBER = { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' };
// The equally long range before November (30 days): 2 October – 1 November.
const BEFORE = { from: '2026-10-02T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' };

const DASHBOARD = `query Dashboard($range: DateRangeInput, $period: DashboardPeriod, $fresh: Boolean) {
  dashboard(range: $range, period: $period, fresh: $fresh) {
    range { from to } previousRange { from to } granularity currency timeZone
    kpis { metric value count marginOfError previousValue change higherIsBetter target { name value met } }
    revenueTrend { period value count } activeCustomersTrend { period value } npsTrend { period value count }
    openCases overdueCases casesOpenedInRange
    segments { segment customers } segmentsComputedAt
    churnRisk { band customers predictedClv12 } modelFittedAt
    computedAt cached
  }
}`;

const SERIES = `query Series($metric: AnalyticsMetric!, $range: DateRangeInput!, $granularity: Granularity) {
  metricSeries(metric: $metric, range: $range, granularity: $granularity) {
    metric points { period value count } total { value count marginOfError } computedAt
  }
}`;

function order(externalId: string, email: string | null, placedAt: string, amount: number, discount = 0) {
  return {
    externalId,
    customer: email ? { email } : null,
    channel: 'ONLINE' as const,
    placedAt: new Date(placedAt),
    currency: 'EUR',
    lines: [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: amount, discount }],
  };
}

beforeAll(async () => {
  app = await createTestApp();
  shop = await app.createStore('Dashboard shop');
  await recordOrders(app.db.prisma, shop.id, [
    order('O-1', 'aino@example.com', '2026-10-05T10:00:00Z', 10_000),
    order('O-2', 'bo@example.com', '2026-10-10T10:00:00Z', 5_000),
    order('O-3', 'cai@example.com', '2026-10-20T10:00:00Z', 2_000, 500),
    order('N-1', 'aino@example.com', '2026-11-03T10:00:00Z', 3_000),
    order('N-2', 'dana@example.com', '2026-11-08T10:00:00Z', 4_000, 1_000),
    order('N-3', null, '2026-11-09T10:00:00Z', 1_000),
  ]);
  const survey = await app.db.prisma.survey.create({
    data: { storeId: shop.id, name: 'NPS', type: 'NPS', trigger: 'ALWAYS_ON' },
  });
  for (const [score, at] of [
    [10, '2026-11-04T09:00:00Z'],
    [9, '2026-11-05T09:00:00Z'],
    [3, '2026-11-06T09:00:00Z'],
    [8, '2026-10-15T09:00:00Z'],
  ] as const)
    await app.db.prisma.surveyResponse.create({
      data: { storeId: shop.id, surveyId: survey.id, type: 'NPS', score, via: 'ADMIN', createdAt: new Date(at) },
    });
  await app.gql(
    `mutation { createMetricTarget(input: { name: "NPS at least 50", metric: NPS, comparator: AT_LEAST, value: 50, granularity: MONTH }) { __typename } }`,
    {},
    { key: shop.secretKey },
  );
  await runAnalyticsJobs(app.db.prisma, { storeId: shop.id, now: new Date('2026-12-02T00:00:00Z') });
});
afterAll(() => app.close());

const gql = (query: string, variables: Record<string, unknown> = {}) =>
  app.gql(query, variables, { key: shop.secretKey });

describe('dashboard', () => {
  test('headline figures for a range against the range before, from the metric services', async () => {
    clearDashboardCache();
    const { data, errors } = await gql(DASHBOARD, { range: NOVEMBER });
    expect(errors).toBeUndefined();
    const board = data!.dashboard;
    expect(board.range).toEqual(NOVEMBER);
    expect(board.previousRange).toEqual(BEFORE);
    expect(board).toMatchObject({ granularity: 'DAY', currency: 'EUR', timeZone: 'UTC', cached: false });
    const kpi = (metric: string) => board.kpis.find((row: { metric: string }) => row.metric === metric);
    // November: 3 000 + (4 000 − 1 000) + 1 000 (a guest) = 7 000 in 3 orders; Aino and Dana bought, Dana first.
    expect(kpi('REVENUE')).toMatchObject({ value: 7_000, previousValue: 16_500, change: -9_500, higherIsBetter: true });
    expect(kpi('ORDERS')).toMatchObject({ value: 3, previousValue: 3 });
    expect(kpi('ACTIVE_CUSTOMERS')).toMatchObject({ value: 2, previousValue: 3 });
    expect(kpi('NEW_CUSTOMERS')).toMatchObject({ value: 1, previousValue: 3 });
    // NPS: 2 promoters, 1 detractor of 3 → 33.3; before: one passive → 0.
    expect(kpi('NPS').value).toBeCloseTo(33.33, 1);
    expect(kpi('NPS').count).toBe(3);
    expect(kpi('NPS').marginOfError).toBeGreaterThan(0);
    expect(kpi('NPS').previousValue).toBe(0);
    expect(kpi('NPS').target).toEqual({ name: 'NPS at least 50', value: 50, met: false });
    expect(kpi('CES')).toMatchObject({ value: null, count: 0, higherIsBetter: false });

    // Every KPI equals metricSeries' total for the same range (one set of definitions).
    for (const row of board.kpis) {
      const series = await gql(SERIES, { metric: row.metric, range: NOVEMBER, granularity: 'MONTH' });
      expect(series.errors).toBeUndefined();
      const total = series.data!.metricSeries.total;
      if (row.value === null) expect(total.value).toBeNull();
      else expect(total.value).toBeCloseTo(row.value, 6);
      expect(total.count).toBe(row.count);
    }

    // The daily revenue trend adds up to the range's revenue.
    expect(board.revenueTrend).toHaveLength(30);
    const trendSum = board.revenueTrend.reduce(
      (sum: number, point: { value: number | null }) => sum + (point.value ?? 0),
      0,
    );
    expect(trendSum).toBe(7_000);
    expect(board.revenueTrend.find((point: { period: string }) => point.period === '2026-11-08').value).toBe(3_000);

    // Segments and churn risk come from the analytics jobs: every customer with a purchase is in one.
    expect(board.segments.reduce((sum: number, row: { customers: number }) => sum + row.customers, 0)).toBe(4);
    expect(board.segmentsComputedAt).not.toBeNull();
    expect(board.churnRisk.map((row: { band: string }) => row.band)).toEqual(['LOW', 'MEDIUM', 'HIGH', 'LOST']);
    expect(board.churnRisk.reduce((sum: number, row: { customers: number }) => sum + row.customers, 0)).toBe(4);
    expect(board.modelFittedAt).not.toBeNull();
  });

  test('is cached for a minute and says so; fresh: true recomputes', async () => {
    clearDashboardCache();
    const first = await gql(DASHBOARD, { range: NOVEMBER });
    const second = await gql(DASHBOARD, { range: NOVEMBER });
    expect(second.data!.dashboard.cached).toBe(true);
    expect(second.data!.dashboard.computedAt).toBe(first.data!.dashboard.computedAt);
    const fresh = await gql(DASHBOARD, { range: NOVEMBER, fresh: true });
    expect(fresh.data!.dashboard.cached).toBe(false);
  });

  test('presets name ranges on the store clock, with the previous calendar period for comparison', async () => {
    const { data, errors } = await gql(DASHBOARD, { period: 'LAST_MONTH', fresh: true });
    expect(errors).toBeUndefined();
    const { from, to } = data!.dashboard.range;
    expect(new Date(to).getTime() - new Date(from).getTime()).toBeGreaterThanOrEqual(28 * 86_400_000);
    expect(data!.dashboard.previousRange.to).toBe(from);
  });

  test('reads aggregates, not rows: a bounded number of statements', async () => {
    clearDashboardCache();
    const { count } = await app.countQueries(() => gql(DASHBOARD, { range: NOVEMBER }));
    expect(count).toBeLessThanOrEqual(30);
  });

  test('bad input names the field and the rule', async () => {
    const both = await gql(DASHBOARD, { range: NOVEMBER, period: 'THIS_MONTH' });
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(both.errors?.[0]?.message).toContain('range');
    const reversed = await gql(DASHBOARD, { range: { from: NOVEMBER.to, to: NOVEMBER.from } });
    expect(reversed.errors?.[0]?.message).toBe('Invalid input: range.to: must be after from');
    const hours = await app.gql(
      `{ metricSeries(metric: CASES_RESOLVED_IN_TIME, range: { from: "${NOVEMBER.from}", to: "${NOVEMBER.to}" }, withinHours: 0) { total { value } } }`,
      {},
      { key: shop.secretKey },
    );
    expect(hours.errors?.[0]?.message).toBe('Invalid input: withinHours: must be from 1 to 720');
    const tooMany = await gql(SERIES, {
      metric: 'REVENUE',
      range: { from: '2000-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      granularity: 'DAY',
    });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('is admin-only', async () => {
    const { errors } = await app.gql(DASHBOARD, { range: NOVEMBER }, { key: shop.publishableKey });
    expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('metricSeries', () => {
  test('monthly revenue and customers, with empty periods filled', async () => {
    const range = { from: '2026-09-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };
    const revenue = await gql(SERIES, { metric: 'REVENUE', range, granularity: 'MONTH' });
    expect(revenue.data!.metricSeries.points).toEqual([
      {
        period: '2026-09-01',
        value: expect.toSatisfy((value: number | null) => value === null || value === 0),
        count: 0,
      },
      { period: '2026-10-01', value: 16_500, count: 3 },
      { period: '2026-11-01', value: 7_000, count: 3 },
    ]);
    expect(revenue.data!.metricSeries.total).toMatchObject({ value: 23_500, count: 6 });
  });
});

describe('the README worked example', () => {
  // README "Analytics → Worked example": the same six orders and four answers, November 2026 by month.
  const expected: Record<string, number | null> = {
    REVENUE: 7_000,
    ORDERS: 3,
    AVERAGE_ORDER_VALUE: 2_333.333,
    ACTIVE_CUSTOMERS: 2,
    NEW_CUSTOMERS: 1,
    RETURNING_CUSTOMERS: 1,
    RETENTION_RATE: 33.333,
    CHURN_RATE: 66.667,
    REPEAT_PURCHASE_RATE: 50,
    PURCHASE_FREQUENCY: 1,
    REVENUE_PER_CUSTOMER: 3_000,
    HISTORIC_CLV: 5_625,
    DISCOUNTED_ORDER_SHARE: 33.333,
    DISCOUNTED_REVENUE_SHARE: 42.857,
    NPS: 33.333,
    CSAT: null,
  };
  for (const [metric, value] of Object.entries(expected))
    test(`${metric} for November 2026 is ${value}`, async () => {
      const { data, errors } = await gql(SERIES, {
        metric,
        range: { from: '2026-10-01T00:00:00Z', to: '2026-12-01T00:00:00Z' },
        granularity: 'MONTH',
      });
      expect(errors).toBeUndefined();
      const november = data!.metricSeries.points.find((point: { period: string }) => point.period === '2026-11-01');
      if (value === null) expect(november.value).toBeNull();
      else expect(november.value).toBeCloseTo(value, 2);
    });

  test('the NPS margin of error for three answers', async () => {
    const { data } = await gql(SERIES, { metric: 'NPS', range: NOVEMBER, granularity: 'MONTH' });
    // var = 2/3 + 1/3 − (1/3)² = 0.8889; SE = 100·√(0.8889/3) = 54.43; ±1.96·SE = 106.7
    expect(data!.metricSeries.total.marginOfError).toBeCloseTo(106.69, 1);
  });

  test('the cohort matrix', async () => {
    const { data, errors } = await gql(
      `{ cohortRetention(from: "2026-10-01T00:00:00Z", to: "2026-12-01T00:00:00Z", months: 3) {
          cohorts { cohort size cells { monthsSince customers percent } } } }`,
    );
    expect(errors).toBeUndefined();
    const [october, november] = data!.cohortRetention.cohorts;
    expect(october).toMatchObject({ cohort: '2026-10', size: 3 });
    expect(october.cells.slice(0, 2)).toEqual([
      { monthsSince: 0, customers: 3, percent: 100 },
      { monthsSince: 1, customers: 1, percent: expect.closeTo(33.33, 1) },
    ]);
    expect(november).toMatchObject({ cohort: '2026-11', size: 1 });
    expect(november.cells[0]).toEqual({ monthsSince: 0, customers: 1, percent: 100 });
  });
});
