import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidInputError } from '../src/errors.ts';
import { type OrderInput, recomputeCustomerAggregates, recordOrders } from '../src/modules/orders/orders.service.ts';
import type { CreatedStore } from '../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from './harness.ts';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

let counter = 0;
function order(overrides: Partial<OrderInput> = {}): OrderInput {
  counter++;
  return {
    externalId: `ORD-${counter}`,
    channel: 'STORE',
    placedAt: new Date(Date.UTC(2026, 0, 1, 10) + counter * 60_000),
    lines: [{ sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 1_250 }],
    ...overrides,
  };
}

/** Same orders, JSON-ready for GraphQL variables. */
const gqlOrder = (input: OrderInput) => ({ ...input, placedAt: input.placedAt.toISOString() });

const ORDER_FIELDS = `id externalId kind channel location placedAt timeZone currency status subtotal discountTotal
  orderDiscount total returnedTotal netTotal itemCount source cancelledAt cancelReason createdAt
  customer { id email } returnOf { id } returns { id }
  lines { lineNumber kind sku name quantity unitPrice discount total product { sku } }`;

const RECORD_ORDER = `mutation($input: OrderInput!) {
  recordOrder(input: $input) {
    __typename
    ... on RecordOrderPayload { created order { ${ORDER_FIELDS} } }
    ... on InvalidInputError { field message }
  }
}`;

const RECORD_ORDERS = `mutation($input: [OrderInput!]!) {
  recordOrders(input: $input) {
    __typename
    ... on RecordOrdersPayload { createdCount replayedCount results { created order { id externalId } } }
    ... on InvalidInputError { field message }
  }
}`;

async function counts(storeId: string) {
  const prisma = app.db.prisma;
  const [orders, lines, customers, events] = await Promise.all([
    prisma.order.count({ where: { storeId } }),
    prisma.orderLine.count({ where: { storeId } }),
    prisma.customer.count({ where: { storeId } }),
    // Only what an order write emits itself: subscribers (loyalty points, live updates) add their own.
    prisma.outboxEvent.count({
      where: { storeId, OR: [{ type: { startsWith: 'order.' } }, { type: { startsWith: 'customer.' } }] },
    }),
  ]);
  return { orders, lines, customers, events };
}

async function eventsOf(storeId: string, type?: string) {
  return app.db.prisma.outboxEvent.findMany({ where: { storeId, type }, orderBy: { id: 'asc' } });
}

/** The maintained aggregates must equal what recomputing from the orders gives. */
async function expectAggregatesConsistent(storeId: string) {
  const prisma = app.db.prisma;
  const select = { id: true, orderCount: true, totalSpent: true, firstOrderAt: true, lastOrderAt: true } as const;
  const maintained = await prisma.customer.findMany({ where: { storeId }, select, orderBy: { id: 'asc' } });
  await recomputeCustomerAggregates(
    prisma,
    storeId,
    maintained.map((customer) => customer.id),
  );
  const recomputed = await prisma.customer.findMany({ where: { storeId }, select, orderBy: { id: 'asc' } });
  expect(maintained).toEqual(recomputed);
  return maintained;
}

describe('recordOrder', () => {
  let shop: CreatedStore;
  beforeAll(async () => {
    shop = await app.createStore();
    await app.db.prisma.product.create({ data: { storeId: shop.id, sku: 'MUG', name: 'Mug' } });
  });

  test('records an order with its lines, totals and customer, and a replay changes nothing', async () => {
    const input = gqlOrder(
      order({
        externalId: 'POS-1001',
        customer: {
          email: ' Aino@Example.FI ',
          firstName: 'Aino',
          identities: [{ source: 'pos', externalId: 'CARD-1' }],
        },
        location: 'Helsinki-1',
        timeZone: 'Europe/Helsinki',
        status: 'PAID',
        lines: [
          { sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 1_250, discount: 250 },
          { sku: 'TEA-9', name: 'Tea', quantity: 1, unitPrice: 600 },
          { name: 'Postage', quantity: 1, unitPrice: 490, kind: 'SHIPPING' },
        ],
        orderDiscount: 100,
      }),
    );
    const first = await app.gql(RECORD_ORDER, { input }, { key: shop.secretKey });
    expect(first.errors).toBeUndefined();
    const recorded = first.data?.recordOrder;
    expect(recorded.created).toBe(true);
    expect(recorded.order).toMatchObject({
      externalId: 'POS-1001',
      kind: 'SALE',
      channel: 'STORE',
      location: 'Helsinki-1',
      timeZone: 'Europe/Helsinki',
      currency: 'EUR',
      status: 'PAID',
      subtotal: 3_590,
      discountTotal: 350,
      orderDiscount: 100,
      total: 3_240,
      returnedTotal: 0,
      netTotal: 3_240,
      itemCount: 3,
      source: 'api',
      cancelledAt: null,
      customer: { email: 'aino@example.fi' },
      returnOf: null,
      returns: [],
    });
    expect(recorded.order.lines).toEqual([
      {
        lineNumber: 1,
        kind: 'PRODUCT',
        sku: 'MUG',
        name: 'Mug',
        quantity: 2,
        unitPrice: 1_250,
        discount: 250,
        total: 2_250,
        product: { sku: 'MUG' },
      },
      {
        lineNumber: 2,
        kind: 'PRODUCT',
        sku: 'TEA-9',
        name: 'Tea',
        quantity: 1,
        unitPrice: 600,
        discount: 0,
        total: 600,
        product: null,
      },
      {
        lineNumber: 3,
        kind: 'SHIPPING',
        sku: null,
        name: 'Postage',
        quantity: 1,
        unitPrice: 490,
        discount: 0,
        total: 490,
        product: null,
      },
    ]);
    const before = await counts(shop.id);

    // The same external id again, even with other content: the existing order, unchanged, no event.
    const replay = await app.gql(
      RECORD_ORDER,
      { input: { ...input, orderDiscount: 0, lines: [{ name: 'Other', quantity: 9, unitPrice: 1 }] } },
      { key: shop.secretKey },
    );
    expect(replay.data?.recordOrder.created).toBe(false);
    expect(replay.data?.recordOrder.order).toEqual(recorded.order);
    expect(await counts(shop.id)).toEqual(before);

    const recordedEvents = await eventsOf(shop.id, 'order.recorded');
    expect(recordedEvents.map((event) => event.payload)).toEqual([
      {
        orderId: recorded.order.id,
        externalId: 'POS-1001',
        customerId: recorded.order.customer.id,
        kind: 'SALE',
        returnOfId: null,
        channel: 'STORE',
        currency: 'EUR',
        total: 3_240,
        placedAt: input.placedAt,
      },
    ]);
    const customer = await app.db.prisma.customer.findUniqueOrThrow({ where: { id: recorded.order.customer.id } });
    expect(customer).toMatchObject({
      orderCount: 1,
      totalSpent: 3_240n,
      firstOrderAt: new Date(input.placedAt),
      lastOrderAt: new Date(input.placedAt),
    });
  });

  test('a guest order is kept without a customer and touches no customer', async () => {
    const before = await counts(shop.id);
    const response = await app.gql(
      RECORD_ORDER,
      { input: gqlOrder(order({ customer: null })) },
      { key: shop.secretKey },
    );
    expect(response.data?.recordOrder.order.customer).toBeNull();
    const after = await counts(shop.id);
    expect(after).toEqual({ ...before, orders: before.orders + 1, lines: before.lines + 1, events: before.events + 1 });
  });

  test.each([
    [{ lines: [{ name: 'Mug', quantity: 0, unitPrice: 100 }] }, 'input.lines.0.quantity', 'must not be zero'],
    [{ lines: [{ name: 'Mug', quantity: 1, unitPrice: -1 }] }, 'input.lines.0.unitPrice', 'must not be negative'],
    [
      { lines: [{ name: 'Mug', quantity: 2, unitPrice: 100, discount: 201 }] },
      'input.lines.0.discount',
      'must not exceed quantity × unitPrice',
    ],
    [{ lines: [] }, 'input.lines', 'must list at least one line'],
    [{ lines: [{ name: '  ', quantity: 1, unitPrice: 1 }] }, 'input.lines.0.name', 'must not be empty'],
    [{ currency: 'XYZ' }, 'input.currency', 'ISO 4217'],
    [{ externalId: '' }, 'input.externalId', 'must not be empty'],
    [{ externalId: 'x'.repeat(201) }, 'input.externalId', 'at most 200'],
    [{ orderDiscount: 10_000 }, 'input.orderDiscount', 'must not exceed'],
    [{ timeZone: 'Mars/Base' }, 'input.timeZone', 'IANA'],
    [{ customer: { email: 'not-an-email' } }, 'input.customer.email', ''],
    [{ returnOfExternalId: 'ORD-1' }, 'input.returnOfExternalId', 'only a return'],
  ])('bad input %j is refused naming %s, and writes nothing', async (overrides, field, rule) => {
    const before = await counts(shop.id);
    const response = await app.gql(
      RECORD_ORDER,
      { input: gqlOrder(order(overrides as Partial<OrderInput>)) },
      { key: shop.secretKey },
    );
    expect(response.data?.recordOrder.__typename).toBe('InvalidInputError');
    expect(response.data?.recordOrder.field).toBe(field);
    expect(response.data?.recordOrder.message).toContain(rule);
    expect(await counts(shop.id)).toEqual(before);
  });

  test('the service names the item and field of the first bad order, and writes nothing of the batch', async () => {
    const before = await counts(shop.id);
    const batch = [order(), order(), order(), order({ lines: [{ name: 'Mug', quantity: 1.5, unitPrice: 100 }] })];
    const error = await recordOrders(app.db.prisma, shop.id, batch).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toMatchObject({ field: 'orders.3.lines.0.quantity', rule: 'must be a whole number' });
    expect(await counts(shop.id)).toEqual(before);
  });

  test('a storefront key cannot record orders', async () => {
    const response = await app.gql(RECORD_ORDER, { input: gqlOrder(order()) }, { key: shop.publishableKey });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('recordOrders', () => {
  test('1,000 orders in one call; 1,001 are refused and nothing is written', async () => {
    const shop = await app.createStore();
    const batch = Array.from({ length: 1_000 }, (_, index) =>
      gqlOrder(order({ customer: index % 4 === 0 ? null : { email: `buyer${index % 50}@example.com` } })),
    );
    const response = await app.gql(RECORD_ORDERS, { input: batch }, { key: shop.secretKey });
    expect(response.errors).toBeUndefined();
    expect(response.data?.recordOrders).toMatchObject({ createdCount: 1_000, replayedCount: 0 });
    expect(response.data?.recordOrders.results.map((result: any) => result.order.externalId)).toEqual(
      batch.map((input) => input.externalId),
    );
    const after = await counts(shop.id);
    expect(after).toMatchObject({ orders: 1_000, lines: 1_000, customers: 50 });
    expect(await app.db.prisma.outboxEvent.count({ where: { storeId: shop.id, type: 'order.recorded' } })).toBe(1_000);
    const customers = await expectAggregatesConsistent(shop.id);
    expect(customers.reduce((sum, customer) => sum + customer.orderCount, 0)).toBe(750);

    const tooMany = await app.gql(
      RECORD_ORDERS,
      { input: [...batch.map((input) => ({ ...input, externalId: `NEW-${input.externalId}` })), gqlOrder(order())] },
      { key: shop.secretKey },
    );
    expect(tooMany.data?.recordOrders).toEqual({
      __typename: 'InvalidInputError',
      field: 'input',
      message: 'input: must list at most 1,000 orders per call',
    });
    expect(await counts(shop.id)).toEqual(after);
  });

  test('a replayed batch returns the same results and changes nothing; duplicates in a batch collapse to the first', async () => {
    const shop = await app.createStore();
    const first = order({ customer: { email: 'dup@example.com' } });
    const batch = [
      first,
      order({ customer: { email: 'dup@example.com' } }),
      { ...first, lines: [{ name: 'X', quantity: 5, unitPrice: 5 }] },
    ];
    const results = await recordOrders(app.db.prisma, shop.id, batch);
    expect(results.map((result) => result.created)).toEqual([true, true, false]);
    expect(results[2]!.orderId).toBe(results[0]!.orderId);
    expect(
      await app.db.prisma.orderLine.findMany({ where: { orderId: results[0]!.orderId }, select: { name: true } }),
    ).toEqual([{ name: 'Mug' }]);
    const before = await counts(shop.id);
    const replay = await recordOrders(app.db.prisma, shop.id, batch);
    expect(replay).toEqual(results.map((result) => ({ ...result, created: false })));
    expect(await counts(shop.id)).toEqual(before);
    const [customer] = await expectAggregatesConsistent(shop.id);
    expect(customer).toMatchObject({ orderCount: 2, totalSpent: 5_000n });
  });

  test('concurrent calls with overlapping external ids record each order once', async () => {
    const shop = await app.createStore();
    const orders = Array.from({ length: 60 }, (_, index) =>
      order({
        customer: { email: `c${index % 7}@example.com` },
        lines: [{ name: 'Mug', quantity: 1, unitPrice: 100 + index }],
      }),
    );
    const slices = [orders.slice(0, 40), orders.slice(20, 60), orders.slice(10, 50), [...orders].reverse()];
    const results = await Promise.all(slices.map((slice) => recordOrders(app.db.prisma, shop.id, slice)));
    const created = results.flat().filter((result) => result.created);
    expect(created.map((result) => result.externalId).sort()).toEqual(orders.map((input) => input.externalId).sort());
    // Every call agrees on the id of each order.
    const idByExternal = new Map(created.map((result) => [result.externalId, result.orderId]));
    for (const result of results.flat()) expect(result.orderId).toBe(idByExternal.get(result.externalId));
    expect(await counts(shop.id)).toMatchObject({ orders: 60, lines: 60, customers: 7 });
    expect(await app.db.prisma.outboxEvent.count({ where: { storeId: shop.id, type: 'order.recorded' } })).toBe(60);
    const customers = await expectAggregatesConsistent(shop.id);
    expect(customers.reduce((sum, customer) => sum + customer.orderCount, 0)).toBe(60);
    expect(customers.reduce((sum, customer) => sum + customer.totalSpent, 0n)).toBe(BigInt(60 * 100 + (59 * 60) / 2));
  });

  test('an order for an unknown store is refused', async () => {
    await expect(recordOrders(app.db.prisma, '00000000-0000-7000-8000-000000000000', [order()])).rejects.toThrow(
      'Store was not found',
    );
  });
});

describe('reading orders', () => {
  let shop: CreatedStore;
  let customerId: string;
  beforeAll(async () => {
    shop = await app.createStore();
    await app.db.prisma.product.createMany({
      data: ['A', 'B', 'C'].map((sku) => ({ storeId: shop.id, sku, name: `Product ${sku}` })),
    });
    const inputs = Array.from({ length: 25 }, (_, index) =>
      order({
        externalId: `R-${String(index).padStart(2, '0')}`,
        channel: index % 2 ? 'ONLINE' : 'STORE',
        placedAt: new Date(Date.UTC(2026, 1, 1) + index * 86_400_000),
        customer: index % 5 === 0 ? null : { email: `reader${index % 3}@example.com` },
        lines: ['A', 'B', 'C'].map((sku, line) => ({ sku, name: sku, quantity: line + 1, unitPrice: 100 })),
      }),
    );
    await recordOrders(app.db.prisma, shop.id, inputs);
    // Deliver earlier tests' events now, so background handlers do not add to the statement counts.
    await app.events.drain();
    customerId = (
      await app.db.prisma.customer.findFirstOrThrow({ where: { storeId: shop.id, email: 'reader1@example.com' } })
    ).id;
  });

  const ORDERS = `query($first: Int, $after: String, $filter: OrderFilter) {
    orders(first: $first, after: $after, filter: $filter) {
      pageInfo { hasNextPage endCursor }
      edges { node { externalId channel placedAt customer { email } lines { sku total product { name } } } }
    }
  }`;

  test('orders pages newest first, filters, and takes a fixed number of statements whatever the page size', async () => {
    const page = async (variables: Record<string, unknown>) => {
      const { count, result } = await app.countQueries(() => app.gql(ORDERS, variables, { key: shop.secretKey }));
      expect(result.errors).toBeUndefined();
      return { count, orders: result.data?.orders };
    };
    // The first request of a key also looks the key up and stamps lastUsedAt.
    await page({ first: 1 });
    const small = await page({ first: 3 });
    const large = await page({ first: 20 });
    expect({ small: small.count, large: large.count }).toEqual({ small: large.count, large: small.count });
    expect(large.count).toBeLessThanOrEqual(6);
    expect(small.orders.edges.map((edge: any) => edge.node.externalId)).toEqual(['R-24', 'R-23', 'R-22']);
    expect(large.orders.edges[0].node.lines).toEqual([
      { sku: 'A', total: 100, product: { name: 'Product A' } },
      { sku: 'B', total: 200, product: { name: 'Product B' } },
      { sku: 'C', total: 300, product: { name: 'Product C' } },
    ]);
    const next = await page({ first: 3, after: small.orders.pageInfo.endCursor });
    expect(next.orders.edges.map((edge: any) => edge.node.externalId)).toEqual(['R-21', 'R-20', 'R-19']);

    const filtered = await page({
      first: 50,
      filter: { channel: 'ONLINE', placedAfter: '2026-02-05T00:00:00Z', placedBefore: '2026-02-10T00:00:00Z' },
    });
    // R-09 was placed exactly at placedBefore, which is exclusive.
    expect(filtered.orders.edges.map((edge: any) => edge.node.externalId)).toEqual(['R-07', 'R-05']);
    const byCustomer = await page({ first: 50, filter: { customerId } });
    expect(byCustomer.orders.edges.every((edge: any) => edge.node.customer.email === 'reader1@example.com')).toBe(true);
    expect(byCustomer.orders.edges).toHaveLength(7);
    const none = await page({ first: 50, filter: { kind: 'RETURN' } });
    expect(none.orders.edges).toEqual([]);
  });

  test('order, orderByExternalId and Customer.orders', async () => {
    const byExternal = await app.gql(
      '{ orderByExternalId(externalId: "R-07") { id externalId customer { id } } }',
      {},
      { key: shop.secretKey },
    );
    const found = byExternal.data?.orderByExternalId;
    expect(found.externalId).toBe('R-07');
    const byId = await app.gql(
      'query($id: ID!) { order(id: $id) { externalId } }',
      { id: found.id },
      { key: shop.secretKey },
    );
    expect(byId.data?.order).toEqual({ externalId: 'R-07' });
    for (const id of ['not-a-uuid', '00000000-0000-7000-8000-000000000000']) {
      const missing = await app.gql('query($id: ID!) { order(id: $id) { id } }', { id }, { key: shop.secretKey });
      expect(missing.data?.order).toBeNull();
    }
    const missing = await app.gql('{ orderByExternalId(externalId: "nope") { id } }', {}, { key: shop.secretKey });
    expect(missing.data?.orderByExternalId).toBeNull();

    const customerOrders = await app.gql(
      `query($id: ID!) { customer(id: $id) { ... on Customer { orders(first: 2) { edges { node { externalId } } pageInfo { hasNextPage } } } } }`,
      { id: customerId },
      { key: shop.secretKey },
    );
    expect(customerOrders.errors).toBeUndefined();
    const connection = customerOrders.data?.customer.orders;
    expect(connection.edges.map((edge: any) => edge.node.externalId)).toEqual(['R-22', 'R-19']);
    expect(connection.pageInfo.hasNextPage).toBe(true);
  });
});
