import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { upsertCustomer } from '../../src/modules/customers/customers.service.ts';
import type { CustomerInput } from '../../src/modules/customers/customers.validation.ts';
import { runLoyaltyJobs } from '../../src/modules/loyalty/jobs.service.ts';
import { readAccount, reconcile } from '../../src/modules/loyalty/ledger.service.ts';
import { ReferralRefusedError } from '../../src/modules/loyalty/loyalty.errors.ts';
import { rulesAt, updateProgram } from '../../src/modules/loyalty/program.service.ts';
import {
  applyReferralCode,
  canonicalEmail,
  ensureReferralCode,
  referralLink,
} from '../../src/modules/loyalty/referrals.service.ts';
import { cancelOrder, type OrderInput, recordOrders } from '../../src/modules/orders/orders.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

let app: TestApp;
let storeId: string;
beforeAll(async () => {
  app = await createTestApp();
  storeId = (await app.createStore()).id;
  await updateProgram(app.db.prisma, storeId, {
    referralUrl: 'https://shop.example/join',
    rules: { referrals: { enabled: true, refereePoints: 100, referrerPoints: 250, returnWindowDays: 14 } },
  });
});
afterAll(() => app.close());

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

let counter = 0;
function order(customer: CustomerInput, extra: Partial<OrderInput> = {}): OrderInput {
  counter++;
  return {
    externalId: `REF-${counter}`,
    channel: 'ONLINE',
    placedAt: daysAgo(1),
    customer,
    lines: [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 4_000 }],
    ...extra,
  };
}

async function record(...orders: OrderInput[]) {
  await recordOrders(app.db.prisma, storeId, orders);
  await app.events.drain();
}

async function customer(input: CustomerInput) {
  const { customerId } = await upsertCustomer(app.db.prisma, storeId, input);
  return customerId;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ReferralRefusedError) return error.reason;
    throw error;
  }
  return 'ACCEPTED';
}

describe('referral codes and links', () => {
  test('canonical e-mail drops +tags and dots, case-insensitively', () => {
    expect(canonicalEmail('J.Doe+Shop@Example.COM')).toBe('jdoe@example.com');
    expect(canonicalEmail(null)).toBeNull();
  });

  test('the link appends ?ref= (or &ref=) to the program URL', async () => {
    const active = await rulesAt(app.db.prisma, storeId);
    expect(referralLink(active, 'ABCD2345')).toBe('https://shop.example/join?ref=ABCD2345');
    expect(referralLink({ referralUrl: 'https://shop.example/?utm=x' }, 'ABCD2345')).toBe(
      'https://shop.example/?utm=x&ref=ABCD2345',
    );
    expect(referralLink({ referralUrl: null }, 'ABCD2345')).toBeNull();
    expect(referralLink(active, null)).toBeNull();
  });

  test('refusals: unknown code, self, same identity, existing customer, already referred', async () => {
    const referrer = await customer({
      email: 'Jane.Doe+promo@example.com',
      identities: [{ source: 'web', externalId: 'u-100' }],
    });
    const code = await ensureReferralCode(app.db.prisma, storeId, referrer);
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    expect(await ensureReferralCode(app.db.prisma, storeId, referrer)).toBe(code);

    const fresh = await customer({ email: 'fresh@example.com' });
    expect(await refusal(applyReferralCode(app.db.prisma, storeId, fresh, 'NOPE2345'))).toBe('UNKNOWN_CODE');
    expect(await refusal(applyReferralCode(app.db.prisma, storeId, referrer, code))).toBe('SELF_REFERRAL');
    const alias = await customer({ email: 'janedoe@Example.com' });
    expect(await refusal(applyReferralCode(app.db.prisma, storeId, alias, code))).toBe('SAME_IDENTITY');
    const sameLogin = await customer({
      email: 'other-person@example.com',
      identities: [{ source: 'pos', externalId: 'u-100' }],
    });
    expect(await refusal(applyReferralCode(app.db.prisma, storeId, sameLogin, code))).toBe('SAME_IDENTITY');
    await record(order({ email: 'regular@example.com' }));
    const regular = await customer({ email: 'regular@example.com' });
    expect(await refusal(applyReferralCode(app.db.prisma, storeId, regular, code))).toBe('NOT_A_NEW_CUSTOMER');

    // Lower-case input works; applying the same code again returns the same referral.
    const referral = await applyReferralCode(app.db.prisma, storeId, fresh, ` ${code.toLowerCase()} `);
    expect(referral).toMatchObject({ referrerId: referrer, refereeId: fresh, status: 'PENDING', code });
    expect((await applyReferralCode(app.db.prisma, storeId, fresh, code)).id).toBe(referral.id);
    const otherReferrer = await customer({ email: 'other-referrer@example.com' });
    const otherCode = await ensureReferralCode(app.db.prisma, storeId, otherReferrer);
    expect(await refusal(applyReferralCode(app.db.prisma, storeId, fresh, otherCode))).toBe('ALREADY_REFERRED');
  });

  test('a store without referrals refuses', async () => {
    const other = await app.createStore();
    const someone = await upsertCustomer(app.db.prisma, other.id, { email: 'a@example.com' });
    expect(await refusal(applyReferralCode(app.db.prisma, other.id, someone.customerId, 'ABCD2345'))).toBe('DISABLED');
  });
});

describe('rewards', () => {
  test('the referee on the first order, the referrer once the return window has passed', async () => {
    const referrer = await customer({ email: 'ambassador@example.com' });
    const code = await ensureReferralCode(app.db.prisma, storeId, referrer);
    const referee = await customer({ email: 'friend@example.com' });
    const referral = await applyReferralCode(app.db.prisma, storeId, referee, code);

    const placedAt = daysAgo(3);
    await record(order({ email: 'friend@example.com' }, { placedAt }));
    const qualified = await app.db.prisma.referral.findUniqueOrThrow({ where: { id: referral.id } });
    expect(qualified.status).toBe('QUALIFIED');
    expect(qualified.referrerRewardDueAt?.toISOString()).toBe(new Date(placedAt.getTime() + 14 * DAY).toISOString());
    // 40 points for the order + 100 for joining through a referral.
    expect((await readAccount(app.db.prisma, storeId, referee))?.balance).toBe(140);
    const refereeRow = await app.db.prisma.pointsTransaction.findFirstOrThrow({
      where: { storeId, idempotencyKey: `referral:referee:${referral.id}` },
    });
    expect(refereeRow).toMatchObject({ customerId: referee, points: 100, source: 'REFERRAL' });

    // A second order does not reward anyone again.
    await record(order({ email: 'friend@example.com' }));
    expect((await readAccount(app.db.prisma, storeId, referee))?.balance).toBe(180);

    // Not yet due.
    expect((await runLoyaltyJobs(app.db.prisma, { storeId })).referralRewards).toBe(0);
    expect((await readAccount(app.db.prisma, storeId, referrer))?.balance ?? 0).toBe(0);
    // Due: paid once.
    const later = new Date(Date.now() + 12 * DAY);
    expect((await runLoyaltyJobs(app.db.prisma, { storeId, now: later })).referralRewards).toBe(1);
    expect((await runLoyaltyJobs(app.db.prisma, { storeId, now: later })).referralRewards).toBe(0);
    expect((await readAccount(app.db.prisma, storeId, referrer))?.balance).toBe(250);
    expect((await app.db.prisma.referral.findUniqueOrThrow({ where: { id: referral.id } })).status).toBe('COMPLETED');
    expect(await reconcile(app.db.prisma, storeId)).toEqual([]);
  });

  test('a cancelled or fully returned qualifying order voids the referral', async () => {
    const referrer = await customer({ email: 'unlucky@example.com' });
    const code = await ensureReferralCode(app.db.prisma, storeId, referrer);

    const cancelling = await customer({ email: 'canceller@example.com' });
    const cancelled = await applyReferralCode(app.db.prisma, storeId, cancelling, code);
    const first = order({ email: 'canceller@example.com' }, { placedAt: daysAgo(2) });
    await record(first);
    await cancelOrder(app.db.prisma, storeId, first.externalId);
    await app.events.drain();

    const returning = await customer({ email: 'returner@example.com' });
    const returned = await applyReferralCode(app.db.prisma, storeId, returning, code);
    const bought = order({ email: 'returner@example.com' }, { placedAt: daysAgo(2) });
    await record(bought);
    await record(
      order(
        { email: 'returner@example.com' },
        {
          returnOfExternalId: bought.externalId,
          lines: [{ sku: 'MUG', name: 'Mug', quantity: -1, unitPrice: 4_000 }],
        },
      ),
    );

    const report = await runLoyaltyJobs(app.db.prisma, { storeId, now: new Date(Date.now() + 20 * DAY) });
    expect(report.referralRewards).toBe(0);
    for (const id of [cancelled.id, returned.id])
      expect((await app.db.prisma.referral.findUniqueOrThrow({ where: { id } })).status).toBe('VOID');
    expect(await readAccount(app.db.prisma, storeId, referrer)).toMatchObject({ balance: 0 });
  });
});
