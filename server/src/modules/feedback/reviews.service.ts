import type { PrismaClient } from '../../db/database.ts';
import { uuidv7 } from '../../db/uuid7.ts';
import { InvalidInputError, isUuid, NotFoundError } from '../../errors.ts';
import { type DomainEvents, emit } from '../../events/events.ts';
import type { Prisma, Review, ReviewStatus } from '../../generated/prisma/client.ts';
import { recordInteraction } from '../customers/timeline.service.ts';
import { awardBonus } from '../loyalty/bonus.service.ts';
import { CannotVoteError, DuplicateReviewError, ReviewRateLimitedError, ReviewTransitionError } from './errors.ts';
import { type JsonLdOptions, productJsonLd } from './json-ld.ts';
import {
  averageFromCounts,
  countsFromRow,
  histogram,
  isZeroDelta,
  type RatingCounts,
  type ReviewState,
  sumDeltas,
  transitionDelta,
} from './ratings.ts';
import { answerReviewRequests } from './review-requests.service.ts';
import { isDuplicateCheckable } from './review-text.ts';
import {
  canModerate,
  initialReviewStatus,
  type ModerationInput,
  parseModerationInput,
  parsePageSize,
  parseRating,
  parseReply,
  parseReviewInput,
  parseSku,
  REVIEW_SORTS,
  type ReviewInput,
  type ReviewSort,
} from './reviews.validation.ts';

export type { ModerationInput, ReviewInput, ReviewSort } from './reviews.validation.ts';

/**
 * Product ratings and reviews.
 *
 * - Submitting: a customer writes one review per product (store, sku). Submitting again for the
 *   same sku EDITS that review: the new text and stars replace the old ones, and the review goes
 *   back through the same auto-publish rules as a new one (so with autoPublish NONE an edited
 *   published review is PENDING again until a moderator looks at it; with ALL, an edited REJECTED
 *   review is published again, exactly as a new review with that text would be). Helpful votes and
 *   the merchant's reply stay; review.published is not sent again for an edit. An edit does not
 *   count against the daily limit.
 * - Verified purchase: the customer has a PRODUCT line with that sku (positive quantity) in one of
 *   their SALE orders that is not cancelled, in any channel (online, app or POS/store).
 * - Auto-publish (FeedbackSettings.autoPublish): NONE (everything waits for a moderator),
 *   VERIFIED (verified purchases are published at once) or ALL. The star rating never takes part:
 *   `initialReviewStatus` does not even receive it.
 * - Checks: the same normalised body (see review-text.ts) by the same customer on another product,
 *   or by anyone on the same product → DuplicateReviewError; more than `reviewsPerDay` new reviews
 *   by one customer in 24 hours → ReviewRateLimitedError.
 * - Moderation: PENDING → PUBLISHED | REJECTED, PUBLISHED → REJECTED, REJECTED → PUBLISHED, each
 *   with an audit row (ReviewModeration); the submission itself is the first audit row.
 * - The per-product aggregate (ProductRating: published reviews only) changes in the same
 *   transaction as every status or rating change, by increments on a row locked by the
 *   INSERT … ON CONFLICT DO UPDATE / UPDATE itself, so concurrent reviews add up exactly.
 * - Events: review.submitted on every submit and edit; review.published the first time a review is
 *   published (never again after a rejection and re-publication), which awards the REVIEW bonus.
 *
 * Lock order, everywhere: the customer's review lock (advisory), the text lock (advisory), the
 * review row, the ProductRating row(s) in sku order.
 */

type Db = PrismaClient | Prisma.TransactionClient;
type Tx = Prisma.TransactionClient;

/** Room for a queue of writers on one product's aggregate row. */
const TRANSACTION_OPTIONS = { maxWait: 30_000, timeout: 60_000 } as const;

const DAY_MS = 86_400_000;
const DEFAULT_SETTINGS = { autoPublish: 'VERIFIED', reviewsPerDay: 5 } as const;

function inTransaction<T>(prisma: PrismaClient, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(fn, TRANSACTION_OPTIONS);
}

/** The store's review settings (the FeedbackSettings row, or its defaults when none was saved). */
async function reviewSettings(db: Db, storeId: string): Promise<{ autoPublish: string; reviewsPerDay: number }> {
  const row = await db.feedbackSettings.findUnique({
    where: { storeId },
    select: { autoPublish: true, reviewsPerDay: true },
  });
  return row ?? DEFAULT_SETTINGS;
}

/** A transaction-scoped advisory lock on a text key (64-bit hash: a collision only serialises more). */
async function lockKey(tx: Tx, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}

// ---------------------------------------------------------------------------------------------
// The aggregate
// ---------------------------------------------------------------------------------------------

/**
 * Adds `delta` to the product's ProductRating row. Pure additions upsert (the first published
 * review creates the row); a delta that takes anything away updates the row, which must exist.
 */
async function applyRatingDelta(tx: Tx, storeId: string, sku: string, delta: RatingCounts): Promise<void> {
  if (isZeroDelta(delta)) return;
  const [s1, s2, s3, s4, s5] = delta.stars;
  const removes = delta.count < 0 || delta.sum < 0 || delta.stars.some((value) => value < 0);
  if (!removes) {
    await tx.$executeRaw`
      INSERT INTO "ProductRating" (id, "storeId", sku, count, sum, stars1, stars2, stars3, stars4, stars5)
      VALUES (${uuidv7()}::uuid, ${storeId}::uuid, ${sku}, ${delta.count}, ${delta.sum}, ${s1}, ${s2}, ${s3}, ${s4}, ${s5})
      ON CONFLICT ("storeId", sku) DO UPDATE SET
        count = "ProductRating".count + EXCLUDED.count,
        sum = "ProductRating".sum + EXCLUDED.sum,
        stars1 = "ProductRating".stars1 + EXCLUDED.stars1,
        stars2 = "ProductRating".stars2 + EXCLUDED.stars2,
        stars3 = "ProductRating".stars3 + EXCLUDED.stars3,
        stars4 = "ProductRating".stars4 + EXCLUDED.stars4,
        stars5 = "ProductRating".stars5 + EXCLUDED.stars5`;
    return;
  }
  const updated = await tx.$executeRaw`
    UPDATE "ProductRating" SET
      count = count + ${delta.count}, sum = sum + ${delta.sum},
      stars1 = stars1 + ${s1}, stars2 = stars2 + ${s2}, stars3 = stars3 + ${s3},
      stars4 = stars4 + ${s4}, stars5 = stars5 + ${s5}
    WHERE "storeId" = ${storeId}::uuid AND sku = ${sku}`;
  if (updated !== 1) throw new Error(`ProductRating for ${sku} is missing: the aggregate and the reviews disagree`);
}

export interface ProductRatingSummary {
  sku: string;
  /** Average stars of the published reviews, two decimals; null when there are none. */
  average: number | null;
  count: number;
  sum: number;
  /** Published reviews with 1, 2, 3, 4 and 5 stars. */
  histogram: [number, number, number, number, number];
}

export async function productRating(db: Db, storeId: string, sku: string): Promise<ProductRatingSummary> {
  const key = typeof sku === 'string' ? sku.trim() : '';
  const row = key ? await db.productRating.findUnique({ where: { storeId_sku: { storeId, sku: key } } }) : null;
  const counts = countsFromRow(row);
  return {
    sku: key,
    average: averageFromCounts(counts),
    count: counts.count,
    sum: counts.sum,
    histogram: histogram(counts),
  };
}

/** Ratings of several products in one query (list pages; a GraphQL DataLoader). */
export async function productRatings(db: Db, storeId: string, skus: string[]): Promise<ProductRatingSummary[]> {
  const rows = await db.productRating.findMany({ where: { storeId, sku: { in: skus } } });
  const bySku = new Map(rows.map((row) => [row.sku, row]));
  return skus.map((sku) => {
    const counts = countsFromRow(bySku.get(sku) ?? null);
    return {
      sku,
      average: averageFromCounts(counts),
      count: counts.count,
      sum: counts.sum,
      histogram: histogram(counts),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Submitting
// ---------------------------------------------------------------------------------------------

/** The customer's most recent non-cancelled SALE order with a PRODUCT line of this sku, any channel. */
async function verifyingOrder(tx: Tx, storeId: string, customerId: string, sku: string): Promise<string | null> {
  const line = await tx.orderLine.findFirst({
    where: {
      storeId,
      sku,
      kind: 'PRODUCT',
      quantity: { gt: 0 },
      order: { storeId, customerId, kind: 'SALE', status: { not: 'CANCELLED' }, cancelledAt: null },
    },
    orderBy: [{ order: { placedAt: 'desc' } }, { orderId: 'desc' }],
    select: { orderId: true },
  });
  return line?.orderId ?? null;
}

async function audit(
  tx: Tx,
  storeId: string,
  reviewId: string,
  fromStatus: ReviewStatus | null,
  toStatus: ReviewStatus,
  actor: string,
  reason: string | null,
): Promise<void> {
  await tx.reviewModeration.create({
    data: { storeId, reviewId, fromStatus, toStatus, actor, reason },
    select: { id: true },
  });
}

function submissionReason(edited: boolean, status: ReviewStatus, mode: string, verified: boolean): string {
  const what = edited ? 'edited by the customer' : 'submitted';
  if (status === 'PUBLISHED') return `${what}; auto-published (${mode}${mode === 'VERIFIED' ? ' purchase' : ''})`;
  return `${what}; awaiting moderation (auto-publish ${mode}${mode === 'VERIFIED' && !verified ? ', not a verified purchase' : ''})`;
}

/**
 * Submits a review, or edits the customer's review of this sku (see the module comment). Throws
 * InvalidInputError, NotFoundError('Customer' | 'Product'), DuplicateReviewError,
 * ReviewRateLimitedError; a failure changes nothing. A review of a sku the catalogue does not know
 * is accepted only as a verified purchase.
 */
export async function submitReview(prisma: PrismaClient, input: ReviewInput): Promise<Review> {
  const valid = parseReviewInput(input);
  const { storeId, customerId } = input;
  if (!isUuid(customerId)) throw new NotFoundError('Customer');
  const now = new Date();

  return inTransaction(prisma, async (tx) => {
    // One customer's submissions queue here: the daily limit and the one-per-product rule hold.
    await lockKey(tx, `review:customer:${storeId}:${customerId}`);
    const customer = await tx.customer.findFirst({ where: { id: customerId, storeId }, select: { id: true } });
    if (!customer) throw new NotFoundError('Customer');

    const [existing] = await tx.$queryRaw<
      { id: string; status: ReviewStatus; rating: number; publishedAt: Date | null }[]
    >`
      SELECT id, status::text AS status, rating, "publishedAt" FROM "Review"
      WHERE "storeId" = ${storeId}::uuid AND sku = ${valid.sku} AND "customerId" = ${customerId}::uuid
      FOR UPDATE`;

    const settings = await reviewSettings(tx, storeId);
    if (!existing) {
      const since = new Date(now.getTime() - DAY_MS);
      const recent = await tx.review.findMany({
        where: { storeId, customerId, createdAt: { gte: since } },
        orderBy: { createdAt: 'asc' },
        select: { createdAt: true },
      });
      if (recent.length >= settings.reviewsPerDay) {
        const freed = recent[recent.length - settings.reviewsPerDay]?.createdAt ?? now;
        throw new ReviewRateLimitedError(settings.reviewsPerDay, new Date(freed.getTime() + DAY_MS));
      }
    }

    if (isDuplicateCheckable(valid.body)) {
      // Two shoppers pasting the same text at once: the second waits here and then sees the first.
      await lockKey(tx, `review:text:${storeId}:${valid.contentHash}`);
      const duplicate = await tx.review.findFirst({
        where: {
          storeId,
          contentHash: valid.contentHash,
          OR: [{ customerId }, { sku: valid.sku }],
          ...(existing ? { id: { not: existing.id } } : {}),
        },
        select: { id: true },
      });
      if (duplicate) throw new DuplicateReviewError(duplicate.id);
    }

    const verifiedOrderId = await verifyingOrder(tx, storeId, customerId, valid.sku);
    const product = await tx.product.findUnique({
      where: { storeId_sku: { storeId, sku: valid.sku } },
      select: { id: true },
    });
    if (!product && !verifiedOrderId) throw new NotFoundError('Product');

    const verifiedPurchase = verifiedOrderId !== null;
    const status = initialReviewStatus(settings.autoPublish, verifiedPurchase);
    const firstPublication = status === 'PUBLISHED' && !existing?.publishedAt;
    const fields = {
      productId: product?.id ?? null,
      authorName: valid.authorName,
      rating: valid.rating,
      title: valid.title,
      body: valid.body,
      photoUrls: valid.photoUrls,
      locale: valid.locale,
      status,
      verifiedPurchase,
      verifiedOrderId,
      contentHash: valid.contentHash,
      rejectReason: null,
      ...(firstPublication ? { publishedAt: now } : {}),
    };

    let review: Review;
    if (existing) {
      review = await tx.review.update({ where: { id: existing.id }, data: fields });
    } else {
      review = await tx.review.create({ data: { storeId, sku: valid.sku, customerId, ...fields } });
    }
    await audit(
      tx,
      storeId,
      review.id,
      existing?.status ?? null,
      status,
      'system',
      submissionReason(existing !== undefined, status, settings.autoPublish, verifiedPurchase),
    );
    const before: ReviewState = existing ? { status: existing.status, rating: existing.rating } : null;
    await applyRatingDelta(tx, storeId, valid.sku, transitionDelta(before, { status, rating: valid.rating }));
    // A review request of this customer whose products are now all reviewed is answered.
    await answerReviewRequests(tx, storeId, customerId, valid.sku);

    await emit(tx, storeId, 'review.submitted', { reviewId: review.id, sku: review.sku, customerId, status });
    if (firstPublication)
      await emit(tx, storeId, 'review.published', { reviewId: review.id, sku: review.sku, customerId });
    return review;
  });
}

// ---------------------------------------------------------------------------------------------
// Moderation and replies
// ---------------------------------------------------------------------------------------------

async function lockReview(
  tx: Tx,
  storeId: string,
  reviewId: string,
): Promise<{
  id: string;
  sku: string;
  status: ReviewStatus;
  rating: number;
  publishedAt: Date | null;
  customerId: string | null;
}> {
  const [row] = await tx.$queryRaw<
    {
      id: string;
      sku: string;
      status: ReviewStatus;
      rating: number;
      publishedAt: Date | null;
      customerId: string | null;
    }[]
  >`
    SELECT id, sku, status::text AS status, rating, "publishedAt", "customerId" FROM "Review"
    WHERE id = ${reviewId}::uuid AND "storeId" = ${storeId}::uuid
    FOR UPDATE`;
  if (!row) throw new NotFoundError('Review');
  return row;
}

/**
 * Publishes or rejects a review (reason required when rejecting), with an audit row naming
 * `actor` (the admin key id) and the aggregate changed in the same transaction. Throws
 * InvalidInputError, NotFoundError('Review') or ReviewTransitionError.
 */
export async function moderateReview(
  prisma: PrismaClient,
  storeId: string,
  reviewId: string,
  input: ModerationInput,
  actor: string,
): Promise<Review> {
  const { status, reason } = parseModerationInput(input);
  if (!isUuid(reviewId)) throw new NotFoundError('Review');
  return inTransaction(prisma, async (tx) => {
    const current = await lockReview(tx, storeId, reviewId);
    if (!canModerate(current.status, status)) throw new ReviewTransitionError(current.status, status);
    const firstPublication = status === 'PUBLISHED' && !current.publishedAt;
    const review = await tx.review.update({
      where: { id: reviewId },
      data: {
        status,
        rejectReason: status === 'REJECTED' ? reason : null,
        ...(firstPublication ? { publishedAt: new Date() } : {}),
      },
    });
    await audit(tx, storeId, reviewId, current.status, status, actor, reason);
    await applyRatingDelta(
      tx,
      storeId,
      current.sku,
      transitionDelta({ status: current.status, rating: current.rating }, { status, rating: current.rating }),
    );
    if (firstPublication)
      await emit(tx, storeId, 'review.published', { reviewId, sku: current.sku, customerId: current.customerId });
    return review;
  });
}

/** Sets (or with null / empty text removes) the merchant's public reply: plain text, like reviews. */
export async function replyToReview(
  prisma: PrismaClient,
  storeId: string,
  reviewId: string,
  reply: string | null,
): Promise<Review> {
  const text = parseReply(reply);
  if (!isUuid(reviewId)) throw new NotFoundError('Review');
  const updated = await prisma.review.updateMany({
    where: { id: reviewId, storeId },
    data: { reply: text, repliedAt: text === null ? null : new Date() },
  });
  if (updated.count === 0) throw new NotFoundError('Review');
  return prisma.review.findUniqueOrThrow({ where: { id: reviewId } });
}

// ---------------------------------------------------------------------------------------------
// Helpful votes
// ---------------------------------------------------------------------------------------------

/**
 * "Was this helpful?": one vote per shopper per review, only on published reviews and never on the
 * shopper's own. Voting again changes nothing (idempotent). Returns the review with its count.
 * Throws NotFoundError('Review' | 'Customer') or CannotVoteError.
 */
export async function voteHelpful(
  prisma: PrismaClient,
  storeId: string,
  reviewId: string,
  customerId: string,
): Promise<Review> {
  if (!isUuid(reviewId)) throw new NotFoundError('Review');
  if (!isUuid(customerId)) throw new NotFoundError('Customer');
  return inTransaction(prisma, async (tx) => {
    const review = await tx.review.findFirst({
      where: { id: reviewId, storeId },
      select: { id: true, status: true, customerId: true },
    });
    if (!review) throw new NotFoundError('Review');
    if (review.customerId === customerId) throw new CannotVoteError('OWN_REVIEW');
    if (review.status !== 'PUBLISHED') throw new CannotVoteError('NOT_PUBLISHED');
    const customer = await tx.customer.findFirst({ where: { id: customerId, storeId }, select: { id: true } });
    if (!customer) throw new NotFoundError('Customer');
    // The unique (reviewId, customerId) decides; the count moves only with an inserted vote.
    const inserted = await tx.reviewVote.createMany({
      data: [{ storeId, reviewId, customerId }],
      skipDuplicates: true,
    });
    if (inserted.count === 1)
      return tx.review.update({ where: { id: reviewId }, data: { helpfulCount: { increment: 1 } } });
    return tx.review.findUniqueOrThrow({ where: { id: reviewId } });
  });
}

// ---------------------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------------------

type SortColumn = 'createdAt' | 'rating' | 'helpfulCount' | 'id';
interface SortKey {
  column: SortColumn;
  direction: 'asc' | 'desc';
}

type ListOrder = ReviewSort | 'OLDEST';

/** Every order ends with the id, so ties break the same way on every page. */
const ORDERS: Record<ListOrder, SortKey[]> = {
  NEWEST: [
    { column: 'createdAt', direction: 'desc' },
    { column: 'id', direction: 'desc' },
  ],
  HIGHEST: [
    { column: 'rating', direction: 'desc' },
    { column: 'createdAt', direction: 'desc' },
    { column: 'id', direction: 'desc' },
  ],
  LOWEST: [
    { column: 'rating', direction: 'asc' },
    { column: 'createdAt', direction: 'desc' },
    { column: 'id', direction: 'desc' },
  ],
  MOST_HELPFUL: [
    { column: 'helpfulCount', direction: 'desc' },
    { column: 'createdAt', direction: 'desc' },
    { column: 'id', direction: 'desc' },
  ],
  OLDEST: [
    { column: 'createdAt', direction: 'asc' },
    { column: 'id', direction: 'asc' },
  ],
};

type CursorValue = string | number;

function cursorValue(review: Review, column: SortColumn): CursorValue {
  const value = review[column];
  return value instanceof Date ? value.toISOString() : value;
}

/** An opaque cursor: the order's name and the row's sort values. */
export function encodeReviewCursor(order: ListOrder, review: Review): string {
  return Buffer.from(JSON.stringify([order, ORDERS[order].map((key) => cursorValue(review, key.column))])).toString(
    'base64url',
  );
}

/** The values, or null when the cursor is not one of this order. */
export function decodeReviewCursor(order: ListOrder, cursor: string): CursorValue[] | null {
  try {
    const [name, values] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const keys = ORDERS[order];
    if (name !== order || !Array.isArray(values) || values.length !== keys.length) return null;
    for (const [index, key] of keys.entries()) {
      const value = values[index];
      if (key.column === 'createdAt') {
        if (typeof value !== 'string' || Number.isNaN(new Date(value).getTime())) return null;
      } else if (key.column === 'id') {
        if (typeof value !== 'string' || !isUuid(value)) return null;
      } else if (typeof value !== 'number' || !Number.isInteger(value)) return null;
    }
    return values as CursorValue[];
  } catch {
    return null;
  }
}

/** Rows strictly after the cursor: lexicographic over the keys, each in its own direction. */
function afterCursor(order: ListOrder, values: CursorValue[]): Prisma.ReviewWhereInput {
  const keys = ORDERS[order];
  const typed = (key: SortKey, value: CursorValue) => (key.column === 'createdAt' ? new Date(value as string) : value);
  const or: Prisma.ReviewWhereInput[] = keys.map((key, index) => ({
    AND: [
      ...keys.slice(0, index).map((previous, position) => ({ [previous.column]: typed(previous, values[position]!) })),
      { [key.column]: { [key.direction === 'asc' ? 'gt' : 'lt']: typed(key, values[index]!) } },
    ],
  }));
  return { OR: or };
}

export interface ReviewPage {
  edges: { cursor: string; node: Review }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export interface PageArgs {
  /** Page size, default 20. */
  first?: number | null;
  /** The endCursor of the previous page. */
  after?: string | null;
}

async function reviewPage(
  db: Db,
  where: Prisma.ReviewWhereInput,
  order: ListOrder,
  page: PageArgs,
): Promise<ReviewPage> {
  const first = parsePageSize(page.first);
  let pageWhere = where;
  if (page.after != null) {
    const values = decodeReviewCursor(order, page.after);
    if (!values) throw new InvalidInputError('after', 'is not a cursor of this list and order');
    pageWhere = { AND: [where, afterCursor(order, values)] };
  }
  const rows = await db.review.findMany({
    where: pageWhere,
    orderBy: ORDERS[order].map((key) => ({ [key.column]: key.direction })),
    take: first + 1,
  });
  const edges = rows.slice(0, first).map((node) => ({ cursor: encodeReviewCursor(order, node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: page.after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

export interface ListReviewsArgs extends PageArgs {
  sort?: ReviewSort | null;
  /** Only reviews with at least one photo. */
  withPhotos?: boolean | null;
}

function parseSort(value: unknown): ReviewSort {
  if (value === null || value === undefined) return 'NEWEST';
  if (!REVIEW_SORTS.includes(value as ReviewSort))
    throw new InvalidInputError('sort', `must be one of ${REVIEW_SORTS.join(', ')}`);
  return value as ReviewSort;
}

/**
 * A product's PUBLISHED reviews (what shoppers see), sorted NEWEST (default), HIGHEST, LOWEST or
 * MOST_HELPFUL, ties broken by newest then id; keyset pages with opaque cursors.
 */
export async function listReviews(
  db: Db,
  storeId: string,
  sku: string,
  args: ListReviewsArgs = {},
): Promise<ReviewPage> {
  const order = parseSort(args.sort);
  const where: Prisma.ReviewWhereInput = {
    storeId,
    sku: parseSku(sku),
    status: 'PUBLISHED',
    ...(args.withPhotos ? { photoUrls: { isEmpty: false } } : {}),
  };
  return reviewPage(db, where, order, args);
}

/** Reviews waiting for a moderator, oldest first. */
export async function moderationQueue(db: Db, storeId: string, page: PageArgs = {}): Promise<ReviewPage> {
  return reviewPage(db, { storeId, status: 'PENDING' }, 'OLDEST', page);
}

/** Pending reviews (the queue's length), e.g. for a badge. */
export async function pendingReviewCount(db: Db, storeId: string): Promise<number> {
  return db.review.count({ where: { storeId, status: 'PENDING' } });
}

export interface AdminReviewFilter {
  status?: ReviewStatus | null;
  sku?: string | null;
  customerId?: string | null;
  verifiedPurchase?: boolean | null;
  withPhotos?: boolean | null;
  /** Exact star rating (for reading, never for moderating by stars). */
  rating?: number | null;
  /** Submitted at or after. */
  from?: Date | null;
  /** Submitted before. */
  to?: Date | null;
}

/** Every review of the store (any status) matching the filter, newest first. */
export async function adminReviews(
  db: Db,
  storeId: string,
  filter: AdminReviewFilter = {},
  page: PageArgs & { sort?: ReviewSort | null } = {},
): Promise<ReviewPage> {
  const where: Prisma.ReviewWhereInput = { storeId };
  if (filter.status != null) {
    if (!['PENDING', 'PUBLISHED', 'REJECTED'].includes(filter.status))
      throw new InvalidInputError('filter.status', 'must be PENDING, PUBLISHED or REJECTED');
    where.status = filter.status;
  }
  if (filter.sku != null) where.sku = parseSku(filter.sku, 'filter.sku');
  if (filter.customerId != null) {
    if (!isUuid(filter.customerId)) throw new InvalidInputError('filter.customerId', 'must be a customer id');
    where.customerId = filter.customerId;
  }
  if (filter.verifiedPurchase != null) where.verifiedPurchase = filter.verifiedPurchase;
  if (filter.withPhotos != null) where.photoUrls = { isEmpty: !filter.withPhotos };
  if (filter.rating != null) where.rating = parseRating(filter.rating, 'filter.rating');
  if (filter.from != null || filter.to != null)
    where.createdAt = { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) };
  return reviewPage(db, where, parseSort(page.sort), page);
}

/** One review of the store (any status), or null. */
export async function reviewById(db: Db, storeId: string, reviewId: string): Promise<Review | null> {
  if (!isUuid(reviewId)) return null;
  return db.review.findFirst({ where: { id: reviewId, storeId } });
}

/** The audit trail of one review, oldest first. */
export async function reviewModerationLog(db: Db, storeId: string, reviewId: string) {
  if (!isUuid(reviewId)) return [];
  return db.reviewModeration.findMany({ where: { storeId, reviewId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

/**
 * The schema.org Product (+ AggregateRating + the most helpful published reviews) of a catalogue
 * product, or null when the catalogue does not know the sku. Serialise with jsonLdScriptContent.
 */
export async function productStructuredData(
  db: Db,
  storeId: string,
  sku: string,
  options: JsonLdOptions = {},
): Promise<Record<string, unknown> | null> {
  const key = parseSku(sku);
  const product = await db.product.findUnique({ where: { storeId_sku: { storeId, sku: key } } });
  if (!product) return null;
  const rating = await productRating(db, storeId, key);
  const reviews = await listReviews(db, storeId, key, {
    sort: 'MOST_HELPFUL',
    first: Math.max(1, options.maxReviews ?? 5),
  });
  return productJsonLd(
    product,
    rating,
    reviews.edges.map((edge) => edge.node),
    options,
  );
}

// ---------------------------------------------------------------------------------------------
// Customer data (GDPR erasure and merges, called by the feedback participant)
// ---------------------------------------------------------------------------------------------

/**
 * Deletes the customer's reviews (their votes and audit rows go with them) and the helpful votes
 * they cast, keeping the aggregates and the other reviews' helpful counts right. Call inside the
 * erasure transaction.
 */
export async function removeCustomerReviews(
  tx: Tx,
  storeId: string,
  customerId: string,
): Promise<{ reviews: number; reviewVotes: number }> {
  const reviews = await tx.$queryRaw<{ id: string; sku: string; status: ReviewStatus; rating: number }[]>`
    SELECT id, sku, status::text AS status, rating FROM "Review"
    WHERE "storeId" = ${storeId}::uuid AND "customerId" = ${customerId}::uuid
    ORDER BY sku, id
    FOR UPDATE`;
  const bySku = new Map<string, RatingCounts[]>();
  for (const review of reviews) {
    const delta = transitionDelta({ status: review.status, rating: review.rating }, null);
    if (!isZeroDelta(delta)) bySku.set(review.sku, [...(bySku.get(review.sku) ?? []), delta]);
  }
  for (const [sku, deltas] of [...bySku.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    await applyRatingDelta(tx, storeId, sku, sumDeltas(deltas));
  if (reviews.length > 0)
    await tx.review.deleteMany({ where: { storeId, id: { in: reviews.map((review) => review.id) } } });

  const votes = await tx.reviewVote.findMany({
    where: { storeId, customerId },
    select: { id: true, reviewId: true },
    orderBy: { reviewId: 'asc' },
  });
  if (votes.length > 0) {
    await tx.review.updateMany({
      where: { storeId, id: { in: votes.map((vote) => vote.reviewId) }, helpfulCount: { gt: 0 } },
      data: { helpfulCount: { decrement: 1 } },
    });
    await tx.reviewVote.deleteMany({ where: { id: { in: votes.map((vote) => vote.id) } } });
  }
  return { reviews: reviews.length, reviewVotes: votes.length };
}

/**
 * Moves the merged customer's reviews and votes to the kept customer. Where both reviewed the same
 * sku the kept customer's review stays and the merged one's is deleted (aggregate fixed); votes
 * that would be duplicates, or votes on what is now the kept customer's own review, are removed
 * (helpful counts fixed). Call inside the merge transaction.
 */
export async function mergeCustomerReviews(
  tx: Tx,
  storeId: string,
  keptCustomerId: string,
  mergedCustomerId: string,
): Promise<{ reviewsMoved: number; reviewsDropped: number; reviewVotesMoved: number; reviewVotesDropped: number }> {
  const mergedReviews = await tx.$queryRaw<{ id: string; sku: string; status: ReviewStatus; rating: number }[]>`
    SELECT id, sku, status::text AS status, rating FROM "Review"
    WHERE "storeId" = ${storeId}::uuid AND "customerId" = ${mergedCustomerId}::uuid
    ORDER BY sku, id
    FOR UPDATE`;
  const keptSkus = new Set(
    (
      await tx.review.findMany({
        where: { storeId, customerId: keptCustomerId, sku: { in: mergedReviews.map((review) => review.sku) } },
        select: { sku: true },
      })
    ).map((review) => review.sku),
  );
  const dropped = mergedReviews.filter((review) => keptSkus.has(review.sku));
  for (const review of dropped)
    await applyRatingDelta(
      tx,
      storeId,
      review.sku,
      transitionDelta({ status: review.status, rating: review.rating }, null),
    );
  if (dropped.length > 0) await tx.review.deleteMany({ where: { id: { in: dropped.map((review) => review.id) } } });
  const moved = mergedReviews.filter((review) => !keptSkus.has(review.sku));
  if (moved.length > 0)
    await tx.review.updateMany({
      where: { id: { in: moved.map((review) => review.id) } },
      data: { customerId: keptCustomerId },
    });

  // Votes: duplicates of the kept customer's votes, and votes on their own reviews, go.
  const mergedVotes = await tx.reviewVote.findMany({
    where: { storeId, customerId: mergedCustomerId },
    select: { id: true, reviewId: true, review: { select: { customerId: true } } },
  });
  const keptVoted = new Set(
    (
      await tx.reviewVote.findMany({
        where: { storeId, customerId: keptCustomerId, reviewId: { in: mergedVotes.map((vote) => vote.reviewId) } },
        select: { reviewId: true },
      })
    ).map((vote) => vote.reviewId),
  );
  const dropVotes = mergedVotes.filter(
    (vote) => keptVoted.has(vote.reviewId) || vote.review.customerId === keptCustomerId,
  );
  // The kept customer's own earlier votes on reviews that are now theirs.
  const ownVotes = await tx.reviewVote.findMany({
    where: { storeId, customerId: keptCustomerId, review: { customerId: keptCustomerId } },
    select: { id: true, reviewId: true },
  });
  const removals = [...dropVotes, ...ownVotes];
  if (removals.length > 0) {
    for (const vote of removals)
      await tx.review.updateMany({
        where: { id: vote.reviewId, helpfulCount: { gt: 0 } },
        data: { helpfulCount: { decrement: 1 } },
      });
    await tx.reviewVote.deleteMany({ where: { id: { in: removals.map((vote) => vote.id) } } });
  }
  const dropIds = new Set(dropVotes.map((vote) => vote.id));
  const moveVotes = mergedVotes.filter((vote) => !dropIds.has(vote.id));
  if (moveVotes.length > 0)
    await tx.reviewVote.updateMany({
      where: { id: { in: moveVotes.map((vote) => vote.id) } },
      data: { customerId: keptCustomerId },
    });
  return {
    reviewsMoved: moved.length,
    reviewsDropped: dropped.length,
    reviewVotesMoved: moveVotes.length,
    reviewVotesDropped: removals.length,
  };
}

/** Everything about the customer's reviews and votes, for a GDPR export. */
export async function exportCustomerReviews(tx: Db, storeId: string, customerId: string) {
  const reviews = await tx.review.findMany({
    where: { storeId, customerId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: {
      id: true,
      sku: true,
      authorName: true,
      rating: true,
      title: true,
      body: true,
      photoUrls: true,
      locale: true,
      status: true,
      verifiedPurchase: true,
      helpfulCount: true,
      reply: true,
      repliedAt: true,
      publishedAt: true,
      createdAt: true,
      updatedAt: true,
    },
  });
  const votes = await tx.reviewVote.findMany({
    where: { storeId, customerId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { reviewId: true, createdAt: true },
  });
  return { reviews, reviewVotes: votes };
}

// ---------------------------------------------------------------------------------------------
// Subscribers
// ---------------------------------------------------------------------------------------------

/**
 * review.published → the loyalty REVIEW bonus (once per review: sourceRef = reviewId; the same for
 * 1 and 5 stars) and a REVIEW_WRITTEN entry on the customer's timeline (once: sourceRef
 * "review:<id>"), for the review's author at delivery time (after a merge: the kept customer).
 * Skipped when the review or the customer is gone by then (erased).
 */
export function registerReviewSubscribers(events: DomainEvents): void {
  events.subscribe('review.published', 'feedback.review-published', async ({ storeId, payload, createdAt }, prisma) => {
    // The review's author now (a merge may have moved it to the kept customer); gone: nothing to do.
    const review = await prisma.review.findFirst({
      where: { id: payload.reviewId, storeId },
      select: { id: true, sku: true, verifiedPurchase: true, customerId: true },
    });
    const customerId = review?.customerId;
    if (!review || !customerId) return;
    const customer = await prisma.customer.count({ where: { id: customerId, storeId } });
    if (customer === 0) return;
    await awardBonus(prisma, {
      storeId,
      customerId,
      action: 'REVIEW',
      sourceRef: review.id,
      occurredAt: createdAt,
    });
    await recordInteraction(prisma, storeId, customerId, {
      type: 'REVIEW_WRITTEN',
      occurredAt: createdAt,
      sourceRef: `review:${review.id}`,
      payload: { reviewId: review.id, sku: review.sku, verifiedPurchase: review.verifiedPurchase },
    });
  });
}
