import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitCustomerModels } from '../../src/modules/analytics/clv/clv.service.ts';
import { customerSummaries } from '../../src/modules/analytics/clv/summary.service.ts';
import { cancelOrder, type OrderInput, recordOrders } from '../../src/modules/orders/orders.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

let app: TestApp;
let store: CreatedStore;
const DAY = 86_400_000;
/** 300 days ago at noon UTC: every order is in the past. */
const base = new Date(Math.floor((Date.now() - 300 * DAY) / DAY) * DAY + 12 * 3_600_000);

const order = (externalId: string, customer: string | null, placedAt: Date, unitPrice: number, quantity = 1) =>
  ({
    externalId,
    channel: 'ONLINE',
    placedAt,
    customer: customer ? { identities: [{ source: 'web', externalId: customer }] } : null,
    lines: [{ sku: 'CLV', name: 'Thing', quantity, unitPrice }],
  }) as OrderInput;

/** Customer i buys (i mod 5) + 1 times, every 7 + i days from day 3i, 1000 + 137i + 50k cents each. */
function history(): OrderInput[] {
  const orders: OrderInput[] = [];
  for (let i = 0; i < 30; i++)
    for (let k = 0; k <= i % 5; k++)
      orders.push(
        order(`H-${i}-${k}`, `c${i}`, new Date(base.getTime() + (3 * i + k * (7 + i)) * DAY), 1000 + 137 * i + 50 * k),
      );
  return orders;
}

const customerId = async (storeId: string, externalId: string) =>
  (await app.db.prisma.customerIdentity.findFirstOrThrow({ where: { storeId, source: 'web', externalId } })).customerId;

beforeAll(async () => {
  app = await createTestApp();
  store = await app.createStore('CLV');
  await recordOrders(app.db.prisma, store.id, history());
});

afterAll(() => app?.close());

const FIT = `mutation($end: DateTime) { fitCustomerModels(calibrationEnd: $end) {
  __typename
  ... on CustomerModelFit { id r alpha a b p q gamma calibrationEnd currency customers repeatCustomers fittedAt
    logLikelihood converged iterations durationMs warnings
    purchaseModel { logLikelihood converged iterations durationMs } spendModel { logLikelihood converged } }
  ... on InvalidInputError { field message } } }`;
const MODEL = '{ customerModel { id r customers repeatCustomers warnings spendModel { converged } } }';
const PREDICTION = `query($id: ID!, $h: Int, $d: Float) { customer(id: $id) { prediction(horizonDays: $h, discountRate: $d) {
  probabilityAlive churnRisk expectedPurchases predictedClv averageSpend expectedAverageSpend repeatPurchases recencyWeeks
  ageWeeks horizonDays discountRate fittedAt } } }`;

describe('customer summary (SQL)', () => {
  it('collapses purchase days on the store’s wall clock and keeps only purchases', async () => {
    const s = await app.createStore('Summary');
    await app.db.prisma.store.update({ where: { id: s.id }, data: { timezone: 'Europe/Helsinki' } });
    const at = (iso: string) => new Date(iso);
    await recordOrders(app.db.prisma, s.id, [
      order('S-1', 'sum', at('2026-03-01T10:00:00Z'), 1000),
      // Helsinki 22:00: the same local day as S-1, one transaction worth 1,500.
      order('S-2', 'sum', at('2026-03-01T20:00:00Z'), 500),
      // Helsinki 00:30 on 2 March: the next day.
      order('S-3', 'sum', at('2026-03-01T22:30:00Z'), 700),
      order('S-4', 'sum', at('2026-03-15T10:00:00Z'), 2000),
      order('S-5', 'sum', at('2026-03-22T10:00:00Z'), 3000),
      order('S-6', 'sum', at('2026-03-29T10:00:00Z'), 100, 4),
      order('S-guest', null, at('2026-03-30T10:00:00Z'), 9999),
      { ...order('S-usd', 'sum', at('2026-04-05T10:00:00Z'), 5000), currency: 'USD' },
      order('S-late', 'sum', at('2026-04-10T00:00:00Z'), 5000),
    ]);
    await cancelOrder(app.db.prisma, s.id, 'S-4');
    // S-5 fully returned (not a purchase), S-6 partly (worth 300).
    await recordOrders(app.db.prisma, s.id, [
      { ...order('S-5-R', 'sum', at('2026-03-23T10:00:00Z'), 3000, -1), returnOfExternalId: 'S-5' },
      { ...order('S-6-R', 'sum', at('2026-03-30T10:00:00Z'), 100, -1), returnOfExternalId: 'S-6' },
    ]);
    const rows = await customerSummaries(app.db.prisma, s.id, at('2026-04-10T00:00:00Z'));
    // Purchase days 1 March, 2 March, 29 March (local); T to 10 April (local date of the last instant before the end).
    expect(rows).toEqual([{ customerId: await customerId(s.id, 'sum'), x: 2, tx: 28 / 7, T: 40 / 7, monetary: 500 }]);
    // One customer only; another store sees nothing.
    expect(
      await customerSummaries(app.db.prisma, s.id, at('2026-04-10T00:00:00Z'), await customerId(s.id, 'sum')),
    ).toHaveLength(1);
    expect(
      await customerSummaries(app.db.prisma, store.id, at('2026-04-10T00:00:00Z'), await customerId(s.id, 'sum')),
    ).toEqual([]);
  });
});

describe('predictions API', () => {
  it('is empty before the first fit', async () => {
    const model = await app.gql(MODEL, {}, { key: store.secretKey });
    expect(model.data?.customerModel).toBeNull();
    const prediction = await app.gql(PREDICTION, { id: await customerId(store.id, 'c1') }, { key: store.secretKey });
    expect(prediction.data?.customer.prediction).toBeNull();
  });

  it('refuses a calibration end in the future and a store without purchases', async () => {
    const future = await app.gql(FIT, { end: new Date(Date.now() + DAY).toISOString() }, { key: store.secretKey });
    expect(future.data?.fitCustomerModels).toEqual({
      __typename: 'InvalidInputError',
      field: 'calibrationEnd',
      message: 'calibrationEnd: must not be in the future',
    });
    const empty = await app.createStore('Empty');
    const none = await app.gql(FIT, {}, { key: empty.secretKey });
    expect(none.data?.fitCustomerModels.__typename).toBe('InvalidInputError');
    expect(none.data?.fitCustomerModels.field).toBe('store');
    expect(none.data?.fitCustomerModels.message).toMatch(/has no purchases to fit/);
    expect(await app.db.prisma.customerModelFit.count()).toBe(0);
  });

  it('fits, stores predictions and answers customerModel', async () => {
    const fitted = await app.gql(FIT, {}, { key: store.secretKey });
    const fit = fitted.data?.fitCustomerModels;
    expect(fit).toMatchObject({ __typename: 'CustomerModelFit', customers: 30, repeatCustomers: 24, currency: 'EUR' });
    for (const name of ['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma']) expect(fit[name]).toBeGreaterThan(0);
    expect(fit.purchaseModel.converged).toBe(true);
    expect(fit.spendModel.converged).toBe(true);
    expect(fit.logLikelihood).toBe(fit.purchaseModel.logLikelihood);
    expect(fit.logLikelihood).toBeLessThan(0);
    expect(fit.iterations).toBeGreaterThan(0);
    // 30 customers with little sign of dropout: b runs to its bound, and the fit says so.
    expect(fit.warnings).toEqual(fit.b >= 9900 ? [expect.stringMatching(/^b = .* is at the optimiser's bound/)] : []);

    const model = await app.gql(MODEL, {}, { key: store.secretKey });
    expect(model.data?.customerModel).toMatchObject({ id: fit.id, customers: 30, repeatCustomers: 24 });
    const stored = await app.db.prisma.customerPrediction.findMany({ where: { storeId: store.id } });
    expect(stored).toHaveLength(30);
    expect(new Set(stored.map((row) => row.fitId))).toEqual(new Set([fit.id]));
  });

  it('a page of customers with predictions costs a fixed number of statements (no N+1)', async () => {
    const page = (first: number) =>
      app.gql(
        `{ customers(first: ${first}) { edges { node { id prediction { probabilityAlive churnRisk } } } } }`,
        {},
        { key: store.secretKey },
      );
    // Deliver what earlier fits left in the outbox (a kicked dispatcher would add its statements to the
    // count), and warm up the key's lastUsedAt write and the caches.
    await app.events.drain();
    await page(1);
    const small = await app.countQueries(() => page(3));
    const large = await app.countQueries(() => page(30));
    expect(large.result.errors).toBeUndefined();
    const nodes = large.result.data!.customers.edges.map((edge: { node: any }) => edge.node);
    expect(nodes).toHaveLength(30);
    for (const node of nodes) expect(node.prediction.probabilityAlive).toBeGreaterThan(0);
    // About the same statements for 3 or 30 customers; N+1 would send 27 to 54 more for the 27 extra.
    expect(large.count - small.count).toBeLessThan(10);
    expect(large.count).toBeLessThan(20);
    // Each matches the single-customer answer.
    const one = await app.gql(PREDICTION, { id: nodes[7].id }, { key: store.secretKey });
    expect(one.data?.customer.prediction.probabilityAlive).toBeCloseTo(nodes[7].prediction.probabilityAlive, 12);
  });

  it('predicts a customer on demand, for any horizon', async () => {
    const id = await customerId(store.id, 'c4');
    const response = await app.gql(PREDICTION, { id }, { key: store.secretKey });
    const prediction = response.data?.customer.prediction;
    // c4: 5 purchase days 11 days apart from day 12; spend 1548, 1598, 1648, 1698, 1748 cents.
    expect(prediction).toMatchObject({ repeatPurchases: 4, horizonDays: 90, discountRate: 0.1 });
    expect(prediction.recencyWeeks).toBeCloseTo(44 / 7, 10);
    expect(prediction.averageSpend).toBeCloseTo((1598 + 1648 + 1698 + 1748) / 4, 10);
    expect(prediction.probabilityAlive).toBeGreaterThan(0);
    expect(prediction.probabilityAlive).toBeLessThanOrEqual(1);
    expect(['LOW', 'MEDIUM', 'HIGH', 'LOST']).toContain(prediction.churnRisk);
    const longer = await app.gql(PREDICTION, { id, h: 730, d: 0 }, { key: store.secretKey });
    expect(longer.data?.customer.prediction.expectedPurchases).toBeGreaterThan(prediction.expectedPurchases);
    expect(longer.data?.customer.prediction.predictedClv).toBeCloseTo(
      longer.data?.customer.prediction.expectedPurchases * longer.data?.customer.prediction.expectedAverageSpend,
      6,
    );
    // A customer without purchases has no prediction.
    const stranger = await app.db.prisma.customer.create({ data: { storeId: store.id } });
    const none = await app.gql(PREDICTION, { id: stranger.id }, { key: store.secretKey });
    expect(none.data?.customer.prediction).toBeNull();
  });

  it.each([
    [{ h: 0 }, 'horizonDays'],
    [{ h: 3651 }, 'horizonDays'],
    [{ d: -0.1 }, 'discountRate'],
    [{ d: 1.5 }, 'discountRate'],
  ])('refuses %o', async (args, field) => {
    const response = await app.gql(
      PREDICTION,
      { id: await customerId(store.id, 'c4'), ...args },
      { key: store.secretKey },
    );
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ field }] });
  });

  it('is admin-only', async () => {
    const response = await app.gql(MODEL, {}, { key: store.publishableKey });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a refit with an earlier calibration end drops customers without purchases then', async () => {
    const end = new Date(base.getTime() + 40 * DAY);
    const response = await app.gql(FIT, { end: end.toISOString() }, { key: store.secretKey });
    const fit = response.data?.fitCustomerModels;
    // Customers 0–13 had bought by day 40; of them, those with a repeat purchase before day 40 are few.
    expect(fit.customers).toBe(14);
    expect(fit.spendModel).toBeNull();
    expect(fit.p).toBeNull();
    expect(fit.warnings.join(' ')).toMatch(/spend model \(Gamma-Gamma\) was not fitted/);
    const stored = await app.db.prisma.customerPrediction.findMany({ where: { storeId: store.id } });
    expect(stored).toHaveLength(14);
    expect(stored.every((row) => row.fitId === fit.id && row.predictedClv12 === null)).toBe(true);
    expect(stored.map((row) => row.customerId)).not.toContain(await customerId(store.id, 'c20'));
    const model = await app.gql(MODEL, {}, { key: store.secretKey });
    expect(model.data?.customerModel.id).toBe(fit.id);
    expect(
      await app.db.prisma.outboxEvent.count({ where: { storeId: store.id, type: 'analytics.models.fitted' } }),
    ).toBe(2);
  });

  it('concurrent fits leave the predictions of one of them', async () => {
    const [one, two] = await Promise.all([
      fitCustomerModels(app.db.prisma, store.id),
      fitCustomerModels(app.db.prisma, store.id),
    ]);
    const stored = await app.db.prisma.customerPrediction.findMany({ where: { storeId: store.id } });
    expect(stored).toHaveLength(30);
    const fits = new Set(stored.map((row) => row.fitId));
    expect(fits.size).toBe(1);
    expect([one.id, two.id]).toContain([...fits][0]);
  });
});
