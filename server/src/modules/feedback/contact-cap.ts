import type { Prisma } from '../../generated/prisma/client.ts';

/**
 * The contact-frequency cap: a customer is asked for feedback (a survey invitation or a review
 * request) at most once per `contactCapDays`, across all surveys and review requests. Every ask is
 * logged in FeedbackAsk; `canAsk` looks back over that log.
 *
 * Use both inside one transaction: `canAsk` first locks the customer's row, so two concurrent
 * senders for one customer queue and the second sees the first one's ask (READ COMMITTED reads
 * committed rows afresh per statement); then `recordAsk` before commit.
 */

type Tx = Prisma.TransactionClient;

export type AskKind = 'SURVEY' | 'REVIEW_REQUEST';

const DAY_MS = 86_400_000;

/** Start of the window in which an earlier ask blocks a new one at `at`. */
export function capWindowStart(at: Date, contactCapDays: number): Date {
  return new Date(at.getTime() - contactCapDays * DAY_MS);
}

/**
 * True when the customer may be asked at `at`: no ask within `contactCapDays` of it (an ask exactly
 * `contactCapDays` ago no longer counts). 0 days: no cap. Locks the customer row until the
 * transaction ends.
 */
export async function canAsk(
  tx: Tx,
  storeId: string,
  customerId: string,
  at: Date,
  settings: { contactCapDays: number },
): Promise<boolean> {
  await tx.$queryRaw`SELECT id FROM "Customer" WHERE id = ${customerId}::uuid AND "storeId" = ${storeId}::uuid FOR UPDATE`;
  if (settings.contactCapDays <= 0) return true;
  const recent = await tx.feedbackAsk.findFirst({
    where: {
      storeId,
      customerId,
      // Both ways: an ask logged for a later time (a run with an earlier clock) blocks too, so no
      // two asks are ever closer than the cap.
      askedAt: {
        gt: capWindowStart(at, settings.contactCapDays),
        lt: new Date(at.getTime() + settings.contactCapDays * DAY_MS),
      },
    },
    select: { id: true },
  });
  return recent === null;
}

/** The last ask of this customer at or before `at`, or null. */
export async function lastAsk(tx: Tx, storeId: string, customerId: string, at: Date = new Date()) {
  return tx.feedbackAsk.findFirst({
    where: { storeId, customerId, askedAt: { lte: at } },
    orderBy: { askedAt: 'desc' },
  });
}

/** Logs an ask; recording the same (kind, refId) again changes nothing. Returns whether a row was added. */
export async function recordAsk(
  tx: Tx,
  ask: { storeId: string; customerId: string; kind: AskKind; refId: string; askedAt: Date },
): Promise<boolean> {
  const { count } = await tx.feedbackAsk.createMany({ data: ask, skipDuplicates: true });
  return count === 1;
}
