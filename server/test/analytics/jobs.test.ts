import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { registerAnalyticsCommands } from '../../src/cli/analytics-command.ts';
import { silentLogger } from '../../src/logger.ts';
import { runAnalyticsJobs, startAnalyticsScheduler } from '../../src/modules/analytics/jobs.service.ts';
import { recordOrders } from '../../src/modules/orders/orders.service.ts';
import { captureOutput } from '../capture-output.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * The scheduled analytics work: RFM segments every run, a model refit when the last fit is old and
 * orders arrived since, targets judged once per completed period; the CLI runs the same.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());
afterEach(() => {
  process.exitCode = undefined;
});

/** A store with `customers` customers buying on a few days each in 2026 (deterministic). */
async function shopWithHistory(customers: number) {
  const store = await app.createStore();
  const orders = [];
  for (let c = 0; c < customers; c++)
    for (let k = 0; k <= c % 4; k++)
      orders.push({
        externalId: `O-${c}-${k}`,
        customer: { email: `c${c}@example.com` },
        channel: 'ONLINE' as const,
        placedAt: new Date(Date.UTC(2026, (c + k * 3) % 10, 1 + ((c * 7 + k * 11) % 27), 12)),
        currency: 'EUR',
        lines: [{ sku: `P-${k}`, name: 'Thing', quantity: 1, unitPrice: 1_000 + 250 * ((c + k) % 5) }],
      });
  await recordOrders(app.db.prisma, store.id, orders);
  return store;
}

describe('runAnalyticsJobs', () => {
  test('segments every customer, fits once, and refits only when the fit is old and orders arrived', async () => {
    const store = await shopWithHistory(40);
    const first = await runAnalyticsJobs(app.db.prisma, { storeId: store.id });
    expect(first).toMatchObject({ stores: 1, segmentedCustomers: 40, modelsFitted: 1, failedStores: 0 });
    expect(await app.db.prisma.customerRfm.count({ where: { storeId: store.id } })).toBe(40);
    expect(await app.db.prisma.customerPrediction.count({ where: { storeId: store.id } })).toBe(40);

    // Nothing new: no refit, however old the fit.
    const again = await runAnalyticsJobs(app.db.prisma, { storeId: store.id, refitHours: 0.000_001 });
    expect(again.modelsFitted).toBe(0);
    // A new order and an old fit: refit.
    await recordOrders(app.db.prisma, store.id, [
      {
        externalId: 'NEW-1',
        customer: { email: 'c1@example.com' },
        channel: 'ONLINE',
        placedAt: new Date('2026-11-14T12:00:00Z'),
        currency: 'EUR',
        lines: [{ sku: 'P-0', name: 'Thing', quantity: 1, unitPrice: 1_000 }],
      },
    ]);
    expect((await runAnalyticsJobs(app.db.prisma, { storeId: store.id })).modelsFitted).toBe(0);
    expect((await runAnalyticsJobs(app.db.prisma, { storeId: store.id, refitHours: 0.000_001 })).modelsFitted).toBe(1);
    expect((await runAnalyticsJobs(app.db.prisma, { storeId: store.id, refit: true })).modelsFitted).toBe(1);
    expect(await app.db.prisma.customerModelFit.count({ where: { storeId: store.id } })).toBe(3);
  });

  test('a store without purchases is skipped quietly, not failed', async () => {
    const store = await app.createStore();
    const report = await runAnalyticsJobs(app.db.prisma, { storeId: store.id });
    expect(report).toMatchObject({ modelsFitted: 0, failedStores: 0, segmentedCustomers: 0 });
  });

  test('the scheduler runs the jobs and stops cleanly', async () => {
    const store = await shopWithHistory(12);
    const scheduler = startAnalyticsScheduler({
      db: app.db,
      logger: silentLogger(),
      intervalMs: 60_000,
      initialDelayMs: 1,
    });
    try {
      await vi.waitFor(
        async () => expect(await app.db.prisma.customerRfm.count({ where: { storeId: store.id } })).toBe(12),
        { timeout: 30_000, interval: 100 },
      );
    } finally {
      await scheduler.stop();
    }
  });
});

describe('kanta analytics', () => {
  const run = async (args: string[]) => {
    const program = new Command('kanta').exitOverride();
    registerAnalyticsCommands(program, { withDatabase: (action) => action(app.db, app.config) });
    const output = captureOutput();
    try {
      await program.parseAsync(args, { from: 'user' });
    } finally {
      output.restore();
    }
    return output.text();
  };

  test('jobs --json, fit and segments --output', async () => {
    const store = await shopWithHistory(30);
    const report = JSON.parse(await run(['analytics', 'jobs', '--store', store.id, '--json']));
    expect(report).toMatchObject({ stores: 1, segmentedCustomers: 30, modelsFitted: 1, failedStores: 0 });

    const fit = JSON.parse(await run(['analytics', 'fit', '--store', store.id, '--json']));
    expect(fit).toMatchObject({ storeId: store.id, customers: 30 });
    expect(fit.r).toBeGreaterThan(0);
    expect(await run(['analytics', 'fit', '--store', store.id])).toMatch(/^Fitted on 30 customers/);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanta-rfm-'));
    try {
      const file = path.join(dir, 'customers.csv');
      const summary = await run(['analytics', 'segments', '--store', store.id, '--output', file]);
      expect(summary).toContain('segment');
      const csv = fs.readFileSync(file, 'utf8').trim().split('\n');
      expect(csv).toHaveLength(31);
      expect(csv[0]).toContain('segment');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
