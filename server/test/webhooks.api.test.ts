import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CreatedStore } from '../src/modules/stores/stores.service.ts';
import { shopifyOrderPayload } from '../src/modules/webhooks/shopify.fixture.ts';
import { signBody } from '../src/modules/webhooks/signature.ts';
import { createTestApp, type TestApp } from './harness.ts';

let app: TestApp;
let store: CreatedStore;
let other: CreatedStore;
let secret: string;
/** Sends a request to the webhook route of the Kanta server. */
let send: (path: string, init: RequestInit) => Promise<Response>;

const SET_SECRET = `mutation($source: String!, $secret: String) {
  setWebhookSecret(source: $source, secret: $secret) {
    __typename
    ... on WebhookSecret { source url secret }
    ... on InvalidInputError { field message }
  }
}`;

beforeAll(async () => {
  app = await createTestApp();
  store = await app.createStore('Webhook shop');
  other = await app.createStore('Other shop');
  send = app.fetch;
  const response = await app.gql(SET_SECRET, { source: 'shopify' }, { key: store.secretKey });
  secret = response.data?.setWebhookSecret.secret;
});
afterAll(() => app.close());

let deliveries = 0;

interface DeliveryOptions {
  topic?: string;
  webhookId?: string;
  storeId?: string;
  source?: string;
  /** Sign this instead of the body. */
  signedBody?: string;
  signature?: string | null;
  signWith?: string;
}

async function deliver(payload: unknown, options: DeliveryOptions = {}) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-shopify-topic': options.topic ?? 'orders/create',
    'x-shopify-webhook-id':
      options.webhookId ?? `b54557e4-bdd9-4b37-8a5f-bf7d70bc${String(++deliveries).padStart(4, '0')}`,
    'x-shopify-shop-domain': 'webhook-shop.myshopify.com',
    'x-shopify-api-version': '2025-10',
  };
  const signature =
    options.signature === undefined
      ? signBody(options.signWith ?? secret, options.signedBody ?? body)
      : options.signature;
  if (signature !== null) headers['x-shopify-hmac-sha256'] = signature;
  const response = await send(`/webhooks/orders/${options.source ?? 'shopify'}?store=${options.storeId ?? store.id}`, {
    method: 'POST',
    headers,
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Everything a delivery could write, for "changes nothing" assertions. */
async function snapshot(storeId = store.id) {
  const prisma = app.db.prisma;
  const where = { storeId };
  return {
    orders: await prisma.order.findMany({
      where,
      orderBy: { id: 'asc' },
      include: { lines: { orderBy: { lineNumber: 'asc' } } },
    }),
    customers: await prisma.customer.count({ where }),
    identities: await prisma.customerIdentity.count({ where }),
    receipts: await prisma.webhookReceipt.count({ where }),
    // What the order write emits itself; subscribers (loyalty points, live updates) add their own after it.
    events: await prisma.outboxEvent.count({
      where: { storeId, OR: [{ type: { startsWith: 'order.' } }, { type: { startsWith: 'customer.' } }] },
    }),
  };
}

const order = (overrides: Record<string, unknown> = {}) => shopifyOrderPayload(overrides);

describe('setWebhookSecret and webhookSources', () => {
  test('a generated secret is shown once with the URL to configure; the list never shows secrets', async () => {
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const response = await app.gql(
      '{ webhookSources { source url createdAt } }',
      {},
      { key: store.secretKey, headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'kanta.example.com' } },
    );
    expect(response.data?.webhookSources).toEqual([
      {
        source: 'shopify',
        url: `https://kanta.example.com/webhooks/orders/shopify?store=${store.id}`,
        createdAt: expect.any(String),
      },
    ]);
    expect(JSON.stringify(response.data)).not.toContain(secret);
    const fields = await app.gql('{ __type(name: "WebhookSource") { fields { name } } }', {}, { key: store.secretKey });
    expect(fields.data?.__type.fields.map((field: { name: string }) => field.name).sort()).toEqual([
      'createdAt',
      'source',
      'url',
    ]);
  });

  test('rotating to a given secret refuses deliveries signed with the old one', async () => {
    const rotated = await app.gql(
      SET_SECRET,
      { source: 'shopify-outlet', secret: 'first-secret-0123456789' },
      { key: store.secretKey },
    );
    expect(rotated.data?.setWebhookSecret).toEqual({
      __typename: 'WebhookSecret',
      source: 'shopify-outlet',
      url: `http://kanta.test/webhooks/orders/shopify-outlet?store=${store.id}`,
      secret: 'first-secret-0123456789',
    });
    await app.gql(
      SET_SECRET,
      { source: 'shopify-outlet', secret: 'second-secret-0123456789' },
      { key: store.secretKey },
    );
    const payload = order({ id: 900001 });
    const old = await deliver(payload, { source: 'shopify-outlet', signWith: 'first-secret-0123456789' });
    expect(old.status).toBe(401);
    const current = await deliver(payload, { source: 'shopify-outlet', signWith: 'second-secret-0123456789' });
    expect(current).toMatchObject({ status: 200, body: { created: true } });
    // The customer's identity is named after the source that delivered it.
    const identity = await app.db.prisma.customerIdentity.findFirst({
      where: { storeId: store.id, source: 'shopify-outlet' },
      select: { externalId: true },
    });
    expect(identity?.externalId).toBe('7049374548156');
  });

  test.each([
    [{ source: 'Shopify!' }, 'source', 'source: must be 1-32 characters of a-z, 0-9, _ and -'],
    [{ source: 'x'.repeat(33) }, 'source', 'source: must be 1-32 characters of a-z, 0-9, _ and -'],
    [{ source: 'shopify', secret: 'too-short' }, 'secret', 'secret: must be at least 16 characters'],
    [
      { source: 'woocommerce' },
      'source',
      'source: must name a supported platform: shopify, optionally with a suffix (shopify-eu)',
    ],
  ])('refuses %j naming the field, and keeps the secret', async (variables, field, message) => {
    const before = await app.db.prisma.webhookSource.findMany({
      where: { storeId: store.id },
      orderBy: { source: 'asc' },
    });
    const response = await app.gql(SET_SECRET, variables, { key: store.secretKey });
    expect(response.data?.setWebhookSecret).toEqual({ __typename: 'InvalidInputError', field, message });
    expect(
      await app.db.prisma.webhookSource.findMany({ where: { storeId: store.id }, orderBy: { source: 'asc' } }),
    ).toEqual(before);
  });

  test('needs a secret key', async () => {
    const response = await app.gql(SET_SECRET, { source: 'shopify' }, { key: store.publishableKey });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const list = await app.gql('{ webhookSources { source } }', {}, { key: store.publishableKey });
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('POST /webhooks/orders/shopify', () => {
  test('a valid delivery records the order with its customer', async () => {
    const response = await deliver(order());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ orderId: expect.any(String), created: true, cancelled: false, replayed: false });
    const recorded = await app.db.prisma.order.findUniqueOrThrow({
      where: { id: response.body.orderId },
      include: { lines: { orderBy: { lineNumber: 'asc' } }, customer: { include: { identities: true } } },
    });
    expect(recorded).toMatchObject({
      storeId: store.id,
      externalId: '5741306282172',
      channel: 'ONLINE',
      currency: 'EUR',
      status: 'PAID',
      source: 'webhook:shopify',
      placedAt: new Date('2026-11-30T12:22:05Z'),
      total: 4475n,
    });
    expect(recorded.lines.map((line) => [line.kind, line.sku, line.quantity, line.unitPrice, line.discount])).toEqual([
      ['PRODUCT', 'MUG-BLUE', 2, 1995, 300],
      ['PRODUCT', null, 1, 495, 200],
      ['SHIPPING', null, 1, 490, 0],
    ]);
    expect(recorded.customer).toMatchObject({ email: 'jon.snow@example.com', firstName: 'Jon', lastName: 'Snow' });
    expect(recorded.customer?.identities.map((identity) => `${identity.source}:${identity.externalId}`)).toContain(
      'shopify:7049374548156',
    );
    const receipts = await app.db.prisma.webhookReceipt.findMany({
      where: { storeId: store.id, source: 'shopify', outcome: { path: ['orderId'], equals: response.body.orderId } },
    });
    expect(receipts).toMatchObject([{ topic: 'orders/create', outcome: { created: true, cancelled: false } }]);
  });

  test('a replay with the same webhook id changes nothing and answers 200', async () => {
    const payload = order({ id: 5741306282200 });
    const first = await deliver(payload, { webhookId: 'replayed-delivery-1' });
    expect(first.body.created).toBe(true);
    const before = await snapshot();
    const replay = await deliver(payload, { webhookId: 'replayed-delivery-1' });
    expect(replay).toEqual({
      status: 200,
      body: { orderId: first.body.orderId, created: false, cancelled: false, replayed: true },
    });
    // Even a replay whose body differs (the id is the idempotency key) writes nothing.
    const altered = await deliver(order({ id: 5741306282201 }), { webhookId: 'replayed-delivery-1' });
    expect(altered.body.replayed).toBe(true);
    expect(await snapshot()).toEqual(before);
  });

  test('the same order under a new webhook id (another topic, a retry after a crash) is still one order', async () => {
    const payload = order({ id: 5741306282300 });
    const created = await deliver(payload, { topic: 'orders/create' });
    const before = await snapshot();
    const paid = await deliver(payload, { topic: 'orders/paid' });
    const updated = await deliver(payload, { topic: 'orders/updated' });
    for (const again of [paid, updated])
      expect(again).toEqual({
        status: 200,
        body: { orderId: created.body.orderId, created: false, cancelled: false, replayed: false },
      });
    const after = await snapshot();
    expect(after.orders).toEqual(before.orders);
    expect(after.events).toBe(before.events);
    expect(after.customers).toBe(before.customers);
    expect(after.receipts).toBe(before.receipts + 2);
  });

  test('concurrent copies of one delivery (Shopify retrying while the first is in flight) make one order', async () => {
    const payload = order({ id: 5741306282350, customer: { id: 5150, email: 'concurrent@example.com' } });
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        deliver(payload, { webhookId: index % 2 ? 'concurrent-delivery' : `concurrent-${index}` }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(responses.map((response) => response.body.orderId)).size).toBe(1);
    expect(responses.filter((response) => response.body.created)).toHaveLength(1);
    const orderId = responses[0]!.body.orderId;
    expect(await app.db.prisma.order.count({ where: { storeId: store.id, externalId: '5741306282350' } })).toBe(1);
    expect(await app.db.prisma.customer.count({ where: { storeId: store.id, email: 'concurrent@example.com' } })).toBe(
      1,
    );
    expect(
      await app.db.prisma.webhookReceipt.count({ where: { storeId: store.id, webhookId: 'concurrent-delivery' } }),
    ).toBe(1);
    const recorded = await app.db.prisma.outboxEvent.findMany({ where: { storeId: store.id, type: 'order.recorded' } });
    expect(recorded.filter((event) => (event.payload as { orderId: string }).orderId === orderId)).toHaveLength(1);
  });

  test('orders/cancelled cancels the order once', async () => {
    const payload = order({ id: 5741306282400 });
    const created = await deliver(payload);
    const cancelledPayload = { ...payload, cancelled_at: '2026-12-01T10:00:00+02:00', cancel_reason: 'customer' };
    const cancelled = await deliver(cancelledPayload, { topic: 'orders/cancelled' });
    expect(cancelled.body).toEqual({ orderId: created.body.orderId, created: false, cancelled: true, replayed: false });
    const row = await app.db.prisma.order.findUniqueOrThrow({ where: { id: created.body.orderId } });
    expect(row).toMatchObject({
      status: 'CANCELLED',
      netTotal: 0n,
      cancelReason: 'customer',
      cancelledAt: new Date('2026-12-01T08:00:00Z'),
    });
    // Shopify also sends orders/updated for the cancellation; neither it nor a retry cancels twice.
    const again = await deliver(cancelledPayload, { topic: 'orders/updated' });
    const retry = await deliver(cancelledPayload, { topic: 'orders/cancelled' });
    expect(again.body.cancelled).toBe(false);
    expect(retry.body.cancelled).toBe(false);
    const events = await app.db.prisma.outboxEvent.findMany({ where: { storeId: store.id, type: 'order.cancelled' } });
    expect(
      events.filter((event) => (event.payload as { orderId: string }).orderId === created.body.orderId),
    ).toHaveLength(1);
  });

  test('a cancellation for an order Kanta never saw records it, cancelled', async () => {
    const payload = order({ id: 5741306282500, cancelled_at: '2026-12-01T10:00:00Z', cancel_reason: 'fraud' });
    const response = await deliver(payload, { topic: 'orders/cancelled' });
    expect(response.body).toMatchObject({ created: true, cancelled: true });
    const row = await app.db.prisma.order.findUniqueOrThrow({ where: { id: response.body.orderId } });
    expect(row).toMatchObject({ status: 'CANCELLED', cancelReason: 'fraud', netTotal: 0n });
  });

  test('a guest order (POS, no customer) is kept without a customer', async () => {
    const customersBefore = await app.db.prisma.customer.count({ where: { storeId: store.id } });
    const response = await deliver(
      order({
        id: 5741306282600,
        source_name: 'pos',
        location_id: 48752903,
        customer: null,
        email: '',
        total_discounts: '0.00',
        shipping_lines: [],
        line_items: [{ sku: 'MUG-BLUE', name: 'Mug - Blue', quantity: 1, price: '19.95', discount_allocations: [] }],
      }),
    );
    expect(response.status).toBe(200);
    const row = await app.db.prisma.order.findUniqueOrThrow({ where: { id: response.body.orderId } });
    expect(row).toMatchObject({ customerId: null, channel: 'STORE', location: '48752903', total: 1995n });
    expect(await app.db.prisma.customer.count({ where: { storeId: store.id } })).toBe(customersBefore);
  });

  describe('refused deliveries write nothing', () => {
    const fresh = () => order({ id: 5741306282700, customer: { id: 99, email: 'new.person@example.com' } });

    test.each([
      ['a wrong signature', { signature: signBody('not-the-store-secret-at-all', JSON.stringify(fresh())) }],
      ['the signature of a different body', { signedBody: JSON.stringify({ ...fresh(), total_price: '0.01' }) }],
      ['no signature', { signature: null }],
      ['a garbage signature', { signature: 'AAAA' }],
    ] as [string, DeliveryOptions][])('%s → 401', async (_name, options) => {
      const before = await snapshot();
      const response = await deliver(fresh(), options);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('INVALID_SIGNATURE');
      expect(response.body.error.message).toMatch(/X-Shopify-Hmac-Sha256/);
      expect(await snapshot()).toEqual(before);
    });

    test.each([
      ['an unknown store', { storeId: '0195f3a0-0000-7000-8000-000000000000' }],
      ['a store id that is not a UUID', { storeId: 'shop-1' }],
      ['a source without a secret', { source: 'shopify-eu' }],
      ['a platform Kanta does not read', { source: 'woocommerce' }],
    ] as [string, DeliveryOptions][])('%s → 404', async (_name, options) => {
      const before = await snapshot();
      const response = await deliver(fresh(), options);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('NOT_FOUND');
      expect(await snapshot()).toEqual(before);
    });

    test("another store's id with this store's signature → 404, and its data untouched", async () => {
      const before = await snapshot(other.id);
      const response = await deliver(fresh(), { storeId: other.id });
      expect(response.status).toBe(404);
      expect(await snapshot(other.id)).toEqual(before);
    });

    test('malformed JSON → 400; a payload that is no order → 422 naming the field', async () => {
      const before = await snapshot();
      const malformed = await deliver('{"id": 1, "line_items": [', {});
      expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'MALFORMED_JSON' } } });
      const payload = fresh();
      payload.line_items[0].price = 'free';
      const invalid = await deliver(payload);
      expect(invalid).toMatchObject({
        status: 422,
        body: { error: { code: 'INVALID_INPUT', field: 'line_items.0.price' } },
      });
      expect(await snapshot()).toEqual(before);
    });

    test('a topic without an order → 202 ignored; no webhook id → 400; GET → 405', async () => {
      const before = await snapshot();
      const ignored = await deliver(fresh(), { topic: 'customers/update' });
      expect(ignored).toMatchObject({ status: 202, body: { ignored: true, topic: 'customers/update' } });
      const anonymous = await deliver(fresh(), { webhookId: '' });
      expect(anonymous).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
      const get = await send(`/webhooks/orders/shopify?store=${store.id}`, { method: 'GET' });
      expect(get.status).toBe(405);
      expect(await snapshot()).toEqual(before);
    });

    test('a body over 1 MB → 413', async () => {
      const before = await snapshot();
      const huge = JSON.stringify({ ...fresh(), note: 'x'.repeat(1024 * 1024) });
      const response = await deliver(huge);
      expect(response).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
      expect(await snapshot()).toEqual(before);
    });
  });
});
