import type { PrismaClient } from '../../db/database.ts';
import { uuidv7 } from '../../db/uuid7.ts';
import { emit } from '../../events/events.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { type DueOutcome, type DueRowsReport, decideDueRows } from '../../jobs/due-rows.ts';
import { canAsk, recordAsk } from './contact-cap.ts';
import { feedbackSettings } from './settings.service.ts';

/**
 * Review requests: when the store sets `reviewRequestDelayHours`, a sale with a customer gets one
 * SCHEDULED request (unique per order) for its product skus the customer has not reviewed yet, due
 * that many hours after the order was placed. The feedback jobs turn due requests into DUE +
 * `review.request.due`, or SKIPPED (no consent, the contact-frequency cap shared with survey
 * invitations, the order was cancelled, or everything was reviewed meanwhile). A review that
 * completes a DUE request marks it ANSWERED (reviews.service.ts, in the review's transaction).
 */

type Tx = Prisma.TransactionClient;
type Db = PrismaClient | Tx;

const HOUR_MS = 3_600_000;
/** Orders due longer ago than this (an import of history) get no request. */
const MAX_LATE_MS = 14 * 24 * HOUR_MS;

export type ReviewRequestSkipReason = 'NO_CONSENT' | 'FREQUENCY_CAP' | 'ORDER_CANCELLED' | 'ALL_REVIEWED';

/**
 * Creates the review requests of these orders (sales with a customer, not cancelled) when the store
 * asks for reviews; idempotent. Returns the number created.
 */
export async function scheduleReviewRequests(
  prisma: Db,
  storeId: string,
  orderIds: string[],
  now: Date = new Date(),
): Promise<number> {
  if (orderIds.length === 0) return 0;
  const settings = await prisma.feedbackSettings.findUnique({
    where: { storeId },
    select: { reviewRequestDelayHours: true },
  });
  const delayHours = settings?.reviewRequestDelayHours;
  if (delayHours == null) return 0;
  const orders = await prisma.order.findMany({
    where: { storeId, id: { in: [...new Set(orderIds)] }, kind: 'SALE', status: { not: 'CANCELLED' } },
    select: { id: true, customerId: true, placedAt: true, lines: { select: { sku: true, kind: true } } },
  });
  const candidates = orders.flatMap((order) => {
    const dueAt = new Date(order.placedAt.getTime() + delayHours * HOUR_MS);
    if (!order.customerId || dueAt.getTime() < now.getTime() - MAX_LATE_MS) return [];
    const skus = [
      ...new Set(order.lines.flatMap((line) => (line.kind === 'PRODUCT' && line.sku ? [line.sku] : []))),
    ].sort();
    return skus.length > 0 ? [{ id: order.id, customerId: order.customerId, dueAt, skus }] : [];
  });
  if (candidates.length === 0) return 0;
  const reviewed = await prisma.review.findMany({
    where: {
      storeId,
      customerId: { in: [...new Set(candidates.map((order) => order.customerId))] },
      sku: { in: [...new Set(candidates.flatMap((order) => order.skus))] },
    },
    select: { customerId: true, sku: true },
  });
  const done = new Set(reviewed.map((review) => `${review.customerId}\u0000${review.sku}`));
  const data = candidates.flatMap((order) => {
    const skus = order.skus.filter((sku) => !done.has(`${order.customerId}\u0000${sku}`));
    if (skus.length === 0) return [];
    return [{ id: uuidv7(), storeId, customerId: order.customerId, orderId: order.id, skus, dueAt: order.dueAt }];
  });
  if (data.length === 0) return 0;
  const { count } = await prisma.reviewRequest.createMany({ data, skipDuplicates: true });
  return count;
}

/** Requests made DUE (one review.request.due each) and skipped, by reason. */
export type ReviewRequestJobsReport = DueRowsReport<ReviewRequestSkipReason>;

type Outcome = DueOutcome<ReviewRequestSkipReason>;

/**
 * Decides the due requests (SCHEDULED, dueAt ≤ now), earliest first, each in its own transaction
 * under its customer's row lock (as survey invitations are), so concurrent runs send each at most once
 * and never two asks to one customer within the cap.
 */
export async function runReviewRequestJobs(
  prisma: PrismaClient,
  options: { now?: Date; storeId?: string } = {},
): Promise<ReviewRequestJobsReport> {
  const now = options.now ?? new Date();
  const where: Prisma.ReviewRequestWhereInput = {
    status: 'SCHEDULED',
    dueAt: { lte: now },
    ...(options.storeId ? { storeId: options.storeId } : {}),
  };
  return decideDueRows<ReviewRequestSkipReason>(
    prisma,
    (take) =>
      prisma.reviewRequest.findMany({ where, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }], take, select: { id: true } }),
    (tx, id) => decide(tx, id, now),
  );
}

async function decide(tx: Tx, requestId: string, now: Date): Promise<Outcome> {
  const peek = await tx.reviewRequest.findUnique({
    where: { id: requestId },
    select: { storeId: true, customerId: true },
  });
  if (!peek) return { status: 'NONE' };
  const settings = await feedbackSettings(tx, peek.storeId);
  // Locks the customer row: survey invitations and review requests of this customer queue here.
  const mayAsk = await canAsk(tx, peek.storeId, peek.customerId, now, settings);
  const request = await tx.reviewRequest.findUnique({ where: { id: requestId } });
  if (request?.status !== 'SCHEDULED') return { status: 'NONE' };
  const skip = async (reason: ReviewRequestSkipReason): Promise<Outcome> => {
    await tx.reviewRequest.update({ where: { id: requestId }, data: { status: 'SKIPPED', skipReason: reason } });
    return { status: 'SKIPPED', reason };
  };
  const customer = await tx.customer.findUnique({
    where: { id: request.customerId },
    select: { marketingConsent: true, locale: true },
  });
  if (!customer?.marketingConsent) return skip('NO_CONSENT');
  const order = await tx.order.findUnique({ where: { id: request.orderId }, select: { status: true } });
  if (!order || order.status === 'CANCELLED') return skip('ORDER_CANCELLED');
  const reviewed = await tx.review.findMany({
    where: { storeId: request.storeId, customerId: request.customerId, sku: { in: request.skus } },
    select: { sku: true },
  });
  const done = new Set(reviewed.map((review) => review.sku));
  const skus = request.skus.filter((sku) => !done.has(sku));
  if (skus.length === 0) return skip('ALL_REVIEWED');
  if (!mayAsk) return skip('FREQUENCY_CAP');

  await tx.reviewRequest.update({ where: { id: requestId }, data: { status: 'DUE', skipReason: null } });
  await recordAsk(tx, {
    storeId: request.storeId,
    customerId: request.customerId,
    kind: 'REVIEW_REQUEST',
    refId: request.id,
    askedAt: now,
  });
  const store = await tx.store.findUnique({ where: { id: request.storeId }, select: { defaultLocale: true } });
  await emit(tx, request.storeId, 'review.request.due', {
    reviewRequestId: request.id,
    customerId: request.customerId,
    orderId: request.orderId,
    skus,
    locale: customer.locale ?? store?.defaultLocale ?? null,
  });
  return { status: 'DUE' };
}

/**
 * In a review's transaction: the customer's DUE requests that include `sku` and whose skus are now
 * all reviewed become ANSWERED. One statement; repeating it changes nothing.
 */
export async function answerReviewRequests(tx: Tx, storeId: string, customerId: string, sku: string): Promise<number> {
  return tx.$executeRaw`
    UPDATE "ReviewRequest" q SET status = 'ANSWERED', "updatedAt" = now()
    WHERE q."storeId" = ${storeId}::uuid AND q."customerId" = ${customerId}::uuid AND q.status = 'DUE'
      AND ${sku}::text = ANY (q.skus)
      AND NOT EXISTS (
        SELECT 1 FROM unnest(q.skus) AS s(sku)
        WHERE NOT EXISTS (
          SELECT 1 FROM "Review" r
          WHERE r."storeId" = q."storeId" AND r."customerId" = q."customerId" AND r.sku = s.sku))`;
}
