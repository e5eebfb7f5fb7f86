import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NotFoundError } from '../src/errors.ts';
import {
  cancelOrder,
  type OrderInput,
  recomputeCustomerAggregates,
  recordOrders,
} from '../src/modules/orders/orders.service.ts';
import type { CreatedStore } from '../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from './harness.ts';

let app: TestApp;
let shop: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  shop = await app.createStore();
});
afterAll(() => app.close());

let counter = 0;
function order(overrides: Partial<OrderInput> = {}): OrderInput {
  counter++;
  return {
    externalId: `ORD-${counter}`,
    channel: 'ONLINE',
    placedAt: new Date(Date.UTC(2026, 2, 1) + counter * 3_600_000),
    lines: [{ sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 1_000 }],
    ...overrides,
  };
}

const record = (...inputs: OrderInput[]) => recordOrders(app.db.prisma, shop.id, inputs);

async function orderRow(externalId: string) {
  return app.db.prisma.order.findUniqueOrThrow({
    where: { storeId_externalId: { storeId: shop.id, externalId } },
    select: {
      id: true,
      kind: true,
      status: true,
      total: true,
      returnedTotal: true,
      netTotal: true,
      returnOfId: true,
      customerId: true,
    },
  });
}

async function customer(email: string) {
  return app.db.prisma.customer.findFirstOrThrow({
    where: { storeId: shop.id, email },
    select: { id: true, orderCount: true, totalSpent: true, firstOrderAt: true, lastOrderAt: true },
  });
}

async function payloads(type: string) {
  const events = await app.db.prisma.outboxEvent.findMany({
    where: { storeId: shop.id, type },
    orderBy: { id: 'asc' },
  });
  return events.map((event) => event.payload as Record<string, unknown>);
}

describe('returns', () => {
  test('a return naming an earlier order reduces its net value and the customer total, not the order count', async () => {
    const buyer = { email: 'linked@example.com' };
    const sale = order({ customer: buyer });
    await record(sale);
    const back = order({
      customer: buyer,
      returnOfExternalId: sale.externalId,
      lines: [{ sku: 'MUG', name: 'Mug', quantity: -1, unitPrice: 1_000, discount: 100 }],
    });
    const [result] = await record(back);
    const original = await orderRow(sale.externalId);
    expect(original).toMatchObject({ total: 2_000n, returnedTotal: 900n, netTotal: 1_100n });
    expect(await orderRow(back.externalId)).toMatchObject({
      kind: 'RETURN',
      total: -900n,
      netTotal: 0n,
      returnOfId: original.id,
    });
    expect(await customer('linked@example.com')).toMatchObject({
      orderCount: 1,
      totalSpent: 1_100n,
      firstOrderAt: sale.placedAt,
      lastOrderAt: sale.placedAt,
    });
    expect((await payloads('order.returned')).filter((payload) => payload.returnOrderId === result!.orderId)).toEqual([
      {
        returnOrderId: result!.orderId,
        returnOfId: original.id,
        customerId: original.customerId,
        currency: 'EUR',
        amount: 900,
        returnedAt: back.placedAt.toISOString(),
      },
    ]);

    // GraphQL shows both sides of the link.
    const response = await app.gql(
      `{ orderByExternalId(externalId: "${sale.externalId}") { netTotal returnedTotal returns { externalId kind total netTotal returnOf { externalId } } } }`,
      {},
      { key: shop.secretKey },
    );
    expect(response.data?.orderByExternalId).toEqual({
      netTotal: 1_100,
      returnedTotal: 900,
      returns: [
        {
          externalId: back.externalId,
          kind: 'RETURN',
          total: -900,
          netTotal: 0,
          returnOf: { externalId: sale.externalId },
        },
      ],
    });

    // Replaying the return takes nothing off a second time.
    expect(await record(back)).toEqual([{ ...result, created: false }]);
    expect(await orderRow(sale.externalId)).toMatchObject({ returnedTotal: 900n, netTotal: 1_100n });
  });

  test('a return and its original in one batch, and two returns of one order in another', async () => {
    const buyer = { email: 'same-batch@example.com' };
    const sale = order({ customer: buyer, lines: [{ name: 'Plate', quantity: 4, unitPrice: 500 }] });
    const firstReturn = order({
      customer: buyer,
      returnOfExternalId: sale.externalId,
      lines: [{ name: 'Plate', quantity: -1, unitPrice: 500 }],
    });
    // Listed before its original: linking happens after every order of the batch is in.
    await record(firstReturn, sale);
    expect(await orderRow(sale.externalId)).toMatchObject({ returnedTotal: 500n, netTotal: 1_500n });
    const second = order({
      returnOfExternalId: sale.externalId,
      lines: [{ name: 'Plate', quantity: -1, unitPrice: 500 }],
    });
    const third = order({
      returnOfExternalId: sale.externalId,
      lines: [{ name: 'Plate', quantity: -2, unitPrice: 500 }],
    });
    await record(second, third);
    expect(await orderRow(sale.externalId)).toMatchObject({ returnedTotal: 2_000n, netTotal: 0n });
    // Guest returns of a known customer's order still come off that customer's total.
    expect(await customer('same-batch@example.com')).toMatchObject({ orderCount: 1, totalSpent: 0n });
  });

  test('a return of an unknown order stays unlinked and counts negative', async () => {
    const buyer = { email: 'unlinked@example.com' };
    await record(order({ customer: buyer }));
    const back = order({
      customer: buyer,
      returnOfExternalId: 'NEVER-RECORDED',
      lines: [{ name: 'Mug', quantity: -1, unitPrice: 700 }],
    });
    const plain = order({ customer: buyer, lines: [{ name: 'Mug', quantity: -1, unitPrice: 300 }] });
    await record(back, plain);
    expect(await orderRow(back.externalId)).toMatchObject({
      kind: 'RETURN',
      returnOfId: null,
      total: -700n,
      netTotal: -700n,
    });
    expect(await customer('unlinked@example.com')).toMatchObject({ orderCount: 1, totalSpent: 1_000n });
    const returned = (await payloads('order.returned')).filter((payload) => payload.amount === 700);
    expect(returned).toMatchObject([{ returnOfId: null, amount: 700 }]);
  });

  test('an exchange (mixed lines) is a sale worth the difference', async () => {
    const exchange = order({
      customer: { email: 'exchange@example.com' },
      lines: [
        { name: 'Small shirt', quantity: -1, unitPrice: 2_000 },
        { name: 'Large shirt', quantity: 1, unitPrice: 2_500 },
      ],
    });
    const [result] = await record(exchange);
    expect(await orderRow(exchange.externalId)).toMatchObject({ kind: 'SALE', total: 500n, netTotal: 500n });
    expect(await customer('exchange@example.com')).toMatchObject({ orderCount: 1, totalSpent: 500n });
    expect((await payloads('order.returned')).some((payload) => payload.returnOrderId === result!.orderId)).toBe(false);
  });

  test('a return in another currency than its original is not linked', async () => {
    const sale = order({ currency: 'SEK' });
    const back = order({ returnOfExternalId: sale.externalId, lines: [{ name: 'Mug', quantity: -1, unitPrice: 100 }] });
    await record(sale, back);
    expect(await orderRow(back.externalId)).toMatchObject({ returnOfId: null, netTotal: -100n });
    expect(await orderRow(sale.externalId)).toMatchObject({ returnedTotal: 0n, netTotal: 2_000n });
  });
});

describe('cancellations', () => {
  const CANCEL = `mutation($externalId: String!, $reason: String, $cancelledAt: DateTime) {
    cancelOrder(externalId: $externalId, reason: $reason, cancelledAt: $cancelledAt) {
      __typename
      ... on Order { status netTotal cancelledAt cancelReason }
      ... on Error { code message }
    }
  }`;

  test('cancelling is idempotent, emits once and takes the order out of the aggregates', async () => {
    const buyer = { email: 'cancel@example.com' };
    const kept = order({ customer: buyer });
    const cancelled = order({ customer: buyer, lines: [{ name: 'Vase', quantity: 1, unitPrice: 5_000 }] });
    await record(kept, cancelled);
    expect(await customer('cancel@example.com')).toMatchObject({
      orderCount: 2,
      totalSpent: 7_000n,
      lastOrderAt: cancelled.placedAt,
    });

    const variables = {
      externalId: cancelled.externalId,
      reason: 'Changed mind',
      cancelledAt: '2026-03-05T12:00:00.000Z',
    };
    const first = await app.gql(CANCEL, variables, { key: shop.secretKey });
    expect(first.data?.cancelOrder).toEqual({
      __typename: 'Order',
      status: 'CANCELLED',
      netTotal: 0,
      cancelledAt: '2026-03-05T12:00:00.000Z',
      cancelReason: 'Changed mind',
    });
    const again = await app.gql(CANCEL, { ...variables, reason: 'Other' }, { key: shop.secretKey });
    expect(again.data?.cancelOrder).toEqual(first.data?.cancelOrder);
    expect(await cancelOrder(app.db.prisma, shop.id, cancelled.externalId)).toMatchObject({ changed: false });

    const events = (await payloads('order.cancelled')).filter((payload) => payload.externalId === cancelled.externalId);
    expect(events).toMatchObject([
      { previousNetTotal: 5_000, cancelledAt: '2026-03-05T12:00:00.000Z', currency: 'EUR' },
    ]);
    expect(await customer('cancel@example.com')).toMatchObject({
      orderCount: 1,
      totalSpent: 2_000n,
      firstOrderAt: kept.placedAt,
      lastOrderAt: kept.placedAt,
    });
  });

  test('cancelling a partly returned order removes what was left; cancelling a linked return gives its value back', async () => {
    const buyer = { email: 'cancel-returns@example.com' };
    const sale = order({ customer: buyer, lines: [{ name: 'Cup', quantity: 3, unitPrice: 1_000 }] });
    const back = order({
      customer: buyer,
      returnOfExternalId: sale.externalId,
      lines: [{ name: 'Cup', quantity: -1, unitPrice: 1_000 }],
    });
    await record(sale, back);
    expect(await customer('cancel-returns@example.com')).toMatchObject({ totalSpent: 2_000n });

    // The return was a mistake: the cup never came back.
    expect(await cancelOrder(app.db.prisma, shop.id, back.externalId)).toMatchObject({ changed: true });
    expect(await orderRow(sale.externalId)).toMatchObject({ returnedTotal: 0n, netTotal: 3_000n });
    expect(await customer('cancel-returns@example.com')).toMatchObject({ orderCount: 1, totalSpent: 3_000n });

    const another = order({
      customer: buyer,
      returnOfExternalId: sale.externalId,
      lines: [{ name: 'Cup', quantity: -1, unitPrice: 1_000 }],
    });
    await record(another);
    await cancelOrder(app.db.prisma, shop.id, sale.externalId, { reason: 'fraud' });
    expect(await orderRow(sale.externalId)).toMatchObject({ status: 'CANCELLED', returnedTotal: 1_000n, netTotal: 0n });
    expect(await customer('cancel-returns@example.com')).toMatchObject({
      orderCount: 0,
      totalSpent: 0n,
      firstOrderAt: null,
    });
    const cancelledSale = (await payloads('order.cancelled')).find((payload) => payload.externalId === sale.externalId);
    expect(cancelledSale).toMatchObject({ previousNetTotal: 2_000 });

    // A later return against the cancelled order changes no value.
    await record(
      order({
        customer: buyer,
        returnOfExternalId: sale.externalId,
        lines: [{ name: 'Cup', quantity: -1, unitPrice: 1_000 }],
      }),
    );
    expect(await orderRow(sale.externalId)).toMatchObject({ returnedTotal: 2_000n, netTotal: 0n });
    expect(await customer('cancel-returns@example.com')).toMatchObject({ totalSpent: 0n });
  });

  test('cancelling an unknown order is NotFoundError and changes nothing', async () => {
    await expect(cancelOrder(app.db.prisma, shop.id, 'NOPE')).rejects.toBeInstanceOf(NotFoundError);
    const response = await app.gql(CANCEL, { externalId: 'NOPE' }, { key: shop.secretKey });
    expect(response.data?.cancelOrder).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
      message: 'Order was not found',
    });
    const blank = await app.gql(CANCEL, { externalId: ' ' }, { key: shop.secretKey });
    expect(blank.data?.cancelOrder).toMatchObject({
      __typename: 'InvalidInputError',
      message: 'externalId: must not be empty',
    });
  });

  test('concurrent cancels of one order cancel it once', async () => {
    const sale = order({ customer: { email: 'race-cancel@example.com' } });
    await record(sale);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => cancelOrder(app.db.prisma, shop.id, sale.externalId)),
    );
    expect(results.filter((result) => result.changed)).toHaveLength(1);
    expect(
      (await payloads('order.cancelled')).filter((payload) => payload.externalId === sale.externalId),
    ).toHaveLength(1);
    expect(await customer('race-cancel@example.com')).toMatchObject({ orderCount: 0, totalSpent: 0n });
  });
});

test('after all of the above, the maintained aggregates equal a recomputation from the orders', async () => {
  const select = { id: true, orderCount: true, totalSpent: true, firstOrderAt: true, lastOrderAt: true } as const;
  const maintained = await app.db.prisma.customer.findMany({
    where: { storeId: shop.id },
    select,
    orderBy: { id: 'asc' },
  });
  expect(maintained.length).toBeGreaterThanOrEqual(7);
  await recomputeCustomerAggregates(
    app.db.prisma,
    shop.id,
    maintained.map((row) => row.id),
  );
  expect(
    await app.db.prisma.customer.findMany({ where: { storeId: shop.id }, select, orderBy: { id: 'asc' } }),
  ).toEqual(maintained);
});

test('recomputeCustomerAggregates repairs drifted aggregates and ignores other stores', async () => {
  const other = await app.createStore();
  await recordOrders(app.db.prisma, other.id, [order({ customer: { email: 'drift@example.com' } })]);
  const row = await app.db.prisma.customer.findFirstOrThrow({ where: { storeId: other.id }, select: { id: true } });
  await app.db.prisma.customer.update({ where: { id: row.id }, data: { orderCount: 99, totalSpent: 1n } });
  await recomputeCustomerAggregates(app.db.prisma, shop.id, [row.id]);
  expect(await app.db.prisma.customer.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ orderCount: 99 });
  await recomputeCustomerAggregates(app.db.prisma, other.id, [row.id]);
  expect(await app.db.prisma.customer.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
    orderCount: 1,
    totalSpent: 2_000n,
  });
});
