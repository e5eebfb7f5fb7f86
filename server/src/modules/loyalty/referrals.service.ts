import type { PrismaClient } from '../../db/database.ts';
import { isUuid, NotFoundError } from '../../errors.ts';
import type { Prisma, Referral } from '../../generated/prisma/client.ts';
import { isUniqueViolation } from '../customers/customers.service.ts';
import { lotExpiry } from './earning.ts';
import { inTransaction, lockAccount, type PostedEntry, postEntry, type Tx } from './ledger.service.ts';
import { ReferralRefusedError } from './loyalty.errors.ts';
import { rulesAt } from './program.service.ts';

/**
 * Referrals: a customer shares their code (or link); a new customer applies it before their first
 * order. The referee is rewarded on that first order; the referrer once the order is past the
 * return window and was neither cancelled nor returned in full.
 */

type Db = PrismaClient | Prisma.TransactionClient;

/** The same mailbox: lower-case, "+tag" dropped and dots removed from the local part. */
export function canonicalEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  if (at <= 0) return email.trim().toLowerCase();
  const local = email.slice(0, at).toLowerCase().replace(/\+.*$/, '').replaceAll('.', '');
  return `${local}@${email.slice(at + 1).toLowerCase()}`.trim();
}

/** `referralUrl?ref=<code>` (or `&ref=` when the URL has a query already); null without a URL or code. */
export function referralLink(
  program: { referralUrl: string | null | undefined } | null | undefined,
  code: string | null | undefined,
): string | null {
  const base = program?.referralUrl;
  if (!base || !code) return null;
  return `${base}${base.includes('?') ? '&' : '?'}ref=${encodeURIComponent(code)}`;
}

/**
 * The customer's referral code, creating their (empty) account when they have none yet, so that a
 * customer can share a code before earning anything.
 */
export async function ensureReferralCode(prisma: PrismaClient, storeId: string, customerId: string): Promise<string> {
  const account = await prisma.loyaltyAccount.findFirst({
    where: { storeId, customerId },
    select: { referralCode: true },
  });
  if (account) return account.referralCode;
  if (!isUuid(customerId)) throw new NotFoundError('Customer');
  const exists = await prisma.customer.count({ where: { id: customerId, storeId } });
  if (exists === 0) throw new NotFoundError('Customer');
  return inTransaction(prisma, async (tx) => (await lockAccount(tx, storeId, customerId)).referralCode);
}

async function sameIdentity(db: Db, storeId: string, referrerId: string, refereeId: string): Promise<boolean> {
  const people = await db.customer.findMany({
    where: { storeId, id: { in: [referrerId, refereeId] } },
    select: { id: true, email: true, phone: true },
  });
  const referrer = people.find((person) => person.id === referrerId);
  const referee = people.find((person) => person.id === refereeId);
  if (!referrer || !referee) return false;
  const email = canonicalEmail(referrer.email);
  if (email && email === canonicalEmail(referee.email)) return true;
  if (referrer.phone && referrer.phone === referee.phone) return true;
  const shared = await db.$queryRaw<{ n: number }[]>`
    SELECT 1 AS n FROM "CustomerIdentity" a JOIN "CustomerIdentity" b ON a."externalId" = b."externalId"
    WHERE a."storeId" = ${storeId}::uuid AND b."storeId" = ${storeId}::uuid
      AND a."customerId" = ${referrerId}::uuid AND b."customerId" = ${refereeId}::uuid
    LIMIT 1`;
  return shared.length > 0;
}

/**
 * Links `refereeCustomerId` to the owner of `code`. Refused (ReferralRefusedError) when referrals are
 * off, the code is unknown, it is the customer's own code or someone with the same e-mail, phone or
 * external id, the customer has ordered already, or was referred by someone else. Applying the same
 * referrer's code again returns the existing referral.
 */
export async function applyReferralCode(
  prisma: PrismaClient,
  storeId: string,
  refereeCustomerId: string,
  code: string,
): Promise<Referral> {
  if (!isUuid(refereeCustomerId)) throw new NotFoundError('Customer');
  const active = await rulesAt(prisma, storeId);
  if (!active.enabled || !active.rules.referrals.enabled)
    throw new ReferralRefusedError('DISABLED', 'The referral program is not running');
  const normalised = code.trim().toUpperCase();
  const owner = normalised
    ? await prisma.loyaltyAccount.findFirst({ where: { storeId, referralCode: normalised } })
    : null;
  if (!owner) throw new ReferralRefusedError('UNKNOWN_CODE', 'No customer has this referral code');
  const referee = await prisma.customer.findFirst({
    where: { id: refereeCustomerId, storeId },
    select: { id: true, orderCount: true },
  });
  if (!referee) throw new NotFoundError('Customer');
  if (owner.customerId === refereeCustomerId)
    throw new ReferralRefusedError('SELF_REFERRAL', 'A customer cannot use their own referral code');
  const existing = await prisma.referral.findUnique({
    where: { storeId_refereeId: { storeId, refereeId: refereeCustomerId } },
  });
  if (existing) {
    if (existing.referrerId === owner.customerId) return existing;
    throw new ReferralRefusedError('ALREADY_REFERRED', 'This customer was already referred');
  }
  if (await sameIdentity(prisma, storeId, owner.customerId, refereeCustomerId))
    throw new ReferralRefusedError('SAME_IDENTITY', 'The referrer and the new customer appear to be the same person');
  const ordered =
    referee.orderCount > 0 ||
    (await prisma.order.count({ where: { storeId, customerId: refereeCustomerId, kind: 'SALE' }, take: 1 })) > 0;
  if (ordered)
    throw new ReferralRefusedError('NOT_A_NEW_CUSTOMER', 'Only a customer who has not ordered yet can be referred');
  try {
    return await prisma.referral.create({
      data: { storeId, referrerId: owner.customerId, refereeId: refereeCustomerId, code: normalised },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await prisma.referral.findUnique({
      where: { storeId_refereeId: { storeId, refereeId: refereeCustomerId } },
    });
    if (winner && winner.referrerId === owner.customerId) return winner;
    throw new ReferralRefusedError('ALREADY_REFERRED', 'This customer was already referred');
  }
}

/**
 * The referee's first order arrived: the referral becomes QUALIFIED (the referrer's reward falls due
 * after the return window) and the referee gets their reward. Inside the earning transaction.
 */
export async function qualifyReferral(
  tx: Tx,
  storeId: string,
  refereeId: string,
  orderId: string,
  placedAt: Date,
): Promise<PostedEntry | null> {
  const referral = await tx.referral.findUnique({ where: { storeId_refereeId: { storeId, refereeId } } });
  if (referral?.status !== 'PENDING') return null;
  const active = await rulesAt(tx, storeId, placedAt);
  const settings = active.rules.referrals;
  if (!active.enabled || !settings.enabled) return null;
  const claimed = await tx.referral.updateMany({
    where: { id: referral.id, status: 'PENDING' },
    data: {
      status: 'QUALIFIED',
      qualifyingOrderId: orderId,
      referrerRewardDueAt: new Date(placedAt.getTime() + settings.returnWindowDays * 86_400_000),
    },
  });
  if (claimed.count === 0 || settings.refereePoints <= 0) return null;
  return postEntry(tx, {
    storeId,
    customerId: refereeId,
    kind: 'EARN',
    points: settings.refereePoints,
    source: 'REFERRAL',
    sourceRef: referral.id,
    reason: 'Welcome reward for joining through a referral',
    idempotencyKey: `referral:referee:${referral.id}`,
    occurredAt: placedAt,
    expiresAt: lotExpiry(active.rules, placedAt),
    metadata: { referralId: referral.id, orderId },
  });
}

/**
 * Referrals whose qualifying order is past the return window at `now`: the referrer is rewarded
 * (`referral:referrer:<id>`, COMPLETED), or the referral is VOID when the order was cancelled or
 * returned in full. Returns how many referrers were rewarded.
 */
export async function payReferrals(
  prisma: PrismaClient,
  now: Date,
  storeId?: string,
  onEach?: () => void,
): Promise<{ rewarded: number; voided: number }> {
  const due = await prisma.referral.findMany({
    where: { status: 'QUALIFIED', referrerRewardDueAt: { lte: now }, ...(storeId ? { storeId } : {}) },
    orderBy: { referrerRewardDueAt: 'asc' },
    select: { id: true },
  });
  let rewarded = 0;
  let voided = 0;
  for (const { id } of due) {
    const outcome = await inTransaction(prisma, async (tx) => {
      const [referral] = await tx.$queryRaw<Referral[]>`
        SELECT * FROM "Referral" WHERE id = ${id}::uuid AND status = 'QUALIFIED' FOR UPDATE`;
      if (!referral) return 'skipped' as const;
      const order = referral.qualifyingOrderId
        ? await tx.order.findFirst({
            where: { id: referral.qualifyingOrderId, storeId: referral.storeId },
            select: { status: true, netTotal: true, placedAt: true },
          })
        : null;
      if (!order || order.status === 'CANCELLED' || order.netTotal <= 0n) {
        await tx.referral.update({ where: { id }, data: { status: 'VOID' } });
        return 'voided' as const;
      }
      const active = await rulesAt(tx, referral.storeId, order.placedAt);
      const points = active.rules.referrals.referrerPoints;
      const referrerExists = await tx.customer.count({ where: { id: referral.referrerId, storeId: referral.storeId } });
      if (points > 0 && referrerExists > 0)
        await postEntry(tx, {
          storeId: referral.storeId,
          customerId: referral.referrerId,
          kind: 'EARN',
          points,
          source: 'REFERRAL',
          sourceRef: referral.id,
          reason: 'Thank you for referring a friend',
          idempotencyKey: `referral:referrer:${referral.id}`,
          occurredAt: now,
          expiresAt: lotExpiry(active.rules, now),
          metadata: { referralId: referral.id, refereeId: referral.refereeId, orderId: referral.qualifyingOrderId },
        });
      await tx.referral.update({ where: { id }, data: { status: 'COMPLETED' } });
      return points > 0 && referrerExists > 0 ? ('rewarded' as const) : ('completed' as const);
    });
    if (outcome === 'rewarded') rewarded++;
    if (outcome === 'voided') voided++;
    onEach?.();
  }
  return { rewarded, voided };
}
