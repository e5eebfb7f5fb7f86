import type { Prisma } from '../../generated/prisma/client.ts';
import { registerCustomerDataParticipant } from '../customers/customer-data.ts';
import { lockAccount, postEntry } from './ledger.service.ts';

type Tx = Prisma.TransactionClient;

/**
 * The loyalty section of a customer's data: exported with the profile (GDPR art. 15/20), deleted on
 * erasure, and moved on a merge. A merge moves the unspent points lot by lot through the ledger (a
 * debit on the merged customer and a credit on the kept one, `merge:<lotId>`) so that expiry dates
 * and FIFO order survive and the balances still reconcile; lifetime totals are added up.
 */

async function exportLoyalty(tx: Tx, storeId: string, customerId: string): Promise<unknown> {
  const where = { storeId, customerId };
  const account = await tx.loyaltyAccount.findFirst({
    where,
    select: {
      balance: true,
      lifetimeEarned: true,
      lifetimeRedeemed: true,
      lifetimeExpired: true,
      tierKey: true,
      tierSince: true,
      tierHoldUntil: true,
      referralCode: true,
      createdAt: true,
    },
  });
  const ledger = await tx.pointsTransaction.findMany({
    where,
    orderBy: { id: 'asc' },
    select: {
      id: true,
      kind: true,
      points: true,
      shortfall: true,
      balanceAfter: true,
      source: true,
      sourceRef: true,
      reason: true,
      expiresAt: true,
      occurredAt: true,
    },
  });
  const codes = await tx.rewardCode.findMany({
    where,
    orderBy: { createdAt: 'asc' },
    select: {
      code: true,
      status: true,
      pointsCost: true,
      expiresAt: true,
      consumedAt: true,
      cancelledAt: true,
      createdAt: true,
      reward: { select: { name: true, kind: true } },
    },
  });
  const referrals = await tx.referral.findMany({
    where: { storeId, OR: [{ referrerId: customerId }, { refereeId: customerId }] },
    orderBy: { createdAt: 'asc' },
    select: { referrerId: true, refereeId: true, code: true, status: true, createdAt: true },
  });
  return {
    account,
    ledger,
    codes: codes.map(({ reward, ...code }) => ({ ...code, reward: reward.name, rewardKind: reward.kind })),
    referrals: referrals.map((referral) => ({
      role: referral.referrerId === customerId ? 'REFERRER' : 'REFEREE',
      code: referral.code,
      status: referral.status,
      createdAt: referral.createdAt,
    })),
  };
}

async function eraseLoyalty(tx: Tx, storeId: string, customerId: string): Promise<Record<string, number>> {
  const where = { storeId, customerId };
  return {
    referrals: (
      await tx.referral.deleteMany({ where: { storeId, OR: [{ referrerId: customerId }, { refereeId: customerId }] } })
    ).count,
    rewardCodes: (await tx.rewardCode.deleteMany({ where })).count,
    lots: (await tx.pointsLot.deleteMany({ where })).count,
    // The ledger is append-only (no UPDATE); erasure is the one time its rows are deleted.
    transactions: (await tx.pointsTransaction.deleteMany({ where })).count,
    accounts: (await tx.loyaltyAccount.deleteMany({ where })).count,
  };
}

async function mergeLoyalty(
  tx: Tx,
  storeId: string,
  keptId: string,
  mergedId: string,
): Promise<Record<string, number>> {
  const mergedAccount = await tx.loyaltyAccount.findFirst({ where: { storeId, customerId: mergedId } });
  let movedLots = 0;
  let movedPoints = 0;
  if (mergedAccount) {
    // Locks in id order (as the customer merge does), then moves each unspent lot.
    for (const id of [keptId, mergedId].sort()) await lockAccount(tx, storeId, id);
    const lots = await tx.pointsLot.findMany({
      where: { storeId, customerId: mergedId, remaining: { gt: 0 } },
      orderBy: [{ expiresAt: { sort: 'asc', nulls: 'last' } }, { earnedAt: 'asc' }, { id: 'asc' }],
    });
    for (const lot of lots) {
      const metadata = { lotId: lot.id, fromCustomerId: mergedId, toCustomerId: keptId };
      await postEntry(tx, {
        storeId,
        customerId: mergedId,
        kind: 'ADJUST',
        points: -lot.remaining,
        source: 'MERGE',
        sourceRef: lot.id,
        reason: 'Points moved to the merged customer profile',
        idempotencyKey: `merge:${lot.id}:out`,
        lotIds: [lot.id],
        metadata,
      });
      await postEntry(tx, {
        storeId,
        customerId: keptId,
        kind: 'ADJUST',
        points: lot.remaining,
        source: 'MERGE',
        sourceRef: lot.id,
        reason: 'Points moved from a merged customer profile',
        idempotencyKey: `merge:${lot.id}`,
        // The lot keeps its age and expiry: FIFO and expiry work as if it had been earned here.
        occurredAt: lot.earnedAt,
        expiresAt: lot.expiresAt,
        metadata,
      });
      movedLots++;
      movedPoints += lot.remaining;
    }
    // The transfers netted the merged customer's earned total down by what moved; the rest of its
    // history (points spent, expired) joins the kept customer's totals.
    const after = await tx.loyaltyAccount.findFirstOrThrow({ where: { storeId, customerId: mergedId } });
    await tx.loyaltyAccount.updateMany({
      where: { storeId, customerId: keptId },
      data: {
        lifetimeEarned: { increment: after.lifetimeEarned },
        lifetimeRedeemed: { increment: after.lifetimeRedeemed },
        lifetimeExpired: { increment: after.lifetimeExpired },
      },
    });
  }
  const rewardCodes = (
    await tx.rewardCode.updateMany({ where: { storeId, customerId: mergedId }, data: { customerId: keptId } })
  ).count;

  // Referrals: the kept customer cannot refer itself, and is referred at most once.
  let referrals = 0;
  referrals += (
    await tx.referral.deleteMany({
      where: {
        storeId,
        OR: [
          { referrerId: mergedId, refereeId: keptId },
          { referrerId: keptId, refereeId: mergedId },
        ],
      },
    })
  ).count;
  referrals += (
    await tx.referral.updateMany({ where: { storeId, referrerId: mergedId }, data: { referrerId: keptId } })
  ).count;
  const keptReferred = await tx.referral.count({ where: { storeId, refereeId: keptId } });
  if (keptReferred > 0) await tx.referral.deleteMany({ where: { storeId, refereeId: mergedId } });
  else
    referrals += (
      await tx.referral.updateMany({ where: { storeId, refereeId: mergedId }, data: { refereeId: keptId } })
    ).count;

  return { lots: movedLots, points: movedPoints, rewardCodes, referrals };
}

registerCustomerDataParticipant({ name: 'loyalty', export: exportLoyalty, erase: eraseLoyalty, merge: mergeLoyalty });
