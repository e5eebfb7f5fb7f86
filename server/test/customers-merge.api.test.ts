import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { recordOrders } from '../src/modules/orders/orders.service.ts';
import type { CreatedStore } from '../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from './harness.ts';

let app: TestApp;
let store: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  store = await app.createStore('Merges');
});
afterAll(() => app.close());

const MERGE = `mutation($keepId: ID!, $mergeId: ID!) { mergeCustomers(keepId: $keepId, mergeId: $mergeId) {
  __typename
  ... on Customer { id email phone firstName lastName tags attributes orderCount totalSpent
    marketingConsent { granted source } identities { source externalId } timeline(first: 10) { edges { node { type } } } }
  ... on InvalidInputError { field message }
  ... on NotFoundError { code } } }`;

async function customerWithOrders(
  storeId: string,
  customer: Record<string, unknown>,
  amounts: number[],
  prefix: string,
): Promise<string> {
  const upserted = await app.gql(
    'mutation($input: CustomerInput!) { upsertCustomer(input: $input) { ... on UpsertCustomerPayload { customer { id } } } }',
    { input: customer },
    { key: storeId === store.id ? store.secretKey : undefined },
  );
  const id = upserted.data!.upsertCustomer.customer.id as string;
  if (amounts.length > 0)
    await recordOrders(
      app.db.prisma,
      storeId,
      amounts.map((amount, index) => ({
        externalId: `${prefix}-${index}`,
        customer: { identities: customer.identities as never },
        channel: 'STORE' as const,
        placedAt: new Date(Date.UTC(2026, 0, 1 + index)),
        lines: [{ name: 'Mug', quantity: 1, unitPrice: amount }],
      })),
    );
  return id;
}

describe('mergeCustomers', () => {
  test('moves orders, identities and timeline, fills the profile, audits, and the merged id is gone', async () => {
    const keepId = await customerWithOrders(
      store.id,
      {
        identities: [{ source: 'pos', externalId: 'K-1' }],
        email: 'keep@example.com',
        lastName: 'Korhonen',
        tags: ['a'],
        attributes: { x: 1, y: 'keep' },
        marketingConsent: { granted: false, at: '2026-01-01T00:00:00Z', source: 'pos' },
      },
      [1000],
      'keep',
    );
    const mergeId = await customerWithOrders(
      store.id,
      {
        identities: [{ source: 'web', externalId: 'M-1' }],
        email: 'merge@example.com',
        phone: '+358401111111',
        firstName: 'Mia',
        lastName: 'Mäkinen',
        tags: ['b', 'a'],
        attributes: { y: 'merge', z: true },
        marketingConsent: { granted: true, at: '2026-06-01T00:00:00Z', source: 'checkout' },
      },
      [2000, 3000],
      'merge',
    );
    await app.gql(
      `mutation($id: ID!) { recordInteraction(customerId: $id, input: { type: SUPPORT_CONTACT, payload: { note: "late parcel" } }) { __typename } }`,
      { id: mergeId },
      { key: store.secretKey },
    );
    await app.events.drain();

    const response = await app.gql(MERGE, { keepId, mergeId }, { key: store.secretKey });
    expect(response.errors).toBeUndefined();
    const kept = response.data!.mergeCustomers;
    expect(kept).toMatchObject({
      __typename: 'Customer',
      id: keepId,
      email: 'keep@example.com',
      phone: '+358401111111',
      firstName: 'Mia',
      lastName: 'Korhonen',
      tags: ['a', 'b'],
      attributes: { x: 1, y: 'keep', z: true },
      orderCount: 3,
      totalSpent: 6000,
      marketingConsent: { granted: true, source: 'checkout' },
    });
    expect(kept.identities.map((identity: any) => `${identity.source}:${identity.externalId}`).sort()).toEqual([
      'pos:K-1',
      'web:M-1',
    ]);
    const types = kept.timeline.edges.map((edge: any) => edge.node.type).sort();
    expect(types).toEqual(['ORDER_PLACED', 'ORDER_PLACED', 'ORDER_PLACED', 'SUPPORT_CONTACT']);

    const gone = await app.gql(
      'query($id: ID!) { customer(id: $id) { id } }',
      { id: mergeId },
      { key: store.secretKey },
    );
    expect(gone.data?.customer).toBeNull();
    expect(await app.db.prisma.order.count({ where: { customerId: keepId } })).toBe(3);

    const audit = await app.db.prisma.customerMerge.findMany({ where: { storeId: store.id, keptCustomerId: keepId } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      mergedCustomerId: mergeId,
      moved: { orders: 2, identities: 1, interactions: 3 },
      snapshot: { email: 'merge@example.com', firstName: 'Mia', identities: [{ source: 'web', externalId: 'M-1' }] },
    });
    const events = await app.db.prisma.outboxEvent.findMany({ where: { storeId: store.id, type: 'customer.merged' } });
    expect(events.map((event) => event.payload)).toEqual([{ keptCustomerId: keepId, mergedCustomerId: mergeId }]);

    // The merged email is free again and the identity now finds the kept customer.
    const byIdentity = await app.gql(
      '{ customerByIdentity(source: "web", externalId: "M-1") { id } }',
      {},
      { key: store.secretKey },
    );
    expect(byIdentity.data?.customerByIdentity.id).toBe(keepId);
  });

  test('refuses merging into itself, unknown ids and another store’s customers, changing nothing', async () => {
    const own = await customerWithOrders(store.id, { email: 'self@example.com' }, [], 'self');
    const self = await app.gql(MERGE, { keepId: own, mergeId: own }, { key: store.secretKey });
    expect(self.data?.mergeCustomers).toMatchObject({ __typename: 'InvalidInputError', field: 'mergeId' });

    const unknown = await app.gql(
      MERGE,
      { keepId: own, mergeId: '0190a0a0-0000-7000-8000-000000000000' },
      { key: store.secretKey },
    );
    expect(unknown.data?.mergeCustomers).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });

    const other = await app.createStore('Other');
    const foreign = await app.db.prisma.customer.create({ data: { storeId: other.id, email: 'foreign@example.com' } });
    const across = await app.gql(MERGE, { keepId: own, mergeId: foreign.id }, { key: store.secretKey });
    expect(across.data?.mergeCustomers).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect(await app.db.prisma.customer.findUnique({ where: { id: foreign.id } })).not.toBeNull();
    expect(await app.db.prisma.customerMerge.count({ where: { mergedCustomerId: { in: [own, foreign.id] } } })).toBe(0);
  });
});
