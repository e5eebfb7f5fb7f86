import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/errors.ts';
import { metricSeries } from '../../src/modules/analytics/metrics.service.ts';
import type { AnalyticsMetric, SeriesPoint } from '../../src/modules/analytics/metrics.ts';
import {
  createTarget,
  deleteTarget,
  evaluateTargets,
  listTargets,
  type MetricSeriesFn,
  targetStatus,
  updateTarget,
} from '../../src/modules/analytics/targets.service.ts';
import { recordOrders } from '../../src/modules/orders/orders.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

let app: TestApp;
let store: CreatedStore;
let other: CreatedStore;
const prisma = () => app.db.prisma;

beforeAll(async () => {
  app = await createTestApp();
  store = await app.createStore('Targets');
  other = await app.createStore('Targets other');
});
afterAll(() => app.close());

const VALID = { name: 'NPS monthly', metric: 'NPS', comparator: 'AT_LEAST', value: 30, granularity: 'MONTH' };

async function refusal(action: Promise<unknown>): Promise<InvalidInputError> {
  const error = await action.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  return error as InvalidInputError;
}

describe('validation', () => {
  test.each([
    [{ name: '  ' }, 'name', 'must not be empty'],
    [{ name: 'x'.repeat(101) }, 'name', 'must be at most 100 characters'],
    [{ metric: 'HAPPINESS' }, 'metric', 'must be one of NPS, CSAT'],
    [{ comparator: 'ABOUT' }, 'comparator', 'must be AT_LEAST or AT_MOST'],
    [{ granularity: 'HOUR' }, 'granularity', 'must be one of DAY, WEEK, MONTH, QUARTER, YEAR'],
    [{ value: Number.POSITIVE_INFINITY }, 'value', 'must be a finite number'],
    [{ value: Number.NaN }, 'value', 'must be a finite number'],
    [{ value: '30' }, 'value', 'must be a finite number'],
    [{ value: 101 }, 'value', 'must be between -100 and 100 for NPS'],
    [{ value: -100.5 }, 'value', 'must be between -100 and 100 for NPS'],
    [{ metric: 'CSAT', value: 100.1 }, 'value', 'must be between 0 and 100 for CSAT'],
    [{ metric: 'CHURN_RATE', value: -1 }, 'value', 'must be between 0 and 100 for CHURN_RATE'],
    [{ metric: 'CES', comparator: 'AT_MOST', value: 0.5 }, 'value', 'must be between 1 and 7 for CES'],
    [{ metric: 'REVENUE', value: -10 }, 'value', 'must be at least 0 for REVENUE'],
    [{ withinHours: 24 }, 'withinHours', 'is only for CASES_RESOLVED_IN_TIME'],
    [{ metric: 'CASES_RESOLVED_IN_TIME', value: 90, withinHours: 0 }, 'withinHours', 'must be between 1 and 720'],
    [{ metric: 'CASES_RESOLVED_IN_TIME', value: 90, withinHours: 721 }, 'withinHours', 'must be between 1 and 720'],
    [{ metric: 'CASES_RESOLVED_IN_TIME', value: 90, withinHours: 1.5 }, 'withinHours', 'whole number'],
    [{ color: 'red' }, '', ''],
  ])('%j is refused at %s', async (change, field, rule) => {
    const error = await refusal(createTarget(prisma(), store.id, { ...VALID, ...change }));
    if (field) expect(error.field).toBe(field);
    expect(error.rule).toContain(rule);
  });

  test('boundaries are accepted; withinHours defaults to 48 for cases', async () => {
    const lowest = await createTarget(prisma(), store.id, { ...VALID, name: 'NPS floor', value: -100 });
    expect(lowest).toMatchObject({ value: -100, withinHours: null, active: true });
    const cases = await createTarget(prisma(), store.id, {
      name: 'Cases in time',
      metric: 'CASES_RESOLVED_IN_TIME',
      comparator: 'AT_LEAST',
      value: 100,
      granularity: 'WEEK',
    });
    expect(cases.withinHours).toBe(48);
    await deleteTarget(prisma(), store.id, lowest.id);
    await deleteTarget(prisma(), store.id, cases.id);
  });

  test('names are unique per store, not across stores', async () => {
    const first = await createTarget(prisma(), store.id, { ...VALID, name: 'Unique' });
    const error = await refusal(createTarget(prisma(), store.id, { ...VALID, name: ' Unique ' }));
    expect([error.field, error.rule]).toEqual(['name', 'is already used by another target']);
    const elsewhere = await createTarget(prisma(), other.id, { ...VALID, name: 'Unique' });
    const second = await createTarget(prisma(), store.id, { ...VALID, name: 'Second' });
    const renamed = await refusal(updateTarget(prisma(), store.id, second.id, { name: 'Unique' }));
    expect([renamed.field, renamed.rule]).toEqual(['name', 'is already used by another target']);
    for (const id of [first.id, second.id]) await deleteTarget(prisma(), store.id, id);
    await deleteTarget(prisma(), other.id, elsewhere.id);
  });

  test('updates merge with the stored target before the range rules', async () => {
    const target = await createTarget(prisma(), store.id, {
      name: 'Cases',
      metric: 'CASES_RESOLVED_IN_TIME',
      comparator: 'AT_LEAST',
      value: 80,
      granularity: 'MONTH',
      withinHours: 24,
    });
    // 150 is fine for no metric measured in percent.
    expect((await refusal(updateTarget(prisma(), store.id, target.id, { value: 150 }))).field).toBe('value');
    // Moving to NPS keeps value 80 (in range) and drops withinHours.
    const moved = await updateTarget(prisma(), store.id, target.id, { metric: 'NPS' });
    expect(moved).toMatchObject({ metric: 'NPS', value: 80, withinHours: null, name: 'Cases' });
    expect((await refusal(updateTarget(prisma(), store.id, target.id, { withinHours: 12 }))).field).toBe('withinHours');
    const paused = await updateTarget(prisma(), store.id, target.id, { active: false, value: -20 });
    expect(paused).toMatchObject({ active: false, value: -20 });
    await expect(updateTarget(prisma(), other.id, target.id, { value: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateTarget(prisma(), store.id, 'nope', { value: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteTarget(prisma(), other.id, target.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await deleteTarget(prisma(), store.id, target.id)).toBe(target.id);
    await expect(deleteTarget(prisma(), store.id, target.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

/** A registry that answers from a table of values per metric and records what it was asked. */
function fakeRegistry(values: Partial<Record<AnalyticsMetric, number | null>>) {
  const calls: { metric: AnalyticsMetric; from: Date; to: Date; granularity: string; withinHours?: number }[] = [];
  const fn: MetricSeriesFn = async (_db, _storeId, metric, query) => {
    calls.push({
      metric,
      from: query.range.from,
      to: query.range.to,
      granularity: query.granularity,
      ...(query.withinHours != null ? { withinHours: query.withinHours } : {}),
    });
    const value = values[metric] ?? null;
    const point: SeriesPoint = {
      period: query.range.from.toISOString().slice(0, 10),
      start: query.range.from,
      end: query.range.to,
      value,
      count: value == null ? 0 : 12,
    };
    return { points: [point], total: point };
  };
  return { fn, calls };
}

describe('evaluation with a fake registry', () => {
  let evalStore: CreatedStore;
  const offTrackEvents = () =>
    prisma().outboxEvent.findMany({
      where: { storeId: evalStore.id, type: 'metric.off_track' },
      orderBy: { id: 'asc' },
    });
  // 12:00 UTC on 10 March is 14:00 in Helsinki: the last completed month there is February, which
  // starts at 2026-01-31T22:00Z (UTC+2) and ends at 2026-02-28T22:00Z.
  const NOW = new Date('2026-03-10T12:00:00Z');
  const FEB = { start: new Date('2026-01-31T22:00:00Z'), end: new Date('2026-02-28T22:00:00Z') };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    evalStore = await app.createStore('Targets evaluation');
    await prisma().store.update({ where: { id: evalStore.id }, data: { timezone: 'Europe/Helsinki' } });
    for (const input of [
      { name: 'NPS ≥ 30', metric: 'NPS', comparator: 'AT_LEAST', value: 30, granularity: 'MONTH' },
      { name: 'CES ≤ 3', metric: 'CES', comparator: 'AT_MOST', value: 3, granularity: 'MONTH' },
      { name: 'CSAT ≥ 80', metric: 'CSAT', comparator: 'AT_LEAST', value: 80, granularity: 'MONTH' },
      {
        name: 'Cases in 24 h',
        metric: 'CASES_RESOLVED_IN_TIME',
        comparator: 'AT_LEAST',
        value: 90,
        granularity: 'DAY',
        withinHours: 24,
      },
      { name: 'Paused', metric: 'ORDERS', comparator: 'AT_LEAST', value: 1_000, granularity: 'MONTH', active: false },
    ])
      ids[input.name] = (await createTarget(prisma(), evalStore.id, input)).id;
  });

  test('on track, off track and no data for the last completed period in the store’s zone', async () => {
    const registry = fakeRegistry({ NPS: 35, CES: 3.5, CSAT: null, CASES_RESOLVED_IN_TIME: 90 });
    const results = await evaluateTargets(prisma(), evalStore.id, { now: NOW, metricSeries: registry.fn });
    const byName = Object.fromEntries(results.map((result) => [result.name, result]));
    expect(Object.keys(byName).sort()).toEqual(['CES ≤ 3', 'CSAT ≥ 80', 'Cases in 24 h', 'NPS ≥ 30']); // not the paused one
    expect(byName['NPS ≥ 30']).toMatchObject({
      status: 'ON_TRACK',
      value: 35,
      count: 12,
      periodStart: FEB.start,
      periodEnd: FEB.end,
      period: '2026-02-01',
      firstEvaluation: true,
    });
    expect(byName['CES ≤ 3']).toMatchObject({ status: 'OFF_TRACK', value: 3.5 });
    expect(byName['CSAT ≥ 80']).toMatchObject({ status: 'NO_DATA', value: null, count: 0 });
    // At least is inclusive; the day before 10 March in Helsinki.
    expect(byName['Cases in 24 h']).toMatchObject({
      status: 'ON_TRACK',
      period: '2026-03-09',
      periodStart: new Date('2026-03-08T22:00:00Z'),
      periodEnd: new Date('2026-03-09T22:00:00Z'),
    });
    expect(registry.calls.find((call) => call.metric === 'NPS')).toEqual({
      metric: 'NPS',
      from: FEB.start,
      to: FEB.end,
      granularity: 'MONTH',
    });
    expect(registry.calls.find((call) => call.metric === 'CASES_RESOLVED_IN_TIME')?.withinHours).toBe(24);

    const stored = await prisma().metricTargetResult.findMany({ where: { storeId: evalStore.id } });
    expect(stored).toHaveLength(4);
    const events = await offTrackEvents();
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toEqual({
      targetId: ids['CES ≤ 3'],
      name: 'CES ≤ 3',
      metric: 'CES',
      comparator: 'AT_MOST',
      target: 3,
      value: 3.5,
      periodStart: FEB.start.toISOString(),
      periodEnd: FEB.end.toISOString(),
    });
  });

  test('evaluating again refreshes values but never emits twice for a period', async () => {
    const registry = fakeRegistry({ NPS: 20, CES: 4, CSAT: 85, CASES_RESOLVED_IN_TIME: 95 });
    const later = new Date(NOW.getTime() + 3_600_000); // same periods
    const results = await evaluateTargets(prisma(), evalStore.id, { now: later, metricSeries: registry.fn });
    expect(results.every((result) => !result.firstEvaluation)).toBe(true);
    expect(await prisma().metricTargetResult.count({ where: { storeId: evalStore.id } })).toBe(4);
    const nps = await prisma().metricTargetResult.findFirstOrThrow({ where: { targetId: ids['NPS ≥ 30'] } });
    expect(nps).toMatchObject({ value: 20, status: 'OFF_TRACK' }); // late data: refreshed, but no new event
    expect(await offTrackEvents()).toHaveLength(1);
  });

  test('five concurrent evaluations of a new period emit exactly one event per off-track target', async () => {
    const registry = fakeRegistry({ NPS: 10, CES: 5, CSAT: 50, CASES_RESOLVED_IN_TIME: 10 });
    const april = new Date('2026-04-02T09:00:00Z'); // March and 1 April are now complete
    const runs = await Promise.all(
      Array.from({ length: 5 }, () =>
        evaluateTargets(prisma(), evalStore.id, { now: april, metricSeries: registry.fn }),
      ),
    );
    for (const run of runs) expect(run.map((result) => result.status)).toEqual(Array(4).fill('OFF_TRACK'));
    // Each target's new period was inserted by exactly one of the five runs.
    for (const name of ['NPS ≥ 30', 'CES ≤ 3', 'CSAT ≥ 80', 'Cases in 24 h'])
      expect(runs.flat().filter((result) => result.name === name && result.firstEvaluation)).toHaveLength(1);
    expect(await prisma().metricTargetResult.count({ where: { storeId: evalStore.id } })).toBe(8);
    const events = await offTrackEvents();
    expect(events).toHaveLength(1 + 4);
    const newPeriods = events.slice(1).map((event) => (event.payload as { periodStart: string }).periodStart);
    expect(newPeriods.sort()).toEqual(
      [
        '2026-02-28T22:00:00.000Z',
        '2026-02-28T22:00:00.000Z',
        '2026-02-28T22:00:00.000Z',
        '2026-03-31T21:00:00.000Z',
      ].sort(),
    );
  });

  test('targetStatus: the current period so far and the stored history', async () => {
    const registry = fakeRegistry({ NPS: 42 });
    const april = new Date('2026-04-02T09:00:00Z');
    const [view] = await targetStatus(prisma(), evalStore.id, ids['NPS ≥ 30']!, {
      now: april,
      metricSeries: registry.fn,
      periods: 6,
    });
    expect(view!.current).toMatchObject({
      period: '2026-04-01',
      periodStart: new Date('2026-03-31T21:00:00Z'), // summer time from 29 March: UTC+3
      value: 42,
      status: 'ON_TRACK',
    });
    expect(view!.history.map((result) => [result.period, result.status, result.value])).toEqual([
      ['2026-03-01', 'OFF_TRACK', 10],
      ['2026-02-01', 'OFF_TRACK', 20],
    ]);
    const all = await targetStatus(prisma(), evalStore.id, null, { now: april, metricSeries: registry.fn, periods: 1 });
    expect(all.map((entry) => entry.target.name)).toEqual(
      (await listTargets(prisma(), evalStore.id)).map((t) => t.name),
    );
    expect(all.every((entry) => entry.history.length <= 1)).toBe(true);
    await expect(
      targetStatus(prisma(), store.id, ids['NPS ≥ 30']!, { now: april, metricSeries: registry.fn }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  test('deleting a target deletes its results', async () => {
    await deleteTarget(prisma(), evalStore.id, ids['CSAT ≥ 80']!);
    expect(await prisma().metricTargetResult.count({ where: { targetId: ids['CSAT ≥ 80'] } })).toBe(0);
    expect(await prisma().metricTargetResult.count({ where: { storeId: evalStore.id } })).toBe(6);
  });
});

describe('evaluation with the real metric registry', () => {
  test('ORDERS of yesterday against a daily target', async () => {
    const real = await app.createStore('Targets real');
    const day = (hour: number) => new Date(Date.UTC(2026, 2, 9, hour));
    await recordOrders(
      prisma(),
      real.id,
      [day(8), day(12), day(23), new Date(Date.UTC(2026, 2, 10, 1))].map((placedAt, index) => ({
        externalId: `real-${index}`,
        channel: 'ONLINE' as const,
        placedAt,
        lines: [{ sku: 'T', name: 'T', quantity: 1, unitPrice: 1000 }],
      })),
    );
    await createTarget(prisma(), real.id, {
      name: 'Five orders a day',
      metric: 'ORDERS',
      comparator: 'AT_LEAST',
      value: 5,
      granularity: 'DAY',
    });
    await createTarget(prisma(), real.id, {
      name: 'Revenue 2000',
      metric: 'REVENUE',
      comparator: 'AT_LEAST',
      value: 2_000,
      granularity: 'DAY',
    });
    const results = await evaluateTargets(prisma(), real.id, {
      now: new Date('2026-03-10T12:00:00Z'),
      metricSeries,
    });
    expect(results.map((result) => [result.name, result.period, result.value, result.status])).toEqual([
      ['Five orders a day', '2026-03-09', 3, 'OFF_TRACK'],
      ['Revenue 2000', '2026-03-09', 3_000, 'ON_TRACK'],
    ]);
    expect(await prisma().outboxEvent.count({ where: { storeId: real.id, type: 'metric.off_track' } })).toBe(1);
  });
});

describe('API', () => {
  const gql = (query: string, variables: Record<string, unknown> = {}) =>
    app.gql(query, variables, { key: store.secretKey });
  const CREATE = `mutation($input: MetricTargetInput!) { createMetricTarget(input: $input) {
    __typename ... on MetricTarget { id name metric comparator value granularity withinHours active higherIsBetter }
    ... on InvalidInputError { field message } } }`;

  test('create, list with current and history, update, delete', async () => {
    const created = await gql(CREATE, {
      input: { name: 'API CES', metric: 'CES', comparator: 'AT_MOST', value: 2.5, granularity: 'WEEK' },
    });
    expect(created.errors).toBeUndefined();
    const target = created.data!.createMetricTarget;
    expect(target).toMatchObject({
      __typename: 'MetricTarget',
      name: 'API CES',
      metric: 'CES',
      comparator: 'AT_MOST',
      value: 2.5,
      granularity: 'WEEK',
      withinHours: null,
      active: true,
      higherIsBetter: false,
    });

    const refused = await gql(CREATE, {
      input: { name: 'Bad', metric: 'CSAT', comparator: 'AT_LEAST', value: 120, granularity: 'MONTH' },
    });
    expect(refused.data!.createMetricTarget).toEqual({
      __typename: 'InvalidInputError',
      field: 'input.value',
      message: expect.stringContaining('must be between 0 and 100 for CSAT'),
    });
    const duplicate = await gql(CREATE, {
      input: { name: 'API CES', metric: 'NPS', comparator: 'AT_LEAST', value: 1, granularity: 'MONTH' },
    });
    expect(duplicate.data!.createMetricTarget).toMatchObject({ __typename: 'InvalidInputError', field: 'input.name' });

    await prisma().metricTargetResult.create({
      data: {
        storeId: store.id,
        targetId: target.id,
        periodStart: new Date('2026-01-05T00:00:00Z'),
        periodEnd: new Date('2026-01-12T00:00:00Z'),
        value: 3,
        count: 7,
        status: 'OFF_TRACK',
      },
    });
    const listed = await gql(`{ metricTargets { id name current { period status value count }
      history(last: 3) { period periodStart status value count } } }`);
    expect(listed.errors).toBeUndefined();
    const mine = listed.data!.metricTargets.find((entry: { id: string }) => entry.id === target.id);
    expect(mine.current).toMatchObject({ status: 'NO_DATA', value: null, count: 0 }); // no CES answers
    expect(mine.history).toEqual([
      { period: '2026-01-05', periodStart: '2026-01-05T00:00:00.000Z', status: 'OFF_TRACK', value: 3, count: 7 },
    ]);
    const badLast = await gql('{ metricTargets { history(last: 0) { status } } }');
    expect(badLast.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });

    const UPDATE = `mutation($id: ID!, $input: MetricTargetUpdateInput!) { updateMetricTarget(id: $id, input: $input) {
      __typename ... on MetricTarget { value active } ... on InvalidInputError { field } ... on NotFoundError { message } } }`;
    const updated = await gql(UPDATE, { id: target.id, input: { value: 3, active: false } });
    expect(updated.data!.updateMetricTarget).toEqual({ __typename: 'MetricTarget', value: 3, active: false });
    const outOfRange = await gql(UPDATE, { id: target.id, input: { value: 8 } });
    expect(outOfRange.data!.updateMetricTarget).toEqual({ __typename: 'InvalidInputError', field: 'input.value' });
    const missing = await gql(UPDATE, { id: '0190a0a0-0000-7000-8000-000000000001', input: { value: 3 } });
    expect(missing.data!.updateMetricTarget.__typename).toBe('NotFoundError');

    const evaluated = await gql('mutation { evaluateMetricTargets { name status firstEvaluation } }');
    expect(evaluated.errors).toBeUndefined();
    expect(evaluated.data!.evaluateMetricTargets.map((entry: { name: string }) => entry.name)).not.toContain('API CES'); // inactive now

    const DELETE = `mutation($id: ID!) { deleteMetricTarget(id: $id) { __typename ... on DeletedMetricTarget { id } ... on NotFoundError { message } } }`;
    expect((await gql(DELETE, { id: target.id })).data!.deleteMetricTarget).toEqual({
      __typename: 'DeletedMetricTarget',
      id: target.id,
    });
    expect((await gql(DELETE, { id: target.id })).data!.deleteMetricTarget.__typename).toBe('NotFoundError');
  });

  test('evaluateMetricTargets judges active targets with the real registry', async () => {
    const api = await app.createStore('Targets API eval');
    const created = await app.gql(
      CREATE,
      { input: { name: 'Any orders', metric: 'ORDERS', comparator: 'AT_LEAST', value: 1, granularity: 'DAY' } },
      { key: api.secretKey },
    );
    expect(created.data!.createMetricTarget.__typename).toBe('MetricTarget');
    const evaluated = await app.gql(
      'mutation { evaluateMetricTargets { name status value firstEvaluation } }',
      {},
      {
        key: api.secretKey,
      },
    );
    expect(evaluated.errors).toBeUndefined();
    // No orders yesterday: 0 orders is a measurement (OFF_TRACK) or no data, depending on the metric; never ON_TRACK.
    expect(evaluated.data!.evaluateMetricTargets).toHaveLength(1);
    expect(evaluated.data!.evaluateMetricTargets[0]).toMatchObject({ name: 'Any orders', firstEvaluation: true });
    expect(evaluated.data!.evaluateMetricTargets[0].status).not.toBe('ON_TRACK');
  });

  test('the publishable key cannot reach targets', async () => {
    const response = await app.gql('{ metricTargets { id } }', {}, { key: store.publishableKey });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
