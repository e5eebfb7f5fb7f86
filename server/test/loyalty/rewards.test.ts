import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/errors.ts';
import { post, readAccount } from '../../src/modules/loyalty/ledger.service.ts';
import {
  IdempotencyConflictError,
  InsufficientPointsError,
  RewardCodeUnusableError,
  RewardLimitReachedError,
  RewardOutOfStockError,
  RewardUnavailableError,
} from '../../src/modules/loyalty/loyalty.errors.ts';
import { updateProgram } from '../../src/modules/loyalty/program.service.ts';
import {
  cancelRewardCode,
  consumeRewardCode,
  createReward,
  customerRewardCodes,
  expireRewardCodes,
  listRewards,
  type RewardInput,
  redeemReward,
  updateReward,
  validateRewardCode,
} from '../../src/modules/loyalty/rewards.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

let app: TestApp;
let shop: CreatedStore;
const DAY = 86_400_000;

beforeAll(async () => {
  app = await createTestApp();
  shop = await app.createStore('Rewards');
});
afterAll(() => app.close());

async function newCustomer(points = 0, storeId = shop.id): Promise<string> {
  const { id } = await app.db.prisma.customer.create({ data: { storeId }, select: { id: true } });
  if (points > 0) await earn(id, points, storeId);
  return id;
}

let keys = 0;
async function earn(customerId: string, points: number, storeId = shop.id) {
  return post(app.db.prisma, {
    storeId,
    customerId,
    kind: 'EARN',
    points,
    source: 'ORDER',
    reason: 'test order',
    idempotencyKey: `rewards-test:${++keys}`,
  });
}

function reward(overrides: Partial<RewardInput> = {}): RewardInput {
  return { name: 'Coffee', kind: 'FREE_PRODUCT', productSku: 'COFFEE', pointsCost: 100, ...overrides };
}

const balance = async (customerId: string, storeId = shop.id) =>
  (await readAccount(app.db.prisma, storeId, customerId))?.balance ?? 0;

const redeem = (customerId: string, rewardId: string, idempotencyKey = `k${++keys}`, storeId = shop.id) =>
  redeemReward(app.db.prisma, { storeId, customerId, rewardId, idempotencyKey });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('catalogue', () => {
  test('createReward stores a valid reward, normalising what it can', async () => {
    const created = await createReward(app.db.prisma, shop.id, {
      name: '  Five euros off ',
      description: '',
      translations: { FI: { name: 'Viisi euroa', description: '' }, 'sv-fi': { name: 'Fem euro' } },
      kind: 'FIXED_DISCOUNT',
      value: 500,
      currency: 'eur',
      productSku: 'IGNORED',
      pointsCost: 500,
      stock: 10,
      perCustomerLimit: 2,
      minimumOrder: 2_000,
      codeValidDays: 30,
    });
    expect(created).toMatchObject({
      storeId: shop.id,
      name: 'Five euros off',
      description: null,
      translations: { fi: { name: 'Viisi euroa' }, 'sv-FI': { name: 'Fem euro' } },
      kind: 'FIXED_DISCOUNT',
      value: 500,
      currency: 'EUR',
      productSku: null,
      pointsCost: 500,
      stock: 10,
      perCustomerLimit: 2,
      minimumOrder: 2_000,
      codeValidDays: 30,
      active: true,
    });
  });

  test.each<[string, Partial<RewardInput>, string]>([
    ['an empty name', { name: ' ' }, 'name'],
    ['a FIXED_DISCOUNT without a value', { kind: 'FIXED_DISCOUNT', value: null, currency: 'EUR' }, 'value'],
    ['a FIXED_DISCOUNT of 0', { kind: 'FIXED_DISCOUNT', value: 0, currency: 'EUR' }, 'value'],
    ['a FIXED_DISCOUNT without a currency', { kind: 'FIXED_DISCOUNT', value: 500 }, 'currency'],
    ['an unknown currency', { kind: 'FIXED_DISCOUNT', value: 500, currency: 'XYZ' }, 'currency'],
    ['a PERCENT_DISCOUNT of 0', { kind: 'PERCENT_DISCOUNT', value: 0 }, 'value'],
    ['a PERCENT_DISCOUNT over 100', { kind: 'PERCENT_DISCOUNT', value: 101 }, 'value'],
    ['a FREE_PRODUCT without a SKU', { kind: 'FREE_PRODUCT', productSku: null }, 'productSku'],
    ['an unknown kind', { kind: 'FREE_HUGS' as never }, 'kind'],
    ['a pointsCost of 0', { pointsCost: 0 }, 'pointsCost'],
    ['a fractional pointsCost', { pointsCost: 1.5 }, 'pointsCost'],
    ['a negative stock', { stock: -1 }, 'stock'],
    ['a perCustomerLimit of 0', { perCustomerLimit: 0 }, 'perCustomerLimit'],
    ['a negative minimumOrder', { minimumOrder: -1 }, 'minimumOrder'],
    ['codeValidDays of 0', { codeValidDays: 0 }, 'codeValidDays'],
    [
      'an availability window that ends before it starts',
      { availableFrom: new Date('2026-06-01T00:00:00Z'), availableUntil: new Date('2026-05-01T00:00:00Z') },
      'availableUntil',
    ],
    ['an invalid date', { availableFrom: new Date('nonsense') }, 'availableFrom'],
    [
      'translations keyed by a non-locale',
      { translations: { 'not a locale!': { name: 'x' } } },
      'translations.not a locale!',
    ],
  ])('createReward refuses %s and stores nothing', async (_name, overrides, field) => {
    const before = await app.db.prisma.reward.count({ where: { storeId: shop.id } });
    const error = await failure(createReward(app.db.prisma, shop.id, reward(overrides)));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe(field);
    expect(await app.db.prisma.reward.count({ where: { storeId: shop.id } })).toBe(before);
  });

  test('updateReward changes the given fields, validates the result whole and clears fields the kind does not use', async () => {
    const created = await createReward(app.db.prisma, shop.id, reward({ name: 'Mug', stock: 5 }));
    const cheaper = await updateReward(app.db.prisma, shop.id, created.id, { pointsCost: 80 });
    expect(cheaper).toMatchObject({ name: 'Mug', pointsCost: 80, stock: 5, productSku: 'COFFEE' });

    const error = await failure(updateReward(app.db.prisma, shop.id, created.id, { kind: 'FIXED_DISCOUNT' }));
    expect(error).toMatchObject({ field: 'value' });
    expect(await app.db.prisma.reward.findUniqueOrThrow({ where: { id: created.id } })).toEqual(cheaper);

    const switched = await updateReward(app.db.prisma, shop.id, created.id, { kind: 'PERCENT_DISCOUNT', value: 15 });
    expect(switched).toMatchObject({ kind: 'PERCENT_DISCOUNT', value: 15, productSku: null, stock: 5 });
    const unlimited = await updateReward(app.db.prisma, shop.id, created.id, { stock: null, active: false });
    expect(unlimited).toMatchObject({ stock: null, active: false, value: 15 });
  });

  test('updateReward of an unknown reward or another store’s reward is NotFound', async () => {
    const other = await app.createStore('Rewards elsewhere');
    const theirs = await createReward(app.db.prisma, other.id, reward());
    await expect(updateReward(app.db.prisma, shop.id, theirs.id, { pointsCost: 1 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(updateReward(app.db.prisma, shop.id, 'nope', { pointsCost: 1 })).rejects.toBeInstanceOf(NotFoundError);
    expect((await app.db.prisma.reward.findUniqueOrThrow({ where: { id: theirs.id } })).pointsCost).toBe(100);
  });

  test('listRewards sorts by cost then name; activeOnly keeps what is redeemable at that moment', async () => {
    const store = await app.createStore('Catalogue');
    const now = Date.now();
    await createReward(app.db.prisma, store.id, reward({ name: 'B', pointsCost: 200 }));
    await createReward(app.db.prisma, store.id, reward({ name: 'A', pointsCost: 200 }));
    await createReward(app.db.prisma, store.id, reward({ name: 'Cheap', pointsCost: 50, stock: 0 }));
    await createReward(app.db.prisma, store.id, reward({ name: 'Off', pointsCost: 10, active: false }));
    await createReward(
      app.db.prisma,
      store.id,
      reward({ name: 'Later', pointsCost: 20, availableFrom: new Date(now + DAY) }),
    );
    await createReward(
      app.db.prisma,
      store.id,
      reward({ name: 'Over', pointsCost: 30, availableUntil: new Date(now - DAY) }),
    );
    const names = async (options: Parameters<typeof listRewards>[2]) =>
      (await listRewards(app.db.prisma, store.id, options)).map((row) => row.name);
    expect(await names({})).toEqual(['Off', 'Later', 'Over', 'Cheap', 'A', 'B']);
    expect(await names({ activeOnly: true })).toEqual(['Cheap', 'A', 'B']);
    expect(await names({ activeOnly: true, at: new Date(now + 2 * DAY) })).toEqual(['Later', 'Cheap', 'A', 'B']);
    expect(await names({ activeOnly: true, at: new Date(now - 2 * DAY) })).toEqual(['Over', 'Cheap', 'A', 'B']);
  });
});

describe('redeemReward', () => {
  test('deducts the points, issues a single-use code, takes a stock unit and emits reward.redeemed', async () => {
    const created = await createReward(
      app.db.prisma,
      shop.id,
      reward({ pointsCost: 150, stock: 3, codeValidDays: 14 }),
    );
    const customerId = await newCustomer(400);
    const before = Date.now();
    const redemption = await redeem(customerId, created.id, 'first');
    expect(redemption.replayed).toBe(false);
    expect(redemption.balance).toBe(250);
    expect(redemption.reward).toMatchObject({ id: created.id, stock: 2 });
    expect(redemption.rewardCode).toMatchObject({
      storeId: shop.id,
      rewardId: created.id,
      customerId,
      status: 'ISSUED',
      pointsCost: 150,
      refundTransactionId: null,
    });
    expect(redemption.rewardCode.code).toMatch(/^KR-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{10}$/);
    const expiresAt = redemption.rewardCode.expiresAt!.getTime();
    expect(expiresAt).toBeGreaterThanOrEqual(before + 14 * DAY - 1_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 14 * DAY + 1_000);

    const row = await app.db.prisma.pointsTransaction.findUniqueOrThrow({
      where: { id: redemption.rewardCode.redeemTransactionId },
    });
    expect(row).toMatchObject({
      kind: 'REDEEM',
      points: -150,
      balanceAfter: 250,
      source: 'REWARD',
      sourceRef: redemption.rewardCode.id,
      idempotencyKey: `redeem:${customerId}:first`,
    });
    expect(await readAccount(app.db.prisma, shop.id, customerId)).toMatchObject({
      balance: 250,
      lifetimeRedeemed: 150,
    });
    const events = await app.db.prisma.outboxEvent.findMany({ where: { storeId: shop.id, type: 'reward.redeemed' } });
    expect(events.map((event) => event.payload)).toContainEqual({
      customerId,
      rewardId: created.id,
      rewardCodeId: redemption.rewardCode.id,
      pointsCost: 150,
    });
  });

  test('a short balance is InsufficientPointsError and changes nothing', async () => {
    const created = await createReward(app.db.prisma, shop.id, reward({ pointsCost: 150, stock: 3 }));
    const customerId = await newCustomer(149);
    const error = await failure(redeem(customerId, created.id));
    expect(error).toBeInstanceOf(InsufficientPointsError);
    expect(error).toMatchObject({ needed: 150, balance: 149 });
    expect(await balance(customerId)).toBe(149);
    expect((await app.db.prisma.reward.findUniqueOrThrow({ where: { id: created.id } })).stock).toBe(3);
    expect(await customerRewardCodes(app.db.prisma, shop.id, customerId)).toEqual([]);
  });

  test('a customer who never earned has no points', async () => {
    const created = await createReward(app.db.prisma, shop.id, reward());
    const customerId = await newCustomer();
    await expect(redeem(customerId, created.id)).rejects.toMatchObject({ needed: 100, balance: 0 });
  });

  test('the last stock unit goes to one customer; the next gets RewardOutOfStockError and keeps the points', async () => {
    const created = await createReward(app.db.prisma, shop.id, reward({ stock: 1 }));
    const first = await newCustomer(100);
    const second = await newCustomer(100);
    await redeem(first, created.id);
    await expect(redeem(second, created.id)).rejects.toBeInstanceOf(RewardOutOfStockError);
    expect(await balance(second)).toBe(100);
    expect((await app.db.prisma.reward.findUniqueOrThrow({ where: { id: created.id } })).stock).toBe(0);
  });

  test('concurrent redeemers of a limited stock: exactly stock many succeed', async () => {
    const created = await createReward(app.db.prisma, shop.id, reward({ stock: 3 }));
    const customers = await Promise.all(Array.from({ length: 8 }, () => newCustomer(100)));
    const results = await Promise.allSettled(customers.map((customerId) => redeem(customerId, created.id)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
    const reasons = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(reasons.every((reason) => reason instanceof RewardOutOfStockError)).toBe(true);
    expect((await app.db.prisma.reward.findUniqueOrThrow({ where: { id: created.id } })).stock).toBe(0);
    expect(await app.db.prisma.rewardCode.count({ where: { rewardId: created.id } })).toBe(3);
  });

  test('the per-customer limit counts issued and consumed codes, not cancelled ones', async () => {
    const created = await createReward(app.db.prisma, shop.id, reward({ perCustomerLimit: 2 }));
    const customerId = await newCustomer(1_000);
    const first = await redeem(customerId, created.id);
    const second = await redeem(customerId, created.id);
    await consumeRewardCode(app.db.prisma, shop.id, first.rewardCode.code, 'order-1');
    const error = await failure(redeem(customerId, created.id));
    expect(error).toBeInstanceOf(RewardLimitReachedError);
    expect(error).toMatchObject({ limit: 2 });
    expect(await balance(customerId)).toBe(800);
    await cancelRewardCode(app.db.prisma, shop.id, second.rewardCode.code);
    await redeem(customerId, created.id);
    expect(await balance(customerId)).toBe(800);
    // Another customer has a limit of their own.
    const other = await newCustomer(100);
    await redeem(other, created.id);
  });

  test.each<[string, Partial<RewardInput>]>([
    ['inactive', { active: false }],
    ['not yet available', { availableFrom: new Date(Date.now() + DAY) }],
    ['no longer available', { availableUntil: new Date(Date.now() - 1_000) }],
  ])('a reward that is %s is RewardUnavailableError', async (reason, overrides) => {
    const created = await createReward(app.db.prisma, shop.id, reward(overrides));
    const customerId = await newCustomer(100);
    const error = await failure(redeem(customerId, created.id));
    expect(error).toBeInstanceOf(RewardUnavailableError);
    expect(error).toMatchObject({ reason });
    expect(await balance(customerId)).toBe(100);
  });

  test('an unknown reward, another store’s reward or a customer of another store is NotFound', async () => {
    const other = await app.createStore('Redeem elsewhere');
    const theirs = await createReward(app.db.prisma, other.id, reward());
    const customerId = await newCustomer(500);
    await expect(redeem(customerId, theirs.id)).rejects.toMatchObject({ message: 'Reward was not found' });
    await expect(redeem(customerId, '01900000-0000-7000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    await expect(redeem(customerId, 'not-an-id')).rejects.toBeInstanceOf(NotFoundError);
    const mine = await createReward(app.db.prisma, shop.id, reward());
    const stranger = await newCustomer(0, other.id);
    await expect(redeem(stranger, mine.id)).rejects.toMatchObject({ message: 'Customer was not found' });
    expect(await balance(customerId)).toBe(500);
  });

  test.each(['', '   ', 'x'.repeat(201), 'tab\there'])('idempotency key %j is InvalidInputError', async (key) => {
    const created = await createReward(app.db.prisma, shop.id, reward());
    const customerId = await newCustomer(100);
    await expect(redeem(customerId, created.id, key)).rejects.toMatchObject({ field: 'idempotencyKey' });
  });

  test('the same idempotency key replays the first response; for another reward it is a conflict', async () => {
    const created = await createReward(app.db.prisma, shop.id, reward({ stock: 5 }));
    const another = await createReward(app.db.prisma, shop.id, reward({ name: 'Tea' }));
    const customerId = await newCustomer(300);
    const first = await redeem(customerId, created.id, 'same');
    const again = await redeem(customerId, created.id, 'same');
    expect(again).toEqual({ ...first, replayed: true });
    expect(await balance(customerId)).toBe(200);
    expect(await app.db.prisma.pointsTransaction.count({ where: { customerId, kind: 'REDEEM' } })).toBe(1);
    expect((await app.db.prisma.reward.findUniqueOrThrow({ where: { id: created.id } })).stock).toBe(4);

    await expect(redeem(customerId, another.id, 'same')).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect(await balance(customerId)).toBe(200);
    // Keys are per customer: another customer may use the same key.
    const other = await newCustomer(100);
    expect((await redeem(other, created.id, 'same')).replayed).toBe(false);
  });

  test('a key whose first attempt failed can be retried once the customer has the points', async () => {
    const created = await createReward(app.db.prisma, shop.id, reward());
    const customerId = await newCustomer(50);
    await expect(redeem(customerId, created.id, 'retry')).rejects.toBeInstanceOf(InsufficientPointsError);
    await earn(customerId, 50);
    const redemption = await redeem(customerId, created.id, 'retry');
    expect(redemption).toMatchObject({ replayed: false, balance: 0 });
  });
});

describe('checkout integration', () => {
  async function issued(overrides: Partial<RewardInput> = {}) {
    const created = await createReward(app.db.prisma, shop.id, reward({ stock: 10, ...overrides }));
    const customerId = await newCustomer(100);
    const redemption = await redeem(customerId, created.id);
    return { ...redemption, customerId, rewardId: created.id };
  }

  test('validateRewardCode reports an issued code as usable, whatever the case and spacing typed', async () => {
    const { rewardCode, rewardId } = await issued();
    const validation = await validateRewardCode(app.db.prisma, shop.id, ` ${rewardCode.code.toLowerCase()} `);
    expect(validation).toMatchObject({ usable: true, status: 'ISSUED', rewardCode: { id: rewardCode.id } });
    expect(validation.reward.id).toBe(rewardId);
  });

  test('an unknown code, or a code of another store, is RewardCodeUnusableError UNKNOWN', async () => {
    const { rewardCode } = await issued();
    const other = await app.createStore('Validate elsewhere');
    for (const [storeId, code] of [
      [shop.id, 'KR-NOPE'],
      [other.id, rewardCode.code],
    ] as const) {
      const error = await failure(validateRewardCode(app.db.prisma, storeId, code));
      expect(error).toBeInstanceOf(RewardCodeUnusableError);
      expect(error).toMatchObject({ status: 'UNKNOWN' });
    }
    await expect(consumeRewardCode(app.db.prisma, shop.id, 'KR-NOPE', 'o')).rejects.toMatchObject({
      status: 'UNKNOWN',
    });
    await expect(cancelRewardCode(app.db.prisma, shop.id, 'KR-NOPE')).rejects.toMatchObject({ status: 'UNKNOWN' });
  });

  test('consuming is idempotent for the same order; another order is refused', async () => {
    const { rewardCode } = await issued();
    const consumed = await consumeRewardCode(app.db.prisma, shop.id, rewardCode.code, 'order-77');
    expect(consumed).toMatchObject({ status: 'CONSUMED', consumedOrderRef: 'order-77' });
    expect(consumed.consumedAt).toBeInstanceOf(Date);
    expect(await consumeRewardCode(app.db.prisma, shop.id, rewardCode.code, 'order-77')).toEqual(consumed);
    const error = await failure(consumeRewardCode(app.db.prisma, shop.id, rewardCode.code, 'order-78'));
    expect(error).toBeInstanceOf(RewardCodeUnusableError);
    expect(error).toMatchObject({ status: 'CONSUMED' });
    expect(await validateRewardCode(app.db.prisma, shop.id, rewardCode.code)).toMatchObject({
      usable: false,
      status: 'CONSUMED',
    });
    await expect(consumeRewardCode(app.db.prisma, shop.id, rewardCode.code, ' ')).rejects.toMatchObject({
      field: 'orderRef',
    });
  });

  test('concurrent consumes for different orders: exactly one wins', async () => {
    const { rewardCode } = await issued();
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, index) =>
        consumeRewardCode(app.db.prisma, shop.id, rewardCode.code, `order-${index}`),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });

  test('cancelling refunds the points exactly once and puts the stock back', async () => {
    const { rewardCode, customerId, rewardId } = await issued();
    expect(await balance(customerId)).toBe(0);
    const results = await Promise.all([
      cancelRewardCode(app.db.prisma, shop.id, rewardCode.code, 'customer changed their mind'),
      cancelRewardCode(app.db.prisma, shop.id, rewardCode.code),
    ]);
    expect(results[0]).toEqual(results[1]);
    const cancelled = results[0];
    expect(cancelled).toMatchObject({ status: 'CANCELLED' });
    expect(cancelled.cancelledAt).toBeInstanceOf(Date);
    expect(await cancelRewardCode(app.db.prisma, shop.id, rewardCode.code)).toEqual(cancelled);

    expect(await balance(customerId)).toBe(100);
    const refunds = await app.db.prisma.pointsTransaction.findMany({ where: { customerId, kind: 'REVERSE' } });
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({
      id: cancelled.refundTransactionId,
      points: 100,
      source: 'REWARD',
      sourceRef: rewardCode.id,
      idempotencyKey: `refund:${rewardCode.id}`,
    });
    // Whichever of the two concurrent cancels won wrote the reason.
    expect(refunds[0]!.reason).toMatch(/^Reward code cancelled(: customer changed their mind)?$/);
    expect((await app.db.prisma.reward.findUniqueOrThrow({ where: { id: rewardId } })).stock).toBe(10);
    expect(await readAccount(app.db.prisma, shop.id, customerId)).toMatchObject({ lifetimeRedeemed: 0 });
    await expect(consumeRewardCode(app.db.prisma, shop.id, rewardCode.code, 'o-1')).rejects.toMatchObject({
      status: 'CANCELLED',
    });
  });

  test('a consumed code cannot be cancelled', async () => {
    const { rewardCode, customerId } = await issued();
    await consumeRewardCode(app.db.prisma, shop.id, rewardCode.code, 'order-9');
    await expect(cancelRewardCode(app.db.prisma, shop.id, rewardCode.code)).rejects.toMatchObject({
      status: 'CONSUMED',
    });
    expect(await balance(customerId)).toBe(0);
  });

  test('expireRewardCodes expires unused codes past their date, refunding each once', async () => {
    const store = await app.createStore('Expiring codes');
    const created = await createReward(app.db.prisma, store.id, reward({ stock: 5, codeValidDays: 7 }));
    const forever = await createReward(app.db.prisma, store.id, reward({ name: 'Forever' }));
    const customerId = await newCustomer(400, store.id);
    const expiring = await redeem(customerId, created.id, 'a', store.id);
    const used = await redeem(customerId, created.id, 'b', store.id);
    const lasting = await redeem(customerId, forever.id, 'c', store.id);
    await consumeRewardCode(app.db.prisma, store.id, used.rewardCode.code, 'order-1');
    expect(await balance(customerId, store.id)).toBe(100);

    // Before its date an issued code is still good; after it, a checkout already sees it as expired.
    expect(await expireRewardCodes(app.db.prisma, new Date(Date.now() + 6 * DAY), store.id)).toBe(0);
    const later = new Date(Date.now() + 8 * DAY);
    const [first, second] = await Promise.all([
      expireRewardCodes(app.db.prisma, later, store.id),
      expireRewardCodes(app.db.prisma, later, store.id),
    ]);
    expect(first + second).toBe(1);
    expect(await expireRewardCodes(app.db.prisma, later, store.id)).toBe(0);

    expect(await balance(customerId, store.id)).toBe(200);
    const codes = await customerRewardCodes(app.db.prisma, store.id, customerId);
    expect(codes.map((code) => [code.id, code.status])).toEqual([
      [lasting.rewardCode.id, 'ISSUED'],
      [used.rewardCode.id, 'CONSUMED'],
      [expiring.rewardCode.id, 'EXPIRED'],
    ]);
    expect(codes[2]!.refundTransactionId).toBeTruthy();
    expect(codes[2]!.cancelledAt).toBeNull();
    expect((await app.db.prisma.reward.findUniqueOrThrow({ where: { id: created.id } })).stock).toBe(4);
    expect(await app.db.prisma.pointsTransaction.count({ where: { customerId, kind: 'REVERSE' } })).toBe(1);
    await expect(cancelRewardCode(app.db.prisma, store.id, expiring.rewardCode.code)).rejects.toMatchObject({
      status: 'EXPIRED',
    });
    expect(await validateRewardCode(app.db.prisma, store.id, expiring.rewardCode.code)).toMatchObject({
      usable: false,
      status: 'EXPIRED',
    });
  });

  test('an issued code past its date is EXPIRED to a checkout before the job runs', async () => {
    const { rewardCode } = await issued({ codeValidDays: 1 });
    await app.db.prisma.rewardCode.update({
      where: { id: rewardCode.id },
      data: { expiresAt: new Date(Date.now() - 1_000) },
    });
    expect(await validateRewardCode(app.db.prisma, shop.id, rewardCode.code)).toMatchObject({
      usable: false,
      status: 'EXPIRED',
      rewardCode: { status: 'ISSUED' },
    });
    await expect(consumeRewardCode(app.db.prisma, shop.id, rewardCode.code, 'late')).rejects.toMatchObject({
      status: 'EXPIRED',
    });
  });

  test('refunded points expire by the program’s expiry rule counted from the refund', async () => {
    const store = await app.createStore('Refund expiry');
    await updateProgram(app.db.prisma, store.id, { rules: { expiry: { months: 12 } } });
    const created = await createReward(app.db.prisma, store.id, reward());
    const customerId = await newCustomer(100, store.id);
    const { rewardCode } = await redeem(customerId, created.id, 'x', store.id);
    const cancelled = await cancelRewardCode(app.db.prisma, store.id, rewardCode.code);
    const lot = await app.db.prisma.pointsLot.findUniqueOrThrow({
      where: { transactionId: cancelled.refundTransactionId! },
    });
    const expected = new Date(cancelled.cancelledAt!);
    expected.setUTCFullYear(expected.getUTCFullYear() + 1);
    expect(lot).toMatchObject({ points: 100, remaining: 100, expiresAt: expected });
  });
});
