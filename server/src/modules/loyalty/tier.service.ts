import type { PrismaClient } from '../../db/database.ts';
import { emit } from '../../events/events.ts';
import type { LoyaltyAccount, Prisma } from '../../generated/prisma/client.ts';
import { lockAccount, onLedgerChange, type PostedEntry, readAccount, type Tx } from './ledger.service.ts';
import { rulesAt } from './program.service.ts';
import type { ProgramRules, Tier } from './program-rules.ts';
import { decideTier, localDate, nextTier, type TierRules, tierRank, windowStart } from './tiers.ts';

type Db = PrismaClient | Prisma.TransactionClient;

/** Store time zones change rarely; like the rules, a short per-process cache. */
const ZONE_CACHE_MS = 5_000;
const zones = new Map<string, { zone: string; loadedAt: number }>();

export async function storeTimeZone(db: Db, storeId: string): Promise<string> {
  const hit = zones.get(storeId);
  if (hit && Date.now() - hit.loadedAt < ZONE_CACHE_MS) return hit.zone;
  const store = await db.store.findUnique({ where: { id: storeId }, select: { timezone: true } });
  const zone = store?.timezone || 'UTC';
  zones.set(storeId, { zone, loadedAt: Date.now() });
  return zone;
}

/**
 * The value tiers are decided on, at `at`: POINTS = earned points in the window (EARN and ADJUST
 * rows, less reversed earnings), SPEND = the net value (minor units) of the customer's orders placed
 * in the window (cancelled orders are worth 0, returns are netted).
 */
export async function qualifyingValue(
  db: Db,
  storeId: string,
  customerId: string,
  tiers: TierRules,
  at: Date,
  timeZone: string,
): Promise<number> {
  const from = windowStart(tiers, at, timeZone) ?? new Date(0);
  if (tiers.metric === 'SPEND') {
    const rows = await db.$queryRaw<{ value: bigint | number | null }[]>`
      SELECT COALESCE(sum("netTotal"), 0)::bigint AS value FROM "Order"
      WHERE "customerId" = ${customerId}::uuid AND "storeId" = ${storeId}::uuid
        AND "placedAt" >= ${from} AND "placedAt" <= ${at}`;
    return Number(rows[0]?.value ?? 0);
  }
  const rows = await db.$queryRaw<{ value: bigint | number | null }[]>`
    SELECT COALESCE(sum(points), 0)::bigint AS value FROM "PointsTransaction"
    WHERE "customerId" = ${customerId}::uuid AND "storeId" = ${storeId}::uuid
      AND (kind IN ('EARN', 'ADJUST') OR (kind = 'REVERSE' AND points < 0))
      AND "occurredAt" >= ${from} AND "occurredAt" <= ${at}`;
  return Number(rows[0]?.value ?? 0);
}

export interface TierEvaluation {
  from: string | null;
  to: string | null;
  direction: 'UP' | 'DOWN' | null;
  value: number;
  account: LoyaltyAccount;
}

async function evaluateLocked(tx: Tx, account: LoyaltyAccount, rules: ProgramRules, at: Date): Promise<TierEvaluation> {
  const tiers = rules.tiers;
  const zone = tiers.window === 'LIFETIME' ? 'UTC' : await storeTimeZone(tx, account.storeId);
  const value = await qualifyingValue(tx, account.storeId, account.customerId, tiers, at, zone);
  const decision = decideTier(tiers, account, value, at);
  const same =
    decision.tierKey === account.tierKey &&
    decision.tierSince?.getTime() === account.tierSince?.getTime() &&
    decision.tierHoldUntil?.getTime() === account.tierHoldUntil?.getTime();
  if (same) return { from: account.tierKey, to: account.tierKey, direction: null, value, account };
  const updated = await tx.loyaltyAccount.update({
    where: { id: account.id },
    data: { tierKey: decision.tierKey, tierSince: decision.tierSince, tierHoldUntil: decision.tierHoldUntil },
  });
  if (decision.change)
    await emit(tx, account.storeId, 'tier.changed', {
      customerId: account.customerId,
      from: account.tierKey,
      to: decision.tierKey,
      direction: decision.change,
      at: at.toISOString(),
    });
  return { from: account.tierKey, to: decision.tierKey, direction: decision.change, value, account: updated };
}

/**
 * Re-decides one customer's tier at `at` (inside the caller's transaction; the account is locked
 * here) and emits `tier.changed` when it moves. Returns null, without touching the database beyond
 * the cached rules, when the program has no tiers.
 */
export async function evaluateTier(
  tx: Tx,
  storeId: string,
  customerId: string,
  at: Date = new Date(),
): Promise<TierEvaluation | null> {
  const { rules } = await rulesAt(tx, storeId, at);
  if (rules.tiers.levels.length === 0) return null;
  const account = await lockAccount(tx, storeId, customerId);
  return evaluateLocked(tx, account, rules, at);
}

/** Every ledger change re-decides the tier, in the same transaction (the account is already locked). */
async function onPosted(tx: Tx, posted: PostedEntry): Promise<void> {
  if (posted.replayed) return;
  const { storeId } = posted.account;
  const at = new Date();
  const { rules } = await rulesAt(tx, storeId, at);
  if (rules.tiers.levels.length === 0) return;
  await evaluateLocked(tx, posted.account, rules, at);
}
onLedgerChange(onPosted);

export interface LoyaltyStatus {
  balance: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  lifetimeExpired: number;
  tier: Tier | null;
  tierSince: Date | null;
  tierHoldUntil: Date | null;
  nextTier: { tier: Tier; remaining: number } | null;
  /** Upcoming expiries within the next 12 months, soonest first, one entry per local expiry date. */
  expiring: { points: number; on: Date }[];
  referralCode: string | null;
  /** The tier metric's current value (points or minor units of spend in the window). */
  qualifyingValue: number;
}

/** A customer's loyalty card: balance, totals, tier, progress and expiring points. */
export async function loyaltyStatus(
  prisma: Db,
  storeId: string,
  customerId: string,
  at: Date = new Date(),
): Promise<LoyaltyStatus> {
  const { rules } = await rulesAt(prisma, storeId, at);
  const levels = rules.tiers.levels;
  const account = await readAccount(prisma, storeId, customerId);
  const zone = await storeTimeZone(prisma, storeId);
  const value =
    levels.length > 0 && (account || rules.tiers.metric === 'SPEND')
      ? await qualifyingValue(prisma, storeId, customerId, rules.tiers, at, zone)
      : 0;
  const baseTier = levels[0] && levels[0].threshold === 0 ? levels[0] : null;
  const tier = account ? (levels[tierRank(levels, account.tierKey)] ?? (account.tierKey ? null : baseTier)) : baseTier;

  let expiring: { points: number; on: Date }[] = [];
  if (account && account.balance > 0) {
    const until = new Date(at.getTime());
    until.setUTCFullYear(until.getUTCFullYear() + 1);
    const lots = await prisma.pointsLot.findMany({
      where: { storeId, customerId, remaining: { gt: 0 }, expiresAt: { gt: at, lte: until } },
      orderBy: [{ expiresAt: 'asc' }, { earnedAt: 'asc' }],
      select: { remaining: true, expiresAt: true },
    });
    const byDate = new Map<string, { points: number; on: Date }>();
    for (const lot of lots) {
      const day = localDate(lot.expiresAt!, zone);
      const entry = byDate.get(day);
      if (entry) entry.points += lot.remaining;
      else byDate.set(day, { points: lot.remaining, on: lot.expiresAt! });
    }
    expiring = [...byDate.values()];
  }

  return {
    balance: account?.balance ?? 0,
    lifetimeEarned: account?.lifetimeEarned ?? 0,
    lifetimeRedeemed: account?.lifetimeRedeemed ?? 0,
    lifetimeExpired: account?.lifetimeExpired ?? 0,
    tier,
    tierSince: account?.tierSince ?? null,
    tierHoldUntil: account?.tierHoldUntil ?? null,
    nextTier: levels.length > 0 ? nextTier(levels, value, tier?.key ?? null) : null,
    expiring,
    referralCode: account?.referralCode ?? null,
    qualifyingValue: value,
  };
}
