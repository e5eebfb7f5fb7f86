import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { registerCustomerDataParticipant } from '../src/modules/customers/customer-data.ts';
import { recordOrders } from '../src/modules/orders/orders.service.ts';
import type { CreatedStore } from '../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from './harness.ts';

let app: TestApp;
let store: CreatedStore;
let customerId: string;
const erasedByParticipant: string[] = [];

// A later module (loyalty, feedback...) plugs into export and erasure like this.
registerCustomerDataParticipant({
  name: 'testPoints',
  export: async (_tx, _storeId, id) => ({ balance: 120, customerId: id }),
  erase: async (_tx, _storeId, id) => {
    erasedByParticipant.push(id);
    return { ledgerEntries: 3 };
  },
});

const customer = {
  identities: [{ source: 'web', externalId: 'P-1' }],
  email: 'private@example.com',
  phone: '+358409999999',
  firstName: 'Pia',
  lastName: 'Privat',
};

beforeAll(async () => {
  app = await createTestApp();
  store = await app.createStore('Privacy');
  await recordOrders(app.db.prisma, store.id, [
    {
      externalId: 'PV-1',
      customer,
      channel: 'ONLINE',
      placedAt: new Date('2026-04-01T10:00:00Z'),
      lines: [
        { sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 1500 },
        { name: 'Postage', quantity: 1, unitPrice: 495, kind: 'SHIPPING' },
      ],
    },
  ]);
  await app.events.drain();
  customerId = (await app.db.prisma.customer.findFirstOrThrow({ where: { storeId: store.id } })).id;
  // An older profile of the same person, merged in: its snapshot is personal data too.
  const old = await app.db.prisma.customer.create({ data: { storeId: store.id, email: 'old-pia@example.com' } });
  const merged = await app.gql(
    'mutation($keep: ID!, $merge: ID!) { mergeCustomers(keepId: $keep, mergeId: $merge) { __typename } }',
    { keep: customerId, merge: old.id },
    { key: store.secretKey },
  );
  expect(merged.data?.mergeCustomers.__typename).toBe('Customer');
  await app.gql(
    `mutation($id: ID!) { recordInteraction(customerId: $id, input: { type: SUPPORT_CONTACT, payload: { note: "Pia called about her parcel" } }) { __typename } }`,
    { id: customerId },
    { key: store.secretKey },
  );
});
afterAll(() => app.close());

describe('GDPR', () => {
  test('exportCustomerData contains everything Kanta holds about the person', async () => {
    const response = await app.gql(
      'mutation($id: ID!) { exportCustomerData(id: $id) { __typename ... on CustomerDataExport { data } } }',
      { id: customerId },
      { key: store.secretKey },
    );
    expect(response.errors).toBeUndefined();
    const data = response.data!.exportCustomerData.data;
    expect(data.profile).toMatchObject({
      id: customerId,
      email: 'private@example.com',
      firstName: 'Pia',
      totalSpent: 3495,
    });
    expect(data.identities).toEqual([expect.objectContaining({ source: 'web', externalId: 'P-1' })]);
    expect(data.orders).toHaveLength(1);
    expect(data.orders[0]).toMatchObject({ externalId: 'PV-1', total: 3495 });
    expect(data.orders[0].lines.map((line: any) => line.name)).toEqual(['Mug', 'Postage']);
    expect(data.timeline.map((entry: any) => entry.type)).toEqual(['ORDER_PLACED', 'SUPPORT_CONTACT']);
    expect(data.merges).toEqual([
      expect.objectContaining({ mergedProfile: expect.objectContaining({ email: 'old-pia@example.com' }) }),
    ]);
    expect(data.testPoints).toEqual({ balance: 120, customerId });
  });

  test('bad input and other stores change nothing', async () => {
    const other = await app.createStore('Other');
    const ERASE = `mutation($id: ID!, $reason: String) { eraseCustomer(id: $id, reason: $reason) {
      __typename ... on InvalidInputError { field } ... on NotFoundError { code } } }`;
    const foreign = await app.gql(ERASE, { id: customerId }, { key: other.secretKey });
    expect(foreign.data?.eraseCustomer).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    const tooLong = await app.gql(ERASE, { id: customerId, reason: 'x'.repeat(501) }, { key: store.secretKey });
    expect(tooLong.data?.eraseCustomer).toEqual({ __typename: 'InvalidInputError', field: 'reason' });
    const exported = await app.gql(
      'mutation($id: ID!) { exportCustomerData(id: $id) { __typename } }',
      { id: customerId },
      { key: other.secretKey },
    );
    expect(exported.data?.exportCustomerData.__typename).toBe('NotFoundError');
    expect(await app.db.prisma.customer.count({ where: { id: customerId } })).toBe(1);
    expect(erasedByParticipant).toEqual([]);
  });

  test('eraseCustomer removes personal data, keeps orders unlinked and records the erasure', async () => {
    const response = await app.gql(
      `mutation($id: ID!) { eraseCustomer(id: $id, reason: "customer request 2026-12") {
        __typename ... on CustomerErasure { id customerId erasedAt summary } } }`,
      { id: customerId },
      { key: store.secretKey },
    );
    expect(response.errors).toBeUndefined();
    const erasure = response.data!.eraseCustomer;
    expect(erasure).toMatchObject({
      __typename: 'CustomerErasure',
      customerId,
      summary: {
        ordersUnlinked: 1,
        identities: 1,
        interactions: 2,
        mergeSnapshots: 1,
        'testPoints.ledgerEntries': 3,
      },
    });
    expect(erasedByParticipant).toEqual([customerId]);
    const prisma = app.db.prisma;
    expect(await prisma.customer.findUnique({ where: { id: customerId } })).toBeNull();
    expect(await prisma.customerIdentity.count({ where: { storeId: store.id } })).toBe(0);
    expect(await prisma.interaction.count({ where: { storeId: store.id } })).toBe(0);
    const order = await prisma.order.findFirstOrThrow({ where: { storeId: store.id, externalId: 'PV-1' } });
    expect(order).toMatchObject({ customerId: null, total: 3495n });
    const merge = await prisma.customerMerge.findFirstOrThrow({ where: { storeId: store.id } });
    expect(JSON.stringify(merge.snapshot)).not.toContain('pia');
    const record = await prisma.customerErasure.findFirstOrThrow({ where: { storeId: store.id } });
    expect(JSON.stringify(record.summary)).not.toMatch(/pia|privat|358/i);
    expect(
      await prisma.outboxEvent.count({
        where: { storeId: store.id, type: 'customer.erased', payload: { equals: { customerId } } },
      }),
    ).toBe(1);
    const gone = await app.gql(
      'query($id: ID!) { customer(id: $id) { id } }',
      { id: customerId },
      { key: store.secretKey },
    );
    expect(gone.data?.customer).toBeNull();
    // The identity is free again: the same shopper coming back is a new customer.
    const again = await app.gql(
      'mutation($input: CustomerInput!) { upsertCustomer(input: $input) { ... on UpsertCustomerPayload { created } } }',
      { input: customer },
      { key: store.secretKey },
    );
    expect(again.data?.upsertCustomer.created).toBe(true);
  });
});
