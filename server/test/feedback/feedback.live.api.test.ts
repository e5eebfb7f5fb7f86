import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { upsertProducts } from '../../src/modules/products/products.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp, testRedis } from '../harness.ts';
import { subscribe } from '../loyalty/sse.ts';
import { type TwoProcesses, twoApiProcesses } from '../redis-processes.ts';

/** `subscription feedbackReceived` over SSE, in memory and across processes via Redis. */

export const FEEDBACK_SUBSCRIPTION =
  'subscription { feedbackReceived { kind edited surveyResponse { score comment customer { id } } review { sku rating body status } } }';

type Gql = (query: string, variables: Record<string, unknown>) => Promise<{ data?: any; errors?: any[] }>;

async function answer(gql: Gql, surveyId: string, score: number, comment?: string) {
  const response = await gql(
    'mutation($input: SurveyResponseInput!) { submitSurveyResponse(input: $input) { __typename ... on SurveyAnswerPayload { response { id } } } }',
    { input: { surveyId, score, comment } },
  );
  expect(response.errors).toBeUndefined();
  expect(response.data!.submitSurveyResponse.__typename).toBe('SurveyAnswerPayload');
  return response.data!.submitSurveyResponse.response.id as string;
}

async function alwaysOnSurvey(gql: Gql) {
  const response = await gql(
    'mutation { createSurvey(input: { name: "Live CSAT", type: CSAT, trigger: ALWAYS_ON, allowAnonymous: true }) { ... on Survey { id } } }',
    {},
  );
  return response.data!.createSurvey.id as string;
}

describe('in memory', () => {
  let app: TestApp;
  let store: CreatedStore;
  let surveyId: string;
  const adminGql: Gql = (query, variables) => app.gql(query, variables, { key: store.secretKey });

  beforeAll(async () => {
    app = await createTestApp();
    store = await app.createStore('Live feedback shop');
    surveyId = await alwaysOnSurvey(adminGql);
    await upsertProducts(app.db.prisma, store.id, [{ sku: 'LAMP', name: 'Lamp' }]);
  });
  afterAll(() => app.close());

  const adminHeaders = () => ({ authorization: `Bearer ${store.secretKey}` });

  test('an admin view hears survey answers and reviews as they arrive', async () => {
    const stream = await subscribe(app.yoga, adminHeaders(), FEEDBACK_SUBSCRIPTION);
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toContain('text/event-stream');
      // The subscription starts listening when the stream is first read.
      const first = stream.next();
      await answer(adminGql, surveyId, 1, 'Could not find the size guide');
      await app.events.drain();
      expect((await first).data.feedbackReceived).toEqual({
        kind: 'SURVEY_RESPONSE',
        edited: false,
        surveyResponse: { score: 1, comment: 'Could not find the size guide', customer: null },
        review: null,
      });
      const customer = await app.db.prisma.customer.create({
        data: {
          storeId: store.id,
          identities: { create: [{ storeId: store.id, source: 'web', externalId: 'live-rev' }] },
        },
      });
      const token = await app.customerToken(store.secretKey, 'web:live-rev');
      const review = await app.gql(
        'mutation { submitReview(input: { sku: "LAMP", rating: 2, body: "<b>Flickers</b> all the time" }) { __typename } }',
        {},
        { key: store.publishableKey, customerToken: token },
      );
      expect(review.data!.submitReview.__typename).toBe('Review');
      await app.events.drain();
      expect((await stream.next()).data.feedbackReceived).toEqual({
        kind: 'REVIEW',
        edited: false,
        surveyResponse: null,
        review: { sku: 'LAMP', rating: 2, body: '<b>Flickers</b> all the time', status: 'PENDING' },
      });
      expect(customer.id).toBeTruthy();
    } finally {
      stream.close();
    }
  });

  test("another store's feedback is not sent", async () => {
    const other = await app.createStore('Other live shop');
    const otherGql: Gql = (query, variables) => app.gql(query, variables, { key: other.secretKey });
    const otherSurvey = await alwaysOnSurvey(otherGql);
    const stream = await subscribe(app.yoga, adminHeaders(), FEEDBACK_SUBSCRIPTION);
    try {
      await answer(otherGql, otherSurvey, 5);
      await app.events.drain();
      await expect(stream.next(300)).rejects.toThrow('no event in time');
      await answer(adminGql, surveyId, 4);
      await app.events.drain();
      expect((await stream.next()).data.feedbackReceived.surveyResponse.score).toBe(4);
    } finally {
      stream.close();
    }
  });

  test('secret keys only', async () => {
    const keys: Record<string, string>[] = [
      { authorization: `Bearer ${store.publishableKey}` },
      {
        authorization: `Bearer ${store.publishableKey}`,
        'x-kanta-customer': await app.customerToken(store.secretKey, 'web:someone'),
      },
    ];
    for (const headers of keys) {
      const stream = await subscribe(app.yoga, headers, FEEDBACK_SUBSCRIPTION);
      try {
        const result = await stream.next();
        expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(result.errors?.[0]?.message).toContain('Subscription.feedbackReceived');
      } finally {
        stream.close();
      }
    }
  });
});

/** Two API processes sharing a database and a Redis: an answer handled by one reaches an admin view on the other. */
const redis = await testRedis();

describe.skipIf(redis.skip)('across processes with REDIS_URL', () => {
  let setup: TwoProcesses;
  beforeAll(async () => {
    setup = await twoApiProcesses(redis.url, 'Redis feedback shop');
  });
  afterAll(() => setup?.close());

  test('an answer handled by process A reaches an admin view connected to process B', async () => {
    const { store, a, b, waitForSubscribers } = setup;
    const surveyId = await alwaysOnSurvey(a.gql);
    const channel = `feedbackReceived:${store.id}`;
    const stream = await subscribe(b.yoga, { authorization: `Bearer ${store.secretKey}` }, FEEDBACK_SUBSCRIPTION);
    try {
      // The subscription starts with the first read; Redis confirms it asynchronously.
      const first = stream.next(5_000);
      await waitForSubscribers(channel, (count) => count > 0, 'process B never subscribed');
      await answer(a.gql, surveyId, 2, 'Too slow');
      // Process A delivers the outbox event; its live subscriber publishes to Redis.
      await a.events.drain();
      expect((await first).data.feedbackReceived).toMatchObject({
        kind: 'SURVEY_RESPONSE',
        surveyResponse: { score: 2, comment: 'Too slow' },
      });
    } finally {
      stream.close();
    }
    await waitForSubscribers(channel, (count) => count === 0, 'process B never unsubscribed');
  });
});
