import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cancelOrder, recordOrders } from '../src/modules/orders/orders.service.ts';
import type { CreatedStore } from '../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from './harness.ts';

let app: TestApp;
let store: CreatedStore;
let customerId: string;

beforeAll(async () => {
  app = await createTestApp();
  store = await app.createStore('Timelines');
  const customer = { identities: [{ source: 'pos', externalId: 'T-1' }], email: 'timeline@example.com' };
  await recordOrders(app.db.prisma, store.id, [
    {
      externalId: 'A-1',
      customer,
      channel: 'STORE',
      placedAt: new Date('2026-05-01T10:00:00Z'),
      lines: [{ name: 'Mug', quantity: 2, unitPrice: 1500 }],
    },
    {
      externalId: 'A-2',
      customer,
      channel: 'ONLINE',
      placedAt: new Date('2026-05-02T10:00:00Z'),
      lines: [{ name: 'Plate', quantity: 1, unitPrice: 2500 }],
    },
    {
      externalId: 'A-1-R',
      customer,
      channel: 'STORE',
      placedAt: new Date('2026-05-03T10:00:00Z'),
      lines: [{ name: 'Mug', quantity: -1, unitPrice: 1500 }],
      returnOfExternalId: 'A-1',
    },
    {
      externalId: 'GUEST-1',
      channel: 'STORE',
      placedAt: new Date('2026-05-04T10:00:00Z'),
      lines: [{ name: 'Mug', quantity: 1, unitPrice: 1500 }],
    },
  ]);
  await cancelOrder(app.db.prisma, store.id, 'A-2', { cancelledAt: new Date('2026-05-05T10:00:00Z') });
  await app.events.drain();
  customerId = (await app.db.prisma.customer.findFirstOrThrow({ where: { storeId: store.id } })).id;
});
afterAll(() => app.close());

const TIMELINE = `query($id: ID!, $first: Int, $after: String, $types: [InteractionType!]) {
  customer(id: $id) { timeline(first: $first, after: $after, types: $types) {
    edges { node { type channel occurredAt payload sourceRef } } pageInfo { hasNextPage endCursor } } } }`;

async function timeline(variables: Record<string, unknown> = {}) {
  const response = await app.gql(TIMELINE, { id: customerId, first: 20, ...variables }, { key: store.secretKey });
  expect(response.errors).toBeUndefined();
  return response.data!.customer.timeline;
}

describe('customer timeline', () => {
  test('orders, returns and cancellations appear newest first; guest orders add nothing', async () => {
    const { edges } = await timeline();
    expect(edges.map((edge: any) => [edge.node.type, edge.node.channel, edge.node.payload.externalId])).toEqual([
      ['ORDER_CANCELLED', 'ONLINE', 'A-2'],
      ['ORDER_RETURNED', 'STORE', 'A-1-R'],
      ['ORDER_PLACED', 'ONLINE', 'A-2'],
      ['ORDER_PLACED', 'STORE', 'A-1'],
    ]);
    expect(edges[3].node.payload.total).toBe(3000);
    expect(edges[3].node.sourceRef).toMatch(/^order:/);
    expect(await app.db.prisma.interaction.count({ where: { storeId: store.id } })).toBe(4);
  });

  test('redelivered events add nothing', async () => {
    await app.db.prisma.outboxEvent.updateMany({
      where: { storeId: store.id },
      data: { processedAt: null, availableAt: new Date(0) },
    });
    expect(await app.events.drain()).toBeGreaterThan(0);
    expect(await app.db.prisma.interaction.count({ where: { storeId: store.id } })).toBe(4);
  });

  test('filters by type and pages', async () => {
    const placed = await timeline({ types: ['ORDER_PLACED'] });
    expect(placed.edges.map((edge: any) => edge.node.payload.externalId)).toEqual(['A-2', 'A-1']);
    const first = await timeline({ first: 3 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await timeline({ first: 3, after: first.pageInfo.endCursor });
    expect(rest.edges.map((edge: any) => edge.node.type)).toEqual(['ORDER_PLACED']);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  test('recordInteraction is idempotent by sourceRef and names bad fields', async () => {
    const RECORD = `mutation($id: ID!, $input: InteractionInput!) { recordInteraction(customerId: $id, input: $input) {
      __typename ... on Interaction { id type channel payload } ... on InvalidInputError { field } ... on NotFoundError { code } } }`;
    const input = {
      type: 'EMAIL_OPENED',
      channel: 'ONLINE',
      occurredAt: '2026-05-06T08:00:00Z',
      payload: { campaign: 'spring' },
      sourceRef: 'esp:msg-42',
    };
    const first = await app.gql(RECORD, { id: customerId, input }, { key: store.secretKey });
    const again = await app.gql(RECORD, { id: customerId, input }, { key: store.secretKey });
    expect(first.data?.recordInteraction).toMatchObject({ type: 'EMAIL_OPENED', payload: { campaign: 'spring' } });
    expect(again.data?.recordInteraction.id).toBe(first.data?.recordInteraction.id);
    const { edges } = await timeline({ types: ['EMAIL_OPENED'] });
    expect(edges).toHaveLength(1);

    const bad = await app.gql(
      RECORD,
      { id: customerId, input: { type: 'SUPPORT_CONTACT', payload: ['not', 'an', 'object'] } },
      { key: store.secretKey },
    );
    expect(bad.data?.recordInteraction).toEqual({ __typename: 'InvalidInputError', field: 'input.payload' });
    const orderType = await app.gql(
      RECORD,
      { id: customerId, input: { type: 'ORDER_PLACED' } },
      { key: store.secretKey },
    );
    expect(orderType.errors?.[0]?.message).toContain('ORDER_PLACED');
    const unknown = await app.gql(
      RECORD,
      { id: '0190a0a0-0000-7000-8000-000000000000', input: { type: 'CUSTOM' } },
      { key: store.secretKey },
    );
    expect(unknown.data?.recordInteraction).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect(await app.db.prisma.interaction.count({ where: { storeId: store.id } })).toBe(5);
  });
});
