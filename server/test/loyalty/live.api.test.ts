import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loyaltyTopic } from '../../src/events/pubsub.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp, testRedis } from '../harness.ts';
import { type TwoProcesses, twoApiProcesses } from '../redis-processes.ts';
import { subscribe } from './sse.ts';

/** `subscription loyaltyChanged` over SSE (yoga's default transport), in memory and across processes via Redis. */

async function adjustPoints(
  gql: (query: string, variables: Record<string, unknown>) => Promise<{ data?: any; errors?: any[] }>,
  customerId: string,
  points: number,
) {
  const response = await gql(
    'mutation($c: ID!, $p: Int!) { adjustPoints(customerId: $c, points: $p, reason: "live test") { __typename ... on PointsAdjustment { balance } } }',
    { c: customerId, p: points },
  );
  expect(response.errors).toBeUndefined();
  expect(response.data!.adjustPoints.__typename).toBe('PointsAdjustment');
}

describe('in memory', () => {
  let app: TestApp;
  let store: CreatedStore;

  beforeAll(async () => {
    app = await createTestApp();
    store = await app.createStore('Live shop');
  });
  afterAll(() => app.close());

  async function knownShopper(ext: string) {
    const customer = await app.db.prisma.customer.create({
      data: { storeId: store.id, identities: { create: [{ storeId: store.id, source: 'web', externalId: ext }] } },
    });
    const token = await app.customerToken(store.secretKey, `web:${ext}`);
    return { id: customer.id, headers: { authorization: `Bearer ${store.publishableKey}`, 'x-kanta-customer': token } };
  }
  const adminGql = (query: string, variables: Record<string, unknown>) =>
    app.gql(query, variables, { key: store.secretKey });

  test('the shopper gets their account at once and again after each change (SSE)', async () => {
    const shopper = await knownShopper('live-1');
    const stream = await subscribe(app.yoga, shopper.headers);
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toContain('text/event-stream');
      expect((await stream.next()).data.loyaltyChanged).toEqual({
        points: 0,
        lifetimePoints: 0,
        history: { edges: [] },
      });
      await adjustPoints(adminGql, shopper.id, 120);
      await app.events.drain();
      expect((await stream.next()).data.loyaltyChanged).toEqual({
        points: 120,
        lifetimePoints: 120,
        history: { edges: [{ node: { kind: 'ADJUST', points: 120 } }] },
      });
      await adjustPoints(adminGql, shopper.id, -20);
      await app.events.drain();
      expect((await stream.next()).data.loyaltyChanged.points).toBe(100);
    } finally {
      stream.close();
    }
  });

  test('the badge updates itself after an order', async () => {
    const shopper = await knownShopper('live-order');
    const stream = await subscribe(app.yoga, shopper.headers);
    try {
      expect((await stream.next()).data.loyaltyChanged.points).toBe(0);
      const recorded = await adminGql(`mutation($input: OrderInput!) { recordOrder(input: $input) { __typename } }`, {
        input: {
          externalId: 'LIVE-1',
          channel: 'ONLINE',
          placedAt: new Date().toISOString(),
          currency: 'EUR',
          customer: { identities: [{ source: 'web', externalId: 'live-order' }] },
          lines: [{ name: 'Mug', quantity: 2, unitPrice: 1_250 }],
        },
      });
      expect(recorded.data!.recordOrder.__typename).toBe('RecordOrderPayload');
      // order.recorded earns the points; points.changed then reaches the subscriber.
      await app.events.drain();
      expect((await stream.next()).data.loyaltyChanged).toMatchObject({
        points: 25,
        history: { edges: [{ node: { kind: 'EARN', points: 25 } }] },
      });
    } finally {
      stream.close();
    }
  });

  test("another customer's changes are not sent", async () => {
    const shopper = await knownShopper('live-2');
    const other = await knownShopper('live-3');
    const stream = await subscribe(app.yoga, shopper.headers);
    try {
      expect((await stream.next()).data.loyaltyChanged.points).toBe(0);
      await adjustPoints(adminGql, other.id, 50);
      await app.events.drain();
      await expect(stream.next(300)).rejects.toThrow('no event in time');
      await adjustPoints(adminGql, shopper.id, 7);
      await app.events.drain();
      expect((await stream.next()).data.loyaltyChanged.points).toBe(7);
    } finally {
      stream.close();
    }
  });

  test('a shopper the store does not know yet is followed to their new customer record', async () => {
    const token = await app.customerToken(store.secretKey, 'web:live-new');
    const stream = await subscribe(app.yoga, {
      authorization: `Bearer ${store.publishableKey}`,
      'x-kanta-customer': token,
    });
    try {
      expect((await stream.next()).data.loyaltyChanged.points).toBe(0);
      const created = await adminGql(
        'mutation { upsertCustomer(input: { identities: [{ source: "web", externalId: "live-new" }] }) { ... on UpsertCustomerPayload { customer { id } } } }',
        {},
      );
      const customerId = created.data!.upsertCustomer.customer.id;
      await app.events.drain();
      expect((await stream.next()).data.loyaltyChanged.points).toBe(0);
      await adjustPoints(adminGql, customerId, 33);
      await app.events.drain();
      expect((await stream.next()).data.loyaltyChanged.points).toBe(33);
    } finally {
      stream.close();
    }
  });

  test('needs a customer token', async () => {
    const stream = await subscribe(app.yoga, { authorization: `Bearer ${store.publishableKey}` });
    try {
      const result = await stream.next();
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(result.errors?.[0]?.message).toContain('Subscription.loyaltyChanged');
    } finally {
      stream.close();
    }
  });
});

/** Two API processes sharing a database and a Redis: a change handled by one reaches a subscriber of the other. */
const redis = await testRedis();

describe.skipIf(redis.skip)('across processes with REDIS_URL', () => {
  let setup: TwoProcesses;
  beforeAll(async () => {
    setup = await twoApiProcesses(redis.url, 'Redis shop');
  });
  afterAll(() => setup?.close());

  test('an adjustment handled by process A reaches a subscriber connected to process B', async () => {
    const { app, db, store, a, b, waitForSubscribers } = setup;
    const customer = await db.prisma.customer.create({
      data: {
        storeId: store.id,
        identities: { create: [{ storeId: store.id, source: 'web', externalId: 'redis-1' }] },
      },
    });
    const token = await app.customerToken(store.secretKey, 'redis-1');
    const channel = `loyaltyChanged:${loyaltyTopic(store.id, customer.id)}`;
    const stream = await subscribe(b.yoga, {
      authorization: `Bearer ${store.publishableKey}`,
      'x-kanta-customer': token,
    });
    try {
      expect((await stream.next()).data.loyaltyChanged.points).toBe(0);
      // Redis confirms the subscription asynchronously: wait until B's connection listens.
      await waitForSubscribers(channel, (count) => count > 0, 'process B never subscribed');
      await adjustPoints(a.gql, customer.id, 75);
      // Process A delivers the outbox event; its live subscriber publishes to Redis.
      await a.events.drain();
      expect((await stream.next()).data.loyaltyChanged).toMatchObject({ points: 75, lifetimePoints: 75 });
    } finally {
      stream.close();
    }
    // A closed stream unsubscribes B's connection.
    await waitForSubscribers(channel, (count) => count === 0, 'process B never unsubscribed');
  });
});
