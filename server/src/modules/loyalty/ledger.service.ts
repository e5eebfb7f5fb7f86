import { randomInt } from 'node:crypto';
import type { PrismaClient } from '../../db/database.ts';
import { uuidv7 } from '../../db/uuid7.ts';
import type { DomainEventMap } from '../../events/events.ts';
import type { LoyaltyAccount, PointsKind, PointsTransaction, Prisma } from '../../generated/prisma/client.ts';
import { IdempotencyConflictError, InsufficientPointsError } from './loyalty.errors.ts';

export type Tx = Prisma.TransactionClient;

/**
 * The points ledger. Every change to a balance goes through `postEntry`, inside a transaction that
 * first locks the customer's account row: all writers for one customer queue on that lock, so a
 * guard (`balance >= cost`) read after it holds until commit, and an idempotency key checked after
 * it sees every committed row (READ COMMITTED takes a fresh snapshot per statement).
 *
 * Credits add a lot; debits consume lots first-in first-out (soonest expiry first, then oldest).
 * Invariants (tested with fast-check): balance = sum(ledger points) = sum(lot remaining) >= 0.
 */

export interface LedgerEntry {
  storeId: string;
  customerId: string;
  kind: PointsKind;
  /** Signed and non-zero: positive credits, negative debits. */
  points: number;
  /** ORDER, RETURN, CANCELLATION, REWARD, REFERRAL, BONUS, REVIEW, SURVEY, ADMIN, EXPIRY. */
  source: string;
  sourceRef?: string | null;
  reason: string;
  /** Unique per store: posting the same key again returns the first row (`replayed: true`). */
  idempotencyKey: string;
  actor?: string;
  metadata?: Record<string, unknown>;
  occurredAt?: Date;
  /** Credits: when the new lot expires (null or absent: never). */
  expiresAt?: Date | null;
  /**
   * Debits: 'fail' throws InsufficientPointsError when the balance is short (redemptions); 'clamp'
   * takes what there is and records the rest as `shortfall` (reversals: never below zero).
   */
  onInsufficient?: 'fail' | 'clamp';
  /** Debits: consume the lot of this transaction first (a reversal takes back the order's own points). */
  preferLotOf?: string;
  /** Debits of kind EXPIRE: consume exactly these lots. */
  lotIds?: string[];
}

export interface PostedEntry {
  transaction: PointsTransaction;
  account: LoyaltyAccount;
  /** True when the idempotency key had been used: nothing changed. */
  replayed: boolean;
}

/** Called after each posted row, inside the transaction (tier evaluation registers here). */
export type LedgerHook = (tx: Tx, entry: PostedEntry) => Promise<void>;
const hooks: LedgerHook[] = [];
export function onLedgerChange(hook: LedgerHook): void {
  if (!hooks.includes(hook)) hooks.push(hook);
}

const REFERRAL_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export function newReferralCode(): string {
  let code = '';
  for (let index = 0; index < 8; index++) code += REFERRAL_ALPHABET[randomInt(REFERRAL_ALPHABET.length)];
  return code;
}

/** Interactive transaction with room for a contended lock queue. */
export function inTransaction<T>(prisma: PrismaClient, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(fn, { maxWait: 30_000, timeout: 60_000 });
}

/** The customer's account, created on first use, locked FOR UPDATE until the transaction ends. */
export async function lockAccount(tx: Tx, storeId: string, customerId: string): Promise<LoyaltyAccount> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const rows = await tx.$queryRaw<LoyaltyAccount[]>`
      SELECT * FROM "LoyaltyAccount" WHERE "customerId" = ${customerId}::uuid AND "storeId" = ${storeId}::uuid FOR UPDATE`;
    if (rows[0]) return rows[0];
    // ON CONFLICT DO NOTHING: a concurrent creator wins and we lock its row on the next round.
    await tx.$executeRaw`
      INSERT INTO "LoyaltyAccount" (id, "storeId", "customerId", "referralCode", "updatedAt")
      SELECT gen_random_uuid(), ${storeId}::uuid, ${customerId}::uuid, ${newReferralCode()}, now()
      WHERE EXISTS (SELECT 1 FROM "Customer" WHERE id = ${customerId}::uuid AND "storeId" = ${storeId}::uuid)
      ON CONFLICT DO NOTHING`;
    const exists = await tx.$queryRaw<{ n: number }[]>`
      SELECT 1 AS n FROM "Customer" WHERE id = ${customerId}::uuid AND "storeId" = ${storeId}::uuid`;
    if (!exists[0]) throw new Error(`lockAccount: customer ${customerId} is not in store ${storeId}`);
  }
  throw new Error('lockAccount: could not create the account');
}

/** Reads an account without locking; a customer who never earned has a zero account (not stored). */
export async function readAccount(
  prisma: PrismaClient | Tx,
  storeId: string,
  customerId: string,
): Promise<LoyaltyAccount | null> {
  return prisma.loyaltyAccount.findFirst({ where: { storeId, customerId } });
}

/** A ledger row that came back as JSON from the write statement. */
function reviveTransaction(raw: PointsTransaction): PointsTransaction {
  const date = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));
  return {
    ...raw,
    expiresAt: date(raw.expiresAt),
    occurredAt: date(raw.occurredAt)!,
    createdAt: date(raw.createdAt)!,
  };
}

function sameRequest(existing: PointsTransaction, entry: LedgerEntry): boolean {
  return existing.customerId === entry.customerId && existing.kind === entry.kind && existing.source === entry.source;
}

/**
 * Writes one ledger row and moves the balance, lots and lifetime totals with it. Call inside
 * `inTransaction`; the account lock is taken here, unless the caller passes the account it has just
 * locked with `lockAccount` in this transaction and not changed since (saves a round trip).
 */
export async function postEntry(tx: Tx, entry: LedgerEntry, locked?: LoyaltyAccount): Promise<PostedEntry> {
  if (!Number.isInteger(entry.points) || entry.points === 0)
    throw new Error(`postEntry: points must be a non-zero integer, got ${entry.points}`);
  if (locked && locked.customerId !== entry.customerId)
    throw new Error('postEntry: locked account of another customer');
  let account = locked ?? (await lockAccount(tx, entry.storeId, entry.customerId));

  const [existingRaw] = await tx.$queryRaw<PointsTransaction[]>`
    SELECT * FROM "PointsTransaction"
    WHERE "storeId" = ${entry.storeId}::uuid AND "idempotencyKey" = ${entry.idempotencyKey}`;
  const existing = existingRaw ?? null;
  if (existing) {
    if (!sameRequest(existing, entry)) throw new IdempotencyConflictError(entry.idempotencyKey);
    return { transaction: existing, account, replayed: true };
  }

  const occurredAt = entry.occurredAt ?? new Date();
  let points = entry.points;
  let shortfall = 0;
  const consumed: { id: string; take: number }[] = [];

  if (points < 0) {
    const wanted = -points;
    if (wanted > account.balance) {
      if ((entry.onInsufficient ?? 'fail') === 'fail') throw new InsufficientPointsError(wanted, account.balance);
      shortfall = wanted - account.balance;
      points = -account.balance;
    }
    let left = -points;
    if (left > 0) {
      const lots = await tx.$queryRaw<{ id: string; remaining: number; transactionId: string }[]>`
        SELECT id, remaining, "transactionId" FROM "PointsLot"
        WHERE "customerId" = ${entry.customerId}::uuid AND remaining > 0
        ORDER BY ("transactionId" = ${entry.preferLotOf ?? null}::uuid) IS TRUE DESC,
                 "expiresAt" ASC NULLS LAST, "earnedAt" ASC, id ASC`;
      const only = entry.lotIds ? new Set(entry.lotIds) : undefined;
      for (const lot of lots) {
        if (left === 0) break;
        if (only && !only.has(lot.id)) continue;
        const take = Math.min(lot.remaining, left);
        consumed.push({ id: lot.id, take });
        left -= take;
      }
      if (left > 0) throw new Error(`postEntry: lots short by ${left} for account ${account.id}; run reconciliation`);
    }
  }

  // Lifetime totals: earned counts credits other than refunds, net of reversed earnings.
  const refund = entry.kind === 'REVERSE' && points > 0;
  const earnedDelta =
    (entry.kind === 'EARN' || entry.kind === 'ADJUST' || (entry.kind === 'REVERSE' && points < 0)) && !refund
      ? points
      : 0;
  const redeemedDelta = entry.kind === 'REDEEM' ? -points : refund ? -points : 0;
  const expiredDelta = entry.kind === 'EXPIRE' ? -points : 0;
  const transactionId = uuidv7();
  const expiresAt = points > 0 ? (entry.expiresAt ?? null) : null;
  const event = {
    customerId: entry.customerId,
    transactionId,
    kind: entry.kind,
    points,
    balance: account.balance + points,
    source: entry.source,
  } satisfies DomainEventMap['points.changed'];

  // One statement: the ledger row, its lot (credits) or the lots it consumes (debits), the account
  // (guarded: the balance may not go below zero) and the points.changed outbox event. A failed guard
  // returns no account row and the transaction is rolled back by the throw below.
  const rows = await tx.$queryRaw<(LoyaltyAccount & { transaction: PointsTransaction })[]>`
    WITH account AS (
      UPDATE "LoyaltyAccount" SET
        balance = balance + ${points}::int,
        "lifetimeEarned" = "lifetimeEarned" + ${earnedDelta}::int,
        "lifetimeRedeemed" = "lifetimeRedeemed" + ${redeemedDelta}::int,
        "lifetimeExpired" = "lifetimeExpired" + ${expiredDelta}::int,
        "updatedAt" = now()
      WHERE id = ${account.id}::uuid AND balance + ${points}::int >= 0
      RETURNING *
    ), ledger AS (
      INSERT INTO "PointsTransaction" (id, "storeId", "customerId", kind, points, shortfall, "balanceAfter", source,
        "sourceRef", reason, "idempotencyKey", "expiresAt", actor, metadata, "occurredAt")
      SELECT ${transactionId}::uuid, ${entry.storeId}::uuid, ${entry.customerId}::uuid, ${entry.kind}::"PointsKind",
        ${points}::int, ${shortfall}::int, account.balance, ${entry.source}, ${entry.sourceRef ?? null},
        ${entry.reason}, ${entry.idempotencyKey}, ${expiresAt}::timestamptz, ${entry.actor ?? 'system'},
        ${JSON.stringify(entry.metadata ?? {})}::jsonb, ${occurredAt}::timestamptz
      FROM account
      RETURNING *
    ), lot AS (
      INSERT INTO "PointsLot" (id, "storeId", "customerId", "transactionId", points, remaining, "earnedAt", "expiresAt")
      SELECT ${uuidv7()}::uuid, ledger."storeId", ledger."customerId", ledger.id, ledger.points, ledger.points,
        ledger."occurredAt", ledger."expiresAt"
      FROM ledger WHERE ledger.points > 0
    ), consumed AS (
      UPDATE "PointsLot" AS l SET remaining = l.remaining - c.take
      FROM (SELECT unnest(${consumed.map((lot) => lot.id)}::uuid[]) AS id,
                   unnest(${consumed.map((lot) => lot.take)}::int[]) AS take) AS c, account
      WHERE l.id = c.id
    ), outbox AS (
      INSERT INTO "OutboxEvent" (id, "storeId", type, payload)
      SELECT ${uuidv7()}::uuid, ${entry.storeId}::uuid, 'points.changed', ${JSON.stringify(event)}::jsonb FROM ledger
    )
    SELECT account.*, to_jsonb(ledger.*) AS transaction FROM account, ledger`;
  const row = rows[0];
  if (!row) throw new InsufficientPointsError(-points, account.balance);
  const { transaction: rawTransaction, ...updated } = row;
  account = updated;
  const transaction = reviveTransaction(rawTransaction);

  const posted = { transaction, account, replayed: false };
  for (const hook of hooks) await hook(tx, posted);
  return posted;
}

/** `postEntry` in a transaction of its own. */
export function post(prisma: PrismaClient, entry: LedgerEntry): Promise<PostedEntry> {
  return inTransaction(prisma, (tx) => postEntry(tx, entry));
}

export interface ReconciliationIssue {
  customerId: string;
  balance: number;
  ledgerSum: number;
  lotSum: number;
}

/** Recomputes every balance from the ledger and the lots; returns the accounts that disagree. */
export async function reconcile(prisma: PrismaClient | Tx, storeId: string): Promise<ReconciliationIssue[]> {
  const rows = await prisma.$queryRaw<ReconciliationIssue[]>`
    SELECT a."customerId", a.balance,
      COALESCE((SELECT sum(points) FROM "PointsTransaction" t WHERE t."customerId" = a."customerId" AND t."storeId" = a."storeId"), 0)::int AS "ledgerSum",
      COALESCE((SELECT sum(remaining) FROM "PointsLot" l WHERE l."customerId" = a."customerId" AND l."storeId" = a."storeId"), 0)::int AS "lotSum"
    FROM "LoyaltyAccount" a WHERE a."storeId" = ${storeId}::uuid`;
  return rows.filter((row) => row.ledgerSum !== row.balance || row.lotSum !== row.balance);
}
