import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cancelOrder, recordOrders } from '../../src/modules/orders/orders.service.ts';
import { upsertProducts } from '../../src/modules/products/products.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/** Shopper.canReview: whether a storefront offers the signed-in shopper a review form for a sku. */
let app: TestApp;
let store: CreatedStore;

const CAN_REVIEW = 'query($sku: String!) { me { canReview(sku: $sku) } }';

async function canReview(sub: string, sku: string, key = store.publishableKey) {
  const token = await app.customerToken(store.secretKey, sub);
  return app.gql(CAN_REVIEW, { sku }, { key, customerToken: token });
}

let orderNumber = 0;
/** A sale to the customer known by the web identity `ext`; returns its external id. */
async function order(ext: string, lines: { sku: string; quantity?: number }[]) {
  const externalId = `RE-${++orderNumber}`;
  await recordOrders(app.db.prisma, store.id, [
    {
      externalId,
      channel: 'ONLINE',
      placedAt: new Date(),
      customer: { identities: [{ source: 'web', externalId: ext }] },
      lines: lines.map((line) => ({ sku: line.sku, name: line.sku, quantity: line.quantity ?? 1, unitPrice: 900 })),
    },
  ]);
  return externalId;
}

beforeAll(async () => {
  app = await createTestApp();
  store = await app.createStore('Eligibility store');
  await upsertProducts(app.db.prisma, store.id, [
    { sku: 'MUG', name: 'Mug' },
    { sku: 'KETTLE', name: 'Kettle' },
  ]);
  await order('buyer', [{ sku: 'MUG' }]);
  await order('store-buyer', [{ sku: ' KETTLE ' }]);
});
afterAll(() => app.close());

describe('Shopper.canReview', () => {
  test('true for a shopper who bought the sku, false for other skus', async () => {
    const mug = await canReview('web:buyer', 'MUG');
    expect(mug.errors).toBeUndefined();
    expect(mug.data!.me.canReview).toBe(true);
    expect((await canReview('web:buyer', 'KETTLE')).data!.me.canReview).toBe(false);
    // The sku is trimmed like order lines and reviews.
    expect((await canReview('web:buyer', '  MUG ')).data!.me.canReview).toBe(true);
    expect((await canReview('web:store-buyer', 'KETTLE')).data!.me.canReview).toBe(true);
  });

  test('false for a shopper the store does not know, or who bought nothing, and for an empty sku', async () => {
    expect((await canReview('web:stranger', 'MUG')).data!.me.canReview).toBe(false);
    await app.db.prisma.customer.create({
      data: {
        storeId: store.id,
        firstName: 'Window shopper',
        identities: { create: [{ storeId: store.id, source: 'web', externalId: 'browser' }] },
      },
    });
    expect((await canReview('web:browser', 'MUG')).data!.me.canReview).toBe(false);
    expect((await canReview('web:buyer', '   ')).data!.me.canReview).toBe(false);
  });

  test('a cancelled order does not count', async () => {
    const externalId = await order('canceller', [{ sku: 'MUG' }]);
    expect((await canReview('web:canceller', 'MUG')).data!.me.canReview).toBe(true);
    await cancelOrder(app.db.prisma, store.id, externalId);
    expect((await canReview('web:canceller', 'MUG')).data!.me.canReview).toBe(false);
  });

  test("another store's purchase does not count", async () => {
    const other = await app.createStore('Other store');
    const token = await app.customerToken(other.secretKey, 'web:buyer');
    const response = await app.gql(CAN_REVIEW, { sku: 'MUG' }, { key: other.publishableKey, customerToken: token });
    expect(response.data!.me.canReview).toBe(false);
  });

  test('needs a customer token: a publishable key alone is refused', async () => {
    const response = await app.gql(CAN_REVIEW, { sku: 'MUG' }, { key: store.publishableKey });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
