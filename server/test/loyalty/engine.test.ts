import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { upsertCustomer } from '../../src/modules/customers/customers.service.ts';
import type { CustomerInput } from '../../src/modules/customers/customers.validation.ts';
import { mergeCustomers } from '../../src/modules/customers/merge.service.ts';
import { eraseCustomer, exportCustomerData } from '../../src/modules/customers/privacy.service.ts';
import { awardBonus } from '../../src/modules/loyalty/bonus.service.ts';
import {
  earnOrderPoints,
  reverseCancelledOrderPoints,
  reverseReturnPoints,
} from '../../src/modules/loyalty/earning.service.ts';
import { inTransaction, post, readAccount, reconcile } from '../../src/modules/loyalty/ledger.service.ts';
import { updateProgram } from '../../src/modules/loyalty/program.service.ts';
import type { ProgramRulesInput } from '../../src/modules/loyalty/program-rules.ts';
import { evaluateTier, loyaltyStatus } from '../../src/modules/loyalty/tier.service.ts';
import { cancelOrder, type OrderInput, recordOrders } from '../../src/modules/orders/orders.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * The loyalty engine end to end at the service level: orders recorded through the orders service,
 * events delivered with `events.drain()`, points read back from the ledger.
 */

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

let counter = 0;
interface Shop {
  id: string;
  record(...orders: OrderInput[]): Promise<string[]>;
  order(customer: CustomerInput | null, lines?: OrderInput['lines'], extra?: Partial<OrderInput>): OrderInput;
  customerId(email: string): Promise<string>;
  balance(customerId: string): Promise<number>;
  rows(
    customerId: string,
  ): Promise<{ kind: string; points: number; shortfall: number; idempotencyKey: string; source: string }[]>;
}

async function shop(
  rules: ProgramRulesInput | null,
  extra: { enabled?: boolean; timezone?: string } = {},
): Promise<Shop> {
  const store = await app.createStore();
  if (extra.timezone) await app.db.prisma.store.update({ where: { id: store.id }, data: { timezone: extra.timezone } });
  if (rules) await updateProgram(app.db.prisma, store.id, { rules, enabled: extra.enabled ?? true });
  const prisma = app.db.prisma;
  return {
    id: store.id,
    async record(...orders) {
      const results = await recordOrders(prisma, store.id, orders);
      await app.events.drain();
      return results.map((result) => result.orderId);
    },
    order(customer, lines = [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 2_000 }], extra = {}) {
      counter++;
      return {
        externalId: `ENG-${counter}`,
        channel: 'ONLINE',
        placedAt: daysAgo(10),
        customer,
        lines,
        ...extra,
      };
    },
    async customerId(email) {
      return (await prisma.customer.findFirstOrThrow({ where: { storeId: store.id, email }, select: { id: true } })).id;
    },
    async balance(customerId) {
      return (await readAccount(prisma, store.id, customerId))?.balance ?? 0;
    },
    async rows(customerId) {
      return prisma.pointsTransaction.findMany({
        where: { storeId: store.id, customerId },
        orderBy: { id: 'asc' },
        select: { kind: true, points: true, shortfall: true, idempotencyKey: true, source: true },
      });
    },
  };
}

async function events(storeId: string, type: string) {
  const rows = await app.db.prisma.outboxEvent.findMany({ where: { storeId, type }, orderBy: { id: 'asc' } });
  return rows.map((row) => row.payload as Record<string, any>);
}

describe('earning from orders', () => {
  test('a sale earns points once, with a lot that expires after the configured months', async () => {
    const s = await shop({ earning: { pointsPerUnit: 1 }, expiry: { months: 12 } });
    const sale = s.order({ email: 'earn@example.com' }, [
      { sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 1_250 },
      { name: 'Shipping', quantity: 1, unitPrice: 590, kind: 'SHIPPING' },
    ]);
    const [orderId] = await s.record(sale);
    const customerId = await s.customerId('earn@example.com');
    expect(await s.balance(customerId)).toBe(25);
    const rows = await s.rows(customerId);
    expect(rows).toEqual([
      expect.objectContaining({ kind: 'EARN', points: 25, idempotencyKey: `order:${orderId}`, source: 'ORDER' }),
    ]);
    const lot = await app.db.prisma.pointsLot.findFirstOrThrow({ where: { customerId } });
    const expected = new Date(sale.placedAt);
    expected.setUTCFullYear(expected.getUTCFullYear() + 1);
    expect(lot.expiresAt?.toISOString()).toBe(expected.toISOString());

    // Redelivery and re-recording change nothing.
    const again = await earnOrderPoints(app.db.prisma, s.id, orderId!);
    expect(again.earned?.replayed).toBe(true);
    await s.record(sale);
    expect(await s.balance(customerId)).toBe(25);
    expect(await s.rows(customerId)).toHaveLength(1);
    expect(await reconcile(app.db.prisma, s.id)).toEqual([]);
  });

  test('guest orders, channels the program skips and a disabled program earn nothing', async () => {
    const s = await shop({ earning: { channels: ['STORE'] } });
    await s.record(s.order(null), s.order({ email: 'online@example.com' }, undefined, { channel: 'ONLINE' }));
    expect(await app.db.prisma.pointsTransaction.count({ where: { storeId: s.id } })).toBe(0);
    await s.record(s.order({ email: 'online@example.com' }, undefined, { channel: 'STORE' }));
    expect(await s.balance(await s.customerId('online@example.com'))).toBe(20);

    const off = await shop({}, { enabled: false });
    await off.record(off.order({ email: 'off@example.com' }));
    expect(await app.db.prisma.pointsTransaction.count({ where: { storeId: off.id } })).toBe(0);
  });

  test('category and product multipliers, order discounts pro rata, JPY', async () => {
    const s = await shop({
      earning: {
        pointsPerUnit: 1,
        categoryMultipliers: [{ category: 'Coffee', multiplier: 2 }],
        productMultipliers: [{ sku: 'GIFT', multiplier: 0 }],
      },
    });
    await app.db.prisma.product.create({
      data: { storeId: s.id, sku: 'BEANS', name: 'Beans', categoryPath: ['Food', 'Coffee'] },
    });
    await s.record(
      s.order(
        { email: 'multi@example.com' },
        [
          { sku: 'BEANS', name: 'Beans', quantity: 1, unitPrice: 3_000 },
          { sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1_000 },
          { sku: 'GIFT', name: 'Gift card', quantity: 1, unitPrice: 5_000 },
        ],
        // 900 off 9000: every line keeps 90 %: 27 × 2 + 9 + 0 = 63
        { orderDiscount: 900 },
      ),
    );
    expect(await s.balance(await s.customerId('multi@example.com'))).toBe(63);

    const yen = await shop({ earning: { pointsPerUnit: 0.01 } });
    await yen.record(
      yen.order({ email: 'yen@example.com' }, [{ sku: 'TEA', name: 'Tea', quantity: 3, unitPrice: 1_200 }], {
        currency: 'JPY',
      }),
    );
    expect(await yen.balance(await yen.customerId('yen@example.com'))).toBe(36);
  });

  test('a return takes back points in proportion; without an original, what its lines are worth', async () => {
    const s = await shop({});
    const buyer = { email: 'returner@example.com' };
    const sale = s.order(buyer, [{ sku: 'MUG', name: 'Mug', quantity: 4, unitPrice: 2_500 }]);
    const [saleId] = await s.record(sale);
    const customerId = await s.customerId(buyer.email);
    expect(await s.balance(customerId)).toBe(100);

    const [returnId] = await s.record(
      s.order(buyer, [{ sku: 'MUG', name: 'Mug', quantity: -1, unitPrice: 2_500 }], {
        returnOfExternalId: sale.externalId,
      }),
    );
    expect(await s.balance(customerId)).toBe(75);
    expect(await s.rows(customerId)).toContainEqual(
      expect.objectContaining({ kind: 'REVERSE', points: -25, source: 'RETURN', idempotencyKey: `return:${returnId}` }),
    );
    // Redelivered: nothing more.
    expect((await reverseReturnPoints(app.db.prisma, s.id, returnId!))?.replayed).toBe(true);
    expect(await s.balance(customerId)).toBe(75);

    // An unlinked return: its own lines' worth (12 points for 12.99 €).
    await s.record(s.order(buyer, [{ sku: 'MUG', name: 'Mug', quantity: -1, unitPrice: 1_299 }]));
    expect(await s.balance(customerId)).toBe(63);

    // Cancelling the sale takes back what is left of its points (100 − 25), clamped at the balance.
    await cancelOrder(app.db.prisma, s.id, sale.externalId);
    await app.events.drain();
    const rows = await s.rows(customerId);
    expect(rows.at(-1)).toMatchObject({
      kind: 'REVERSE',
      points: -63,
      shortfall: 12,
      idempotencyKey: `cancel:${saleId}`,
    });
    expect(await s.balance(customerId)).toBe(0);
    expect(await reconcile(app.db.prisma, s.id)).toEqual([]);
  });

  test('concurrent redeliveries earn once; a return recorded without the customer still takes back', async () => {
    const s = await shop({});
    const buyer = { email: 'concurrent@example.com' };
    const sale = s.order(buyer, [{ sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 3_000 }]);
    const [orderId] = await recordOrders(app.db.prisma, s.id, [sale]).then((rows) => rows.map((row) => row.orderId));
    const results = await Promise.all(Array.from({ length: 5 }, () => earnOrderPoints(app.db.prisma, s.id, orderId!)));
    expect(results.filter((result) => result.earned && !result.earned.replayed)).toHaveLength(1);
    await app.events.drain();
    const customerId = await s.customerId(buyer.email);
    expect(await s.balance(customerId)).toBe(60);

    await s.record(
      s.order(null, [{ sku: 'MUG', name: 'Mug', quantity: -1, unitPrice: 3_000 }], {
        returnOfExternalId: sale.externalId,
      }),
    );
    expect(await s.balance(customerId)).toBe(30);
    // Cancelling twice (a redelivered event) takes back the rest once.
    await cancelOrder(app.db.prisma, s.id, sale.externalId);
    await app.events.drain();
    expect(await reverseCancelledOrderPoints(app.db.prisma, s.id, orderId!, new Date())).toBeNull();
    expect(await s.balance(customerId)).toBe(0);
    expect((await s.rows(customerId)).map((row) => row.points)).toEqual([60, -30, -30]);
  });

  test('points already spent: the reversal stops at zero and records the shortfall', async () => {
    const s = await shop({});
    const buyer = { email: 'spender@example.com' };
    const sale = s.order(buyer, [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 10_000 }]);
    await s.record(sale);
    const customerId = await s.customerId(buyer.email);
    await post(app.db.prisma, {
      storeId: s.id,
      customerId,
      kind: 'REDEEM',
      points: -80,
      source: 'REWARD',
      reason: 'test redemption',
      idempotencyKey: 'redeem:test:1',
    });
    await s.record(
      s.order(buyer, [{ sku: 'MUG', name: 'Mug', quantity: -1, unitPrice: 10_000 }], {
        returnOfExternalId: sale.externalId,
      }),
    );
    expect(await s.balance(customerId)).toBe(0);
    expect((await s.rows(customerId)).at(-1)).toMatchObject({ kind: 'REVERSE', points: -20, shortfall: 80 });
    const account = await readAccount(app.db.prisma, s.id, customerId);
    expect(account).toMatchObject({ balance: 0, lifetimeEarned: 80, lifetimeRedeemed: 80 });
  });

  test('a cancelled return gives its points back; a cancelled sale then takes back the rest', async () => {
    const s = await shop({});
    const buyer = { email: 'undo@example.com' };
    const sale = s.order(buyer, [{ sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 5_000 }]);
    await s.record(sale);
    const back = s.order(buyer, [{ sku: 'MUG', name: 'Mug', quantity: -1, unitPrice: 5_000 }], {
      returnOfExternalId: sale.externalId,
    });
    await s.record(back);
    const customerId = await s.customerId(buyer.email);
    expect(await s.balance(customerId)).toBe(50);
    await cancelOrder(app.db.prisma, s.id, back.externalId);
    await app.events.drain();
    expect(await s.balance(customerId)).toBe(100);
    await cancelOrder(app.db.prisma, s.id, sale.externalId);
    await app.events.drain();
    expect(await s.balance(customerId)).toBe(0);
    expect(await reconcile(app.db.prisma, s.id)).toEqual([]);
  });
});

describe('bonuses', () => {
  test('sign-up and first-order bonuses, once each', async () => {
    const s = await shop({
      bonuses: [
        { action: 'SIGN_UP', points: 50 },
        { action: 'FIRST_ORDER', points: 30, description: 'Thanks for your first order' },
        { action: 'REVIEW', points: 10 },
      ],
    });
    const { customerId } = await upsertCustomer(app.db.prisma, s.id, { email: 'new@example.com' });
    await app.events.drain();
    expect(await s.balance(customerId)).toBe(50);
    await s.record(
      s.order({ email: 'new@example.com' }),
      s.order({ email: 'new@example.com' }, undefined, { placedAt: daysAgo(5) }),
    );
    expect(await s.balance(customerId)).toBe(50 + 30 + 20 + 20);
    const keys = (await s.rows(customerId)).map((row) => row.idempotencyKey);
    expect(keys).toContain(`bonus:SIGN_UP:${customerId}:${customerId}`);
    expect(keys).toContain(`bonus:FIRST_ORDER:${customerId}:${customerId}`);

    const review = await awardBonus(app.db.prisma, {
      storeId: s.id,
      customerId,
      action: 'REVIEW',
      sourceRef: 'review-1',
    });
    expect(review?.transaction).toMatchObject({ points: 10, source: 'REVIEW' });
    const again = await awardBonus(app.db.prisma, {
      storeId: s.id,
      customerId,
      action: 'REVIEW',
      sourceRef: 'review-1',
    });
    expect(again?.replayed).toBe(true);
    expect(
      await awardBonus(app.db.prisma, { storeId: s.id, customerId, action: 'SURVEY_ANSWER', sourceRef: 's-1' }),
    ).toBeNull();
    expect(await s.balance(customerId)).toBe(130);
  });
});

describe('tiers', () => {
  const tiers: ProgramRulesInput['tiers'] = {
    metric: 'POINTS',
    window: 'ROLLING_MONTHS',
    windowMonths: 12,
    downgradeGraceDays: 30,
    levels: [
      { key: 'member', name: 'Member', threshold: 0 },
      { key: 'silver', name: 'Silver', threshold: 100, earnMultiplier: 2 },
      { key: 'gold', name: 'Gold', threshold: 1_000, earnMultiplier: 3 },
    ],
  };

  test('points move a customer up at once; the tier multiplies later orders; tier.changed is emitted', async () => {
    const s = await shop({ tiers });
    const buyer = { email: 'climber@example.com' };
    await s.record(s.order(buyer, [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 5_000 }]));
    const customerId = await s.customerId(buyer.email);
    expect((await readAccount(app.db.prisma, s.id, customerId))?.tierKey).toBe('member');
    await s.record(s.order(buyer, [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 6_000 }]));
    const account = await readAccount(app.db.prisma, s.id, customerId);
    expect(account?.tierKey).toBe('silver');
    expect(await events(s.id, 'tier.changed')).toEqual([
      expect.objectContaining({ customerId, from: null, to: 'member', direction: 'UP' }),
      expect.objectContaining({ customerId, from: 'member', to: 'silver', direction: 'UP' }),
    ]);
    // Silver doubles: 10 € → 20 points.
    await s.record(s.order(buyer, [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1_000 }]));
    expect(await s.balance(customerId)).toBe(50 + 60 + 20);

    const status = await loyaltyStatus(app.db.prisma, s.id, customerId);
    expect(status).toMatchObject({
      balance: 130,
      lifetimeEarned: 130,
      tier: { key: 'silver', name: 'Silver' },
      nextTier: { tier: { key: 'gold' }, remaining: 870 },
      qualifyingValue: 130,
    });
  });

  test('points earned outside the rolling window do not count', async () => {
    const s = await shop({ tiers });
    const buyer = { email: 'old@example.com' };
    await s.record(
      s.order(buyer, [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 50_000 }], { placedAt: daysAgo(400) }),
    );
    const customerId = await s.customerId(buyer.email);
    expect(await s.balance(customerId)).toBe(500);
    expect((await readAccount(app.db.prisma, s.id, customerId))?.tierKey).toBe('member');
  });

  test('a return below the threshold starts the grace period instead of downgrading', async () => {
    const s = await shop({ tiers });
    const buyer = { email: 'grace@example.com' };
    const sale = s.order(buyer, [{ sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 6_000 }]);
    await s.record(sale);
    const customerId = await s.customerId(buyer.email);
    expect((await readAccount(app.db.prisma, s.id, customerId))?.tierKey).toBe('silver');
    await s.record(
      s.order(buyer, [{ sku: 'MUG', name: 'Mug', quantity: -1, unitPrice: 6_000 }], {
        returnOfExternalId: sale.externalId,
      }),
    );
    const held = await readAccount(app.db.prisma, s.id, customerId);
    expect(held).toMatchObject({ tierKey: 'silver', balance: 60 });
    expect(held?.tierHoldUntil?.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
    // Later than the hold: down to member.
    const later = new Date(Date.now() + 31 * DAY);
    const result = await inTransaction(app.db.prisma, (tx) => evaluateTier(tx, s.id, customerId, later));
    expect(result).toMatchObject({ from: 'silver', to: 'member', direction: 'DOWN' });
  });

  test('spend in the calendar year, in the store time zone', async () => {
    const s = await shop(
      {
        tiers: {
          metric: 'SPEND',
          window: 'CALENDAR_YEAR',
          downgradeGraceDays: 0,
          levels: [{ key: 'vip', name: 'VIP', threshold: 100_000 }],
        },
      },
      { timezone: 'Europe/Helsinki' },
    );
    const buyer = { email: 'spender-vip@example.com' };
    await s.record(
      s.order(buyer, [{ sku: 'TV', name: 'TV', quantity: 1, unitPrice: 120_000 }], { placedAt: daysAgo(1) }),
    );
    const customerId = await s.customerId(buyer.email);
    expect((await readAccount(app.db.prisma, s.id, customerId))?.tierKey).toBe('vip');
    const status = await loyaltyStatus(app.db.prisma, s.id, customerId);
    expect(status.qualifyingValue).toBe(120_000);
    expect(status.nextTier).toBeNull();
    // Next year the spend starts again.
    const nextYear = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 1, 1));
    const result = await inTransaction(app.db.prisma, (tx) => evaluateTier(tx, s.id, customerId, nextYear));
    expect(result).toMatchObject({ to: null, direction: 'DOWN', value: 0 });
  });

  test('a program without tiers skips evaluation', async () => {
    const s = await shop({});
    await s.record(s.order({ email: 'notier@example.com' }));
    const customerId = await s.customerId('notier@example.com');
    expect(await inTransaction(app.db.prisma, (tx) => evaluateTier(tx, s.id, customerId))).toBeNull();
    expect((await readAccount(app.db.prisma, s.id, customerId))?.tierKey).toBeNull();
  });

  test('status of a customer without an account: zeros and the base tier', async () => {
    const s = await shop({ tiers });
    const { customerId } = await upsertCustomer(app.db.prisma, s.id, { email: 'nobody@example.com' });
    expect(await loyaltyStatus(app.db.prisma, s.id, customerId)).toEqual({
      balance: 0,
      lifetimeEarned: 0,
      lifetimeRedeemed: 0,
      lifetimeExpired: 0,
      tier: expect.objectContaining({ key: 'member' }),
      tierSince: null,
      tierHoldUntil: null,
      nextTier: { tier: expect.objectContaining({ key: 'silver' }), remaining: 100 },
      expiring: [],
      referralCode: null,
      qualifyingValue: 0,
    });
  });

  test('status lists expiring points by date, soonest first', async () => {
    const s = await shop({ expiry: { months: 12 } });
    const buyer = { email: 'expiring@example.com' };
    await s.record(
      s.order(buyer, undefined, { placedAt: daysAgo(300) }),
      s.order(buyer, undefined, { placedAt: new Date(daysAgo(300).getTime() + 60_000) }),
      s.order(buyer, undefined, { placedAt: daysAgo(100) }),
    );
    const customerId = await s.customerId(buyer.email);
    const status = await loyaltyStatus(app.db.prisma, s.id, customerId);
    expect(status.expiring.map((entry) => entry.points)).toEqual([40, 20]);
    expect(status.expiring[0]!.on.getTime()).toBeLessThan(status.expiring[1]!.on.getTime());
    expect(status.referralCode).toMatch(/^[A-Z2-9]{8}$/);
  });
});

describe('customer data', () => {
  test('export lists the account, ledger, codes and referrals; erasure deletes them', async () => {
    const s = await shop({});
    await s.record(s.order({ email: 'gdpr@example.com' }));
    const customerId = await s.customerId('gdpr@example.com');
    const exported = (await exportCustomerData(app.db.prisma, s.id, customerId)) as Record<string, any>;
    expect(exported.loyalty.account).toMatchObject({ balance: 20 });
    expect(exported.loyalty.ledger).toEqual([expect.objectContaining({ kind: 'EARN', points: 20 })]);
    expect(exported.loyalty.codes).toEqual([]);
    expect(exported.loyalty.referrals).toEqual([]);

    await eraseCustomer(app.db.prisma, s.id, customerId);
    const where = { storeId: s.id, customerId };
    expect(await app.db.prisma.pointsTransaction.count({ where })).toBe(0);
    expect(await app.db.prisma.pointsLot.count({ where })).toBe(0);
    expect(await app.db.prisma.loyaltyAccount.count({ where })).toBe(0);
    const erasure = await app.db.prisma.customerErasure.findFirstOrThrow({ where: { storeId: s.id, customerId } });
    expect(erasure.summary).toMatchObject({ 'loyalty.transactions': 1, 'loyalty.accounts': 1 });
  });

  test('a merge moves the unspent lots with their expiry and adds up the totals', async () => {
    const s = await shop({ expiry: { months: 6 } });
    await s.record(
      s.order({ email: 'keep@example.com' }, undefined, { placedAt: daysAgo(20) }),
      s.order({ email: 'merge@example.com' }, undefined, { placedAt: daysAgo(40) }),
      s.order({ email: 'merge@example.com' }, undefined, { placedAt: daysAgo(30) }),
    );
    const keep = await s.customerId('keep@example.com');
    const merge = await s.customerId('merge@example.com');
    await post(app.db.prisma, {
      storeId: s.id,
      customerId: merge,
      kind: 'REDEEM',
      points: -25,
      source: 'REWARD',
      reason: 'test',
      idempotencyKey: 'redeem:merge:1',
    });
    const before = await app.db.prisma.pointsLot.findMany({
      where: { customerId: merge, remaining: { gt: 0 } },
      orderBy: { expiresAt: 'asc' },
    });
    await mergeCustomers(app.db.prisma, s.id, keep, merge);
    await app.events.drain();
    const account = await readAccount(app.db.prisma, s.id, keep);
    expect(account).toMatchObject({ balance: 35, lifetimeEarned: 60, lifetimeRedeemed: 25 });
    const lots = await app.db.prisma.pointsLot.findMany({
      where: { customerId: keep, remaining: { gt: 0 } },
      orderBy: { expiresAt: 'asc' },
    });
    expect(lots.map((lot) => [lot.remaining, lot.expiresAt?.toISOString()])).toEqual(
      [
        ...before.map((lot) => [lot.remaining, lot.expiresAt?.toISOString()]),
        [20, lots.at(-1)!.expiresAt?.toISOString()],
      ].sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    );
    const moved = await s.rows(keep);
    expect(moved.filter((row) => row.source === 'MERGE').map((row) => row.idempotencyKey)).toEqual(
      before.map((lot) => `merge:${lot.id}`),
    );
    expect(await reconcile(app.db.prisma, s.id)).toEqual([]);
  });
});
