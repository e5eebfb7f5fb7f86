import { afterAll, beforeAll, expect, test } from 'vitest';
import { upsertCustomer } from '../../src/modules/customers/customers.service.ts';
import { countsOf } from '../../src/modules/feedback/ratings.ts';
import {
  listReviews,
  moderateReview,
  productRating,
  submitReview,
  voteHelpful,
} from '../../src/modules/feedback/reviews.service.ts';
import { upsertProducts } from '../../src/modules/products/products.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * The "done when": the per-product aggregate stays exact under 20 concurrent reviews of one
 * product. Meaningful on real PostgreSQL (TEST_DATABASE_URL: a pool of 10 connections, so the
 * transactions really interleave and race to create the ProductRating row); also run on PGlite.
 */

let app: TestApp;
let shop: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  shop = await app.createStore('Concurrent reviews');
  await upsertProducts(app.db.prisma, shop.id, [{ sku: 'HOT-MUG', name: 'The mug everyone reviews' }]);
  await app.db.prisma.feedbackSettings.create({ data: { storeId: shop.id, linkSecret: 'test', autoPublish: 'ALL' } });
});
afterAll(() => app.close());

async function customers(count: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const { customerId } = await upsertCustomer(app.db.prisma, shop.id, {
      identities: [{ source: 'web', externalId: `${prefix}-${index}` }],
    });
    ids.push(customerId);
  }
  return ids;
}

test('20 concurrent reviews of one product by 20 customers: count 20 and the exact sum and histogram', async () => {
  const reviewers = await customers(20, 'reviewer');
  const ratings = reviewers.map((_, index) => (index % 5) + 1);
  const results = await Promise.allSettled(
    reviewers.map((customerId, index) =>
      submitReview(app.db.prisma, {
        storeId: shop.id,
        customerId,
        sku: 'HOT-MUG',
        rating: ratings[index]!,
        body: `Reviewer number ${index} has this to say about the mug: ${'good '.repeat(index + 1)}`,
      }),
    ),
  );
  const failures = results.filter((result) => result.status === 'rejected');
  expect(failures.map((failure) => String((failure as PromiseRejectedResult).reason))).toEqual([]);
  expect(results.every((result) => result.status === 'fulfilled' && result.value.status === 'PUBLISHED')).toBe(true);

  const expected = countsOf(ratings);
  const rating = await productRating(app.db.prisma, shop.id, 'HOT-MUG');
  expect(rating).toEqual({
    sku: 'HOT-MUG',
    count: 20,
    sum: expected.sum,
    histogram: expected.stars,
    average: Math.round((expected.sum / 20) * 100) / 100,
  });
  expect(rating.histogram).toEqual([4, 4, 4, 4, 4]);
  expect(rating.sum).toBe(60);
  expect(await app.db.prisma.productRating.count({ where: { storeId: shop.id, sku: 'HOT-MUG' } })).toBe(1);
  expect((await listReviews(app.db.prisma, shop.id, 'HOT-MUG', { first: 100 })).edges).toHaveLength(20);
});

test('concurrent moderation, edits and votes on the same product keep the aggregate equal to the published reviews', async () => {
  const page = await listReviews(app.db.prisma, shop.id, 'HOT-MUG', { first: 100 });
  const reviews = page.edges.map((edge) => edge.node);
  const voters = await customers(5, 'voter');
  await Promise.all([
    // Reject half, concurrently with everything else.
    ...reviews
      .slice(0, 10)
      .map((review) =>
        moderateReview(app.db.prisma, shop.id, review.id, { status: 'REJECTED', reason: 'test' }, 'admin'),
      ),
    // Their authors edit the other half.
    ...reviews.slice(10).map((review) =>
      submitReview(app.db.prisma, {
        storeId: shop.id,
        customerId: review.customerId!,
        sku: 'HOT-MUG',
        rating: 5,
        body: `Edited: ${review.body} and even better now`,
      }),
    ),
    ...voters.flatMap((voter) =>
      reviews.slice(10, 15).map((review) => voteHelpful(app.db.prisma, shop.id, review.id, voter)),
    ),
  ]);
  const published = await app.db.prisma.review.findMany({
    where: { storeId: shop.id, sku: 'HOT-MUG', status: 'PUBLISHED' },
    select: { rating: true },
  });
  expect(published).toHaveLength(10);
  const expected = countsOf(published.map((review) => review.rating));
  const rating = await productRating(app.db.prisma, shop.id, 'HOT-MUG');
  expect({ count: rating.count, sum: rating.sum, histogram: rating.histogram }).toEqual({
    count: 10,
    sum: 50,
    histogram: expected.stars,
  });
  const voted = await app.db.prisma.review.findMany({ where: { id: { in: reviews.slice(10, 15).map((r) => r.id) } } });
  expect(voted.map((review) => review.helpfulCount)).toEqual([5, 5, 5, 5, 5]);
});
