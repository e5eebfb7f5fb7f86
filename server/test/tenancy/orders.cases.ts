import { expect } from 'vitest';
import { recordOrders } from '../../src/modules/orders/orders.service.ts';
import type { TenancyCases } from './types.ts';

/** Orders: store B's secret key against store A's orders. */
export const orderCases: TenancyCases = (ctx) => {
  const { app } = ctx;
  // Store A's order, recorded once (cases run in one file, in order, but each must stand alone).
  let recorded: Promise<string> | undefined;
  const orderOfA = () => {
    recorded ??= recordOrders(app.db.prisma, ctx.a.id, [
      {
        externalId: 'A-ORDER-1',
        channel: 'STORE',
        placedAt: new Date('2026-05-01T10:00:00Z'),
        customer: { email: 'victim@example.com' },
        lines: [{ name: 'Mug', quantity: 1, unitPrice: 1_000 }],
      },
    ]).then(([result]) => result!.orderId);
    return recorded;
  };
  const aOrder = async () =>
    app.db.prisma.order.findUniqueOrThrow({
      where: { id: await orderOfA() },
      select: { status: true, netTotal: true },
    });

  return {
    'Query.order': async () => {
      const id = await orderOfA();
      const response = await app.gql('query($id: ID!) { order(id: $id) { id } }', { id }, { key: ctx.b.secretKey });
      expect(response.errors).toBeUndefined();
      expect(response.data?.order).toBeNull();
    },
    'Query.orderByExternalId': async () => {
      await orderOfA();
      const response = await app.gql(
        '{ orderByExternalId(externalId: "A-ORDER-1") { id } }',
        {},
        { key: ctx.b.secretKey },
      );
      expect(response.data?.orderByExternalId).toBeNull();
    },
    'Query.orders': async () => {
      await orderOfA();
      const customer = await app.db.prisma.customer.findFirstOrThrow({
        where: { storeId: ctx.a.id },
        select: { id: true },
      });
      for (const filter of [null, { customerId: customer.id }]) {
        const response = await app.gql(
          'query($filter: OrderFilter) { orders(first: 50, filter: $filter) { edges { node { id } } } }',
          { filter },
          { key: ctx.b.secretKey },
        );
        expect(response.data?.orders.edges).toEqual([]);
      }
    },
    'Mutation.recordOrder': async () => {
      await orderOfA();
      // The same external id in B is B's own order: A's stays as it was.
      const response = await app.gql(
        `mutation { recordOrder(input: { externalId: "A-ORDER-1", channel: ONLINE, placedAt: "2026-05-02T10:00:00Z",
           customer: { email: "victim@example.com" }, lines: [{ name: "Cup", quantity: 1, unitPrice: 1 }] }) {
           ... on RecordOrderPayload { created order { id customer { id } } } } }`,
        {},
        { key: ctx.b.secretKey },
      );
      expect(response.data?.recordOrder.created).toBe(true);
      expect(response.data?.recordOrder.order.id).not.toBe(await orderOfA());
      const customerOfB = await app.db.prisma.customer.findUniqueOrThrow({
        where: { id: response.data?.recordOrder.order.customer.id },
      });
      expect(customerOfB.storeId).toBe(ctx.b.id);
      expect(await aOrder()).toEqual({ status: 'PLACED', netTotal: 1_000n });
    },
    'Mutation.recordOrders': async () => {
      await orderOfA();
      // A return naming A's order from B must not link to it or reduce it (B's own namesake, if the
      // recordOrder case made one, is removed first).
      await app.db.prisma.order.deleteMany({ where: { storeId: ctx.b.id, externalId: 'A-ORDER-1' } });
      const response = await app.gql(
        `mutation { recordOrders(input: [{ externalId: "B-RETURN-1", channel: STORE, placedAt: "2026-05-03T10:00:00Z",
           returnOfExternalId: "A-ORDER-1", lines: [{ name: "Mug", quantity: -1, unitPrice: 1000 }] }]) {
           ... on RecordOrdersPayload { results { order { returnOf { id } netTotal } } } } }`,
        {},
        { key: ctx.b.secretKey },
      );
      expect(response.data?.recordOrders.results).toEqual([{ order: { returnOf: null, netTotal: -1_000 } }]);
      expect(await aOrder()).toEqual({ status: 'PLACED', netTotal: 1_000n });
    },
    'Mutation.cancelOrder': async () => {
      await orderOfA();
      await app.db.prisma.order.deleteMany({ where: { storeId: ctx.b.id, externalId: 'A-ORDER-1' } });
      const response = await app.gql(
        'mutation { cancelOrder(externalId: "A-ORDER-1") { __typename } }',
        {},
        { key: ctx.b.secretKey },
      );
      expect(response.data?.cancelOrder).toEqual({ __typename: 'NotFoundError' });
      expect(await aOrder()).toEqual({ status: 'PLACED', netTotal: 1_000n });
    },
  };
};
