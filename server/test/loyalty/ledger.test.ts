import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LedgerEntry, post, readAccount, reconcile } from '../../src/modules/loyalty/ledger.service.ts';
import { IdempotencyConflictError, InsufficientPointsError } from '../../src/modules/loyalty/loyalty.errors.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

let app: TestApp;
let shop: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  shop = await app.createStore('Ledger');
});
afterAll(() => app.close());

async function newCustomer(storeId = shop.id): Promise<string> {
  const customer = await app.db.prisma.customer.create({ data: { storeId }, select: { id: true } });
  return customer.id;
}

let keys = 0;
function entry(customerId: string, overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    storeId: shop.id,
    customerId,
    kind: 'EARN',
    points: 100,
    source: 'ORDER',
    reason: 'test',
    idempotencyKey: `ledger-test:${++keys}`,
    ...overrides,
  };
}

const at = (iso: string) => new Date(iso);

async function lots(customerId: string) {
  return app.db.prisma.pointsLot.findMany({
    where: { customerId },
    orderBy: [{ earnedAt: 'asc' }, { id: 'asc' }],
    select: { transactionId: true, points: true, remaining: true, expiresAt: true },
  });
}

async function ledgerRows(customerId: string) {
  return app.db.prisma.pointsTransaction.findMany({ where: { customerId }, orderBy: { id: 'asc' } });
}

describe('postEntry', () => {
  test('a credit writes a row, a lot, the balance and lifetime earned, and emits points.changed', async () => {
    const customerId = await newCustomer();
    const posted = await post(app.db.prisma, entry(customerId, { points: 120, expiresAt: at('2027-06-01T00:00:00Z') }));
    expect(posted.replayed).toBe(false);
    expect(posted.transaction).toMatchObject({ kind: 'EARN', points: 120, balanceAfter: 120, shortfall: 0 });
    expect(posted.account).toMatchObject({
      balance: 120,
      lifetimeEarned: 120,
      lifetimeRedeemed: 0,
      lifetimeExpired: 0,
    });
    expect(await lots(customerId)).toEqual([
      { transactionId: posted.transaction.id, points: 120, remaining: 120, expiresAt: at('2027-06-01T00:00:00Z') },
    ]);
    const events = await app.db.prisma.outboxEvent.findMany({ where: { storeId: shop.id, type: 'points.changed' } });
    expect(events.map((event) => event.payload)).toContainEqual({
      customerId,
      transactionId: posted.transaction.id,
      kind: 'EARN',
      points: 120,
      balance: 120,
      source: 'ORDER',
    });
  });

  test('posting the same idempotency key again replays the first row and changes nothing', async () => {
    const customerId = await newCustomer();
    const first = await post(app.db.prisma, entry(customerId, { idempotencyKey: 'order:replay', points: 50 }));
    const again = await post(app.db.prisma, entry(customerId, { idempotencyKey: 'order:replay', points: 50 }));
    expect(again.replayed).toBe(true);
    expect(again.transaction).toEqual(first.transaction);
    expect(again.account.balance).toBe(50);
    expect(await ledgerRows(customerId)).toHaveLength(1);
    expect(await lots(customerId)).toHaveLength(1);
  });

  test('concurrent posts with one key write one row', async () => {
    const customerId = await newCustomer();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        post(app.db.prisma, entry(customerId, { idempotencyKey: 'order:race', points: 7 })),
      ),
    );
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(new Set(results.map((result) => result.transaction.id)).size).toBe(1);
    expect((await readAccount(app.db.prisma, shop.id, customerId))?.balance).toBe(7);
  });

  test('a key used for a different request is an IdempotencyConflictError', async () => {
    const customerId = await newCustomer();
    const other = await newCustomer();
    await post(app.db.prisma, entry(customerId, { idempotencyKey: 'order:conflict', points: 10 }));
    await expect(
      post(app.db.prisma, entry(other, { idempotencyKey: 'order:conflict', points: 10 })),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(
      post(app.db.prisma, entry(customerId, { idempotencyKey: 'order:conflict', kind: 'ADJUST', source: 'ADMIN' })),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect(await ledgerRows(other)).toHaveLength(0);
    expect((await readAccount(app.db.prisma, shop.id, customerId))?.balance).toBe(10);
  });

  test('a key is unique per store: another store may use the same key', async () => {
    const otherShop = await app.createStore('Ledger 2');
    const mine = await newCustomer();
    const theirs = await newCustomer(otherShop.id);
    await post(app.db.prisma, entry(mine, { idempotencyKey: 'order:shared' }));
    const posted = await post(app.db.prisma, {
      ...entry(theirs, { idempotencyKey: 'order:shared' }),
      storeId: otherShop.id,
    });
    expect(posted.replayed).toBe(false);
  });

  test('debits consume lots first-in first-out: soonest expiry first, then oldest, never-expiring last', async () => {
    const customerId = await newCustomer();
    const march = await post(
      app.db.prisma,
      entry(customerId, { points: 30, occurredAt: at('2026-01-01T00:00:00Z'), expiresAt: at('2027-03-01T00:00:00Z') }),
    );
    const never = await post(
      app.db.prisma,
      entry(customerId, { points: 40, occurredAt: at('2026-01-02T00:00:00Z'), expiresAt: null }),
    );
    const januaryLater = await post(
      app.db.prisma,
      entry(customerId, { points: 20, occurredAt: at('2026-01-04T00:00:00Z'), expiresAt: at('2027-01-01T00:00:00Z') }),
    );
    const januaryEarlier = await post(
      app.db.prisma,
      entry(customerId, { points: 10, occurredAt: at('2026-01-03T00:00:00Z'), expiresAt: at('2027-01-01T00:00:00Z') }),
    );
    const remaining = async () =>
      Object.fromEntries((await lots(customerId)).map((lot) => [lot.transactionId, lot.remaining]));

    await post(app.db.prisma, entry(customerId, { kind: 'REDEEM', source: 'REWARD', points: -15 }));
    expect(await remaining()).toEqual({
      [januaryEarlier.transaction.id]: 0,
      [januaryLater.transaction.id]: 15,
      [march.transaction.id]: 30,
      [never.transaction.id]: 40,
    });
    await post(app.db.prisma, entry(customerId, { kind: 'REDEEM', source: 'REWARD', points: -40 }));
    expect(await remaining()).toEqual({
      [januaryEarlier.transaction.id]: 0,
      [januaryLater.transaction.id]: 0,
      [march.transaction.id]: 5,
      [never.transaction.id]: 40,
    });
    await post(app.db.prisma, entry(customerId, { kind: 'ADJUST', source: 'ADMIN', points: -10 }));
    expect(await remaining()).toEqual({
      [januaryEarlier.transaction.id]: 0,
      [januaryLater.transaction.id]: 0,
      [march.transaction.id]: 0,
      [never.transaction.id]: 35,
    });
    expect((await readAccount(app.db.prisma, shop.id, customerId))?.balance).toBe(35);
  });

  test('a reversal takes back its own order lot first (preferLotOf)', async () => {
    const customerId = await newCustomer();
    const early = await post(app.db.prisma, entry(customerId, { points: 50, expiresAt: at('2027-01-01T00:00:00Z') }));
    const order = await post(app.db.prisma, entry(customerId, { points: 30, expiresAt: at('2028-01-01T00:00:00Z') }));
    await post(
      app.db.prisma,
      entry(customerId, {
        kind: 'REVERSE',
        source: 'RETURN',
        points: -40,
        onInsufficient: 'clamp',
        preferLotOf: order.transaction.id,
      }),
    );
    const byTransaction = Object.fromEntries((await lots(customerId)).map((lot) => [lot.transactionId, lot.remaining]));
    expect(byTransaction).toEqual({ [order.transaction.id]: 0, [early.transaction.id]: 40 });
  });

  test('EXPIRE with lotIds consumes exactly those lots', async () => {
    const customerId = await newCustomer();
    // The named lot goes even though the other one would come first in FIFO order.
    const named = await post(app.db.prisma, entry(customerId, { points: 25, expiresAt: at('2026-02-01T00:00:00Z') }));
    const other = await post(app.db.prisma, entry(customerId, { points: 60, expiresAt: at('2026-01-01T00:00:00Z') }));
    const lot = await app.db.prisma.pointsLot.findUniqueOrThrow({ where: { transactionId: named.transaction.id } });
    const expired = await post(
      app.db.prisma,
      entry(customerId, { kind: 'EXPIRE', source: 'EXPIRY', points: -25, lotIds: [lot.id], onInsufficient: 'clamp' }),
    );
    expect(expired.account).toMatchObject({ balance: 60, lifetimeExpired: 25, lifetimeEarned: 85 });
    const byTransaction = Object.fromEntries((await lots(customerId)).map((row) => [row.transactionId, row.remaining]));
    expect(byTransaction).toEqual({ [named.transaction.id]: 0, [other.transaction.id]: 60 });
  });

  test("'clamp' takes what there is and records the shortfall; the balance stops at zero", async () => {
    const customerId = await newCustomer();
    await post(app.db.prisma, entry(customerId, { points: 30 }));
    const reversed = await post(
      app.db.prisma,
      entry(customerId, { kind: 'REVERSE', source: 'RETURN', points: -50, onInsufficient: 'clamp' }),
    );
    expect(reversed.transaction).toMatchObject({ points: -30, shortfall: 20, balanceAfter: 0 });
    expect(reversed.account).toMatchObject({ balance: 0, lifetimeEarned: 0 });
    expect((await lots(customerId)).map((lot) => lot.remaining)).toEqual([0]);
  });

  test("'fail' refuses a debit larger than the balance and changes nothing", async () => {
    const customerId = await newCustomer();
    await post(app.db.prisma, entry(customerId, { points: 30 }));
    const before = {
      account: await readAccount(app.db.prisma, shop.id, customerId),
      lots: await lots(customerId),
      rows: await ledgerRows(customerId),
      events: await app.db.prisma.outboxEvent.count({ where: { storeId: shop.id } }),
    };
    const error = await post(
      app.db.prisma,
      entry(customerId, { kind: 'REDEEM', source: 'REWARD', points: -31, onInsufficient: 'fail' }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InsufficientPointsError);
    expect(error).toMatchObject({ needed: 31, balance: 30 });
    expect({
      account: await readAccount(app.db.prisma, shop.id, customerId),
      lots: await lots(customerId),
      rows: await ledgerRows(customerId),
      events: await app.db.prisma.outboxEvent.count({ where: { storeId: shop.id } }),
    }).toEqual(before);
  });

  test('a debit defaults to fail', async () => {
    const customerId = await newCustomer();
    await expect(
      post(app.db.prisma, entry(customerId, { kind: 'ADJUST', source: 'ADMIN', points: -1 })),
    ).rejects.toBeInstanceOf(InsufficientPointsError);
  });

  test('zero or fractional points are refused', async () => {
    const customerId = await newCustomer();
    await expect(post(app.db.prisma, entry(customerId, { points: 0 }))).rejects.toThrow(/non-zero integer/);
    await expect(post(app.db.prisma, entry(customerId, { points: 1.5 }))).rejects.toThrow(/non-zero integer/);
  });

  test('lifetime totals: balance = earned - redeemed - expired', async () => {
    const customerId = await newCustomer();
    await post(app.db.prisma, entry(customerId, { points: 200, expiresAt: at('2026-01-01T00:00:00Z') }));
    await post(app.db.prisma, entry(customerId, { kind: 'REDEEM', source: 'REWARD', points: -50 }));
    await post(app.db.prisma, entry(customerId, { kind: 'REVERSE', source: 'REWARD', points: 50 }));
    await post(app.db.prisma, entry(customerId, { kind: 'REDEEM', source: 'REWARD', points: -80 }));
    await post(app.db.prisma, entry(customerId, { kind: 'ADJUST', source: 'ADMIN', points: 10 }));
    await post(
      app.db.prisma,
      entry(customerId, { kind: 'REVERSE', source: 'RETURN', points: -20, onInsufficient: 'clamp' }),
    );
    const account = await post(
      app.db.prisma,
      entry(customerId, { kind: 'EXPIRE', source: 'EXPIRY', points: -5, onInsufficient: 'clamp' }),
    );
    expect(account.account).toMatchObject({
      balance: 105,
      lifetimeEarned: 190,
      lifetimeRedeemed: 80,
      lifetimeExpired: 5,
    });
    const { balance, lifetimeEarned, lifetimeRedeemed, lifetimeExpired } = account.account;
    expect(balance).toBe(lifetimeEarned - lifetimeRedeemed - lifetimeExpired);
  });
});

describe('database guards', () => {
  test('the ledger is append-only: UPDATE on PointsTransaction is refused', async () => {
    const customerId = await newCustomer();
    const posted = await post(app.db.prisma, entry(customerId, { points: 10 }));
    await expect(
      app.db.prisma.$executeRaw`UPDATE "PointsTransaction" SET points = 1000 WHERE id = ${posted.transaction.id}::uuid`,
    ).rejects.toThrow(/append-only/);
    await expect(
      app.db.prisma.pointsTransaction.update({ where: { id: posted.transaction.id }, data: { reason: 'edited' } }),
    ).rejects.toThrow(/append-only/);
    const row = await app.db.prisma.pointsTransaction.findUniqueOrThrow({ where: { id: posted.transaction.id } });
    expect(row).toEqual(posted.transaction);
  });

  test('CHECK (balance >= 0) refuses a direct negative balance', async () => {
    const customerId = await newCustomer();
    await post(app.db.prisma, entry(customerId, { points: 10 }));
    await expect(
      app.db.prisma
        .$executeRaw`UPDATE "LoyaltyAccount" SET balance = balance - 11 WHERE "customerId" = ${customerId}::uuid`,
    ).rejects.toThrow(/balance_nonnegative|check constraint/i);
    expect((await readAccount(app.db.prisma, shop.id, customerId))?.balance).toBe(10);
  });

  test('reconcile() finds a balance that disagrees with the ledger and the lots', async () => {
    const reconShop = await app.createStore('Reconcile');
    const customerId = await newCustomer(reconShop.id);
    const healthy = await newCustomer(reconShop.id);
    const base = { storeId: reconShop.id, kind: 'EARN', source: 'ORDER', reason: 'test' } as const;
    await post(app.db.prisma, { ...base, customerId, points: 40, idempotencyKey: 'recon:1' });
    await post(app.db.prisma, { ...base, customerId: healthy, points: 40, idempotencyKey: 'recon:2' });
    await post(app.db.prisma, {
      ...base,
      customerId,
      kind: 'REDEEM',
      source: 'REWARD',
      points: -15,
      idempotencyKey: 'recon:3',
    });
    expect(await reconcile(app.db.prisma, reconShop.id)).toEqual([]);

    await app.db.prisma
      .$executeRaw`UPDATE "LoyaltyAccount" SET balance = balance + 5 WHERE "customerId" = ${customerId}::uuid`;
    expect(await reconcile(app.db.prisma, reconShop.id)).toEqual([
      { customerId, balance: 30, ledgerSum: 25, lotSum: 25 },
    ]);
  });
});
