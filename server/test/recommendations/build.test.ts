import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { cancelOrder, type OrderInput, recordOrders } from '../../src/modules/orders/orders.service.ts';
import { latestBuild, readPurchases, rebuildRecommendations } from '../../src/modules/recommendations/build.service.ts';
import { runRecommendationJobs, startRecommendationScheduler } from '../../src/modules/recommendations/jobs.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * Model builds against a real database: what feeds the models (returns, cancelled orders, shipping
 * lines and guests), the scores the algorithm defines on a small hand-made store, incremental builds
 * matching full ones, concurrent builds and store isolation.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

let orderNumber = 0;
function order(
  customer: string | null,
  skus: (string | [string, number])[],
  options: Partial<OrderInput> = {},
): OrderInput {
  return {
    externalId: `O-${++orderNumber}`,
    channel: 'ONLINE',
    placedAt: NOW,
    ...(customer ? { customer: { identities: [{ source: 'web', externalId: customer }] } } : {}),
    lines: skus.map((entry) => {
      const [sku, quantity] = typeof entry === 'string' ? [entry, 1] : entry;
      return { sku, name: `Product ${sku}`, quantity, unitPrice: 1_000 };
    }),
    ...options,
  };
}

function returnOf(original: OrderInput, skus: [string, number][]): OrderInput {
  return {
    externalId: `R-${++orderNumber}`,
    channel: original.channel,
    placedAt: NOW,
    customer: original.customer ?? null,
    returnOfExternalId: original.externalId,
    lines: skus.map(([sku, quantity]) => ({ sku, name: `Product ${sku}`, quantity: -quantity, unitPrice: 1_000 })),
  };
}

async function neighbours(storeId: string) {
  return app.db.prisma.productNeighbour.findMany({
    where: { storeId },
    orderBy: [{ kind: 'asc' }, { sku: 'asc' }, { neighbourSku: 'asc' }],
    select: { kind: true, sku: true, neighbourSku: true, score: true, support: true },
  });
}

async function popularity(storeId: string) {
  return app.db.prisma.productPopularity.findMany({
    where: { storeId },
    orderBy: [{ scope: 'asc' }, { sku: 'asc' }],
    select: { scope: true, sku: true, popularity: true, trending: true, buyers: true },
  });
}

const score = (
  rows: Awaited<ReturnType<typeof neighbours>>,
  kind: 'ALSO_BOUGHT' | 'BOUGHT_TOGETHER',
  sku: string,
  neighbourSku: string,
) => rows.find((row) => row.kind === kind && row.sku === sku && row.neighbourSku === neighbourSku);

/**
 * The core (all placed at NOW, so every decay is 1):
 *   c1: {A, B}        c2: {A, B} and {C} (two orders)        c3: {A, C} (in the shop)
 *   c4: {A, B}        guest: {B, C}
 * plus what must not feed, and a decay pair K–L (now) / K–M (a half-life ago).
 */
async function handMadeStore() {
  const store = await app.createStore();
  const o1 = order('c1', ['A', 'B']);
  o1.lines.push({ sku: 'SHIP', name: 'Shipping', quantity: 1, unitPrice: 495, kind: 'SHIPPING' });
  const cancelled = order('c1', ['A', 'D']);
  const returnedInFull = order('c2', [['E', 2]]);
  const partlyReturned = order('c5', [['F', 2], 'G', 'G']);
  const returnedTwice = order('c6', [['H', 3], 'J']);
  const orders = [
    o1,
    order('c2', ['A', 'B']),
    order('c2', ['C']),
    order('c3', ['A', 'C'], { channel: 'STORE' }),
    order('c4', ['A', 'B']),
    order(null, ['B', 'C']),
    cancelled,
    returnedInFull,
    partlyReturned,
    returnedTwice,
    // Two guests are two buyers: P and Q were never bought together.
    order(null, ['P']),
    order(null, ['Q']),
    order('c8', ['K', 'L']),
    order('c9', ['K', 'M'], { placedAt: ago(365) }),
  ];
  await recordOrders(app.db.prisma, store.id, orders);
  await recordOrders(app.db.prisma, store.id, [
    returnOf(returnedInFull, [['E', 2]]),
    returnOf(partlyReturned, [
      ['F', 1],
      ['G', 1],
    ]),
    returnOf(returnedTwice, [['H', 1]]),
    returnOf(returnedTwice, [['H', 2]]),
  ]);
  await cancelOrder(app.db.prisma, store.id, cancelled.externalId);
  return store;
}

describe('readPurchases', () => {
  test('product lines of sales kept: no shipping, cancelled, fully returned or return lines; guests are their own buyer', async () => {
    const store = await handMadeStore();
    const purchases = await readPurchases(app.db.prisma, store.id);
    const skus = new Set(purchases.map((purchase) => purchase.sku));
    expect([...skus].sort()).toEqual(['A', 'B', 'C', 'F', 'G', 'J', 'K', 'L', 'M', 'P', 'Q']);
    const guests = purchases.filter((purchase) => purchase.buyer.startsWith('order:'));
    expect(guests.map((purchase) => purchase.sku).sort()).toEqual(['B', 'C', 'P', 'Q']);
    for (const guest of guests) expect(guest.buyer).toBe(`order:${guest.basket}`);
    expect(new Set(guests.map((guest) => guest.buyer)).size).toBe(3);
    const inShop = purchases.filter((purchase) => purchase.channel === 'STORE');
    expect(inShop.map((purchase) => purchase.sku).sort()).toEqual(['A', 'C']);
    expect(purchases.every((purchase) => purchase.at <= NOW.getTime())).toBe(true);
    // Two lines of G, one of them returned: still bought, and one purchase.
    expect(purchases.filter((purchase) => purchase.sku === 'G')).toHaveLength(1);

    const before = await readPurchases(app.db.prisma, store.id, { before: ago(1) });
    expect(before.map((purchase) => purchase.sku).sort()).toEqual(['K', 'M']);
    // Buyers of L: c8 only, with everything c8 bought.
    const ofL = await readPurchases(app.db.prisma, store.id, { buyersOfSkus: ['L'] });
    expect(ofL.map((purchase) => purchase.sku).sort()).toEqual(['K', 'L']);
    const ofC = await readPurchases(app.db.prisma, store.id, { buyersOfSkus: ['C', 'P'] });
    expect(new Set(ofC.map((purchase) => purchase.buyer)).size).toBe(4); // c2, c3, two guests
    expect(await readPurchases(app.db.prisma, store.id, { buyersOfSkus: [] })).toEqual([]);
  });
});

describe('rebuildRecommendations', () => {
  test('neighbour scores and popularity as the algorithm defines them', async () => {
    const store = await handMadeStore();
    const report = await rebuildRecommendations(app.db.prisma, store.id, { now: NOW });
    expect(report).toMatchObject({ kind: 'FULL', orders: 12, products: 11, changedProducts: 11 });
    expect(report.skipped).toBeUndefined();
    // c1..c6, c8, c9 and three guest orders.
    expect(report.buyers).toBe(11);
    // Product lines of kept sales: not SHIP, not the cancelled A and D, not E, not H (returned 1 + 2 of 3).
    expect(report.orderLines).toBe(21);

    const rows = await neighbours(store.id);
    expect(report.neighbours).toBe(rows.length);
    // ALSO_BOUGHT, N_A = N_B = 4 (c1 c2 c3 c4 / c1 c2 c4 guest), N_C = 3 (c2 c3 guest).
    expect(score(rows, 'ALSO_BOUGHT', 'A', 'B')?.score).toBeCloseTo((3 / 4) * (3 / 8), 12);
    expect(score(rows, 'ALSO_BOUGHT', 'A', 'B')?.support).toBe(3);
    expect(score(rows, 'ALSO_BOUGHT', 'A', 'C')?.score).toBeCloseTo((2 / Math.sqrt(12)) * (2 / 7), 12);
    expect(score(rows, 'ALSO_BOUGHT', 'C', 'A')?.score).toBeCloseTo((2 / Math.sqrt(12)) * (2 / 7), 12);
    expect(score(rows, 'ALSO_BOUGHT', 'B', 'C')?.score).toBeCloseTo((2 / Math.sqrt(12)) * (2 / 7), 12);
    // BOUGHT_TOGETHER: c2 bought A and C in different orders, so A–C is one order (c3's).
    expect(score(rows, 'BOUGHT_TOGETHER', 'A', 'B')?.score).toBeCloseTo((3 / 4) * (3 / 8), 12);
    expect(score(rows, 'BOUGHT_TOGETHER', 'A', 'C')?.score).toBeCloseTo((1 / Math.sqrt(12)) * (1 / 6), 12);
    expect(score(rows, 'BOUGHT_TOGETHER', 'A', 'C')?.support).toBe(1);
    // Partly returned F still counts; a pair seen once is damped to 1/6.
    expect(score(rows, 'ALSO_BOUGHT', 'F', 'G')?.score).toBeCloseTo(1 / 6, 12);
    // Decay: c9's K and M are a half-life old (weight 0.5): N_K = 1.5, N_L = 1, N_M = 0.5.
    expect(score(rows, 'ALSO_BOUGHT', 'K', 'L')?.score).toBeCloseTo((1 / Math.sqrt(1.5)) * (1 / 6), 12);
    expect(score(rows, 'ALSO_BOUGHT', 'K', 'M')?.score).toBeCloseTo((0.5 / Math.sqrt(0.75)) * (1 / 6), 12);
    // Nothing that must not feed, and no pair between two guests.
    const named = new Set(rows.flatMap((row) => [row.sku, row.neighbourSku]));
    for (const sku of ['SHIP', 'D', 'E', 'H', 'P', 'Q']) expect(named.has(sku), sku).toBe(false);

    const popular = await popularity(store.id);
    const a = popular.find((row) => row.scope === 'ALL' && row.sku === 'A')!;
    // Four buyers today: popularity 4, trending (4 + 1) / (0 + 1) × ln 5.
    expect(a).toMatchObject({ buyers: 4 });
    expect(a.popularity).toBeCloseTo(4, 12);
    expect(a.trending).toBeCloseTo(5 * Math.log(5), 12);
    expect(popular.find((row) => row.scope === 'STORE' && row.sku === 'A')?.buyers).toBe(1);
    expect(popular.find((row) => row.scope === 'ONLINE' && row.sku === 'A')?.buyers).toBe(3);
    // K: c8 today and c9 a year ago (out of both trend windows).
    const k = popular.find((row) => row.scope === 'ALL' && row.sku === 'K')!;
    expect(k.popularity).toBeCloseTo(1 + 0.5 ** (365 / 30), 12);
    expect(k.trending).toBeCloseTo(2 * Math.log(2), 12);
    expect(popular.some((row) => ['SHIP', 'D', 'E', 'H'].includes(row.sku))).toBe(false);
    expect(popular.find((row) => row.scope === 'ALL' && row.sku === 'J')?.buyers).toBe(1);
  });

  test('the store’s half-life setting drives the decay', async () => {
    const store = await app.createStore();
    await app.db.prisma.recommendationSettings.create({ data: { storeId: store.id, halfLifeDays: 73 } });
    await recordOrders(app.db.prisma, store.id, [
      order('x1', ['K', 'L']),
      order('x2', ['K', 'M'], { placedAt: ago(73) }),
    ]);
    await rebuildRecommendations(app.db.prisma, store.id, { now: NOW });
    const rows = await neighbours(store.id);
    expect(score(rows, 'ALSO_BOUGHT', 'K', 'M')?.score).toBeCloseTo((0.5 / Math.sqrt(0.75)) * (1 / 6), 12);
  });

  test('incremental after new orders gives what a full rebuild gives; without changes it is skipped', async () => {
    const store = await handMadeStore();
    const first = await rebuildRecommendations(app.db.prisma, store.id, { now: NOW });
    expect(first.kind).toBe('FULL');

    const skipped = await rebuildRecommendations(app.db.prisma, store.id, { now: NOW });
    expect(skipped).toMatchObject({ id: first.id, kind: 'FULL', skipped: true });
    expect(await app.db.prisma.recommendationBuild.count({ where: { storeId: store.id } })).toBe(1);

    // New buyers of A and C, a guest buying C with a new product, and a return taking B out of c4's order.
    const later = new Date(NOW.getTime() + DAY);
    await recordOrders(app.db.prisma, store.id, [
      order('c10', ['A', 'C'], { placedAt: later }),
      order('c11', ['C', 'N'], { placedAt: later, channel: 'APP' }),
      order(null, ['C', 'N'], { placedAt: later }),
    ]);
    const c4 = await app.db.prisma.order.findFirstOrThrow({
      where: { storeId: store.id, customer: { identities: { some: { externalId: 'c4' } } } },
    });
    await recordOrders(app.db.prisma, store.id, [
      {
        externalId: 'R-c4',
        channel: 'ONLINE',
        placedAt: later,
        customer: { identities: [{ source: 'web', externalId: 'c4' }] },
        returnOfExternalId: c4.externalId,
        lines: [{ sku: 'B', name: 'Product B', quantity: -1, unitPrice: 1_000 }],
      },
    ]);

    // 4 of the store's products changed: let that still be incremental.
    const incremental = await rebuildRecommendations(app.db.prisma, store.id, { now: later, fullRebuildShare: 0.5 });
    // A, C and N of the new orders, B of the return and A, B of c4's order (the return changed it).
    expect(incremental).toMatchObject({ kind: 'INCREMENTAL', changedProducts: 4 });
    const afterIncremental = await neighbours(store.id);
    const popularityIncremental = await popularity(store.id);

    const full = await rebuildRecommendations(app.db.prisma, store.id, { now: later, full: true });
    expect(full.kind).toBe('FULL');
    const afterFull = await neighbours(store.id);
    // Lists are short here (no top-K trimming), so every list, not only the affected ones, is exact.
    expect(afterIncremental).toHaveLength(afterFull.length);
    afterIncremental.forEach((row, index) => {
      const expected = afterFull[index]!;
      expect({ ...row, score: 0 }).toEqual({ ...expected, score: 0 });
      expect(row.score).toBeCloseTo(expected.score, 12);
    });
    expect(popularityIncremental).toEqual(await popularity(store.id));
    expect(score(afterFull, 'ALSO_BOUGHT', 'C', 'N')?.support).toBe(2);
    expect(score(afterFull, 'ALSO_BOUGHT', 'A', 'B')?.support).toBe(2);
    expect((await latestBuild(app.db.prisma, store.id))?.id).toBe(full.id);
  });

  test('incremental patches and trims the lists of unaffected skus back to the top 30', async () => {
    const store = await app.createStore();
    // HUB is bought by 40 customers, each with one other product: HUB's list holds 30 of the 40.
    const orders: OrderInput[] = [];
    for (let i = 0; i < 40; i++) orders.push(order(`h${i}`, ['HUB', `S${String(i).padStart(2, '0')}`]));
    await recordOrders(app.db.prisma, store.id, orders);
    await rebuildRecommendations(app.db.prisma, store.id, { now: NOW });
    const listOf = (rows: Awaited<ReturnType<typeof neighbours>>, sku: string) =>
      rows
        .filter((row) => row.kind === 'ALSO_BOUGHT' && row.sku === sku)
        .sort((x, y) => y.score - x.score || y.support - x.support || (x.neighbourSku < y.neighbourSku ? -1 : 1))
        .map((row) => [row.neighbourSku, row.support]);
    expect(listOf(await neighbours(store.id), 'HUB')).toHaveLength(30);

    // Five of HUB's buyers come back for X: HUB is not in the new orders (not affected), but X joins
    // the top of HUB's stored list and the last of the 30 has to go.
    await recordOrders(
      app.db.prisma,
      store.id,
      [0, 1, 2, 3, 4].map((i) => order(`h${i}`, ['X'])),
    );
    const report = await rebuildRecommendations(app.db.prisma, store.id, { now: NOW });
    expect(report).toMatchObject({ kind: 'INCREMENTAL', changedProducts: 1 });
    const incremental = await neighbours(store.id);
    await rebuildRecommendations(app.db.prisma, store.id, { now: NOW, full: true });
    const full = await neighbours(store.id);
    const hub = listOf(incremental, 'HUB');
    expect(hub).toHaveLength(30);
    expect(hub[0]).toEqual(['X', 5]);
    expect(hub).toEqual(listOf(full, 'HUB'));
    expect(listOf(incremental, 'X')).toEqual(listOf(full, 'X'));
    expect(incremental).toHaveLength(full.length);
  });

  test('when at least a quarter of the products changed, the rebuild is a full one', async () => {
    const store = await app.createStore();
    await recordOrders(app.db.prisma, store.id, [order('m1', ['A', 'B']), order('m2', ['B', 'D'])]);
    await rebuildRecommendations(app.db.prisma, store.id, { now: NOW });
    await recordOrders(app.db.prisma, store.id, [order('m3', ['A', 'C'])]);
    const report = await rebuildRecommendations(app.db.prisma, store.id, { now: NOW });
    expect(report).toMatchObject({ kind: 'FULL', changedProducts: 4, products: 4 });
  });

  test('two concurrent rebuilds of a store both succeed and leave one consistent result', async () => {
    const store = await handMadeStore();
    const [one, two] = await Promise.all([
      rebuildRecommendations(app.db.prisma, store.id, { now: NOW, full: true }),
      rebuildRecommendations(app.db.prisma, store.id, { now: NOW, full: true }),
    ]);
    expect(one.id).not.toBe(two.id);
    const concurrent = await neighbours(store.id);
    const concurrentPopularity = await popularity(store.id);
    await rebuildRecommendations(app.db.prisma, store.id, { now: NOW, full: true });
    expect(concurrent).toEqual(await neighbours(store.id));
    expect(concurrentPopularity).toEqual(await popularity(store.id));
    expect(await app.db.prisma.recommendationBuild.count({ where: { storeId: store.id } })).toBe(3);
  });

  test('a store without orders builds empty models', async () => {
    const store = await app.createStore();
    const report = await rebuildRecommendations(app.db.prisma, store.id, { now: NOW });
    expect(report).toMatchObject({ kind: 'FULL', orders: 0, products: 0, neighbours: 0 });
    expect(await neighbours(store.id)).toEqual([]);
  });

  test('store B’s orders never appear in store A’s lists', async () => {
    const a = await handMadeStore();
    await rebuildRecommendations(app.db.prisma, a.id, { now: NOW });
    const before = await neighbours(a.id);
    const beforePopularity = await popularity(a.id);

    const b = await app.createStore();
    // The same skus and customer ids, bought in other combinations.
    await recordOrders(app.db.prisma, b.id, [
      order('c1', ['A', 'Q', 'SHIP']),
      order('c2', ['B', 'P']),
      order('c3', ['D', 'E']),
      order(null, ['P', 'Q']),
    ]);
    await rebuildRecommendations(app.db.prisma, b.id, { now: NOW });
    await rebuildRecommendations(app.db.prisma, a.id, { now: NOW, full: true });
    expect(await neighbours(a.id)).toEqual(before);
    expect(await popularity(a.id)).toEqual(beforePopularity);
    const bRows = await neighbours(b.id);
    expect(score(bRows, 'ALSO_BOUGHT', 'A', 'Q')).toBeDefined();
    expect(score(bRows, 'ALSO_BOUGHT', 'A', 'B')).toBeUndefined();
    expect((await readPurchases(app.db.prisma, b.id)).every((purchase) => !purchase.buyer.includes(a.id))).toBe(true);
  });
});

describe('runRecommendationJobs', () => {
  test('full first, then skipped, incremental after new orders, full again when the last full build is old', async () => {
    const store = await handMadeStore();
    const run = (options: Parameters<typeof runRecommendationJobs>[1] = {}) =>
      runRecommendationJobs(app.db.prisma, { storeId: store.id, now: NOW, ...options });
    expect(await run()).toEqual({ stores: 1, full: 1, incremental: 0, skipped: 0, failedStores: 0 });
    expect(await run()).toEqual({ stores: 1, full: 0, incremental: 0, skipped: 1, failedStores: 0 });
    await recordOrders(app.db.prisma, store.id, [order('c12', ['A', 'Z'])]);
    expect(await run()).toMatchObject({ incremental: 1, full: 0 });
    expect(await run({ fullRebuildHours: 0 })).toMatchObject({ full: 1, incremental: 0 });
    expect(await run({ full: true })).toMatchObject({ full: 1 });
    const kinds = await app.db.prisma.recommendationBuild.findMany({
      where: { storeId: store.id },
      orderBy: { id: 'asc' },
      select: { kind: true },
    });
    expect(kinds.map((build) => build.kind)).toEqual(['FULL', 'INCREMENTAL', 'FULL', 'FULL']);
  });

  test('every store with orders; a failing store is logged and counted, the others still build', async () => {
    const one = await handMadeStore();
    const two = await handMadeStore();
    const all = await runRecommendationJobs(app.db.prisma, { now: NOW });
    expect(all.stores).toBeGreaterThanOrEqual(2);
    expect(all.failedStores).toBe(0);
    for (const store of [one, two])
      expect(await app.db.prisma.recommendationBuild.count({ where: { storeId: store.id } })).toBe(1);

    const logger = silentLogger();
    const errors = vi.spyOn(logger, 'error');
    // A store id without a store: its build row cannot be written.
    const missing = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    const outcomes: string[] = [];
    const report = await runRecommendationJobs(app.db.prisma, {
      storeId: missing,
      now: NOW,
      logger,
      onStore: (storeId, outcome) => outcomes.push(`${storeId}:${'error' in outcome ? 'error' : 'ok'}`),
    });
    expect(report).toMatchObject({ stores: 1, failedStores: 1, full: 0 });
    expect(errors).toHaveBeenCalledTimes(1);
    expect(outcomes).toEqual([`${missing}:error`]);
  });

  test('the scheduler builds and stops cleanly', async () => {
    const store = await handMadeStore();
    const scheduler = startRecommendationScheduler({
      db: app.db,
      logger: silentLogger(),
      intervalMs: 60_000,
      fullRebuildHours: 24,
      initialDelayMs: 1,
    });
    try {
      await vi.waitFor(
        async () => expect(await app.db.prisma.recommendationBuild.count({ where: { storeId: store.id } })).toBe(1),
        { timeout: 60_000, interval: 100 },
      );
    } finally {
      await scheduler.stop();
    }
  });
});

describe('GraphQL: rebuildRecommendations and recommendationBuilds', () => {
  const BUILD_FIELDS =
    'id kind startedAt finishedAt durationMs orderLines orders buyers products changedProducts neighbours watermark skipped';

  test('an admin key rebuilds and lists builds, newest first; skipped rebuilds say so', async () => {
    const store = await handMadeStore();
    const asAdmin = (query: string, variables?: Record<string, unknown>) =>
      app.gql(query, variables, { key: store.secretKey });
    const first = await asAdmin(`mutation { rebuildRecommendations { ${BUILD_FIELDS} } }`);
    expect(first.errors).toBeUndefined();
    expect(first.data?.rebuildRecommendations).toMatchObject({
      kind: 'FULL',
      orders: 12,
      products: 11,
      orderLines: 21,
      skipped: false,
    });
    const again = await asAdmin(`mutation { rebuildRecommendations { id kind skipped } }`);
    expect(again.data?.rebuildRecommendations).toEqual({
      id: first.data?.rebuildRecommendations.id,
      kind: 'FULL',
      skipped: true,
    });
    const full = await asAdmin(`mutation { rebuildRecommendations(full: true) { id kind skipped } }`);
    expect(full.data?.rebuildRecommendations).toMatchObject({ kind: 'FULL', skipped: false });

    const list = await asAdmin(`{ recommendationBuilds { ${BUILD_FIELDS} } }`);
    expect(list.data?.recommendationBuilds.map((build: { id: string }) => build.id)).toEqual([
      full.data?.rebuildRecommendations.id,
      first.data?.rebuildRecommendations.id,
    ]);
    const one = await asAdmin('{ recommendationBuilds(first: 1) { id } }');
    expect(one.data?.recommendationBuilds).toHaveLength(1);
    const bad = await asAdmin('{ recommendationBuilds(first: 0) { id } }');
    expect(bad.errors?.[0]?.message).toMatch(/first/);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('a publishable key may do neither', async () => {
    const store = await app.createStore();
    const rebuild = await app.gql('mutation { rebuildRecommendations { id } }', {}, { key: store.publishableKey });
    expect(rebuild.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const list = await app.gql('{ recommendationBuilds { id } }', {}, { key: store.publishableKey });
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await app.db.prisma.recommendationBuild.count({ where: { storeId: store.id } })).toBe(0);
  });
});
