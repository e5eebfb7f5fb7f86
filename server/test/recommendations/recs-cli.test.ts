import { Command, CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { CliError } from '../../src/cli/output.ts';
import { registerRecsCommands } from '../../src/cli/recs-command.ts';
import { recordOrders } from '../../src/modules/orders/orders.service.ts';
import { insertSyntheticShop } from '../../src/modules/recommendations/evaluate.service.ts';
import { generateSyntheticShop } from '../../src/modules/recommendations/synthetic.ts';
import { captureOutput } from '../capture-output.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * `kanta recs rebuild|evaluate`, run in process against the test database (as the analytics CLI
 * tests do): reports, --json, argument errors and --help.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());
afterEach(() => {
  process.exitCode = undefined;
});

/** Runs `kanta <args>` in process: what it wrote to stdout, and what it threw. */
async function invoke(args: string[]): Promise<{ text: string; error: unknown }> {
  const program = new Command('kanta').exitOverride();
  program.configureOutput({ writeOut: (text) => process.stdout.write(text), writeErr: () => {} });
  registerRecsCommands(program, { withDatabase: (action) => action(app.db, app.config) });
  const output = captureOutput();
  let error: unknown = null;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (caught) {
    error = caught;
  } finally {
    output.restore();
  }
  return { text: output.text(), error };
}

async function run(args: string[]): Promise<string> {
  const { text, error } = await invoke(args);
  if (error) throw error;
  return text;
}

async function shop() {
  const store = await app.createStore();
  const placedAt = new Date(Date.now() - 86_400_000);
  await recordOrders(
    app.db.prisma,
    store.id,
    [0, 1, 2, 3, 4, 5].map((i) => ({
      externalId: `CLI-${i}`,
      channel: 'ONLINE' as const,
      placedAt,
      customer: { identities: [{ source: 'web', externalId: `cli-${i % 4}` }] },
      lines: [
        { sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1_200 },
        { sku: i % 2 ? 'TEA' : 'COFFEE', name: 'Drink', quantity: 1, unitPrice: 800 },
      ],
    })),
  );
  return store;
}

describe('kanta recs rebuild', () => {
  test('--store --json: full, then skipped; --full forces a full build; the human report', async () => {
    const store = await shop();
    const first = JSON.parse(await run(['recs', 'rebuild', '--store', store.id, '--json']));
    expect(first).toMatchObject({ stores: 1, full: 1, incremental: 0, skipped: 0, failedStores: 0 });
    expect(first.builds).toEqual([
      expect.objectContaining({ storeId: store.id, kind: 'FULL', orders: 6, products: 3, orderLines: 12 }),
    ]);
    expect(first.builds[0].neighbours).toBeGreaterThan(0);
    const second = JSON.parse(await run(['recs', 'rebuild', '--store', store.id, '--json']));
    expect(second).toMatchObject({ full: 0, skipped: 1 });
    expect(second.builds[0]).toMatchObject({ id: first.builds[0].id, skipped: true });
    const forced = JSON.parse(await run(['recs', 'rebuild', '--store', store.id, '--full', '--json']));
    expect(forced).toMatchObject({ full: 1, skipped: 0 });

    const text = await run(['recs', 'rebuild', '--store', store.id]);
    expect(text).toMatch(/^Recommendation models built at .* for 1 store\(s\)\./);
    expect(text).toMatch(/skipped \(no change\): 1/);
    expect(text).toContain(store.id);
    expect(await app.db.prisma.recommendationBuild.count({ where: { storeId: store.id } })).toBe(2);
  });

  test('without --store: every store with orders', async () => {
    const one = await shop();
    const two = await shop();
    const report = JSON.parse(await run(['recs', 'rebuild', '--json']));
    expect(report.stores).toBeGreaterThanOrEqual(2);
    const built = report.builds.map((build: { storeId: string }) => build.storeId);
    expect(built).toEqual(expect.arrayContaining([one.id, two.id]));
    expect(report.failedStores).toBe(0);
  });

  test('an unknown or malformed store is refused', async () => {
    const unknown = run(['recs', 'rebuild', '--store', '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b']);
    await expect(unknown).rejects.toBeInstanceOf(CliError);
    await expect(unknown).rejects.toThrow(/no store with id/);
    await expect(run(['recs', 'rebuild', '--store', 'nope'])).rejects.toBeInstanceOf(CommanderError);
  });
});

describe('kanta recs evaluate', () => {
  test('--synthetic: the personalised model against popularity, as JSON and as a table', async () => {
    const report = JSON.parse(
      await run(['recs', 'evaluate', '--synthetic', '--seed', '3', '--customers', '800', '--json']),
    );
    expect(report).toMatchObject({ seed: 3, customers: 800, k: 10 });
    expect(report.testCustomers).toBeGreaterThan(50);
    for (const metrics of [report.personalised, report.popularity])
      for (const name of ['hitRate', 'precision', 'recall', 'ndcg', 'coverage'])
        expect(metrics[name], name).toBeGreaterThanOrEqual(0);
    expect(report.personalised.hitRate).toBeGreaterThan(report.popularity.hitRate);
    // Seeded: the same command prints the same report.
    expect(
      JSON.parse(await run(['recs', 'evaluate', '--synthetic', '--seed', '3', '--customers', '800', '--json'])),
    ).toEqual(report);

    const table = await run(['recs', 'evaluate', '--synthetic', '--customers', '300', '--k', '5']);
    expect(table).toMatch(/hit/i);
    expect(table).toMatch(/popular/i);
  });

  test('--store reads the store’s purchases and changes nothing', async () => {
    const store = await app.createStore();
    await insertSyntheticShop(app.db.prisma, store.id, generateSyntheticShop({ seed: 5, customers: 300 }));
    const orders = await app.db.prisma.order.count({ where: { storeId: store.id } });
    const report = JSON.parse(await run(['recs', 'evaluate', '--store', store.id, '--k', '10', '--json']));
    expect(report).toMatchObject({ storeId: store.id, k: 10 });
    expect(report.testCustomers).toBeGreaterThan(0);
    expect(report.trainPurchases).toBeGreaterThan(0);
    const withCutoff = JSON.parse(
      await run(['recs', 'evaluate', '--store', store.id, '--cutoff', '2025-07-01T00:00:00Z', '--json']),
    );
    expect(withCutoff.cutoff).toBe('2025-07-01T00:00:00.000Z');
    expect(await app.db.prisma.order.count({ where: { storeId: store.id } })).toBe(orders);
    expect(await app.db.prisma.recommendationBuild.count({ where: { storeId: store.id } })).toBe(0);
  });

  test('needs exactly one of --store and --synthetic; bad numbers are refused', async () => {
    await expect(run(['recs', 'evaluate'])).rejects.toBeInstanceOf(CliError);
    await expect(run(['recs', 'evaluate'])).rejects.toThrow(/--store <id> or --synthetic/);
    const store = await app.createStore();
    await expect(run(['recs', 'evaluate', '--store', store.id, '--synthetic'])).rejects.toThrow(/not both/);
    for (const args of [
      ['--k', '0'],
      ['--k', 'ten'],
      ['--customers', '-5'],
      ['--cutoff', 'yesterday'],
    ])
      await expect(run(['recs', 'evaluate', '--synthetic', ...args]), args.join(' ')).rejects.toBeInstanceOf(
        CommanderError,
      );
    await expect(run(['recs', 'evaluate', '--synthetic'])).resolves.toBeTypeOf('string');
  }, 60_000);
});

describe('kanta recs --help', () => {
  test.each([['recs'], ['recs rebuild'], ['recs evaluate']])(
    'kanta %s --help prints usage and a description',
    async (command) => {
      const { text, error } = await invoke([...command.split(' '), '--help']);
      expect((error as CommanderError).code).toBe('commander.helpDisplayed');
      const [usage, blank, description] = text.split('\n');
      expect(usage).toMatch(new RegExp(`^Usage: kanta ${command}( |$)`));
      expect(blank).toBe('');
      expect(description).toMatch(/^[A-Z].{9,}/);
    },
  );
});
