import { randomInt } from 'node:crypto';
import type { PrismaClient } from '../../db/database.ts';
import { uuidv7 } from '../../db/uuid7.ts';
import { InvalidInputError, isUuid, NotFoundError } from '../../errors.ts';
import { emit } from '../../events/events.ts';
import type { Prisma, Reward, RewardCode } from '../../generated/prisma/client.ts';
import { inTransaction, lockAccount, postEntry, type Tx } from './ledger.service.ts';
import {
  IdempotencyConflictError,
  InsufficientPointsError,
  RewardCodeUnusableError,
  RewardLimitReachedError,
  RewardOutOfStockError,
  RewardUnavailableError,
} from './loyalty.errors.ts';
import { rulesAt } from './program.service.ts';
import {
  normaliseRewardCode,
  parseIdempotencyKey,
  parseRewardInput,
  type RewardInput,
  type ValidRewardInput,
} from './rewards.validation.ts';

export type { RewardInput } from './rewards.validation.ts';

/**
 * The rewards catalogue and its codes. Redeeming moves points through the ledger in the same
 * transaction that issues the code and takes the stock, after locking the customer's account:
 * concurrent redemptions by one customer queue on that lock, so the balance guard, the
 * per-customer limit and the idempotency key are all checked against committed state.
 *
 * Lock order, everywhere: the customer's account, then the code, then the reward row (redemption
 * takes the reward row by its guarded stock decrement and re-reads it under that lock).
 */

type Db = PrismaClient | Prisma.TransactionClient;

// ---------------------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------------------

function rewardData(input: ValidRewardInput) {
  return { ...input, translations: input.translations as Prisma.InputJsonValue };
}

export async function createReward(prisma: PrismaClient, storeId: string, input: RewardInput): Promise<Reward> {
  const valid = parseRewardInput(input);
  return prisma.reward.create({ data: { storeId, ...rewardData(valid) } });
}

/** The current values of a stored reward, in input form (so a partial update is validated whole). */
function asInput(reward: Reward): RewardInput {
  return {
    name: reward.name,
    description: reward.description,
    translations: reward.translations as RewardInput['translations'],
    kind: reward.kind,
    value: reward.value,
    currency: reward.currency,
    productSku: reward.productSku,
    pointsCost: reward.pointsCost,
    stock: reward.stock,
    perCustomerLimit: reward.perCustomerLimit,
    minimumOrder: reward.minimumOrder,
    availableFrom: reward.availableFrom,
    availableUntil: reward.availableUntil,
    codeValidDays: reward.codeValidDays,
    active: reward.active,
  };
}

/**
 * Changes the given fields (undefined: unchanged; null: cleared). The result is validated as a
 * whole, so e.g. switching to FIXED_DISCOUNT without a value is refused; invalid input changes
 * nothing. Only the given fields are written (and fields the new kind does not use are cleared),
 * so an edit of the name never overwrites a stock that redemptions are decrementing.
 */
export async function updateReward(
  prisma: PrismaClient,
  storeId: string,
  id: string,
  input: Partial<RewardInput>,
): Promise<Reward> {
  if (!isUuid(id)) throw new NotFoundError('Reward');
  const current = await prisma.reward.findFirst({ where: { id, storeId } });
  if (!current) throw new NotFoundError('Reward');
  const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<
    Record<keyof ValidRewardInput, unknown>
  >;
  const valid = parseRewardInput({ ...asInput(current), ...given });
  const data: Partial<ValidRewardInput> = {};
  for (const key of Object.keys(given) as (keyof ValidRewardInput)[]) {
    if (key in valid) (data as Record<string, unknown>)[key] = valid[key];
  }
  if (given.kind !== undefined) {
    data.value = valid.value;
    data.productSku = valid.productSku;
  }
  if (Object.keys(data).length === 0) return current;
  const { translations, ...rest } = data;
  return prisma.reward.update({
    where: { id },
    data: { ...rest, ...(translations !== undefined ? { translations: translations as Prisma.InputJsonValue } : {}) },
  });
}

function availableAtWhere(at: Date): Prisma.RewardWhereInput {
  return {
    active: true,
    AND: [
      { OR: [{ availableFrom: null }, { availableFrom: { lte: at } }] },
      { OR: [{ availableUntil: null }, { availableUntil: { gt: at } }] },
    ],
  };
}

/**
 * The catalogue, cheapest first. `activeOnly`: only rewards that are active and within their
 * availability window at `at` (default now); out-of-stock rewards stay listed (stock 0).
 */
export async function listRewards(
  prisma: Db,
  storeId: string,
  options: { activeOnly?: boolean; at?: Date } = {},
): Promise<Reward[]> {
  return prisma.reward.findMany({
    where: { storeId, ...(options.activeOnly ? availableAtWhere(options.at ?? new Date()) : {}) },
    orderBy: [{ pointsCost: 'asc' }, { name: 'asc' }, { id: 'asc' }],
  });
}

/** Why a reward cannot be redeemed at `at`, or null when it can. */
export function unavailableReason(reward: Reward, at: Date): string | null {
  if (!reward.active) return 'inactive';
  if (reward.availableFrom && reward.availableFrom.getTime() > at.getTime()) return 'not yet available';
  if (reward.availableUntil && reward.availableUntil.getTime() <= at.getTime()) return 'no longer available';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Redemption
// ---------------------------------------------------------------------------------------------

/** No 0/O, 1/I/L: codes are read aloud at tills and typed from receipts. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 10;

export function newRewardCode(): string {
  let code = 'KR-';
  for (let index = 0; index < CODE_LENGTH; index++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

export interface RedeemRequest {
  storeId: string;
  customerId: string;
  rewardId: string;
  /** The client's key: a retry with the same key returns the first response and changes nothing. */
  idempotencyKey: string;
  /** "system", "customer", or the admin key id: recorded on the ledger row. */
  actor?: string;
}

export interface Redemption {
  rewardCode: RewardCode;
  reward: Reward;
  /** The balance right after this redemption (a replay reports the same number). */
  balance: number;
  replayed: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Deducts the reward's points and issues a single-use code, in one transaction. Throws
 * InsufficientPointsError, RewardOutOfStockError, RewardLimitReachedError, RewardUnavailableError,
 * NotFoundError('Reward' | 'Customer'), InvalidInputError('idempotencyKey', …) or, when the key was
 * used for another reward, IdempotencyConflictError; a failure changes nothing.
 */
export async function redeemReward(prisma: PrismaClient, request: RedeemRequest): Promise<Redemption> {
  const clientKey = parseIdempotencyKey(request.idempotencyKey);
  const { storeId, customerId, rewardId } = request;
  if (!isUuid(rewardId)) throw new NotFoundError('Reward');
  if (!isUuid(customerId)) throw new NotFoundError('Customer');
  const idempotencyKey = `redeem:${customerId}:${clientKey}`;

  return inTransaction(prisma, async (tx) => {
    const customer = await tx.customer.findFirst({ where: { id: customerId, storeId }, select: { id: true } });
    if (!customer) throw new NotFoundError('Customer');
    // Every writer for this customer queues here; what follows sees all committed rows.
    const account = await lockAccount(tx, storeId, customerId);

    const previous = await tx.pointsTransaction.findUnique({
      where: { storeId_idempotencyKey: { storeId, idempotencyKey } },
    });
    if (previous) {
      const issued = await tx.rewardCode.findUnique({ where: { redeemTransactionId: previous.id } });
      if (!issued || issued.rewardId !== rewardId || previous.customerId !== customerId)
        throw new IdempotencyConflictError(clientKey);
      const reward = await tx.reward.findUniqueOrThrow({ where: { id: issued.rewardId } });
      return { rewardCode: issued, reward, balance: previous.balanceAfter, replayed: true };
    }

    const reward = await tx.reward.findFirst({ where: { id: rewardId, storeId } });
    if (!reward) throw new NotFoundError('Reward');
    const now = new Date();
    const unavailable = unavailableReason(reward, now);
    if (unavailable) throw new RewardUnavailableError(unavailable);

    if (reward.perCustomerLimit !== null) {
      const held = await tx.rewardCode.count({
        where: { storeId, customerId, rewardId, status: { in: ['ISSUED', 'CONSUMED'] } },
      });
      if (held >= reward.perCustomerLimit) throw new RewardLimitReachedError(reward.perCustomerLimit);
    }
    // Checked before the stock is touched, so a short balance never locks the reward row.
    if (account.balance < reward.pointsCost) throw new InsufficientPointsError(reward.pointsCost, account.balance);

    // Guarded decrement: concurrent redeemers of the last unit queue on the row; one gets it.
    const taken = await tx.$executeRaw`
      UPDATE "Reward" SET stock = stock - 1
      WHERE id = ${rewardId}::uuid AND (stock IS NULL OR stock > 0)`;
    if (taken === 0) throw new RewardOutOfStockError(rewardId);
    // The row is ours until commit: an edit committed since the first read is seen now.
    const locked = await tx.reward.findUniqueOrThrow({ where: { id: rewardId } });
    const lockedReason = unavailableReason(locked, now);
    if (lockedReason) throw new RewardUnavailableError(lockedReason);

    const rewardCodeId = uuidv7();
    const posted = await postEntry(tx, {
      storeId,
      customerId,
      kind: 'REDEEM',
      points: -locked.pointsCost,
      source: 'REWARD',
      sourceRef: rewardCodeId,
      reason: `Redeemed: ${locked.name}`,
      idempotencyKey,
      actor: request.actor ?? 'system',
      metadata: { rewardId, rewardName: locked.name },
      occurredAt: now,
      onInsufficient: 'fail',
    });
    const rewardCode = await insertCode(tx, {
      id: rewardCodeId,
      storeId,
      rewardId,
      customerId,
      pointsCost: locked.pointsCost,
      redeemTransactionId: posted.transaction.id,
      expiresAt: locked.codeValidDays ? new Date(now.getTime() + locked.codeValidDays * DAY_MS) : null,
      createdAt: now,
    });

    await emit(tx, storeId, 'reward.redeemed', {
      customerId,
      rewardId,
      rewardCodeId: rewardCode.id,
      pointsCost: locked.pointsCost,
    });
    return { rewardCode, reward: locked, balance: posted.account.balance, replayed: false };
  });
}

/**
 * Inserts the code row with a fresh random code; a candidate that collides with an existing code
 * is skipped (ON CONFLICT DO NOTHING keeps the transaction usable) and another one tried.
 */
async function insertCode(
  tx: Tx,
  row: {
    id: string;
    storeId: string;
    rewardId: string;
    customerId: string;
    pointsCost: number;
    redeemTransactionId: string;
    expiresAt: Date | null;
    createdAt: Date;
  },
): Promise<RewardCode> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const inserted = await tx.$executeRaw`
      INSERT INTO "RewardCode" (id, "storeId", "rewardId", "customerId", code, status, "pointsCost",
                                "redeemTransactionId", "expiresAt", "createdAt")
      VALUES (${row.id}::uuid, ${row.storeId}::uuid, ${row.rewardId}::uuid, ${row.customerId}::uuid, ${newRewardCode()},
              'ISSUED', ${row.pointsCost}::int, ${row.redeemTransactionId}::uuid, ${row.expiresAt}::timestamptz,
              ${row.createdAt}::timestamptz)
      ON CONFLICT ("storeId", code) DO NOTHING`;
    if (inserted === 1) return tx.rewardCode.findUniqueOrThrow({ where: { id: row.id } });
  }
  throw new Error('redeemReward: could not find an unused reward code');
}

// ---------------------------------------------------------------------------------------------
// Checkout integration
// ---------------------------------------------------------------------------------------------

export type RewardCodeState = 'ISSUED' | 'CONSUMED' | 'CANCELLED' | 'EXPIRED';

/** The code's status as a checkout sees it: an ISSUED code past its expiry is EXPIRED already. */
export function effectiveStatus(code: RewardCode, at: Date = new Date()): RewardCodeState {
  if (code.status === 'ISSUED' && code.expiresAt && code.expiresAt.getTime() <= at.getTime()) return 'EXPIRED';
  return code.status;
}

export interface RewardCodeValidation {
  rewardCode: RewardCode;
  reward: Reward;
  usable: boolean;
  status: RewardCodeState;
}

async function findCode(db: Db, storeId: string, code: string): Promise<RewardCode | null> {
  if (typeof code !== 'string') return null;
  const normalised = normaliseRewardCode(code);
  if (normalised.length === 0 || normalised.length > 100) return null;
  return db.rewardCode.findUnique({ where: { storeId_code: { storeId, code: normalised } } });
}

/** Read-only: what the code is worth and whether it can be used now. Unknown codes throw RewardCodeUnusableError('UNKNOWN'). */
export async function validateRewardCode(prisma: Db, storeId: string, code: string): Promise<RewardCodeValidation> {
  const rewardCode = await findCode(prisma, storeId, code);
  if (!rewardCode) throw new RewardCodeUnusableError('UNKNOWN', 'No such reward code');
  const reward = await prisma.reward.findUniqueOrThrow({ where: { id: rewardCode.rewardId } });
  const status = effectiveStatus(rewardCode);
  return { rewardCode, reward, usable: status === 'ISSUED', status };
}

/** The code's row, locked until the transaction ends. */
async function lockCode(tx: Tx, id: string): Promise<RewardCode | null> {
  await tx.$queryRaw`SELECT id FROM "RewardCode" WHERE id = ${id}::uuid FOR UPDATE`;
  return tx.rewardCode.findUnique({ where: { id } });
}

/**
 * Marks the code used on the checkout's order `orderRef`. Consuming it again for the same order
 * returns it unchanged (a retried checkout); anything else that is not usable throws
 * RewardCodeUnusableError with the reason.
 */
export async function consumeRewardCode(
  prisma: PrismaClient,
  storeId: string,
  code: string,
  orderRef: string,
): Promise<RewardCode> {
  const ref = typeof orderRef === 'string' ? orderRef.trim() : '';
  if (ref.length === 0) throw new InvalidInputError('orderRef', 'must not be empty');
  if (ref.length > 200) throw new InvalidInputError('orderRef', 'must be at most 200 characters');
  const found = await findCode(prisma, storeId, code);
  if (!found) throw new RewardCodeUnusableError('UNKNOWN', 'No such reward code');

  return inTransaction(prisma, async (tx) => {
    const current = await lockCode(tx, found.id);
    if (!current) throw new RewardCodeUnusableError('UNKNOWN', 'No such reward code');
    if (current.status === 'CONSUMED') {
      if (current.consumedOrderRef === ref) return current;
      throw new RewardCodeUnusableError('CONSUMED', 'This code was already used on another order');
    }
    const status = effectiveStatus(current);
    if (status !== 'ISSUED') throw new RewardCodeUnusableError(status);
    return tx.rewardCode.update({
      where: { id: current.id },
      data: { status: 'CONSUMED', consumedAt: new Date(), consumedOrderRef: ref },
    });
  });
}

/**
 * Gives the code's points back (a REVERSE row, key `refund:<codeId>`, so exactly once) and the
 * stock unit back, and marks the code `to`. The refunded points form a new lot that expires by the
 * program's expiry rule counted from now (never, when the program has no expiry). Call with the
 * customer's account and the code locked.
 */
async function refundCode(
  tx: Tx,
  code: RewardCode,
  to: 'CANCELLED' | 'EXPIRED',
  now: Date,
  reason: string,
  actor: string,
): Promise<RewardCode> {
  const { rules } = await rulesAt(tx, code.storeId, now);
  const expiresAt = rules.expiry.months ? addMonths(now, rules.expiry.months) : null;
  const posted = await postEntry(tx, {
    storeId: code.storeId,
    customerId: code.customerId,
    kind: 'REVERSE',
    points: code.pointsCost,
    source: 'REWARD',
    sourceRef: code.id,
    reason,
    idempotencyKey: `refund:${code.id}`,
    actor,
    metadata: { rewardId: code.rewardId, code: code.code, status: to },
    occurredAt: now,
    expiresAt,
  });
  await tx.$executeRaw`UPDATE "Reward" SET stock = stock + 1 WHERE id = ${code.rewardId}::uuid AND stock IS NOT NULL`;
  return tx.rewardCode.update({
    where: { id: code.id },
    data: {
      status: to,
      refundTransactionId: posted.transaction.id,
      ...(to === 'CANCELLED' ? { cancelledAt: now } : {}),
    },
  });
}

function addMonths(date: Date, months: number): Date {
  const result = new Date(date);
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/**
 * Locks the code's owner and the code, in that order. A merge may move a code to another customer
 * between the read and the lock, so the owner is checked again under the lock.
 */
async function withLockedCode<T>(
  prisma: PrismaClient,
  found: RewardCode,
  fn: (tx: Tx, code: RewardCode) => Promise<T>,
): Promise<T> {
  let customerId = found.customerId;
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await inTransaction<{ done: true; value: T } | { done: false; owner: string }>(
      prisma,
      async (tx) => {
        await lockAccount(tx, found.storeId, customerId);
        const code = await lockCode(tx, found.id);
        if (!code) throw new RewardCodeUnusableError('UNKNOWN', 'No such reward code');
        if (code.customerId !== customerId) return { done: false, owner: code.customerId };
        return { done: true, value: await fn(tx, code) };
      },
    );
    if (result.done) return result.value;
    customerId = result.owner;
  }
  throw new Error('reward code owner keeps changing');
}

/**
 * Cancels an unused code: its points are refunded exactly once and the stock unit goes back.
 * Cancelling a cancelled code returns it unchanged; a consumed or expired code cannot be
 * cancelled (RewardCodeUnusableError).
 */
export async function cancelRewardCode(
  prisma: PrismaClient,
  storeId: string,
  code: string,
  reason?: string | null,
): Promise<RewardCode> {
  const found = await findCode(prisma, storeId, code);
  if (!found) throw new RewardCodeUnusableError('UNKNOWN', 'No such reward code');
  const why = reason?.trim().slice(0, 500);
  return withLockedCode(prisma, found, async (tx, current) => {
    if (current.status === 'CANCELLED') return current;
    if (current.status !== 'ISSUED') throw new RewardCodeUnusableError(current.status);
    return refundCode(
      tx,
      current,
      'CANCELLED',
      new Date(),
      why ? `Reward code cancelled: ${why}` : 'Reward code cancelled',
      'system',
    );
  });
}

/**
 * Expires the codes still ISSUED whose expiry has passed (of one store, or all), refunding each
 * one's points once and returning its stock. Safe to run concurrently and repeatedly. Returns how
 * many codes this call expired.
 */
export async function expireRewardCodes(prisma: PrismaClient, now: Date, storeId?: string): Promise<number> {
  let expired = 0;
  let after: string | undefined;
  for (;;) {
    const batch = await prisma.rewardCode.findMany({
      where: {
        status: 'ISSUED',
        expiresAt: { lte: now },
        ...(storeId ? { storeId } : {}),
        ...(after ? { id: { gt: after } } : {}),
      },
      orderBy: { id: 'asc' },
      take: 200,
    });
    if (batch.length === 0) return expired;
    for (const found of batch) {
      const done = await withLockedCode(prisma, found, async (tx, current) => {
        if (current.status !== 'ISSUED' || !current.expiresAt || current.expiresAt.getTime() > now.getTime())
          return false;
        await refundCode(tx, current, 'EXPIRED', now, 'Reward code expired unused', 'system');
        return true;
      });
      if (done) expired++;
    }
    after = batch[batch.length - 1]!.id;
  }
}

/** The customer's codes, newest first. */
export async function customerRewardCodes(prisma: Db, storeId: string, customerId: string): Promise<RewardCode[]> {
  if (!isUuid(customerId)) return [];
  return prisma.rewardCode.findMany({
    where: { storeId, customerId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
}
