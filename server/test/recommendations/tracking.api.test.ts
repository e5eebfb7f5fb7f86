import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cancelOrder, type OrderInput, recordOrders } from '../../src/modules/orders/orders.service.ts';
import { upsertProducts } from '../../src/modules/products/products.service.ts';
import { rebuildRecommendations } from '../../src/modules/recommendations/build.service.ts';
import { newListId } from '../../src/modules/recommendations/list-id.ts';
import { updateRecommendationSettings } from '../../src/modules/recommendations/settings.service.ts';
import {
  attributeOrders,
  recommendationPerformance,
  trackRecommendationEvent,
} from '../../src/modules/recommendations/tracking.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * Tracking of served lists, attribution of orders to clicks, the performance view and the customer
 * data they leave: through the API (yoga.fetch) on a real database.
 */

let app: TestApp;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SKUS = ['MUG', 'CUP', 'POT', 'TEA', 'JAR'];

const TRACK = `mutation($input: TrackRecommendationEventInput!) { trackRecommendationEvent(input: $input) {
  __typename
  ... on TrackRecommendationEventPayload { recorded duplicates }
  ... on InvalidInputError { field message } } }`;

const PERFORMANCE = `query($range: DateRangeInput!) { recommendationPerformance(range: $range) {
  from to impressions clicks clickThroughRate attributedOrders currency attributedRevenue
  revenueByCurrency { currency attributedOrders attributedRevenue }
  byStrategy { strategy impressions clicks clickThroughRate attributedOrders currency attributedRevenue
    revenueByCurrency { currency attributedOrders attributedRevenue } } } }`;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

/** A store with the five products and customers known by their web ids (each with one old order). */
async function shop(name: string, shoppers: string[] = []) {
  const store = await app.createStore(name);
  await upsertProducts(
    app.db.prisma,
    store.id,
    SKUS.map((sku, index) => ({ sku, name: sku.toLowerCase(), price: 1000 + index, currency: 'EUR' })),
  );
  const customers: Record<string, string> = {};
  for (const shopper of shoppers) {
    await recordOrders(app.db.prisma, store.id, [
      {
        externalId: `first-${shopper}`,
        channel: 'ONLINE',
        placedAt: new Date(Date.now() - 100 * DAY),
        customer: { identities: [{ source: 'web', externalId: shopper }] },
        lines: [{ sku: 'JAR', name: 'Jar', quantity: 1, unitPrice: 500 }],
      },
    ]);
    const identity = await app.db.prisma.customerIdentity.findFirstOrThrow({
      where: { storeId: store.id, source: 'web', externalId: shopper },
    });
    customers[shopper] = identity.customerId;
  }
  await app.events.drain();
  return { store, customers };
}

async function track(
  store: CreatedStore,
  input: Record<string, unknown>,
  options: { shopper?: string; key?: string } = {},
) {
  const customerToken = options.shopper ? await app.customerToken(store.secretKey, options.shopper) : undefined;
  const response = await app.gql(TRACK, { input }, { key: options.key ?? store.publishableKey, customerToken });
  expect(response.errors).toBeUndefined();
  return response.data!.trackRecommendationEvent;
}

function order(
  externalId: string,
  shopper: string | null,
  placedAt: Date,
  lines: OrderInput['lines'],
  extra: Partial<OrderInput> = {},
): OrderInput {
  return {
    externalId,
    channel: 'ONLINE',
    placedAt,
    ...(shopper ? { customer: { identities: [{ source: 'web', externalId: shopper }] } } : {}),
    lines,
    ...extra,
  };
}

async function attributions(storeId: string) {
  const rows = await app.db.prisma.recommendationAttribution.findMany({
    where: { storeId },
    include: { order: { select: { externalId: true } } },
  });
  return rows
    .map((row) => ({
      order: row.order.externalId,
      sku: row.sku,
      listId: row.listId,
      strategy: row.strategy,
      revenue: Number(row.revenue),
      currency: row.currency,
    }))
    .sort((a, b) => (a.order + a.sku < b.order + b.sku ? -1 : 1));
}

describe('trackRecommendationEvent', () => {
  test('records impressions and clicks once per list, kind and sku', async () => {
    const { store, customers } = await shop('Tracking', ['pia']);
    const listId = newListId('ALSO_BOUGHT');
    expect(await track(store, { listId, kind: 'IMPRESSION', skus: ['MUG', 'CUP', 'POT'], position: 1 })).toEqual({
      __typename: 'TrackRecommendationEventPayload',
      recorded: 3,
      duplicates: 0,
    });
    // A re-render reports part of the list again.
    expect(await track(store, { listId, kind: 'IMPRESSION', skus: ['CUP', 'POT', 'TEA'], position: 2 })).toMatchObject({
      recorded: 1,
      duplicates: 2,
    });
    expect(await track(store, { listId, kind: 'CLICK', skus: ['CUP'], position: 2 }, { shopper: 'pia' })).toMatchObject(
      { recorded: 1, duplicates: 0 },
    );
    expect(await track(store, { listId, kind: 'CLICK', skus: ['CUP'], position: 2 }, { shopper: 'pia' })).toMatchObject(
      { recorded: 0, duplicates: 1 },
    );
    // The secret key may report too (a server-side integration).
    const other = newListId('PERSONAL');
    expect(
      await track(store, { listId: other, kind: 'IMPRESSION', skus: ['JAR', 'JAR'] }, { key: store.secretKey }),
    ).toMatchObject({ recorded: 1, duplicates: 1 });

    const key = (event: { listId: string; kind: string; sku: string }) => `${event.listId}/${event.kind}/${event.sku}`;
    const events = await app.db.prisma.recommendationEvent.findMany({
      where: { storeId: store.id },
      select: { listId: true, strategy: true, kind: true, sku: true, position: true, customerId: true },
    });
    expect(events.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [
        { listId, strategy: 'ALSO_BOUGHT', kind: 'IMPRESSION', sku: 'MUG', position: 1, customerId: null },
        { listId, strategy: 'ALSO_BOUGHT', kind: 'IMPRESSION', sku: 'CUP', position: 2, customerId: null },
        { listId, strategy: 'ALSO_BOUGHT', kind: 'IMPRESSION', sku: 'POT', position: 3, customerId: null },
        { listId, strategy: 'ALSO_BOUGHT', kind: 'IMPRESSION', sku: 'TEA', position: 4, customerId: null },
        { listId, strategy: 'ALSO_BOUGHT', kind: 'CLICK', sku: 'CUP', position: 2, customerId: customers.pia },
        { listId: other, strategy: 'PERSONAL', kind: 'IMPRESSION', sku: 'JAR', position: null, customerId: null },
      ].sort((a, b) => key(a).localeCompare(key(b))),
    );
  });

  test('a shopper the store does not know yet is recorded without a customer', async () => {
    const { store } = await shop('Unknown shopper');
    const listId = newListId('POPULAR');
    expect(await track(store, { listId, kind: 'CLICK', skus: ['TEA'] }, { shopper: 'new-person' })).toMatchObject({
      recorded: 1,
    });
    const event = await app.db.prisma.recommendationEvent.findFirstOrThrow({ where: { storeId: store.id } });
    expect(event.customerId).toBeNull();
  });

  test('bad input names the field and the rule and records nothing', async () => {
    const { store } = await shop('Validation');
    const listId = newListId('TRENDING');
    const expired = `rec_trending_${(Date.now() - 31 * DAY).toString(16).padStart(12, '0')}7abc8def0123456789ab`;
    const future = `rec_trending_${(Date.now() + HOUR).toString(16).padStart(12, '0')}7abc8def0123456789ab`;
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ listId: 'nonsense', kind: 'CLICK', skus: ['MUG'] }, 'input.listId', /served in the last 30 days/],
      [{ listId: expired, kind: 'CLICK', skus: ['MUG'] }, 'input.listId', /served in the last 30 days/],
      [{ listId: future, kind: 'IMPRESSION', skus: ['MUG'] }, 'input.listId', /served in the last 30 days/],
      [{ listId: 'rec_cheapest_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b', kind: 'CLICK', skus: ['MUG'] }, 'input.listId', /30/],
      [{ listId, kind: 'IMPRESSION', skus: [] }, 'input.skus', /at least one sku/],
      [{ listId, kind: 'IMPRESSION', skus: Array(51).fill('MUG') }, 'input.skus', /at most 50/],
      [{ listId, kind: 'IMPRESSION', skus: ['MUG', '  '] }, 'input.skus.1', /must not be empty/],
      [{ listId, kind: 'IMPRESSION', skus: ['MUG', 'NOPE'] }, 'input.skus.1', /not a product of this store/],
      [{ listId, kind: 'CLICK', skus: ['MUG', 'CUP'] }, 'input.skus', /exactly one sku/],
      [{ listId, kind: 'CLICK', skus: ['MUG'], position: 0 }, 'input.position', /at least 1/],
      [{ listId, kind: 'CLICK', skus: ['MUG'], position: 51 }, 'input.position', /at most 50/],
      [{ listId, kind: 'IMPRESSION', skus: ['MUG', 'CUP'], position: 50 }, 'input.position', /beyond position 50/],
    ];
    for (const [input, field, rule] of cases) {
      const result = await track(store, input);
      expect(result, JSON.stringify(input)).toMatchObject({ __typename: 'InvalidInputError', field });
      expect(result.message).toMatch(rule);
    }
    expect(await app.db.prisma.recommendationEvent.count({ where: { storeId: store.id } })).toBe(0);

    const anonymous = await app.gql(TRACK, { input: { listId, kind: 'CLICK', skus: ['MUG'] } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const badKind = await app.gql(
      TRACK,
      { input: { listId, kind: 'VIEW', skus: ['MUG'] } },
      { key: store.publishableKey },
    );
    expect(badKind.errors?.length).toBeGreaterThan(0);
    expect(await app.db.prisma.recommendationEvent.count({ where: { storeId: store.id } })).toBe(0);
  });

  test('takes a fixed number of statements whatever the number of skus', async () => {
    const { store, customers } = await shop('Statements', ['pia']);
    const token = await app.customerToken(store.secretKey, 'pia');
    const report = (skus: string[]) =>
      app.countQueries(() =>
        app.gql(
          TRACK,
          { input: { listId: newListId('PERSONAL'), kind: 'IMPRESSION', skus } },
          { key: store.publishableKey, customerToken: token },
        ),
      );
    // The first request of a key also looks the key up and stamps lastUsedAt.
    await report(['MUG']);
    const one = await report(['CUP']);
    const five = await report(SKUS);
    expect(five.result.data?.trackRecommendationEvent.recorded).toBe(5);
    expect(five.count).toBe(one.count);
    // The service itself: the skus, then one insert.
    const service = await app.countQueries(() =>
      trackRecommendationEvent(
        app.db.prisma,
        store.id,
        { listId: newListId('PERSONAL'), kind: 'IMPRESSION', skus: SKUS },
        { customerId: customers.pia },
      ),
    );
    expect(service.count).toBe(2);
  });
});

describe('attribution', () => {
  test('credits the latest click within the attribution window, once, to the clicking customer only', async () => {
    const { store, customers } = await shop('Attribution', ['pia', 'ole']);
    const prisma = app.db.prisma;
    const alsoBought = newListId('ALSO_BOUGHT');
    const personal = newListId('PERSONAL');
    const clickedAt = Date.now();
    await track(store, { listId: alsoBought, kind: 'CLICK', skus: ['MUG'], position: 1 }, { shopper: 'pia' });
    await track(store, { listId: personal, kind: 'CLICK', skus: ['CUP'], position: 3 }, { shopper: 'pia' });
    // An impression is not a click.
    await track(store, { listId: personal, kind: 'IMPRESSION', skus: ['POT'] }, { shopper: 'pia' });
    // TEA clicked in two lists: the later click gets the credit.
    const earlier = newListId('TRENDING');
    const later = newListId('POPULAR');
    await track(store, { listId: earlier, kind: 'CLICK', skus: ['TEA'] }, { shopper: 'pia' });
    await track(store, { listId: later, kind: 'CLICK', skus: ['TEA'] }, { shopper: 'pia' });
    await prisma.recommendationEvent.updateMany({
      where: { storeId: store.id, listId: earlier },
      data: { createdAt: new Date(clickedAt - HOUR) },
    });

    await recordOrders(prisma, store.id, [
      // Two MUG lines (totals summed, line discount off), an unclicked POT and postage.
      order('in-window', 'pia', new Date(clickedAt + DAY), [
        { sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 1000, discount: 100 },
        { sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 500 },
        { sku: 'POT', name: 'Pot', quantity: 1, unitPrice: 3000 },
        { sku: 'TEA', name: 'Tea', quantity: 1, unitPrice: 700 },
        { name: 'Postage', quantity: 1, unitPrice: 495, kind: 'SHIPPING' },
      ]),
      order('after-window', 'pia', new Date(clickedAt + 8 * DAY), [
        { sku: 'CUP', name: 'Cup', quantity: 1, unitPrice: 800 },
      ]),
      order('before-click', 'pia', new Date(clickedAt - HOUR), [
        { sku: 'CUP', name: 'Cup', quantity: 1, unitPrice: 800 },
      ]),
      order('other-customer', 'ole', new Date(clickedAt + DAY), [
        { sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1000 },
      ]),
      order('guest', null, new Date(clickedAt + DAY), [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1000 }]),
    ]);
    await recordOrders(prisma, store.id, [
      order(
        'return',
        'pia',
        new Date(clickedAt + 2 * DAY),
        [{ sku: 'MUG', name: 'Mug', quantity: -1, unitPrice: 500 }],
        {
          returnOfExternalId: 'in-window',
        },
      ),
    ]);
    await app.events.drain();

    expect(await attributions(store.id)).toEqual([
      { order: 'in-window', sku: 'MUG', listId: alsoBought, strategy: 'ALSO_BOUGHT', revenue: 2400, currency: 'EUR' },
      { order: 'in-window', sku: 'TEA', listId: later, strategy: 'POPULAR', revenue: 700, currency: 'EUR' },
    ]);
    const credited = await prisma.recommendationAttribution.findFirstOrThrow({
      where: { storeId: store.id, sku: 'MUG' },
      include: { event: true },
    });
    expect(credited.event).toMatchObject({ kind: 'CLICK', customerId: customers.pia });

    // Replays (the same events again, the same orders recorded again) change nothing.
    const orderIds = (await prisma.order.findMany({ where: { storeId: store.id }, select: { id: true } })).map(
      (row) => row.id,
    );
    expect(await attributeOrders(prisma, store.id, orderIds)).toBe(0);
    await recordOrders(prisma, store.id, [
      order('in-window', 'pia', new Date(clickedAt + DAY), [{ sku: 'MUG', name: 'Mug', quantity: 9, unitPrice: 1 }]),
    ]);
    await app.events.drain();
    expect(await attributions(store.id)).toHaveLength(2);

    // A longer window reaches the order 8 days after the click (for orders recorded from then on).
    await updateRecommendationSettings(prisma, store.id, { attributionDays: 10 });
    await recordOrders(prisma, store.id, [
      order('nine-days-later', 'pia', new Date(clickedAt + 9 * DAY), [
        { sku: 'CUP', name: 'Cup', quantity: 1, unitPrice: 800 },
      ]),
      order('eleven-days-later', 'pia', new Date(clickedAt + 11 * DAY), [
        { sku: 'CUP', name: 'Cup', quantity: 1, unitPrice: 800 },
      ]),
    ]);
    await app.events.drain();
    expect((await attributions(store.id)).map((row) => `${row.order}/${row.sku}/${row.strategy}`)).toEqual([
      'in-window/MUG/ALSO_BOUGHT',
      'in-window/TEA/POPULAR',
      'nine-days-later/CUP/PERSONAL',
    ]);

    // A cancelled order loses its credits.
    await cancelOrder(prisma, store.id, 'nine-days-later');
    await app.events.drain();
    expect((await attributions(store.id)).map((row) => row.order)).toEqual(['in-window', 'in-window']);
  });

  test('a list served by the API is tracked and credited end to end', async () => {
    const { store, customers } = await shop('Served lists', ['pia', 'b1', 'b2', 'b3']);
    const prisma = app.db.prisma;
    // Three customers bought MUG with CUP and TEA: the model has neighbours for MUG.
    await recordOrders(
      prisma,
      store.id,
      ['b1', 'b2', 'b3'].map((shopper) =>
        order(`basket-${shopper}`, shopper, new Date(Date.now() - 10 * DAY), [
          { sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1000 },
          { sku: 'CUP', name: 'Cup', quantity: 1, unitPrice: 800 },
          { sku: 'TEA', name: 'Tea', quantity: 1, unitPrice: 700 },
        ]),
      ),
    );
    await app.events.drain();
    await rebuildRecommendations(prisma, store.id, { full: true });
    const served = await app.gql(
      '{ product(sku: "MUG") { recommendations(first: 4) { id strategy items { position product { sku } } } } }',
      {},
      { key: store.publishableKey },
    );
    expect(served.errors).toBeUndefined();
    const list = served.data!.product.recommendations;
    const skus = list.items.map((item: { product: { sku: string } }) => item.product.sku);
    expect(skus.length).toBeGreaterThan(0);
    expect(await track(store, { listId: list.id, kind: 'IMPRESSION', skus, position: 1 })).toMatchObject({
      recorded: skus.length,
    });
    const clicked = list.items[0];
    expect(
      await track(
        store,
        { listId: list.id, kind: 'CLICK', skus: [clicked.product.sku], position: clicked.position },
        { shopper: 'pia' },
      ),
    ).toMatchObject({ recorded: 1 });
    await recordOrders(prisma, store.id, [
      order('after-recommendation', 'pia', new Date(Date.now() + HOUR), [
        { sku: clicked.product.sku, name: 'Clicked', quantity: 1, unitPrice: 1234 },
      ]),
    ]);
    await app.events.drain();
    const credited = await prisma.recommendationAttribution.findFirstOrThrow({ where: { storeId: store.id } });
    expect(credited).toMatchObject({
      listId: list.id,
      strategy: list.strategy,
      sku: clicked.product.sku,
      revenue: 1234n,
    });
    const event = await prisma.recommendationEvent.findUniqueOrThrow({ where: { id: credited.eventId } });
    expect(event).toMatchObject({ kind: 'CLICK', customerId: customers.pia, position: clicked.position });
  });
});

describe('recommendationPerformance', () => {
  test('impressions, clicks, click-through rate and attributed orders, store-wide and per strategy', async () => {
    const { store } = await shop('Performance', ['pia', 'ole']);
    const prisma = app.db.prisma;
    const start = new Date();
    const popular = newListId('POPULAR');
    const personal = newListId('PERSONAL');
    const together = newListId('BOUGHT_TOGETHER');
    await track(store, { listId: popular, kind: 'IMPRESSION', skus: ['MUG', 'CUP', 'POT', 'TEA'], position: 1 });
    await track(store, { listId: popular, kind: 'CLICK', skus: ['MUG'], position: 1 }, { shopper: 'pia' });
    await track(store, { listId: personal, kind: 'IMPRESSION', skus: ['CUP', 'POT'], position: 1 });
    await track(store, { listId: personal, kind: 'CLICK', skus: ['POT'], position: 2 }, { shopper: 'ole' });
    await track(store, { listId: personal, kind: 'CLICK', skus: ['CUP'], position: 1 }, { shopper: 'pia' });
    // Clicked without a reported impression (the storefront only reports clicks for this list).
    await track(store, { listId: together, kind: 'CLICK', skus: ['TEA'] }, { shopper: 'pia' });
    const soon = new Date(Date.now() + HOUR);
    await recordOrders(prisma, store.id, [
      // Pia's order holds products clicked in two strategies' lists: one order, counted once store-wide.
      order('pia-1', 'pia', soon, [
        { sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1000 },
        { sku: 'CUP', name: 'Cup', quantity: 2, unitPrice: 800 },
      ]),
      order('ole-1', 'ole', soon, [{ sku: 'POT', name: 'Pot', quantity: 1, unitPrice: 3000 }]),
      order('pia-usd', 'pia', soon, [{ sku: 'TEA', name: 'Tea', quantity: 1, unitPrice: 900 }], { currency: 'USD' }),
      // Placed after the range: not in the figures.
      order('pia-late', 'pia', new Date(Date.now() + 3 * DAY), [
        { sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1000 },
      ]),
    ]);
    await app.events.drain();
    expect(await prisma.recommendationAttribution.count({ where: { storeId: store.id } })).toBe(5);

    const range = {
      from: new Date(start.getTime() - HOUR).toISOString(),
      to: new Date(Date.now() + DAY).toISOString(),
    };
    const response = await app.gql(PERFORMANCE, { range }, { key: store.secretKey });
    expect(response.errors).toBeUndefined();
    const eur = (orders: number, revenue: number) => ({
      currency: 'EUR',
      attributedOrders: orders,
      attributedRevenue: revenue,
    });
    expect(response.data!.recommendationPerformance).toEqual({
      from: range.from,
      to: range.to,
      impressions: 6,
      clicks: 4,
      clickThroughRate: (100 * 4) / 6,
      attributedOrders: 3,
      currency: 'EUR',
      attributedRevenue: 5600,
      revenueByCurrency: [eur(2, 5600), { currency: 'USD', attributedOrders: 1, attributedRevenue: 900 }],
      byStrategy: [
        {
          strategy: 'BOUGHT_TOGETHER',
          impressions: 0,
          clicks: 1,
          clickThroughRate: null,
          attributedOrders: 1,
          currency: 'EUR',
          attributedRevenue: 0,
          revenueByCurrency: [{ currency: 'USD', attributedOrders: 1, attributedRevenue: 900 }],
        },
        {
          strategy: 'PERSONAL',
          impressions: 2,
          clicks: 2,
          clickThroughRate: 100,
          attributedOrders: 2,
          currency: 'EUR',
          attributedRevenue: 4600,
          revenueByCurrency: [eur(2, 4600)],
        },
        {
          strategy: 'POPULAR',
          impressions: 4,
          clicks: 1,
          clickThroughRate: 25,
          attributedOrders: 1,
          currency: 'EUR',
          attributedRevenue: 1000,
          revenueByCurrency: [eur(1, 1000)],
        },
      ],
    });

    // A range before everything: zeros, not errors.
    const before = await app.gql(
      PERFORMANCE,
      { range: { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' } },
      { key: store.secretKey },
    );
    expect(before.data!.recommendationPerformance).toMatchObject({
      impressions: 0,
      clicks: 0,
      clickThroughRate: null,
      attributedOrders: 0,
      attributedRevenue: 0,
      revenueByCurrency: [],
      byStrategy: [],
    });

    // Two statements for the figures, however many events and orders.
    const { count } = await app.countQueries(() =>
      recommendationPerformance(prisma, store.id, { from: new Date(range.from), to: new Date(range.to) }),
    );
    expect(count).toBe(2);
  });

  test('admin only, with a valid range', async () => {
    const { store } = await shop('Performance access');
    const range = { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' };
    const reversed = await app.gql(PERFORMANCE, { range }, { key: store.secretKey });
    expect(reversed.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', issues: [{ field: 'range.to' }] },
    });
    const storefront = await app.gql(
      PERFORMANCE,
      { range: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } },
      { key: store.publishableKey },
    );
    expect(storefront.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('customer data', () => {
  test('export contains the events and credits, a merge moves them, erasure deletes them', async () => {
    const { store, customers } = await shop('Customer data', ['pia', 'old-pia', 'ole']);
    const prisma = app.db.prisma;
    const listId = newListId('PERSONAL');
    await track(store, { listId, kind: 'IMPRESSION', skus: ['MUG', 'CUP'] }, { shopper: 'pia' });
    await track(store, { listId, kind: 'CLICK', skus: ['MUG'], position: 1 }, { shopper: 'pia' });
    await track(store, { listId, kind: 'CLICK', skus: ['CUP'], position: 2 }, { shopper: 'old-pia' });
    await track(store, { listId: newListId('POPULAR'), kind: 'CLICK', skus: ['POT'] }, { shopper: 'ole' });
    await recordOrders(prisma, store.id, [
      order('pia-1', 'pia', new Date(Date.now() + HOUR), [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1000 }]),
      order('ole-1', 'ole', new Date(Date.now() + HOUR), [{ sku: 'POT', name: 'Pot', quantity: 1, unitPrice: 3000 }]),
    ]);
    await app.events.drain();

    const exported = await app.gql(
      'mutation($id: ID!) { exportCustomerData(id: $id) { ... on CustomerDataExport { data } } }',
      { id: customers.pia },
      { key: store.secretKey },
    );
    expect(exported.errors).toBeUndefined();
    const section = exported.data!.exportCustomerData.data.recommendations;
    expect(section.events.map((event: any) => `${event.kind}/${event.sku}`).sort()).toEqual([
      'CLICK/MUG',
      'IMPRESSION/CUP',
      'IMPRESSION/MUG',
    ]);
    expect(section.events[0]).toMatchObject({ listId, strategy: 'PERSONAL', createdAt: expect.any(String) });
    expect(section.attributions).toEqual([
      expect.objectContaining({ sku: 'MUG', listId, strategy: 'PERSONAL', revenue: 1000, currency: 'EUR' }),
    ]);

    const merged = await app.gql(
      'mutation($keep: ID!, $merge: ID!) { mergeCustomers(keepId: $keep, mergeId: $merge) { __typename } }',
      { keep: customers.pia, merge: customers['old-pia'] },
      { key: store.secretKey },
    );
    expect(merged.data?.mergeCustomers.__typename).toBe('Customer');
    expect(await prisma.recommendationEvent.count({ where: { storeId: store.id, customerId: customers.pia } })).toBe(4);
    const merge = await prisma.customerMerge.findFirstOrThrow({ where: { storeId: store.id } });
    expect(merge.moved).toMatchObject({ 'recommendations.events': 1 });

    const erased = await app.gql(
      'mutation($id: ID!) { eraseCustomer(id: $id) { ... on CustomerErasure { summary } } }',
      { id: customers.pia },
      { key: store.secretKey },
    );
    expect(erased.data!.eraseCustomer.summary).toMatchObject({
      'recommendations.events': 4,
      'recommendations.attributions': 1,
    });
    expect(await prisma.recommendationEvent.count({ where: { storeId: store.id, listId } })).toBe(0);
    // Ole's click and credit stay.
    expect(await prisma.recommendationEvent.count({ where: { storeId: store.id, customerId: customers.ole } })).toBe(1);
    expect(await attributions(store.id)).toEqual([expect.objectContaining({ order: 'ole-1', sku: 'POT' })]);
  });
});
