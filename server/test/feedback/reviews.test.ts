import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/errors.ts';
import { upsertCustomer } from '../../src/modules/customers/customers.service.ts';
import {
  CannotVoteError,
  DuplicateReviewError,
  ReviewRateLimitedError,
  ReviewTransitionError,
} from '../../src/modules/feedback/errors.ts';
import { countsOf } from '../../src/modules/feedback/ratings.ts';
import {
  adminReviews,
  listReviews,
  mergeCustomerReviews,
  moderateReview,
  moderationQueue,
  productRating,
  productStructuredData,
  type ReviewInput,
  type ReviewSort,
  registerReviewSubscribers,
  removeCustomerReviews,
  replyToReview,
  reviewModerationLog,
  submitReview,
  voteHelpful,
} from '../../src/modules/feedback/reviews.service.ts';
import { updateProgram } from '../../src/modules/loyalty/program.service.ts';
import { cancelOrder, recordOrders } from '../../src/modules/orders/orders.service.ts';
import { upsertProducts } from '../../src/modules/products/products.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * Product reviews at the service level: verified purchases from online and POS orders, the
 * duplicate and rate-limit checks, moderation that never looks at the stars, the audit trail, the
 * aggregate after every transition, replies, helpful votes, sorted pages, and plain-text bodies.
 */

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  // events/subscribers.ts registers it too: a second registration also proves the handler idempotent.
  registerReviewSubscribers(app.events);
});
afterAll(() => app.close());

const prisma = () => app.db.prisma;
let counter = 0;

interface Shop {
  id: string;
  customer(name?: string): Promise<string>;
  buy(
    customerId: string,
    sku: string,
    extra?: { channel?: 'ONLINE' | 'STORE' | 'APP'; location?: string },
  ): Promise<string>;
  settings(values: { autoPublish?: 'NONE' | 'VERIFIED' | 'ALL'; reviewsPerDay?: number }): Promise<void>;
  review(customerId: string, input: Partial<ReviewInput> & { sku: string }): ReturnType<typeof submitReview>;
  /** The stored aggregate equals the counts of the PUBLISHED reviews, and is returned. */
  checkAggregate(sku: string): Promise<{ count: number; sum: number; histogram: number[]; average: number | null }>;
}

const externalIds = new Map<string, string>();

async function shop(skus = ['MUG', 'CUP', 'PLATE', 'BOWL']): Promise<Shop> {
  const store = await app.createStore();
  await upsertProducts(
    prisma(),
    store.id,
    skus.map((sku) => ({
      sku,
      name: `Product ${sku}`,
      price: 1_990,
      currency: 'EUR',
      url: `https://shop.example/${sku}`,
    })),
  );
  return {
    id: store.id,
    async customer(name) {
      const externalId = `c-${++counter}`;
      const { customerId } = await upsertCustomer(prisma(), store.id, {
        identities: [{ source: 'web', externalId }],
        ...(name ? { firstName: name } : {}),
      });
      externalIds.set(customerId, externalId);
      return customerId;
    },
    async buy(customerId, sku, extra = {}) {
      const [result] = await recordOrders(prisma(), store.id, [
        {
          externalId: `order-${++counter}`,
          customer: { identities: [{ source: 'web', externalId: externalIds.get(customerId)! }] },
          channel: extra.channel ?? 'ONLINE',
          location: extra.location ?? null,
          placedAt: new Date(Date.now() - 86_400_000),
          lines: [
            { sku, name: sku, quantity: 1, unitPrice: 1_990 },
            { sku: 'SHIP', name: 'Shipping', quantity: 1, unitPrice: 500, kind: 'SHIPPING' },
          ],
        },
      ]);
      return result!.orderId;
    },
    async settings(values) {
      await prisma().feedbackSettings.upsert({
        where: { storeId: store.id },
        create: { storeId: store.id, linkSecret: 'test-secret', ...values },
        update: values,
      });
    },
    review(customerId, input) {
      return submitReview(prisma(), {
        storeId: store.id,
        customerId,
        rating: 4,
        body: `A perfectly ordinary review number ${++counter}.`,
        ...input,
      });
    },
    async checkAggregate(sku) {
      const published = await prisma().review.findMany({
        where: { storeId: store.id, sku, status: 'PUBLISHED' },
        select: { rating: true },
      });
      const expected = countsOf(published.map((review) => review.rating));
      const rating = await productRating(prisma(), store.id, sku);
      expect({ count: rating.count, sum: rating.sum, histogram: rating.histogram }).toEqual({
        count: expected.count,
        sum: expected.sum,
        histogram: expected.stars,
      });
      return rating;
    },
  };
}

async function outbox(storeId: string, type: string) {
  const rows = await prisma().outboxEvent.findMany({ where: { storeId, type }, orderBy: { id: 'asc' } });
  return rows.map((row) => row.payload as Record<string, unknown>);
}

describe('verified purchase', () => {
  test('an online order line verifies; so does a POS (store) sale; the order is recorded', async () => {
    const s = await shop();
    await s.settings({ autoPublish: 'NONE' });
    const online = await s.customer();
    const pos = await s.customer();
    const onlineOrder = await s.buy(online, 'MUG');
    const posOrder = await s.buy(pos, 'MUG', { channel: 'STORE', location: 'Helsinki Kamppi' });

    const a = await s.review(online, { sku: 'MUG' });
    expect(a).toMatchObject({ verifiedPurchase: true, verifiedOrderId: onlineOrder, status: 'PENDING', sku: 'MUG' });
    const b = await s.review(pos, { sku: ' MUG ' });
    expect(b).toMatchObject({ verifiedPurchase: true, verifiedOrderId: posOrder, sku: 'MUG' });
    expect(b.productId).not.toBeNull();
  });

  test('no matching line: unverified; a non-PRODUCT line, another sku or another customer does not verify', async () => {
    const s = await shop();
    const buyer = await s.customer();
    const other = await s.customer();
    await s.buy(buyer, 'CUP');
    expect(await s.review(other, { sku: 'CUP' })).toMatchObject({ verifiedPurchase: false, verifiedOrderId: null });
    expect(await s.review(buyer, { sku: 'MUG' })).toMatchObject({ verifiedPurchase: false });
    await upsertProducts(prisma(), s.id, [{ sku: 'SHIP', name: 'Shipping' }]);
    expect(await s.review(buyer, { sku: 'SHIP' })).toMatchObject({ verifiedPurchase: false });
  });

  test('a cancelled order does not verify', async () => {
    const s = await shop();
    const buyer = await s.customer();
    await s.buy(buyer, 'PLATE');
    const order = await prisma().order.findFirstOrThrow({ where: { storeId: s.id, customerId: buyer } });
    await cancelOrder(prisma(), s.id, order.externalId, { reason: 'test' });
    expect(await s.review(buyer, { sku: 'PLATE' })).toMatchObject({ verifiedPurchase: false, verifiedOrderId: null });
  });

  test('a sku the catalogue does not know: only as a verified purchase', async () => {
    const s = await shop();
    const buyer = await s.customer();
    const stranger = await s.customer();
    await s.buy(buyer, 'UNLISTED-1');
    await expect(s.review(stranger, { sku: 'UNLISTED-1' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await s.review(buyer, { sku: 'UNLISTED-1' })).toMatchObject({ verifiedPurchase: true, productId: null });
  });

  test('an unknown customer, or one of another store, is not found', async () => {
    const s = await shop();
    const t = await shop();
    const elsewhere = await t.customer();
    await expect(s.review(elsewhere, { sku: 'MUG' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.review('not-a-uuid', { sku: 'MUG' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('validation: plain text, limits, nothing stored on failure', () => {
  test.each([
    [{ rating: 0 }, 'rating'],
    [{ rating: 6 }, 'rating'],
    [{ rating: 4.5 }, 'rating'],
    [{ body: '' }, 'body'],
    [{ body: '  \n ' }, 'body'],
    [{ body: 'x'.repeat(5_001) }, 'body'],
    [{ body: 'bell \u0007 in the text' }, 'body'],
    [{ body: 'a null \u0000 byte' }, 'body'],
    [{ body: 'a lone surrogate \ud800 here' }, 'body'],
    [{ title: 't'.repeat(151) }, 'title'],
    [{ title: 'two\nlines' }, 'title'],
    [{ photoUrls: ['javascript:alert(1)'] }, 'photoUrls.0'],
    [{ photoUrls: ['not a url'] }, 'photoUrls.0'],
    [{ photoUrls: Array.from({ length: 11 }, (_, index) => `https://img.example/${index}.jpg`) }, 'photoUrls'],
    [{ locale: 'not a locale!!' }, 'locale'],
    [{ sku: '' }, 'sku'],
  ] as [Partial<ReviewInput>, string][])('%j → InvalidInputError(%s)', async (input, field) => {
    const s = await shop();
    const customer = await s.customer();
    const error = await s.review(customer, { sku: 'MUG', ...input }).catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe(field);
    expect(await prisma().review.count({ where: { storeId: s.id } })).toBe(0);
    expect(await prisma().reviewModeration.count({ where: { storeId: s.id } })).toBe(0);
  });

  test('limits are inclusive: a 150-character title and a 5000-character body (emoji count once); lines and tabs are fine', async () => {
    const s = await shop();
    const customer = await s.customer();
    const body = `${'😀'.repeat(4_990)}\n\tline\r\n`;
    const review = await s.review(customer, { sku: 'MUG', title: 'é'.repeat(150), body });
    expect(review.body).toBe(body);
    expect(review.title).toBe('é'.repeat(150));
  });

  test('a hostile body is stored and returned exactly as given, as text', async () => {
    const s = await shop();
    await s.settings({ autoPublish: 'ALL' });
    const customer = await s.customer();
    const body = '<img src=x onerror=alert(1)>';
    const title = '</script><script>alert(1)</script>';
    const authorName = '<b>Aino</b> & "friends"';
    const review = await s.review(customer, { sku: 'MUG', body, title, authorName });
    expect(review).toMatchObject({ body, title, authorName });
    const stored = await prisma().review.findUniqueOrThrow({ where: { id: review.id } });
    expect(stored).toMatchObject({ body, title, authorName });
    const page = await listReviews(prisma(), s.id, 'MUG');
    expect(page.edges[0]!.node).toMatchObject({ body, title, authorName });
    const replied = await replyToReview(prisma(), s.id, review.id, '<script>alert("reply")</script>');
    expect(replied.reply).toBe('<script>alert("reply")</script>');
    // The structured data carries the same text, inert.
    const ld = (await productStructuredData(prisma(), s.id, 'MUG')) as {
      review: { reviewBody: string; name: string }[];
    };
    expect(ld.review[0]).toMatchObject({ reviewBody: body, name: title });
  });
});

describe('duplicates and the daily limit', () => {
  test('the same text (case, spacing and punctuation aside) by the same customer or on the same product is refused', async () => {
    const s = await shop();
    const first = await s.customer();
    const second = await s.customer();
    const text = 'This mug keeps my coffee warm for hours, love it!';
    const original = await s.review(first, { sku: 'MUG', body: text });

    const sameCustomer = await s
      .review(first, { sku: 'CUP', body: '  THIS mug keeps my coffee   warm for hours love it ' })
      .catch((error) => error);
    expect(sameCustomer).toBeInstanceOf(DuplicateReviewError);
    expect((sameCustomer as DuplicateReviewError).reviewId).toBe(original.id);

    const sameProduct = await s
      .review(second, { sku: 'MUG', body: 'This mug keeps my coffee warm, for hours... Love it' })
      .catch((e) => e);
    expect(sameProduct).toBeInstanceOf(DuplicateReviewError);

    // Someone else on another product may use the same words.
    await expect(s.review(second, { sku: 'CUP', body: text })).resolves.toMatchObject({ sku: 'CUP' });
    // Short everyday phrases are not checked: two honest "Love it!" reviews are both kept.
    await expect(s.review(first, { sku: 'PLATE', body: 'Love it!' })).resolves.toBeTruthy();
    await expect(s.review(second, { sku: 'PLATE', body: 'love it' })).resolves.toBeTruthy();
    expect(await prisma().review.count({ where: { storeId: s.id } })).toBe(4);
  });

  test('more than reviewsPerDay new reviews in 24 hours is refused; editing is not a new review', async () => {
    const s = await shop();
    await s.settings({ reviewsPerDay: 2 });
    const customer = await s.customer();
    const first = await s.review(customer, { sku: 'MUG' });
    await s.review(customer, { sku: 'CUP' });
    const error = await s.review(customer, { sku: 'PLATE' }).catch((caught) => caught);
    expect(error).toBeInstanceOf(ReviewRateLimitedError);
    expect((error as ReviewRateLimitedError).limit).toBe(2);
    expect((error as ReviewRateLimitedError).retryAfter.getTime()).toBe(first.createdAt.getTime() + 86_400_000);
    expect(await prisma().review.count({ where: { storeId: s.id } })).toBe(2);
    await expect(s.review(customer, { sku: 'MUG', rating: 2 })).resolves.toMatchObject({ id: first.id, rating: 2 });
    // Another customer has their own limit.
    await expect(s.review(await s.customer(), { sku: 'PLATE' })).resolves.toBeTruthy();
    // Reviews older than a day do not count.
    await prisma().review.updateMany({
      where: { storeId: s.id, customerId: customer },
      data: { createdAt: new Date(Date.now() - 2 * 86_400_000) },
    });
    await expect(s.review(customer, { sku: 'PLATE' })).resolves.toBeTruthy();
  });
});

describe('moderation never depends on the rating', () => {
  const modes = ['NONE', 'VERIFIED', 'ALL'] as const;

  test('a 1-star and a 5-star review with otherwise identical inputs get identical outcomes in every setting', async () => {
    for (const mode of modes) {
      for (const verified of [false, true]) {
        const outcomes: unknown[] = [];
        for (const rating of [1, 5]) {
          // Twin stores, identical but for the stars.
          const s = await shop();
          await s.settings({ autoPublish: mode });
          const customer = await s.customer();
          if (verified) await s.buy(customer, 'MUG');
          const review = await s.review(customer, {
            sku: 'MUG',
            rating,
            title: 'My honest opinion',
            body: 'Exactly the same words in both reviews, only the stars differ.',
            locale: 'fi',
          });
          const log = await reviewModerationLog(prisma(), s.id, review.id);
          outcomes.push({
            status: review.status,
            published: review.publishedAt !== null,
            verified: review.verifiedPurchase,
            log: log.map((row) => ({ from: row.fromStatus, to: row.toStatus, actor: row.actor, reason: row.reason })),
            submitted: (await outbox(s.id, 'review.submitted')).map((event) => event.status),
            publishedEvents: (await outbox(s.id, 'review.published')).length,
            inQueue: (await moderationQueue(prisma(), s.id)).edges.length,
          });
        }
        expect(outcomes[0], `autoPublish ${mode}, verified ${verified}`).toEqual(outcomes[1]);
        const expected = mode === 'ALL' || (mode === 'VERIFIED' && verified) ? 'PUBLISHED' : 'PENDING';
        expect((outcomes[0] as { status: string }).status).toBe(expected);
      }
    }
  });
});

describe('moderation transitions, audit trail and the aggregate', () => {
  test('PENDING → PUBLISHED → REJECTED → PUBLISHED, with reasons, audit rows and the aggregate after every step', async () => {
    const s = await shop();
    await s.settings({ autoPublish: 'NONE' });
    const customer = await s.customer();
    const other = await s.customer();
    await s.settings({ autoPublish: 'ALL' });
    await s.review(other, { sku: 'MUG', rating: 2 });
    await s.settings({ autoPublish: 'NONE' });
    const review = await s.review(customer, { sku: 'MUG', rating: 5 });
    expect(review.status).toBe('PENDING');
    expect(await s.checkAggregate('MUG')).toMatchObject({ count: 1, sum: 2, average: 2 });
    expect((await moderationQueue(prisma(), s.id)).edges.map((edge) => edge.node.id)).toEqual([review.id]);

    const published = await moderateReview(prisma(), s.id, review.id, { status: 'PUBLISHED' }, 'admin-key-1');
    expect(published.status).toBe('PUBLISHED');
    expect(published.publishedAt).not.toBeNull();
    expect(await s.checkAggregate('MUG')).toMatchObject({ count: 2, sum: 7, average: 3.5, histogram: [0, 1, 0, 0, 1] });
    expect((await moderationQueue(prisma(), s.id)).edges).toHaveLength(0);

    await expect(
      moderateReview(prisma(), s.id, review.id, { status: 'PUBLISHED' }, 'admin-key-1'),
    ).rejects.toBeInstanceOf(ReviewTransitionError);
    await expect(
      moderateReview(prisma(), s.id, review.id, { status: 'REJECTED' }, 'admin-key-1'),
    ).rejects.toMatchObject({
      field: 'reason',
    });
    const rejected = await moderateReview(
      prisma(),
      s.id,
      review.id,
      { status: 'REJECTED', reason: 'Contains a phone number' },
      'admin-key-2',
    );
    expect(rejected).toMatchObject({ status: 'REJECTED', rejectReason: 'Contains a phone number' });
    expect(await s.checkAggregate('MUG')).toMatchObject({ count: 1, sum: 2 });
    await expect(
      moderateReview(prisma(), s.id, review.id, { status: 'REJECTED', reason: 'again' }, 'admin-key-2'),
    ).rejects.toMatchObject({ from: 'REJECTED', to: 'REJECTED' });

    const republished = await moderateReview(
      prisma(),
      s.id,
      review.id,
      { status: 'PUBLISHED', reason: 'Number removed' },
      'admin-key-1',
    );
    expect(republished).toMatchObject({ status: 'PUBLISHED', rejectReason: null });
    expect(republished.publishedAt).toEqual(published.publishedAt);
    expect(await s.checkAggregate('MUG')).toMatchObject({ count: 2, sum: 7 });

    const log = await reviewModerationLog(prisma(), s.id, review.id);
    expect(log.map((row) => [row.fromStatus, row.toStatus, row.actor, row.reason])).toEqual([
      [null, 'PENDING', 'system', 'submitted; awaiting moderation (auto-publish NONE)'],
      ['PENDING', 'PUBLISHED', 'admin-key-1', null],
      ['PUBLISHED', 'REJECTED', 'admin-key-2', 'Contains a phone number'],
      ['REJECTED', 'PUBLISHED', 'admin-key-1', 'Number removed'],
    ]);
    // Published twice, announced once.
    expect((await outbox(s.id, 'review.published')).filter((event) => event.reviewId === review.id)).toHaveLength(1);
  });

  test('PENDING → REJECTED leaves the aggregate alone; unknown ids and other stores are not found', async () => {
    const s = await shop();
    const t = await shop();
    await s.settings({ autoPublish: 'NONE' });
    const review = await s.review(await s.customer(), { sku: 'CUP' });
    await expect(moderateReview(prisma(), t.id, review.id, { status: 'PUBLISHED' }, 'x')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(moderateReview(prisma(), s.id, 'nope', { status: 'PUBLISHED' }, 'x')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(moderateReview(prisma(), s.id, review.id, { status: 'PENDING' as never }, 'x')).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await moderateReview(prisma(), s.id, review.id, { status: 'REJECTED', reason: 'spam' }, 'x');
    expect(await s.checkAggregate('CUP')).toMatchObject({ count: 0, average: null, histogram: [0, 0, 0, 0, 0] });
  });

  test('a second submit edits the review and sends it back through the same rules', async () => {
    const s = await shop();
    await s.settings({ autoPublish: 'VERIFIED' });
    const buyer = await s.customer();
    const guest = await s.customer();
    await s.buy(buyer, 'BOWL');
    const first = await s.review(buyer, { sku: 'BOWL', rating: 2, body: 'Chipped on arrival, otherwise fine.' });
    expect(first.status).toBe('PUBLISHED');
    expect(await s.checkAggregate('BOWL')).toMatchObject({ count: 1, sum: 2 });

    const edited = await s.review(buyer, {
      sku: 'BOWL',
      rating: 5,
      body: 'The shop replaced it at once. Great service.',
    });
    expect(edited).toMatchObject({ id: first.id, rating: 5, status: 'PUBLISHED' });
    expect(edited.publishedAt).toEqual(first.publishedAt);
    expect(await s.checkAggregate('BOWL')).toMatchObject({ count: 1, sum: 5, histogram: [0, 0, 0, 0, 1] });

    // Under NONE an edit waits for a moderator again and leaves the aggregate until then.
    await s.settings({ autoPublish: 'NONE' });
    const pending = await s.review(buyer, { sku: 'BOWL', rating: 4, body: 'Edited once more, now four stars.' });
    expect(pending).toMatchObject({ id: first.id, status: 'PENDING' });
    expect(await s.checkAggregate('BOWL')).toMatchObject({ count: 0 });
    await moderateReview(prisma(), s.id, first.id, { status: 'PUBLISHED' }, 'admin');
    expect(await s.checkAggregate('BOWL')).toMatchObject({ count: 1, sum: 4 });
    expect(await prisma().review.count({ where: { storeId: s.id, sku: 'BOWL' } })).toBe(1);
    expect((await outbox(s.id, 'review.published')).filter((event) => event.reviewId === first.id)).toHaveLength(1);
    expect((await outbox(s.id, 'review.submitted')).filter((event) => event.reviewId === first.id)).toHaveLength(3);
    const log = await reviewModerationLog(prisma(), s.id, first.id);
    expect(log.map((row) => [row.fromStatus, row.toStatus, row.reason])).toEqual([
      [null, 'PUBLISHED', 'submitted; auto-published (VERIFIED purchase)'],
      ['PUBLISHED', 'PUBLISHED', 'edited by the customer; auto-published (VERIFIED purchase)'],
      ['PUBLISHED', 'PENDING', 'edited by the customer; awaiting moderation (auto-publish NONE)'],
      ['PENDING', 'PUBLISHED', null],
    ]);
    // A guest reviewing the same product is a different review.
    await s.review(guest, { sku: 'BOWL' });
    expect(await prisma().review.count({ where: { storeId: s.id, sku: 'BOWL' } })).toBe(2);
  });

  test('review.published awards the same REVIEW bonus for 1 and 5 stars, once, and writes the timeline', async () => {
    const s = await shop();
    await updateProgram(prisma(), s.id, { rules: { bonuses: [{ action: 'REVIEW', points: 25 }] }, enabled: true });
    await s.settings({ autoPublish: 'NONE' });
    const low = await s.customer();
    const high = await s.customer();
    const lowReview = await s.review(low, { sku: 'MUG', rating: 1 });
    const highReview = await s.review(high, { sku: 'MUG', rating: 5 });
    await app.events.drain();
    const balance = async (customerId: string) =>
      (await prisma().loyaltyAccount.findFirst({ where: { storeId: s.id, customerId } }))?.balance ?? 0;
    expect(await balance(low)).toBe(0);
    for (const review of [lowReview, highReview])
      await moderateReview(prisma(), s.id, review.id, { status: 'PUBLISHED' }, 'admin');
    await moderateReview(prisma(), s.id, lowReview.id, { status: 'REJECTED', reason: 'test' }, 'admin');
    await moderateReview(prisma(), s.id, lowReview.id, { status: 'PUBLISHED' }, 'admin');
    await app.events.drain();
    await app.events.drain();
    expect(await balance(low)).toBe(25);
    expect(await balance(high)).toBe(25);
    const timeline = await prisma().interaction.findMany({ where: { storeId: s.id, type: 'REVIEW_WRITTEN' } });
    expect(timeline.map((row) => row.sourceRef).sort()).toEqual(
      [`review:${highReview.id}`, `review:${lowReview.id}`].sort(),
    );
  });
});

describe('replies', () => {
  test('the merchant reply is plain text, can be changed and removed', async () => {
    const s = await shop();
    const review = await s.review(await s.customer(), { sku: 'MUG' });
    const replied = await replyToReview(prisma(), s.id, review.id, 'Thank you!\nThe Kanta team');
    expect(replied).toMatchObject({ reply: 'Thank you!\nThe Kanta team' });
    expect(replied.repliedAt).not.toBeNull();
    await expect(replyToReview(prisma(), s.id, review.id, 'bad \u001b[31m escape')).rejects.toMatchObject({
      field: 'reply',
    });
    await expect(replyToReview(prisma(), s.id, review.id, 'x'.repeat(5_001))).rejects.toBeInstanceOf(InvalidInputError);
    const removed = await replyToReview(prisma(), s.id, review.id, null);
    expect(removed).toMatchObject({ reply: null, repliedAt: null });
    const t = await shop();
    await expect(replyToReview(prisma(), t.id, review.id, 'hi')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('helpful votes', () => {
  test('one per shopper, not on one’s own review, only on published reviews; idempotent and exact under concurrency', async () => {
    const s = await shop();
    await s.settings({ autoPublish: 'NONE' });
    const author = await s.customer();
    const review = await s.review(author, { sku: 'MUG' });
    const voter = await s.customer();
    await expect(voteHelpful(prisma(), s.id, review.id, voter)).rejects.toMatchObject({ reason: 'NOT_PUBLISHED' });
    await moderateReview(prisma(), s.id, review.id, { status: 'PUBLISHED' }, 'admin');
    const own = await voteHelpful(prisma(), s.id, review.id, author).catch((error) => error);
    expect(own).toBeInstanceOf(CannotVoteError);
    expect(own.reason).toBe('OWN_REVIEW');

    expect((await voteHelpful(prisma(), s.id, review.id, voter)).helpfulCount).toBe(1);
    expect((await voteHelpful(prisma(), s.id, review.id, voter)).helpfulCount).toBe(1);

    const voters = await Promise.all(Array.from({ length: 6 }, () => s.customer()));
    await Promise.all([...voters, ...voters].map((customerId) => voteHelpful(prisma(), s.id, review.id, customerId)));
    const stored = await prisma().review.findUniqueOrThrow({ where: { id: review.id } });
    expect(stored.helpfulCount).toBe(7);
    expect(await prisma().reviewVote.count({ where: { reviewId: review.id } })).toBe(7);
    await expect(voteHelpful(prisma(), s.id, review.id, 'nobody')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('lists', () => {
  test('sorts NEWEST, HIGHEST, LOWEST and MOST_HELPFUL page by page with stable tie-breaks; photo filter; published only', async () => {
    const s = await shop();
    await s.settings({ autoPublish: 'ALL' });
    const ratings = [3, 5, 1, 5, 3, 4, 5, 2, 3];
    const helpful = [0, 2, 5, 2, 0, 1, 0, 5, 2];
    const ids: string[] = [];
    for (const [index, rating] of ratings.entries()) {
      const customer = await s.customer();
      const review = await s.review(customer, {
        sku: 'MUG',
        rating,
        photoUrls: index % 3 === 0 ? [`https://img.example/${index}.jpg`] : [],
      });
      ids.push(review.id);
    }
    // Same createdAt for some, so the id decides.
    const instant = new Date('2026-11-01T12:00:00Z');
    await prisma().review.updateMany({ where: { id: { in: ids.slice(0, 4) } }, data: { createdAt: instant } });
    for (const [index, count] of helpful.entries())
      await prisma().review.update({ where: { id: ids[index]! }, data: { helpfulCount: count } });
    // A pending and a rejected review never show.
    await s.settings({ autoPublish: 'NONE' });
    await s.review(await s.customer(), { sku: 'MUG', rating: 5 });

    const rows = await prisma().review.findMany({ where: { storeId: s.id, sku: 'MUG', status: 'PUBLISHED' } });
    const newest = (a: (typeof rows)[0], b: (typeof rows)[0]) =>
      b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1);
    const expected: Record<ReviewSort, string[]> = {
      NEWEST: [...rows].sort(newest).map((row) => row.id),
      HIGHEST: [...rows].sort((a, b) => b.rating - a.rating || newest(a, b)).map((row) => row.id),
      LOWEST: [...rows].sort((a, b) => a.rating - b.rating || newest(a, b)).map((row) => row.id),
      MOST_HELPFUL: [...rows].sort((a, b) => b.helpfulCount - a.helpfulCount || newest(a, b)).map((row) => row.id),
    };
    for (const sort of ['NEWEST', 'HIGHEST', 'LOWEST', 'MOST_HELPFUL'] as const) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let pageNumber = 0; pageNumber < 10; pageNumber++) {
        const page = await listReviews(prisma(), s.id, 'MUG', { sort, first: 2, after });
        seen.push(...page.edges.map((edge) => edge.node.id));
        expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen, sort).toEqual(expected[sort]);
      const all = await listReviews(prisma(), s.id, 'MUG', { sort, first: 100 });
      expect(all.edges.map((edge) => edge.node.id)).toEqual(expected[sort]);
      expect(all.pageInfo.hasNextPage).toBe(false);
    }
    expect(expected.NEWEST).toHaveLength(9);

    const photos = await listReviews(prisma(), s.id, 'MUG', { withPhotos: true, first: 100 });
    expect(photos.edges.map((edge) => edge.node.id)).toEqual(
      expected.NEWEST.filter((id) => [0, 3, 6].map((index) => ids[index]).includes(id)),
    );

    const first = await listReviews(prisma(), s.id, 'MUG', { sort: 'HIGHEST', first: 2 });
    await expect(
      listReviews(prisma(), s.id, 'MUG', { sort: 'LOWEST', after: first.pageInfo.endCursor }),
    ).rejects.toMatchObject({ field: 'after' });
    await expect(listReviews(prisma(), s.id, 'MUG', { after: 'garbage' })).rejects.toMatchObject({ field: 'after' });
    await expect(listReviews(prisma(), s.id, 'MUG', { first: 0 })).rejects.toMatchObject({ field: 'first' });
    await expect(listReviews(prisma(), s.id, 'MUG', { sort: 'RANDOM' as never })).rejects.toMatchObject({
      field: 'sort',
    });

    const admin = await adminReviews(prisma(), s.id, { status: 'PENDING' });
    expect(admin.edges).toHaveLength(1);
    expect((await adminReviews(prisma(), s.id, { sku: 'MUG' }, { first: 100 })).edges).toHaveLength(10);
    expect((await adminReviews(prisma(), s.id, { withPhotos: true })).edges).toHaveLength(3);
    expect((await adminReviews(prisma(), s.id, { rating: 5, status: 'PUBLISHED' })).edges).toHaveLength(3);
    // Another store sees nothing.
    const t = await shop();
    expect((await listReviews(prisma(), t.id, 'MUG')).edges).toHaveLength(0);
    expect(await s.checkAggregate('MUG')).toMatchObject({ count: 9, sum: 31, histogram: [1, 1, 3, 1, 3] });
  });
});

describe('customer data', () => {
  test('removeCustomerReviews deletes their reviews and votes and fixes the aggregates and counts', async () => {
    const s = await shop();
    await s.settings({ autoPublish: 'ALL' });
    const leaving = await s.customer();
    const staying = await s.customer();
    const mine = await s.review(leaving, { sku: 'MUG', rating: 1 });
    await s.review(leaving, { sku: 'CUP', rating: 5 });
    const theirs = await s.review(staying, { sku: 'MUG', rating: 4 });
    await voteHelpful(prisma(), s.id, theirs.id, leaving);
    await voteHelpful(prisma(), s.id, mine.id, staying);
    const result = await prisma().$transaction((tx) => removeCustomerReviews(tx, s.id, leaving));
    expect(result).toEqual({ reviews: 2, reviewVotes: 1 });
    expect(await prisma().review.count({ where: { storeId: s.id, customerId: leaving } })).toBe(0);
    expect(await prisma().reviewVote.count({ where: { storeId: s.id } })).toBe(0);
    expect((await prisma().review.findUniqueOrThrow({ where: { id: theirs.id } })).helpfulCount).toBe(0);
    expect(await s.checkAggregate('MUG')).toMatchObject({ count: 1, sum: 4 });
    expect(await s.checkAggregate('CUP')).toMatchObject({ count: 0 });
  });

  test('mergeCustomerReviews moves reviews and votes, keeping one review per product and no self-votes', async () => {
    const s = await shop();
    await s.settings({ autoPublish: 'ALL' });
    const kept = await s.customer();
    const merged = await s.customer();
    const third = await s.customer();
    await s.review(kept, { sku: 'MUG', rating: 5 });
    await s.review(merged, { sku: 'MUG', rating: 1 });
    const cup = await s.review(merged, { sku: 'CUP', rating: 3 });
    const thirds = await s.review(third, { sku: 'PLATE', rating: 4 });
    await voteHelpful(prisma(), s.id, thirds.id, kept);
    await voteHelpful(prisma(), s.id, thirds.id, merged);
    await voteHelpful(prisma(), s.id, cup.id, kept);
    const result = await prisma().$transaction((tx) => mergeCustomerReviews(tx, s.id, kept, merged));
    expect(result).toEqual({ reviewsMoved: 1, reviewsDropped: 1, reviewVotesMoved: 0, reviewVotesDropped: 2 });
    expect(await prisma().review.count({ where: { storeId: s.id, customerId: merged } })).toBe(0);
    expect((await prisma().review.findUniqueOrThrow({ where: { id: cup.id } })).customerId).toBe(kept);
    expect((await prisma().review.findUniqueOrThrow({ where: { id: cup.id } })).helpfulCount).toBe(0);
    expect((await prisma().review.findUniqueOrThrow({ where: { id: thirds.id } })).helpfulCount).toBe(1);
    expect(await s.checkAggregate('MUG')).toMatchObject({ count: 1, sum: 5 });
    expect(await s.checkAggregate('CUP')).toMatchObject({ count: 1, sum: 3 });
  });
});
