import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runFeedbackJobs } from '../../src/modules/feedback/feedback.jobs.ts';
import { registerFeedbackSubscribers } from '../../src/modules/feedback/feedback.subscribers.ts';
import { runReviewRequestJobs, scheduleReviewRequests } from '../../src/modules/feedback/review-requests.service.ts';
import { submitReview } from '../../src/modules/feedback/reviews.service.ts';
import { type FeedbackSettingsInput, updateFeedbackSettings } from '../../src/modules/feedback/settings.service.ts';
import { createSurvey } from '../../src/modules/feedback/surveys.service.ts';
import { cancelOrder, recordOrders } from '../../src/modules/orders/orders.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

let app: TestApp;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  app = await createTestApp();
  registerFeedbackSubscribers(app.events);
});
afterAll(() => app.close());

let counter = 0;

async function shop(settings: FeedbackSettingsInput = { reviewRequestDelayHours: 72, contactCapDays: 7 }) {
  const store = await app.createStore();
  const id = store.id;
  await updateFeedbackSettings(app.db.prisma, id, settings);
  const prisma = () => app.db.prisma;
  return {
    id,
    store,
    async customer(consent = true) {
      const ext = `rr-${++counter}`;
      const row = await prisma().customer.create({
        data: {
          storeId: id,
          marketingConsent: consent,
          locale: 'fi',
          identities: { create: [{ storeId: id, source: 'web', externalId: ext }] },
        },
      });
      return { id: row.id, ext };
    },
    async order(who: { ext: string }, skus: string[], placedAt = new Date()) {
      const externalId = `RR-${++counter}`;
      const [result] = await recordOrders(prisma(), id, [
        {
          externalId,
          channel: 'ONLINE',
          placedAt,
          customer: { identities: [{ source: 'web', externalId: who.ext }] },
          lines: skus.map((sku) => ({ sku, name: sku, quantity: 1, unitPrice: 1_000 })),
        },
      ]);
      await app.events.drain();
      return { id: result!.orderId, externalId, placedAt };
    },
    requests: () => prisma().reviewRequest.findMany({ where: { storeId: id }, orderBy: { id: 'asc' } }),
    async dueEvents() {
      const rows = await prisma().outboxEvent.findMany({
        where: { storeId: id, type: 'review.request.due' },
        orderBy: { id: 'asc' },
      });
      return rows.map((row) => row.payload as { reviewRequestId: string; skus: string[]; locale: string | null });
    },
    review: (customerId: string, sku: string) =>
      submitReview(prisma(), { storeId: id, customerId, sku, rating: 5, body: `Really nice ${sku} #${++counter}` }),
    run: (now: Date) => runReviewRequestJobs(prisma(), { now, storeId: id }),
  };
}

describe('scheduling', () => {
  test('an order gets one request for its distinct product skus, due the delay after it was placed', async () => {
    const s = await shop();
    const aino = await s.customer();
    const placedAt = new Date(Date.now() - HOUR);
    const order = await s.order(aino, ['SCARF', 'HAT', 'SCARF'], placedAt);
    const [request, ...rest] = await s.requests();
    expect(rest).toHaveLength(0);
    expect(request).toMatchObject({
      customerId: aino.id,
      orderId: order.id,
      status: 'SCHEDULED',
      dueAt: new Date(placedAt.getTime() + 72 * HOUR),
    });
    expect([...request!.skus].sort()).toEqual(['HAT', 'SCARF']);
    // Replays create nothing more.
    expect(await scheduleReviewRequests(app.db.prisma, s.id, [order.id])).toBe(0);
    expect(await s.requests()).toHaveLength(1);
  });

  test('nothing when the setting is off; nothing for imports of old orders', async () => {
    const off = await shop({});
    const who = await off.customer();
    await off.order(who, ['SCARF']);
    expect(await off.requests()).toHaveLength(0);

    const s = await shop();
    const old = await s.customer();
    await s.order(old, ['SCARF'], new Date(Date.now() - 30 * DAY));
    expect(await s.requests()).toHaveLength(0);
  });

  test('skus the customer already reviewed are left out; none left, no request', async () => {
    const s = await shop();
    const aino = await s.customer();
    await s.order(aino, ['SCARF', 'HAT']);
    await s.review(aino.id, 'SCARF');
    await s.review(aino.id, 'HAT');
    const again = await s.order(aino, ['SCARF', 'GLOVES']);
    const requests = await s.requests();
    expect(requests.find((r) => r.orderId === again.id)?.skus).toEqual(['GLOVES']);
    const repeat = await s.order(aino, ['HAT']);
    expect((await s.requests()).find((r) => r.orderId === repeat.id)).toBeUndefined();
  });
});

describe('sending', () => {
  test('due → DUE and review.request.due once; replays change nothing', async () => {
    const s = await shop();
    const aino = await s.customer();
    const order = await s.order(aino, ['SCARF', 'HAT']);
    const due = new Date(order.placedAt.getTime() + 72 * HOUR);
    expect(await s.run(new Date(due.getTime() - HOUR))).toEqual({ due: 0, skipped: 0, skippedBy: {} });
    expect(await s.run(due)).toEqual({ due: 1, skipped: 0, skippedBy: {} });
    expect(await s.run(new Date(due.getTime() + HOUR))).toEqual({ due: 0, skipped: 0, skippedBy: {} });
    const [request] = await s.requests();
    expect(request).toMatchObject({ status: 'DUE', skipReason: null });
    const events = await s.dueEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reviewRequestId: request!.id, orderId: order.id, locale: 'fi' });
    expect([...events[0]!.skus].sort()).toEqual(['HAT', 'SCARF']);
    const asks = await app.db.prisma.feedbackAsk.findMany({ where: { storeId: s.id, customerId: aino.id } });
    expect(asks).toMatchObject([{ kind: 'REVIEW_REQUEST', refId: request!.id }]);
  });

  test('runFeedbackJobs includes the review-request step in its report', async () => {
    const s = await shop();
    const aino = await s.customer();
    const order = await s.order(aino, ['SCARF']);
    const report = await runFeedbackJobs(app.db.prisma, {
      now: new Date(order.placedAt.getTime() + 73 * HOUR),
      storeId: s.id,
    });
    expect(report).toMatchObject({ due: 0, skipped: 0, reviewRequestsDue: 1, reviewRequestsSkipped: 0 });
  });

  test('no marketing consent → SKIPPED NO_CONSENT', async () => {
    const s = await shop();
    const who = await s.customer(false);
    const order = await s.order(who, ['SCARF']);
    expect(await s.run(new Date(order.placedAt.getTime() + 72 * HOUR))).toEqual({
      due: 0,
      skipped: 1,
      skippedBy: { NO_CONSENT: 1 },
    });
    expect(await s.requests()).toMatchObject([{ status: 'SKIPPED', skipReason: 'NO_CONSENT' }]);
    expect(await s.dueEvents()).toHaveLength(0);
  });

  test('a cancelled order → SKIPPED ORDER_CANCELLED', async () => {
    const s = await shop();
    const who = await s.customer();
    const order = await s.order(who, ['SCARF']);
    await cancelOrder(app.db.prisma, s.id, order.externalId);
    await app.events.drain();
    const report = await s.run(new Date(order.placedAt.getTime() + 72 * HOUR));
    expect(report.skippedBy).toEqual({ ORDER_CANCELLED: 1 });
    expect(await s.dueEvents()).toHaveLength(0);
  });

  test('everything reviewed before it was due → SKIPPED ALL_REVIEWED', async () => {
    const s = await shop();
    const who = await s.customer();
    const order = await s.order(who, ['SCARF']);
    await s.review(who.id, 'SCARF');
    const report = await s.run(new Date(order.placedAt.getTime() + 72 * HOUR));
    expect(report.skippedBy).toEqual({ ALL_REVIEWED: 1 });
  });

  test('reviewing every sku of a sent request marks it ANSWERED (idempotent)', async () => {
    const s = await shop();
    const who = await s.customer();
    const order = await s.order(who, ['SCARF', 'HAT']);
    await s.run(new Date(order.placedAt.getTime() + 72 * HOUR));
    await s.review(who.id, 'SCARF');
    expect(await s.requests()).toMatchObject([{ status: 'DUE' }]);
    await s.review(who.id, 'HAT');
    expect(await s.requests()).toMatchObject([{ status: 'ANSWERED' }]);
    // Editing a review again leaves it answered.
    await submitReview(app.db.prisma, {
      storeId: s.id,
      customerId: who.id,
      sku: 'HAT',
      rating: 4,
      body: 'Changed my mind a bit.',
    });
    expect(await s.requests()).toMatchObject([{ status: 'ANSWERED' }]);
    expect(await s.run(new Date(order.placedAt.getTime() + 80 * HOUR))).toEqual({ due: 0, skipped: 0, skippedBy: {} });
  });
});

describe('the shared frequency cap', () => {
  test('asked for an NPS answer 3 days ago → no review request now', async () => {
    const s = await shop({ reviewRequestDelayHours: 72, contactCapDays: 7 });
    await createSurvey(app.db.prisma, s.id, { name: 'NPS', type: 'NPS', trigger: 'AFTER_ORDER', delayHours: 1 });
    const who = await s.customer();
    const placedAt = new Date(Date.now() - 2 * HOUR);
    const order = await s.order(who, ['SCARF'], placedAt);
    // The invitation goes out an hour after the order…
    const first = await runFeedbackJobs(app.db.prisma, { now: new Date(placedAt.getTime() + HOUR), storeId: s.id });
    expect(first).toMatchObject({ due: 1, reviewRequestsDue: 0 });
    // …so the review request, due 3 days after the order, falls within the cap.
    const second = await runFeedbackJobs(app.db.prisma, {
      now: new Date(placedAt.getTime() + 72 * HOUR),
      storeId: s.id,
    });
    expect(second).toMatchObject({ reviewRequestsDue: 0, reviewRequestsSkipped: 1 });
    expect(second.reviewRequestsSkippedBy).toEqual({ FREQUENCY_CAP: 1 });
    expect(await s.requests()).toMatchObject([{ orderId: order.id, status: 'SKIPPED', skipReason: 'FREQUENCY_CAP' }]);
  });

  test('asked for a review 3 days ago → no survey invitation now', async () => {
    const s = await shop({ reviewRequestDelayHours: 1, contactCapDays: 7 });
    await createSurvey(app.db.prisma, s.id, {
      name: 'NPS',
      type: 'NPS',
      trigger: 'AFTER_ORDER',
      delayHours: 72,
      linkValidHours: 72,
    });
    const who = await s.customer();
    const placedAt = new Date(Date.now() - 2 * HOUR);
    await s.order(who, ['SCARF'], placedAt);
    const first = await runFeedbackJobs(app.db.prisma, { now: new Date(placedAt.getTime() + HOUR), storeId: s.id });
    expect(first).toMatchObject({ due: 0, reviewRequestsDue: 1 });
    const second = await runFeedbackJobs(app.db.prisma, {
      now: new Date(placedAt.getTime() + 72 * HOUR),
      storeId: s.id,
    });
    expect(second).toMatchObject({ due: 0, skipped: 1, skippedBy: { FREQUENCY_CAP: 1 } });
  });
});

describe('API', () => {
  let store: CreatedStore;
  const admin = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await app.gql(query, variables, { key: store.secretKey });
    expect(response.errors).toBeUndefined();
    return response.data!;
  };
  const SETTINGS = `mutation($input: FeedbackSettingsInput!) {
    updateFeedbackSettings(input: $input) {
      __typename
      ... on FeedbackSettings { reviewRequestDelayHours contactCapDays }
      ... on InvalidInputError { field }
    }
  }`;

  test('reviewRequestDelayHours: read, set, validated, switched off with null', async () => {
    const s = await shop({});
    store = s.store;
    expect((await admin('{ feedbackSettings { reviewRequestDelayHours } }')).feedbackSettings).toEqual({
      reviewRequestDelayHours: null,
    });
    expect((await admin(SETTINGS, { input: { reviewRequestDelayHours: 48 } })).updateFeedbackSettings).toMatchObject({
      reviewRequestDelayHours: 48,
    });
    for (const bad of [0, 2161])
      expect((await admin(SETTINGS, { input: { reviewRequestDelayHours: bad } })).updateFeedbackSettings).toEqual({
        __typename: 'InvalidInputError',
        field: 'input.reviewRequestDelayHours',
      });
    // Other fields leave it as it is; null switches it off.
    expect((await admin(SETTINGS, { input: { contactCapDays: 10 } })).updateFeedbackSettings).toMatchObject({
      reviewRequestDelayHours: 48,
      contactCapDays: 10,
    });
    expect((await admin(SETTINGS, { input: { reviewRequestDelayHours: null } })).updateFeedbackSettings).toMatchObject({
      reviewRequestDelayHours: null,
    });
  });

  test('reviewRequests: newest first, filtered by status and customer, forward paging', async () => {
    const s = await shop();
    store = s.store;
    const aino = await s.customer();
    const bea = await s.customer(false);
    const first = await s.order(aino, ['SCARF']);
    await s.order(bea, ['HAT']);
    await s.run(new Date(first.placedAt.getTime() + 73 * HOUR));
    const QUERY = `query($filter: ReviewRequestFilter, $after: String) {
      reviewRequests(first: 1, after: $after, filter: $filter) {
        edges { node { customerId orderId skus status skipReason } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    const page1 = (await admin(QUERY)).reviewRequests;
    expect(page1.edges).toMatchObject([{ node: { customerId: bea.id, status: 'SKIPPED', skipReason: 'NO_CONSENT' } }]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await admin(QUERY, { after: page1.pageInfo.endCursor })).reviewRequests;
    expect(page2.edges).toMatchObject([{ node: { customerId: aino.id, orderId: first.id, skus: ['SCARF'] } }]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const due = (await admin(QUERY, { filter: { status: 'DUE' } })).reviewRequests;
    expect(due.edges).toMatchObject([{ node: { customerId: aino.id, status: 'DUE' } }]);
    const byCustomer = (await admin(QUERY, { filter: { customerId: bea.id } })).reviewRequests;
    expect(byCustomer.edges).toMatchObject([{ node: { customerId: bea.id } }]);
    const nobody = (await admin(QUERY, { filter: { customerId: 'not-a-uuid' } })).reviewRequests;
    expect(nobody.edges).toEqual([]);
    // A storefront key sees none of it.
    const visitor = await app.gql(
      '{ reviewRequests(first: 1) { edges { node { orderId } } } }',
      {},
      {
        key: store.publishableKey,
      },
    );
    expect(visitor.errors).toBeDefined();
  });
});
