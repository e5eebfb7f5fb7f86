import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { registerLoyaltyCommands } from '../../src/cli/loyalty-command.ts';
import { silentLogger } from '../../src/logger.ts';
import { upsertCustomer } from '../../src/modules/customers/customers.service.ts';
import { addMonths } from '../../src/modules/loyalty/earning.ts';
import { runLoyaltyJobs } from '../../src/modules/loyalty/jobs.service.ts';
import { post, readAccount, reconcile } from '../../src/modules/loyalty/ledger.service.ts';
import { updateProgram } from '../../src/modules/loyalty/program.service.ts';
import type { ProgramRulesInput } from '../../src/modules/loyalty/program-rules.ts';
import { startLoyaltyScheduler } from '../../src/modules/loyalty/scheduler.ts';
import { type OrderInput, recordOrders } from '../../src/modules/orders/orders.service.ts';
import { captureOutput } from '../capture-output.ts';
import { createTestApp, type TestApp } from '../harness.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);
const inDays = (days: number) => new Date(Date.now() + days * DAY);

let counter = 0;
function order(email: string, placedAt: Date, unitPrice = 2_000): OrderInput {
  counter++;
  return {
    externalId: `JOB-${counter}`,
    channel: 'STORE',
    placedAt,
    customer: { email },
    lines: [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice }],
  };
}

async function shop(rules: ProgramRulesInput) {
  const store = await app.createStore();
  await updateProgram(app.db.prisma, store.id, { rules });
  return store.id;
}

async function record(storeId: string, ...orders: OrderInput[]) {
  await recordOrders(app.db.prisma, storeId, orders);
  await app.events.drain();
}

async function customerId(storeId: string, email: string) {
  return (await app.db.prisma.customer.findFirstOrThrow({ where: { storeId, email } })).id;
}

async function payloads(storeId: string, type: string) {
  const rows = await app.db.prisma.outboxEvent.findMany({ where: { storeId, type }, orderBy: { id: 'asc' } });
  return rows.map((row) => row.payload as Record<string, any>);
}

describe('expiry', () => {
  test('expired lots go first-in first-out, one EXPIRE row per lot; warnings once per lot and date', async () => {
    const storeId = await shop({ expiry: { months: 12, warnDays: 30 } });
    const email = 'expiry@example.com';
    const soon = daysAgo(350);
    await record(
      storeId,
      order(email, daysAgo(400)),
      order(email, soon),
      order(email, new Date(soon.getTime() + 60_000), 1_000),
      order(email, daysAgo(10)),
    );
    const customer = await customerId(storeId, email);
    expect((await readAccount(app.db.prisma, storeId, customer))?.balance).toBe(70);
    // Spending consumes the soonest-expiring lot first.
    await post(app.db.prisma, {
      storeId,
      customerId: customer,
      kind: 'REDEEM',
      points: -15,
      source: 'REWARD',
      reason: 'test',
      idempotencyKey: 'redeem:expiry:1',
    });

    const progress: string[] = [];
    const first = await runLoyaltyJobs(app.db.prisma, {
      storeId,
      onProgress: (done, total, step) => progress.push(`${step}:${done}/${total}`),
    });
    expect(first).toMatchObject({ expiredLots: 1, expiredPoints: 5, warnings: 1 });
    expect(progress).toContain('expiry:1/1');
    expect(await payloads(storeId, 'points.expiring')).toEqual([
      { customerId: customer, points: 30, expiresAt: addMonths(soon, 12).toISOString() },
    ]);
    const account = await readAccount(app.db.prisma, storeId, customer);
    expect(account).toMatchObject({ balance: 50, lifetimeExpired: 5 });

    // Again: nothing new.
    expect(await runLoyaltyJobs(app.db.prisma, { storeId })).toMatchObject({
      expiredLots: 0,
      expiredPoints: 0,
      warnings: 0,
    });
    // Three weeks on, the two warned lots expire.
    expect(await runLoyaltyJobs(app.db.prisma, { storeId, now: inDays(21) })).toMatchObject({
      expiredLots: 2,
      expiredPoints: 30,
    });
    const rows = await app.db.prisma.pointsTransaction.findMany({
      where: { storeId, customerId: customer, kind: 'EXPIRE' },
      orderBy: { id: 'asc' },
    });
    expect(rows.map((row) => row.idempotencyKey)).toEqual(rows.map((row) => `expire:${row.sourceRef}`));
    expect((await readAccount(app.db.prisma, storeId, customer))?.balance).toBe(20);
    expect(await reconcile(app.db.prisma, storeId)).toEqual([]);
  });
});

describe('tiers over time', () => {
  test('a rolling window forgets old points: grace first, then the downgrade', async () => {
    const storeId = await shop({
      tiers: {
        metric: 'POINTS',
        window: 'ROLLING_MONTHS',
        windowMonths: 12,
        downgradeGraceDays: 10,
        levels: [{ key: 'silver', name: 'Silver', threshold: 100 }],
      },
    });
    await record(storeId, order('tier@example.com', daysAgo(360), 15_000));
    const customer = await customerId(storeId, 'tier@example.com');
    expect((await readAccount(app.db.prisma, storeId, customer))?.tierKey).toBe('silver');

    expect((await runLoyaltyJobs(app.db.prisma, { storeId, now: inDays(10) })).tierChanges).toBe(0);
    const held = await readAccount(app.db.prisma, storeId, customer);
    expect(held?.tierKey).toBe('silver');
    expect(held?.tierHoldUntil?.getTime()).toBeCloseTo(inDays(20).getTime(), -5);

    expect((await runLoyaltyJobs(app.db.prisma, { storeId, now: inDays(25) })).tierChanges).toBe(1);
    expect(await readAccount(app.db.prisma, storeId, customer)).toMatchObject({ tierKey: null, tierHoldUntil: null });
    expect(await payloads(storeId, 'tier.changed')).toEqual([
      expect.objectContaining({ from: null, to: 'silver', direction: 'UP' }),
      expect.objectContaining({ from: 'silver', to: null, direction: 'DOWN' }),
    ]);
  });
});

describe('birthdays', () => {
  test('a birthday bonus on the day, in the store time zone, once a year', async () => {
    const storeId = await shop({ bonuses: [{ action: 'BIRTHDAY', points: 100 }] });
    await app.db.prisma.store.update({ where: { id: storeId }, data: { timezone: 'Pacific/Kiritimati' } });
    // 23:00 UTC is already tomorrow in Kiritimati (UTC+14).
    const now = new Date(Date.UTC(2026, 5, 14, 23, 0, 0));
    const { customerId: birthdayToday } = await upsertCustomer(app.db.prisma, storeId, {
      email: 'bday@example.com',
      birthday: '1990-06-15',
    });
    const { customerId: utcBirthday } = await upsertCustomer(app.db.prisma, storeId, {
      email: 'not-today@example.com',
      birthday: '1990-06-14',
    });
    await app.events.drain();
    expect((await runLoyaltyJobs(app.db.prisma, { storeId, now })).birthdayBonuses).toBe(1);
    expect((await runLoyaltyJobs(app.db.prisma, { storeId, now })).birthdayBonuses).toBe(0);
    expect((await readAccount(app.db.prisma, storeId, birthdayToday))?.balance).toBe(100);
    expect(await readAccount(app.db.prisma, storeId, utcBirthday)).toBeNull();
    const row = await app.db.prisma.pointsTransaction.findFirstOrThrow({ where: { customerId: birthdayToday } });
    expect(row.idempotencyKey).toBe(`bonus:BIRTHDAY:${birthdayToday}:2026`);
  });
});

describe('operations', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  test('`kanta loyalty jobs --json` and `kanta loyalty reconcile`', async () => {
    const storeId = await shop({ expiry: { months: 1 } });
    await record(storeId, order('cli@example.com', daysAgo(60)));
    const program = new Command('kanta').exitOverride();
    registerLoyaltyCommands(program, { withDatabase: (action) => action(app.db, app.config) });

    let output = captureOutput();
    try {
      await program.parseAsync(['loyalty', 'jobs', '--store', storeId, '--json'], { from: 'user' });
    } finally {
      output.restore();
    }
    expect(JSON.parse(output.text())).toMatchObject({ expiredLots: 1, expiredPoints: 20, expiredCodes: 0 });

    output = captureOutput();
    try {
      await program.parseAsync(['loyalty', 'reconcile', '--store', storeId], { from: 'user' });
    } finally {
      output.restore();
    }
    expect(output.text()).toMatch(/^OK: 1 accounts in 1 store\(s\)/);
    expect(process.exitCode ?? 0).toBe(0);

    // A tampered balance is reported, and the command fails.
    await app.db.prisma
      .$executeRaw`UPDATE "LoyaltyAccount" SET balance = balance + 7 WHERE "storeId" = ${storeId}::uuid`;
    output = captureOutput();
    try {
      await program.parseAsync(['loyalty', 'reconcile', '--store', storeId, '--json'], { from: 'user' });
    } finally {
      output.restore();
    }
    expect(JSON.parse(output.text())).toMatchObject({ ok: false, issues: [{ balance: 7, ledgerSum: 0, lotSum: 0 }] });
    expect(process.exitCode).toBe(1);
  });

  test('the scheduler runs the jobs and stops cleanly', async () => {
    const storeId = await shop({ expiry: { months: 1 } });
    await record(storeId, order('scheduled@example.com', daysAgo(45)));
    const customer = await customerId(storeId, 'scheduled@example.com');
    const scheduler = startLoyaltyScheduler({
      db: app.db,
      logger: silentLogger(),
      intervalMs: 60_000,
      initialDelayMs: 0,
    });
    await vi.waitFor(
      async () => expect((await readAccount(app.db.prisma, storeId, customer))?.lifetimeExpired).toBe(20),
      { timeout: 20_000, interval: 100 },
    );
    await scheduler.stop();
  });
});
