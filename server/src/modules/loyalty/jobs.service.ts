import type { PrismaClient } from '../../db/database.ts';
import { emit } from '../../events/events.ts';
import { awardBonus } from './bonus.service.ts';
import { inTransaction, lockAccount, postEntry } from './ledger.service.ts';
import { rulesAt } from './program.service.ts';
import { bonusFor } from './program-rules.ts';
import { payReferrals } from './referrals.service.ts';
import { expireRewardCodes } from './rewards.service.ts';
import { evaluateTier, storeTimeZone } from './tier.service.ts';
import { localDate, localParts } from './tiers.ts';

/**
 * The scheduled loyalty work, safe to run often and from several processes at once (every step is
 * idempotent: ledger keys, conditional updates, row locks):
 *  1. expire lots whose expiresAt has passed (one EXPIRE row per lot, `expire:<lotId>`);
 *  2. warn about points expiring within the program's warnDays (`points.expiring`, once per lot,
 *     one event per customer and expiry date);
 *  3. re-decide tiers whose value moves with time (rolling windows, calendar years) and downgrades
 *     whose grace period is over;
 *  4. pay referrers whose referee's order is past the return window;
 *  5. birthday bonuses (once a year, on the birthday in the store's time zone);
 *  6. expire reward codes (refunding their points).
 */

export type JobStep = 'expiry' | 'warnings' | 'tiers' | 'referrals' | 'birthdays' | 'codes';

export interface LoyaltyJobsOptions {
  now?: Date;
  storeId?: string;
  /** Called as work is done within a step: `done` of `total` items. */
  onProgress?: (done: number, total: number, step: JobStep) => void;
}

export interface LoyaltyJobsReport {
  expiredLots: number;
  expiredPoints: number;
  warnings: number;
  tierChanges: number;
  referralRewards: number;
  birthdayBonuses: number;
  expiredCodes: number;
}

const PAGE = 500;

/** Stores with loyalty data (accounts), or the one asked for. */
async function storesToRun(prisma: PrismaClient, storeId?: string): Promise<string[]> {
  if (storeId) return [storeId];
  const rows = await prisma.$queryRaw<{ storeId: string }[]>`
    SELECT id AS "storeId" FROM "Store" s
    WHERE EXISTS (SELECT 1 FROM "LoyaltyProgram" p WHERE p."storeId" = s.id)
       OR EXISTS (SELECT 1 FROM "LoyaltyAccount" a WHERE a."storeId" = s.id)
    ORDER BY id`;
  return rows.map((row) => row.storeId);
}

async function expireLots(
  prisma: PrismaClient,
  now: Date,
  storeId: string | undefined,
  progress: (done: number, total: number) => void,
): Promise<{ lots: number; points: number }> {
  const where = { remaining: { gt: 0 }, expiresAt: { lte: now }, ...(storeId ? { storeId } : {}) };
  const total = await prisma.pointsLot.count({ where });
  let lots = 0;
  let points = 0;
  let done = 0;
  const seen = new Set<string>();
  progress(0, total);
  for (;;) {
    // Expired lots leave the set (remaining 0), so each page starts from the top again.
    const page = await prisma.pointsLot.findMany({
      where,
      orderBy: [{ customerId: 'asc' }, { expiresAt: 'asc' }, { earnedAt: 'asc' }, { id: 'asc' }],
      take: PAGE,
      select: { id: true, storeId: true, customerId: true },
    });
    const unseen = page.filter((lot) => !seen.has(lot.id));
    // A lot that did not expire when tried (it cannot happen, but must not loop forever) ends the run.
    if (unseen.length === 0) break;
    for (const lot of unseen) seen.add(lot.id);
    const byCustomer = new Map<string, { storeId: string; lotIds: string[] }>();
    for (const lot of unseen) {
      const entry = byCustomer.get(lot.customerId) ?? { storeId: lot.storeId, lotIds: [] };
      entry.lotIds.push(lot.id);
      byCustomer.set(lot.customerId, entry);
    }
    for (const [customerId, { storeId: lotStore, lotIds }] of byCustomer) {
      const outcome = await inTransaction(prisma, async (tx) => {
        const customer = await tx.customer.count({ where: { id: customerId, storeId: lotStore } });
        if (customer === 0) {
          // Left behind by a merge or erasure (the account is gone): nothing to expire from.
          await tx.pointsLot.updateMany({ where: { id: { in: lotIds } }, data: { expiresAt: null } });
          return { lots: 0, points: 0 };
        }
        await lockAccount(tx, lotStore, customerId);
        // Read after the lock: a concurrent debit may have consumed part of a lot.
        const fresh = await tx.pointsLot.findMany({
          where: { id: { in: lotIds }, remaining: { gt: 0 } },
          orderBy: [{ expiresAt: 'asc' }, { earnedAt: 'asc' }, { id: 'asc' }],
          select: { id: true, remaining: true, expiresAt: true },
        });
        let count = 0;
        let sum = 0;
        for (const lot of fresh) {
          const posted = await postEntry(tx, {
            storeId: lotStore,
            customerId,
            kind: 'EXPIRE',
            points: -lot.remaining,
            source: 'EXPIRY',
            sourceRef: lot.id,
            reason: 'Points expired',
            idempotencyKey: `expire:${lot.id}`,
            lotIds: [lot.id],
            occurredAt: lot.expiresAt ?? now,
            metadata: { lotId: lot.id },
          });
          if (!posted.replayed) {
            count++;
            sum += -posted.transaction.points;
          }
        }
        return { lots: count, points: sum };
      });
      lots += outcome.lots;
      points += outcome.points;
      done += lotIds.length;
      progress(Math.min(done, total), total);
    }
  }
  return { lots, points };
}

async function warnExpiring(
  prisma: PrismaClient,
  now: Date,
  stores: string[],
  progress: (done: number, total: number) => void,
): Promise<number> {
  let warnings = 0;
  progress(0, stores.length);
  for (const [index, storeId] of stores.entries()) {
    const { rules } = await rulesAt(prisma, storeId, now);
    if (rules.expiry.warnDays > 0) {
      const until = new Date(now.getTime() + rules.expiry.warnDays * 86_400_000);
      const zone = await storeTimeZone(prisma, storeId);
      for (;;) {
        const sent = await inTransaction(prisma, async (tx) => {
          // Claims the lots (warnedAt set) in the same transaction as the events, so each lot warns once.
          const claimed = await tx.$queryRaw<{ id: string; customerId: string; remaining: number; expiresAt: Date }[]>`
            UPDATE "PointsLot" SET "warnedAt" = ${now}
            WHERE id IN (
              SELECT id FROM "PointsLot"
              WHERE "storeId" = ${storeId}::uuid AND "warnedAt" IS NULL AND remaining > 0
                AND "expiresAt" > ${now} AND "expiresAt" <= ${until}
              ORDER BY "customerId", "expiresAt" LIMIT ${PAGE} FOR UPDATE SKIP LOCKED)
            RETURNING id, "customerId", remaining, "expiresAt"`;
          const groups = new Map<string, { customerId: string; points: number; expiresAt: Date }>();
          for (const lot of claimed) {
            const key = `${lot.customerId}|${localDate(lot.expiresAt, zone)}`;
            const group = groups.get(key);
            if (group) {
              group.points += lot.remaining;
              if (lot.expiresAt < group.expiresAt) group.expiresAt = lot.expiresAt;
            } else groups.set(key, { customerId: lot.customerId, points: lot.remaining, expiresAt: lot.expiresAt });
          }
          for (const group of groups.values())
            await emit(tx, storeId, 'points.expiring', {
              customerId: group.customerId,
              points: group.points,
              expiresAt: group.expiresAt.toISOString(),
            });
          return { lots: claimed.length, events: groups.size };
        });
        warnings += sent.events;
        if (sent.lots < PAGE) break;
      }
    }
    progress(index + 1, stores.length);
  }
  return warnings;
}

async function reevaluateTiers(
  prisma: PrismaClient,
  now: Date,
  stores: string[],
  progress: (done: number, total: number) => void,
): Promise<number> {
  let changes = 0;
  const work: { storeId: string; lifetime: boolean }[] = [];
  for (const storeId of stores) {
    const { rules } = await rulesAt(prisma, storeId, now);
    if (rules.tiers.levels.length > 0) work.push({ storeId, lifetime: rules.tiers.window === 'LIFETIME' });
  }
  let total = 0;
  const whereFor = (item: { storeId: string; lifetime: boolean }) =>
    item.lifetime ? { storeId: item.storeId, tierHoldUntil: { lte: now } } : { storeId: item.storeId };
  for (const item of work) total += await prisma.loyaltyAccount.count({ where: whereFor(item) });
  let done = 0;
  progress(0, total);
  for (const item of work) {
    let after: string | undefined;
    for (;;) {
      const page = await prisma.loyaltyAccount.findMany({
        where: { ...whereFor(item), ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: 'asc' },
        take: PAGE,
        select: { id: true, customerId: true },
      });
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      for (const account of page) {
        const result = await inTransaction(prisma, (tx) => evaluateTier(tx, item.storeId, account.customerId, now));
        if (result?.direction) changes++;
        done++;
        progress(done, total);
      }
    }
  }
  return changes;
}

async function birthdayBonuses(
  prisma: PrismaClient,
  now: Date,
  stores: string[],
  progress: (done: number, total: number) => void,
): Promise<number> {
  let awarded = 0;
  progress(0, stores.length);
  for (const [index, storeId] of stores.entries()) {
    const active = await rulesAt(prisma, storeId, now);
    if (active.enabled && bonusFor(active.rules, 'BIRTHDAY')) {
      const zone = await storeTimeZone(prisma, storeId);
      const today = localParts(now, zone);
      const leapDay =
        today.month === 2 && today.day === 28 && new Date(Date.UTC(today.year, 1, 29)).getUTCDate() !== 29;
      const customers = await prisma.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Customer"
        WHERE "storeId" = ${storeId}::uuid AND birthday IS NOT NULL
          AND ((extract(month FROM birthday) = ${today.month} AND extract(day FROM birthday) = ${today.day})
               OR (${leapDay} AND extract(month FROM birthday) = 2 AND extract(day FROM birthday) = 29))
        ORDER BY id`;
      for (const customer of customers) {
        const posted = await awardBonus(prisma, {
          storeId,
          customerId: customer.id,
          action: 'BIRTHDAY',
          sourceRef: String(today.year),
          occurredAt: now,
        });
        if (posted && !posted.replayed) awarded++;
      }
    }
    progress(index + 1, stores.length);
  }
  return awarded;
}

export async function runLoyaltyJobs(
  prisma: PrismaClient,
  options: LoyaltyJobsOptions = {},
): Promise<LoyaltyJobsReport> {
  const now = options.now ?? new Date();
  const step = (name: JobStep) => (done: number, total: number) => options.onProgress?.(done, total, name);
  const stores = await storesToRun(prisma, options.storeId);

  const expired = await expireLots(prisma, now, options.storeId, step('expiry'));
  const warnings = await warnExpiring(prisma, now, stores, step('warnings'));
  const tierChanges = await reevaluateTiers(prisma, now, stores, step('tiers'));

  const referralProgress = step('referrals');
  referralProgress(0, 1);
  const referrals = await payReferrals(prisma, now, options.storeId);
  referralProgress(1, 1);

  const birthdays = await birthdayBonuses(prisma, now, stores, step('birthdays'));

  const codesProgress = step('codes');
  codesProgress(0, 1);
  const expiredCodes = await expireRewardCodes(prisma, now, options.storeId);
  codesProgress(1, 1);

  return {
    expiredLots: expired.lots,
    expiredPoints: expired.points,
    warnings,
    tierChanges,
    referralRewards: referrals.rewarded,
    birthdayBonuses: birthdays,
    expiredCodes,
  };
}
