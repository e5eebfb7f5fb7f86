import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../src/errors.ts';
import type { CaseStatus, OrderChannel, SurveyType } from '../../src/generated/prisma/client.ts';
import { caseMetricSeries } from '../../src/modules/analytics/cases-metrics.service.ts';
import {
  responseCountSeries,
  satisfactionBreakdown,
  satisfactionSeries,
} from '../../src/modules/analytics/satisfaction.service.ts';
import { createSegment } from '../../src/modules/customers/customers.service.ts';
import { createSurvey } from '../../src/modules/feedback/surveys.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * A hand-computed fixture in a store on Helsinki time (UTC+2 in winter): answers and follow-up cases
 * in January and February 2026, none in March. Rows are inserted directly with explicit times
 * (analytics only reads them). Expected figures are worked out in the comments.
 */

let app: TestApp;
let store: CreatedStore;
let otherStore: CreatedStore;
let vipSegmentId: string;
let otherStoreSegmentId: string;
const surveyIds: Record<string, string> = {};
const customers: Record<string, string> = {};
const responseIds: string[] = [];

// The first quarter of 2026 on Helsinki's wall clock.
const RANGE = { from: '2025-12-31T22:00:00.000Z', to: '2026-03-31T21:00:00.000Z' };
const range = { from: new Date(RANGE.from), to: new Date(RANGE.to) };
const HOUR = 3_600_000;

interface Answer {
  survey: string;
  type: SurveyType;
  score: number;
  at: string;
  customer?: string;
  channel?: OrderChannel;
  location?: string;
  skus?: string[];
}

const ANSWERS: Answer[] = [
  // Before the range (23:30 on 31 Dec in Helsinki): never counted.
  { survey: 'S1', type: 'NPS', score: 0, at: '2025-12-31T21:30:00Z', customer: 'c1', channel: 'ONLINE' },
  // January (NPS): 10, 9, 3, 8, 10 → n 5, 3 promoters, 1 detractor.
  // 00:30 on 1 Jan in Helsinki: January, inside the range.
  { survey: 'S1', type: 'NPS', score: 10, at: '2025-12-31T22:30:00Z', customer: 'c2', channel: 'ONLINE' },
  {
    survey: 'S1',
    type: 'NPS',
    score: 10,
    at: '2026-01-10T10:00:00Z',
    customer: 'c1',
    channel: 'ONLINE',
    skus: ['P-MUG'],
  },
  {
    survey: 'S1',
    type: 'NPS',
    score: 9,
    at: '2026-01-12T10:00:00Z',
    customer: 'c2',
    channel: 'ONLINE',
    skus: ['P-SHIRT'],
  },
  {
    survey: 'S1',
    type: 'NPS',
    score: 3,
    at: '2026-01-15T10:00:00Z',
    customer: 'c3',
    channel: 'STORE',
    location: 'Helsinki',
    skus: ['P-MUG', 'P-PLATE'],
  },
  { survey: 'S1', type: 'NPS', score: 8, at: '2026-01-20T10:00:00Z', channel: 'STORE', location: 'Helsinki' },
  // February (NPS): 6, 9, 0 → n 3, 1 promoter, 2 detractors.
  // 23:30 UTC on 31 Jan = 01:30 on 1 Feb in Helsinki: February.
  {
    survey: 'S1',
    type: 'NPS',
    score: 6,
    at: '2026-01-31T23:30:00Z',
    customer: 'c1',
    channel: 'STORE',
    location: 'Tampere',
    skus: ['P-PLATE'],
  },
  {
    survey: 'S2',
    type: 'NPS',
    score: 9,
    at: '2026-02-14T10:00:00Z',
    customer: 'c3',
    channel: 'ONLINE',
    skus: ['P-MUG'],
  },
  {
    survey: 'S2',
    type: 'NPS',
    score: 0,
    at: '2026-02-20T10:00:00Z',
    customer: 'c2',
    channel: 'ONLINE',
    skus: ['P-SHIRT'],
  },
  // CSAT: January 5, 4, 2; February 3.
  { survey: 'S3', type: 'CSAT', score: 5, at: '2026-01-05T10:00:00Z' },
  { survey: 'S3', type: 'CSAT', score: 4, at: '2026-01-06T10:00:00Z' },
  { survey: 'S3', type: 'CSAT', score: 2, at: '2026-01-07T10:00:00Z' },
  { survey: 'S3', type: 'CSAT', score: 3, at: '2026-02-07T10:00:00Z' },
  // CES: January 2, 4, 4, 6; February 7.
  { survey: 'S4', type: 'CES', score: 2, at: '2026-01-05T10:00:00Z' },
  { survey: 'S4', type: 'CES', score: 4, at: '2026-01-06T10:00:00Z' },
  { survey: 'S4', type: 'CES', score: 4, at: '2026-01-07T10:00:00Z' },
  { survey: 'S4', type: 'CES', score: 6, at: '2026-01-08T10:00:00Z' },
  { survey: 'S4', type: 'CES', score: 7, at: '2026-02-08T10:00:00Z' },
];

interface Case {
  createdAt: string;
  status: CaseStatus;
  /** Hours from creation to resolvedAt. */
  hours?: number;
}

/**
 * Within 48 h: January (opened) K1 ✓ K2 ✗ K3 ✓ K4 ✗ K5 ✗ → 2/5 = 40 %; February K6 ✗ K7 ✓ K8 ✓ K9 ✓
 * → 3/4 = 75 %; the range 5/9. Resolution hours by the month of resolvedAt: January 10, 60, 2 →
 * median 10; February 72 (K5), 30, 1, 5 → median (5 + 30)/2 = 17.5; the range 1 2 5 10 30 60 72 → 10.
 */
const CASES: Record<string, Case> = {
  K0: { createdAt: '2025-12-01T10:00:00Z', status: 'OPEN' }, // before the range: backlog only
  K1: { createdAt: '2026-01-05T10:00:00Z', status: 'RESOLVED', hours: 10 },
  K2: { createdAt: '2026-01-10T10:00:00Z', status: 'RESOLVED', hours: 60 },
  K3: { createdAt: '2026-01-20T10:00:00Z', status: 'DISMISSED', hours: 2 },
  K4: { createdAt: '2026-01-25T10:00:00Z', status: 'OPEN' },
  K5: { createdAt: '2026-01-30T12:00:00Z', status: 'RESOLVED', hours: 72 }, // resolved 2 Feb
  K6: { createdAt: '2026-02-10T10:00:00Z', status: 'IN_PROGRESS' },
  K7: { createdAt: '2026-02-15T10:00:00Z', status: 'RESOLVED', hours: 30 },
  // 00:30 and 01:30 on 1 Feb in Helsinki: February for both metrics.
  K8: { createdAt: '2026-01-31T22:30:00Z', status: 'RESOLVED', hours: 1 },
  K9: { createdAt: '2026-02-20T10:00:00Z', status: 'RESOLVED', hours: 5 },
};

beforeAll(async () => {
  app = await createTestApp();
  store = await app.createStore('Satisfaction');
  otherStore = await app.createStore('Other');
  const prisma = app.db.prisma;
  await prisma.store.update({ where: { id: store.id }, data: { timezone: 'Europe/Helsinki' } });
  for (const [key, name, type] of [
    ['S1', 'After purchase', 'NPS'],
    ['S2', 'After support', 'NPS'],
    ['S3', 'Checkout', 'CSAT'],
    ['S4', 'Returns', 'CES'],
  ] as const)
    surveyIds[key] = (await createSurvey(prisma, store.id, { name, type, trigger: 'ALWAYS_ON' })).id;
  for (const [key, tags] of [
    ['c1', ['vip']],
    ['c2', ['vip']],
    ['c3', []],
  ] as const)
    customers[key] = (await prisma.customer.create({ data: { storeId: store.id, tags: [...tags] } })).id;
  vipSegmentId = await createSegment(prisma, store.id, { name: 'VIP', filter: { tags: ['vip'] } });
  otherStoreSegmentId = await createSegment(prisma, otherStore.id, { name: 'VIP', filter: { tags: ['vip'] } });
  for (const [key, segment] of [
    ['c1', 'CHAMPIONS'],
    ['c2', 'LOYAL'],
    ['c3', 'AT_RISK'],
  ] as const)
    await prisma.customerRfm.create({
      data: {
        customerId: customers[key]!,
        storeId: store.id,
        recency: 3,
        frequency: 3,
        monetary: 3,
        segment,
        daysSinceLastPurchase: 10,
        purchases: 2,
        netSpent: 1000n,
        computedAt: new Date('2026-03-01T00:00:00Z'),
      },
    });
  await prisma.product.createMany({
    data: [
      { storeId: store.id, sku: 'P-MUG', name: 'Mug', categoryPath: ['Kitchen', 'Mugs'] },
      { storeId: store.id, sku: 'P-PLATE', name: 'Plate', categoryPath: ['Kitchen', 'Plates'] },
      { storeId: store.id, sku: 'P-SHIRT', name: 'Shirt', categoryPath: ['Clothing', 'Shirts'] },
    ],
  });
  for (const answer of ANSWERS) {
    const created = await prisma.surveyResponse.create({
      data: {
        storeId: store.id,
        surveyId: surveyIds[answer.survey]!,
        type: answer.type,
        score: answer.score,
        customerId: answer.customer ? customers[answer.customer]! : null,
        channel: answer.channel ?? null,
        location: answer.location ?? null,
        productSkus: answer.skus ?? [],
        via: 'ADMIN',
        createdAt: new Date(answer.at),
      },
    });
    responseIds.push(created.id);
  }
  let index = 0;
  for (const followUp of Object.values(CASES)) {
    const createdAt = new Date(followUp.createdAt);
    await prisma.followUpCase.create({
      data: {
        storeId: store.id,
        responseId: responseIds[index++]!,
        status: followUp.status,
        createdAt,
        dueAt: new Date(createdAt.getTime() + 48 * HOUR),
        resolvedAt: followUp.hours == null ? null : new Date(createdAt.getTime() + followUp.hours * HOUR),
      },
    });
  }
});

afterAll(async () => {
  await app?.close();
});

const asAdmin = (query: string, variables: Record<string, unknown> = {}) =>
  app.gql(query, variables, { key: store.secretKey });

const SATISFACTION = `
  query($type: SurveyType!, $range: DateRangeInput!, $granularity: Granularity, $filter: SatisfactionFilterInput) {
    satisfaction(type: $type, range: $range, granularity: $granularity, filter: $filter) {
      type
      total { period start end value count marginOfError }
      series { period start end value count marginOfError }
      computedAt
    }
  }`;

interface Point {
  period: string;
  value: number | null;
  count: number;
  marginOfError: number | null;
}

function expectPoints(actual: Point[], expected: [string, number | null, number, (number | null)?][]): void {
  expect(actual.map((point) => point.period)).toEqual(expected.map(([period]) => period));
  expected.forEach(([period, value, count, margin], index) => {
    const point = actual[index]!;
    expect(point.count, period).toBe(count);
    if (value === null) expect(point.value, period).toBeNull();
    else expect(point.value, period).toBeCloseTo(value, 4);
    if (margin === undefined) return;
    if (margin === null) expect(point.marginOfError, period).toBeNull();
    else expect(point.marginOfError, period).toBeCloseTo(margin, 3);
  });
}

async function satisfaction(type: SurveyType, filter?: Record<string, unknown>, granularity = 'MONTH') {
  const response = await asAdmin(SATISFACTION, { type, range: RANGE, granularity, filter });
  expect(response.errors).toBeUndefined();
  return response.data!.satisfaction as { type: string; total: Point; series: Point[]; computedAt: string };
}

describe('satisfaction over time', () => {
  test('NPS per month on Helsinki time, with margins, an empty March and the range total', async () => {
    const report = await satisfaction('NPS');
    expect(report.type).toBe('NPS');
    // January: 60 % − 20 % = 40; var = .6 + .2 − .16 = .64; MoE = 1.96·100·sqrt(.64/5) = 70.1231.
    // February: 33.3 % − 66.7 % = −33.33; var = 1 − 1/9; MoE = 1.96·100·sqrt((8/9)/3) = 106.6889.
    // Range: 4 promoters, 3 detractors of 8 → 12.5; var = .875 − .015625; MoE = 64.2396.
    expectPoints(report.series, [
      ['2026-01-01', 40, 5, 70.1231],
      ['2026-02-01', -100 / 3, 3, 106.6889],
      ['2026-03-01', null, 0, null],
    ]);
    expectPoints([report.total], [['2026-01-01', 12.5, 8, 64.2396]]);
    const response = await asAdmin(
      `query($range: DateRangeInput!) { satisfaction(type: NPS, range: $range) { total { start end } series { start end } } }`,
      { range: RANGE },
    );
    const data = response.data!.satisfaction;
    expect(data.series).toEqual([
      { start: '2025-12-31T22:00:00.000Z', end: '2026-01-31T22:00:00.000Z' },
      { start: '2026-01-31T22:00:00.000Z', end: '2026-02-28T22:00:00.000Z' },
      // Summer time starts on 29 March: the quarter ends at 21:00 UTC.
      { start: '2026-02-28T22:00:00.000Z', end: '2026-03-31T21:00:00.000Z' },
    ]);
    expect(data.total).toEqual({ start: RANGE.from, end: RANGE.to });
  });

  test('CSAT and CES', async () => {
    const csat = await satisfaction('CSAT');
    // January 2 of 3 satisfied; February 0 of 1 (no spread); range 2 of 4.
    expectPoints(csat.series, [
      ['2026-01-01', 200 / 3, 3, 53.3444],
      ['2026-02-01', 0, 1, 0],
      ['2026-03-01', null, 0, null],
    ]);
    expectPoints([csat.total], [['2026-01-01', 50, 4, 49]]);
    const ces = await satisfaction('CES');
    // January 2 4 4 6: mean 4, s² = 8/3, MoE = 1.96·sqrt(8/3)/2 = 1.6003; February one answer: no margin.
    // Range: mean 23/5 = 4.6; s² = (121 − 23²/5)/4 = 3.8; MoE = 1.96·sqrt(3.8/5) = 1.7087.
    expectPoints(ces.series, [
      ['2026-01-01', 4, 4, 1.6003],
      ['2026-02-01', 7, 1, null],
      ['2026-03-01', null, 0, null],
    ]);
    expectPoints([ces.total], [['2026-01-01', 4.6, 5, 1.7087]]);
  });

  test('the store’s time zone decides the period: in UTC the 23:30 answer is January’s', async () => {
    await app.db.prisma.store.update({ where: { id: store.id }, data: { timezone: 'UTC' } });
    try {
      const report = await satisfaction('NPS', undefined, 'MONTH');
      // UTC months from 22:00 on 31 Dec: December holds the 22:30 answer (10); January 10 9 3 8 6
      // (2 promoters, 2 detractors → 0); February 9 0 → 0.
      expectPoints(report.series, [
        ['2025-12-01', 100, 1],
        ['2026-01-01', 0, 5],
        ['2026-02-01', 0, 2],
        ['2026-03-01', null, 0],
      ]);
    } finally {
      await app.db.prisma.store.update({ where: { id: store.id }, data: { timezone: 'Europe/Helsinki' } });
    }
  });

  test('a range without answers: every period empty', async () => {
    const response = await asAdmin(SATISFACTION, {
      type: 'CES',
      range: { from: '2024-01-01T00:00:00.000Z', to: '2024-03-01T00:00:00.000Z' },
      granularity: 'MONTH',
    });
    expect(response.errors).toBeUndefined();
    const report = response.data!.satisfaction;
    // Helsinki months touching the range: January, February and March (its first two hours).
    expectPoints(report.series, [
      ['2024-01-01', null, 0, null],
      ['2024-02-01', null, 0, null],
      ['2024-03-01', null, 0, null],
    ]);
    expect(report.total).toMatchObject({ period: '2024-01-01', value: null, count: 0, marginOfError: null });
  });

  test('weeks start on Monday and every week is present', async () => {
    const response = await asAdmin(SATISFACTION, {
      type: 'CSAT',
      range: { from: '2026-01-04T22:00:00.000Z', to: '2026-01-18T22:00:00.000Z' },
      granularity: 'WEEK',
    });
    // Monday 5 Jan – Sunday 18 Jan: 5, 4, 2 in the first week, nothing in the second.
    expectPoints(response.data!.satisfaction.series, [
      ['2026-01-05', 200 / 3, 3],
      ['2026-01-12', null, 0],
    ]);
  });

  test('RESPONSES counts answers of every type per period (service)', async () => {
    const series = await responseCountSeries(app.db.prisma, store.id, { range, granularity: 'MONTH' });
    // January 5 NPS + 3 CSAT + 4 CES; February 3 + 1 + 1; March none (0, not null).
    expect(series.points.map((point) => [point.period, point.value, point.count])).toEqual([
      ['2026-01-01', 12, 12],
      ['2026-02-01', 5, 5],
      ['2026-03-01', 0, 0],
    ]);
    expect(series.total).toMatchObject({ value: 17, count: 17, start: range.from, end: range.to });
    const online = await responseCountSeries(app.db.prisma, store.id, {
      range,
      granularity: 'QUARTER',
      filter: { channel: 'ONLINE' },
    });
    expect(online.points.map((point) => point.value)).toEqual([5]);
  });
});

describe('filters', () => {
  test.each([
    // STORE: January 3 8 → −50 (n 2); February 6 → −100.
    ['channel', { channel: 'STORE' }, [-50, 2], [-100, 1], [-200 / 3, 3]],
    // Helsinki: only January's 3 and 8.
    ['location', { location: 'Helsinki' }, [-50, 2], [null, 0], [-50, 2]],
    // P-MUG: January 10 3 → 0; February 9 → 100.
    ['sku', { sku: 'P-MUG' }, [0, 2], [100, 1], [100 / 3, 3]],
    // "Mugs" is the second level of the mug's path: any level matches.
    ['category (any level)', { category: 'Mugs' }, [0, 2], [100, 1], [100 / 3, 3]],
    // Kitchen: January 10 3 (the mug-and-plate answer once); February 6 9.
    ['category (top level)', { category: 'Kitchen' }, [0, 2], [0, 2], [0, 4]],
    // LOYAL is c2: January 10 9; February 0.
    ['rfmSegment', { rfmSegment: 'LOYAL' }, [100, 2], [-100, 1], [100 / 3, 3]],
    // c1 and c2 are tagged vip: January 10 10 9; February 6 0.
    ['segmentId', () => ({ segmentId: vipSegmentId }), [100, 3], [-100, 2], [20, 5]],
    // VIP and ONLINE: January 10 10 9; February 0.
    ['segment and channel', () => ({ segmentId: vipSegmentId, channel: 'ONLINE' }), [100, 3], [-100, 1], [50, 4]],
    // Nothing is both in Tampere and online.
    ['no match', { location: 'Tampere', channel: 'ONLINE' }, [null, 0], [null, 0], [null, 0]],
  ] as const)('%s', async (_name, filter, january, february, total) => {
    const report = await satisfaction('NPS', typeof filter === 'function' ? filter() : { ...filter });
    expectPoints(report.series, [
      ['2026-01-01', january[0], january[1]],
      ['2026-02-01', february[0], february[1]],
      ['2026-03-01', null, 0],
    ]);
    expectPoints([report.total], [['2026-01-01', total[0], total[1]]]);
  });
});

describe('breakdowns', () => {
  const BREAKDOWNS = `
    query($range: DateRangeInput!) {
      satisfaction(type: NPS, range: $range) {
        channel: breakdown(by: CHANNEL) { key label value count marginOfError }
        location: breakdown(by: LOCATION) { key label value count marginOfError }
        product: breakdown(by: PRODUCT) { key label value count }
        category: breakdown(by: CATEGORY) { key label value count }
        survey: breakdown(by: SURVEY) { key label value count }
        rfm: breakdown(by: RFM_SEGMENT) { key value count }
      }
    }`;

  test('every dimension in one call, most answers first', async () => {
    const response = await asAdmin(BREAKDOWNS, { range: RANGE });
    expect(response.errors).toBeUndefined();
    const report = response.data!.satisfaction;
    const rows = (list: { key: string; value: number; count: number }[]) =>
      list.map((row) => [row.key, Math.round(row.value * 1000) / 1000, row.count]);
    // ONLINE 10 10 9 9 0 → 60 (MoE 70.1231); STORE 3 8 6 → −66.667 (var 2/3 − 4/9, MoE 53.3444).
    expect(rows(report.channel)).toEqual([
      ['ONLINE', 60, 5],
      ['STORE', -66.667, 3],
    ]);
    expect(report.channel[0].marginOfError).toBeCloseTo(70.1231, 3);
    expect(report.channel[1].marginOfError).toBeCloseTo(53.3444, 3);
    // Answers without a location are left out.
    expect(rows(report.location)).toEqual([
      ['Helsinki', -50, 2],
      ['Tampere', -100, 1],
    ]);
    expect(report.location[0].marginOfError).toBeCloseTo(69.2965, 3);
    // Mug 10 3 9; Plate 3 6; Shirt 9 0 (ties by key).
    expect(rows(report.product)).toEqual([
      ['P-MUG', 33.333, 3],
      ['P-PLATE', -100, 2],
      ['P-SHIRT', 0, 2],
    ]);
    expect(report.product.map((row: { label: string }) => row.label)).toEqual(['Mug', 'Plate', 'Shirt']);
    // Top-level categories: Kitchen 10 3 6 9 (the mug-and-plate answer once); Clothing 9 0.
    expect(rows(report.category)).toEqual([
      ['Kitchen', 0, 4],
      ['Clothing', 0, 2],
    ]);
    // After purchase 10 10 9 3 8 6 → 50 − 33.3; After support 9 0.
    expect(rows(report.survey)).toEqual([
      [surveyIds.S1, 16.667, 6],
      [surveyIds.S2, 0, 2],
    ]);
    expect(report.survey.map((row: { label: string }) => row.label)).toEqual(['After purchase', 'After support']);
    // LOYAL (c2) 10 9 0; AT_RISK (c3) 3 9; CHAMPIONS (c1) 10 6; the guest's answer is left out.
    expect(rows(report.rfm)).toEqual([
      ['LOYAL', 33.333, 3],
      ['AT_RISK', 0, 2],
      ['CHAMPIONS', 0, 2],
    ]);
  });

  test('the report’s filter applies to its breakdowns', async () => {
    const response = await asAdmin(
      `query($range: DateRangeInput!, $filter: SatisfactionFilterInput) {
        satisfaction(type: CSAT, range: $range, filter: $filter) { breakdown(by: CHANNEL) { key } }
        nps: satisfaction(type: NPS, range: $range, filter: { channel: STORE }) { breakdown(by: LOCATION) { key count } }
      }`,
      { range: RANGE, filter: { channel: 'ONLINE' } },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.satisfaction.breakdown).toEqual([]);
    expect(response.data!.nps.breakdown).toEqual([
      { key: 'Helsinki', count: 2 },
      { key: 'Tampere', count: 1 },
    ]);
  });

  test('service: CES by survey', async () => {
    const rows = await satisfactionBreakdown(app.db.prisma, store.id, { type: 'CES', range, by: 'SURVEY' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: surveyIds.S4, label: 'Returns', value: 4.6, count: 5 });
    expect(rows[0]!.marginOfError).toBeCloseTo(1.7087, 3);
  });
});

describe('bad input', () => {
  async function issue(query: string, variables: Record<string, unknown>) {
    const response = await asAdmin(query, variables);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    return response.errors![0]!.extensions!.issues[0].field as string;
  }

  test('a reversed range', async () => {
    expect(
      await issue(SATISFACTION, { type: 'NPS', range: { from: RANGE.to, to: RANGE.from }, granularity: 'MONTH' }),
    ).toBe('range.to');
  });

  test('too many periods', async () => {
    expect(
      await issue(SATISFACTION, {
        type: 'NPS',
        range: { from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
        granularity: 'DAY',
      }),
    ).toBe('range');
  });

  test('a segment that is not the store’s, or not an id', async () => {
    for (const segmentId of [otherStoreSegmentId, 'not-a-uuid', '00000000-0000-4000-8000-000000000000'])
      expect(await issue(SATISFACTION, { type: 'NPS', range: RANGE, filter: { segmentId } })).toBe('filter.segmentId');
    await expect(
      satisfactionSeries(app.db.prisma, store.id, {
        type: 'NPS',
        range,
        granularity: 'MONTH',
        filter: { segmentId: otherStoreSegmentId },
      }),
    ).rejects.toThrow(InvalidInputError);
  });

  test('withinHours outside 1…720', async () => {
    for (const withinHours of [0, 721])
      expect(
        await issue(
          'query($range: DateRangeInput!, $h: Int) { followUpMetrics(range: $range, withinHours: $h) { opened } }',
          {
            range: RANGE,
            h: withinHours,
          },
        ),
      ).toBe('withinHours');
  });

  test('admin only', async () => {
    const response = await app.gql(SATISFACTION, { type: 'NPS', range: RANGE }, { key: store.publishableKey });
    expect(response.data?.satisfaction ?? null).toBeNull();
    expect(response.errors?.length).toBeGreaterThan(0);
  });
});

describe('follow-up cases', () => {
  const FOLLOW_UP = `
    query($range: DateRangeInput!, $h: Int) {
      followUpMetrics(range: $range, withinHours: $h) {
        withinHours opened open overdue
        resolvedInTime { total { value count } series { period value count } }
        resolutionHours { total { value count } series { period value count } }
      }
    }`;

  test('resolved within 48 h and median resolution hours per month', async () => {
    const response = await asAdmin(FOLLOW_UP, { range: RANGE });
    expect(response.errors).toBeUndefined();
    const metrics = response.data!.followUpMetrics;
    expect(metrics).toMatchObject({ withinHours: 48, opened: 9, open: 3, overdue: 3 });
    expectPoints(metrics.resolvedInTime.series, [
      ['2026-01-01', 40, 5],
      ['2026-02-01', 75, 4],
      ['2026-03-01', null, 0],
    ]);
    expect(metrics.resolvedInTime.total.value).toBeCloseTo(500 / 9, 6);
    expect(metrics.resolvedInTime.total.count).toBe(9);
    expectPoints(metrics.resolutionHours.series, [
      ['2026-01-01', 10, 3],
      ['2026-02-01', 17.5, 4],
      ['2026-03-01', null, 0],
    ]);
    expect(metrics.resolutionHours.total).toEqual({ value: 10, count: 7 });
  });

  test('withinHours 72: K2 (60 h) and K5 (exactly 72 h) count too', async () => {
    const response = await asAdmin(FOLLOW_UP, { range: RANGE, h: 72 });
    const metrics = response.data!.followUpMetrics;
    expect(metrics.resolvedInTime.series.map((point: Point) => point.value)).toEqual([80, 75, null]);
    expect(metrics.resolvedInTime.total.value).toBeCloseTo(700 / 9, 6);
    // The median does not depend on withinHours.
    expect(metrics.resolutionHours.total).toEqual({ value: 10, count: 7 });
  });

  test('a range without cases: null values, zero counts', async () => {
    const response = await asAdmin(FOLLOW_UP, {
      range: { from: '2024-01-01T00:00:00.000Z', to: '2024-03-01T00:00:00.000Z' },
    });
    expect(response.errors).toBeUndefined();
    const metrics = response.data!.followUpMetrics;
    // The backlog is the store's, whatever the range.
    expect(metrics).toMatchObject({ opened: 0, open: 3, overdue: 3 });
    for (const series of [metrics.resolvedInTime, metrics.resolutionHours]) {
      expect(series.total).toEqual({ value: null, count: 0 });
      expect(series.series.map((point: Point) => [point.period, point.value, point.count])).toEqual([
        ['2024-01-01', null, 0],
        ['2024-02-01', null, 0],
        ['2024-03-01', null, 0],
      ]);
    }
  });

  test('service: closings after `now` do not count yet', async () => {
    // At 11:00 on 20 Jan, K3 (dismissed at 12:00) was still open: January 1 of 5; K1..K2 resolved.
    const now = new Date('2026-01-20T11:00:00Z');
    const inTime = await caseMetricSeries(app.db.prisma, store.id, {
      metric: 'CASES_RESOLVED_IN_TIME',
      range,
      granularity: 'MONTH',
      now,
    });
    expect(inTime.points[0]).toMatchObject({ value: 20, count: 5 });
    const hours = await caseMetricSeries(app.db.prisma, store.id, {
      metric: 'CASE_RESOLUTION_HOURS',
      range,
      granularity: 'QUARTER',
      now,
    });
    // Closed by then: K1 (10 h) and K2 (60 h) → median 35.
    expect(hours.points).toHaveLength(1);
    expect(hours.points[0]).toMatchObject({ period: '2026-01-01', value: 35, count: 2 });
    expect(hours.total).toMatchObject({ value: 35, count: 2 });
  });
});
