import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type LedgerEntry, type PostedEntry, post } from '../../src/modules/loyalty/ledger.service.ts';
import { InsufficientPointsError } from '../../src/modules/loyalty/loyalty.errors.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * Random sequences of earn / redeem / reverse / adjust / expire (and replays of earlier keys) run
 * through the real postEntry on the test database, next to a pure reference model of the ledger.
 * After every operation the balance and the lots must match the model (which consumes lots FIFO:
 * soonest expiry first, then oldest, never-expiring last); after every sequence the ledger, the
 * lots, the account and its lifetime totals must agree with each other and with the model.
 */

let app: TestApp;
let shop: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  shop = await app.createStore('Ledger properties');
});
afterAll(() => app.close());

type Op =
  | { type: 'earn'; points: number; expiresInMinutes: number | null }
  | { type: 'redeem'; points: number }
  | { type: 'reverse'; points: number }
  | { type: 'adjust'; points: number }
  | { type: 'expire' }
  | { type: 'replay'; pick: number };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('earn' as const),
      points: fc.integer({ min: 1, max: 500 }),
      expiresInMinutes: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('redeem' as const), points: fc.integer({ min: 1, max: 600 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('reverse' as const), points: fc.integer({ min: 1, max: 600 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('adjust' as const),
      points: fc.integer({ min: -300, max: 300 }).filter((points) => points !== 0),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('expire' as const) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('replay' as const), pick: fc.nat() }) },
);

// ---------------------------------------------------------------------------------------------
// The reference model: pure, no database.
// ---------------------------------------------------------------------------------------------

interface ModelLot {
  transactionId: string;
  lotId: string;
  points: number;
  remaining: number;
  earnedAt: number;
  expiresAt: number | null;
}

interface Model {
  lots: ModelLot[];
  balance: number;
  earned: number;
  redeemed: number;
  expired: number;
}

/** FIFO order: soonest expiry first, never-expiring last, then oldest first. */
function fifo(lots: ModelLot[]): ModelLot[] {
  return [...lots].sort(
    (a, b) =>
      (a.expiresAt ?? Number.POSITIVE_INFINITY) - (b.expiresAt ?? Number.POSITIVE_INFINITY) || a.earnedAt - b.earnedAt,
  );
}

/** Takes `points` from the lots in FIFO order (only `only` when given). */
function consume(model: Model, points: number, only?: Set<string>): void {
  let left = points;
  for (const lot of fifo(model.lots)) {
    if (left === 0) break;
    if (only && !only.has(lot.lotId)) continue;
    const take = Math.min(lot.remaining, left);
    lot.remaining -= take;
    left -= take;
  }
  if (left !== 0) throw new Error(`model: lots short by ${left}`);
}

// ---------------------------------------------------------------------------------------------

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
let run = 0;

async function dbLots(customerId: string) {
  const rows = await app.db.prisma.pointsLot.findMany({
    where: { customerId },
    select: { transactionId: true, remaining: true },
  });
  return Object.fromEntries(rows.map((row) => [row.transactionId, row.remaining]));
}

function modelLots(model: Model) {
  return Object.fromEntries(model.lots.map((lot) => [lot.transactionId, lot.remaining]));
}

async function runSequence(ops: Op[]): Promise<void> {
  run++;
  const { id: customerId } = await app.db.prisma.customer.create({ data: { storeId: shop.id }, select: { id: true } });
  const model: Model = { lots: [], balance: 0, earned: 0, redeemed: 0, expired: 0 };
  const posted: { entry: LedgerEntry; result: PostedEntry }[] = [];

  for (const [index, op] of ops.entries()) {
    const now = T0 + index * MINUTE;
    const base = {
      storeId: shop.id,
      customerId,
      reason: op.type,
      idempotencyKey: `prop:${run}:${index}`,
      occurredAt: new Date(now),
    };
    let entry: LedgerEntry | undefined;
    let expectFailure = false;
    let apply: ((result: PostedEntry) => Promise<void>) | undefined;

    switch (op.type) {
      case 'earn':
      case 'adjust': {
        if (op.type === 'adjust' && op.points < 0) {
          // A negative adjustment must not overdraw (onInsufficient 'fail').
          const points = -op.points;
          entry = { ...base, kind: 'ADJUST', source: 'ADMIN', points: op.points, onInsufficient: 'fail' };
          expectFailure = points > model.balance;
          apply = async () => {
            consume(model, points);
            model.balance -= points;
            model.earned -= points;
          };
          break;
        }
        const expiresAt =
          op.type === 'earn' && op.expiresInMinutes !== null ? now + op.expiresInMinutes * MINUTE : null;
        entry = {
          ...base,
          kind: op.type === 'earn' ? 'EARN' : 'ADJUST',
          source: op.type === 'earn' ? 'ORDER' : 'ADMIN',
          points: op.points,
          expiresAt: expiresAt === null ? null : new Date(expiresAt),
        };
        apply = async (result) => {
          const lot = await app.db.prisma.pointsLot.findUniqueOrThrow({
            where: { transactionId: result.transaction.id },
            select: { id: true },
          });
          model.lots.push({
            transactionId: result.transaction.id,
            lotId: lot.id,
            points: op.points,
            remaining: op.points,
            earnedAt: now,
            expiresAt,
          });
          model.balance += op.points;
          model.earned += op.points;
        };
        break;
      }
      case 'redeem': {
        entry = { ...base, kind: 'REDEEM', source: 'REWARD', points: -op.points, onInsufficient: 'fail' };
        expectFailure = op.points > model.balance;
        apply = async () => {
          consume(model, op.points);
          model.balance -= op.points;
          model.redeemed += op.points;
        };
        break;
      }
      case 'reverse': {
        entry = { ...base, kind: 'REVERSE', source: 'RETURN', points: -op.points, onInsufficient: 'clamp' };
        const taken = Math.min(op.points, model.balance);
        const shortfall = op.points - taken;
        apply = async (result) => {
          expect(result.transaction).toMatchObject({ points: taken === 0 ? 0 : -taken, shortfall });
          consume(model, taken);
          model.balance -= taken;
          model.earned -= taken;
        };
        break;
      }
      case 'expire': {
        const due = model.lots.filter((lot) => lot.expiresAt !== null && lot.expiresAt <= now && lot.remaining > 0);
        const points = due.reduce((sum, lot) => sum + lot.remaining, 0);
        if (points === 0) continue;
        const only = new Set(due.map((lot) => lot.lotId));
        entry = {
          ...base,
          kind: 'EXPIRE',
          source: 'EXPIRY',
          points: -points,
          lotIds: [...only],
          onInsufficient: 'clamp',
        };
        apply = async () => {
          consume(model, points, only);
          model.balance -= points;
          model.expired += points;
        };
        break;
      }
      case 'replay': {
        if (posted.length === 0) continue;
        const earlier = posted[op.pick % posted.length]!;
        const result = await post(app.db.prisma, earlier.entry);
        expect(result.replayed).toBe(true);
        expect(result.transaction.id).toBe(earlier.result.transaction.id);
        expect(result.account.balance).toBe(model.balance);
        continue;
      }
    }

    if (expectFailure) {
      await expect(post(app.db.prisma, entry)).rejects.toBeInstanceOf(InsufficientPointsError);
    } else {
      const result = await post(app.db.prisma, entry);
      expect(result.replayed).toBe(false);
      await apply!(result);
      posted.push({ entry, result });
      expect(model.balance).toBeGreaterThanOrEqual(0);
      expect(result.account.balance).toBe(model.balance);
      expect(result.transaction.balanceAfter).toBe(model.balance);
    }
    // Which lots a debit consumed is where FIFO shows: compare every lot after every step.
    expect(await dbLots(customerId)).toEqual(modelLots(model));
  }

  // The whole picture at the end of the sequence.
  const account = await app.db.prisma.loyaltyAccount.findFirst({ where: { storeId: shop.id, customerId } });
  const rows = await app.db.prisma.pointsTransaction.findMany({
    where: { customerId },
    orderBy: { occurredAt: 'asc' },
  });
  const lots = await app.db.prisma.pointsLot.findMany({ where: { customerId } });
  const balance = account?.balance ?? 0;
  expect(balance).toBe(model.balance);
  expect(rows.reduce((sum, row) => sum + row.points, 0)).toBe(balance);
  expect(lots.reduce((sum, lot) => sum + lot.remaining, 0)).toBe(balance);
  expect(balance).toBeGreaterThanOrEqual(0);
  expect(rows).toHaveLength(posted.length);
  let running = 0;
  for (const row of rows) {
    running += row.points;
    expect(row.balanceAfter).toBe(running);
    expect(row.balanceAfter).toBeGreaterThanOrEqual(0);
  }
  if (account) {
    expect({
      earned: account.lifetimeEarned,
      redeemed: account.lifetimeRedeemed,
      expired: account.lifetimeExpired,
    }).toEqual({ earned: model.earned, redeemed: model.redeemed, expired: model.expired });
    expect(account.lifetimeEarned - account.lifetimeRedeemed - account.lifetimeExpired).toBe(balance);
  }
  for (const lot of lots) {
    expect(lot.remaining).toBeGreaterThanOrEqual(0);
    expect(lot.remaining).toBeLessThanOrEqual(lot.points);
  }
  // FIFO, checked on the stored lots without the model: no lot has been drawn on while a lot
  // ahead of it (sooner expiry, or same expiry and older) that already existed still has points.
  // (EXPIRE steps take whole due lots, and every lot ahead of a due lot is due too.)
  const stored = fifo(
    lots.map((lot) => ({
      transactionId: lot.transactionId,
      lotId: lot.id,
      points: lot.points,
      remaining: lot.remaining,
      earnedAt: lot.earnedAt.getTime(),
      expiresAt: lot.expiresAt?.getTime() ?? null,
    })),
  );
  for (const [position, lot] of stored.entries()) {
    if (lot.remaining === lot.points) continue;
    for (const ahead of stored.slice(0, position)) {
      if (ahead.remaining > 0 && ahead.earnedAt <= lot.earnedAt)
        throw new Error(`FIFO broken: lot ${lot.lotId} was drawn on while ${ahead.lotId} still had points`);
    }
  }
}

test('ledger invariants hold for random sequences of earn, redeem, reverse, adjust and expire', {
  timeout: 180_000,
}, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArbitrary, { minLength: 1, maxLength: 25 }), (ops) => runSequence(ops)),
    { numRuns: 40 },
  );
});
