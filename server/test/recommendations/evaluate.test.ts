import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../src/errors.ts';
import { evaluateStore, insertSyntheticShop } from '../../src/modules/recommendations/evaluate.service.ts';
import {
  defaultCutoff,
  type EvaluationReport,
  evaluateModels,
  formatEvaluation,
  type ModelMetrics,
} from '../../src/modules/recommendations/evaluation.ts';
import { updateRecommendationSettings } from '../../src/modules/recommendations/settings.service.ts';
import {
  CONSUMABLE_TAG,
  generateSyntheticShop,
  type SyntheticData,
  syntheticIsRepeat,
  syntheticPurchases,
} from '../../src/modules/recommendations/synthetic.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * `evaluateStore` on a store loaded with the seeded synthetic shop: the personalised model beats
 * popularity, and the figures read through the database (readPurchases, the store's settings) are
 * those of the pure evaluation of the same shop, so nothing is lost or added on the way (shipping
 * lines, guests, repeat kinds, other stores).
 */

let app: TestApp;
let storeA: string;
let data: SyntheticData;
let report: EvaluationReport;

beforeAll(async () => {
  app = await createTestApp();
  storeA = (await app.createStore('Synthetic shop A')).id;
  data = generateSyntheticShop({ seed: 7, customers: 600 });
  const started = performance.now();
  await insertSyntheticShop(app.db.prisma, storeA, data);
  await updateRecommendationSettings(app.db.prisma, storeA, { repeatPurchaseTags: [CONSUMABLE_TAG] });
  console.log(
    `inserted ${data.orders.length.toLocaleString('en')} synthetic orders in ${Math.round(performance.now() - started)} ms`,
  );
  report = await evaluateStore(app.db.prisma, storeA);
}, 300_000);

afterAll(async () => {
  await app?.close();
});

const RATES = ['hitRate', 'precision', 'recall', 'ndcg', 'coverage'] as const;

describe('evaluateStore on the synthetic shop (seed 7, 600 customers)', () => {
  test('the personalised model beats popularity on hit rate@10', () => {
    console.log(
      `store evaluation: hit rate@10 personalised ${report.personalised.hitRate.toFixed(4)} vs popularity ${report.popularity.hitRate.toFixed(4)}\n${formatEvaluation(report)}`,
    );
    expect(report.k).toBe(10);
    expect(report.testCustomers).toBeGreaterThan(100);
    expect(report.personalised.hitRate).toBeGreaterThan(report.popularity.hitRate);
    for (const metrics of [report.personalised, report.popularity]) {
      for (const key of RATES) {
        expect(metrics[key]).toBeGreaterThanOrEqual(0);
        expect(metrics[key]).toBeLessThanOrEqual(1);
      }
      expect(metrics.novelty).toBeGreaterThan(0);
    }
  });

  test('the default cutoff leaves 20 % of the orders to test', () => {
    const cutoff = Date.parse(report.cutoff);
    const after = data.orders.filter((order) => order.placedAt.getTime() >= cutoff).length;
    expect(Math.abs(after - data.orders.length * 0.2)).toBeLessThanOrEqual(1);
  });

  test('the same figures as the pure evaluation of the shop: no shipping line, other store or order is lost or added', () => {
    const purchases = syntheticPurchases(data);
    const cutoff = Date.parse(report.cutoff);
    expect(defaultCutoff(purchases)).toBe(cutoff);
    const pure = evaluateModels(purchases, { cutoff, isRepeat: syntheticIsRepeat(data) });
    expect({ ...report, personalised: undefined, popularity: undefined }).toEqual({
      ...pure,
      personalised: undefined,
      popularity: undefined,
    });
    // Ids differ (database uuids against external ids), so floating sums run in another order; a
    // near-tie may swap two products in a list, nothing more.
    for (const model of ['personalised', 'popularity'] as const)
      for (const key of Object.keys(pure[model]) as (keyof ModelMetrics)[])
        expect(Math.abs(report[model][key] - pure[model][key]), `${model}.${key}`).toBeLessThan(0.01);
  });

  test('the store settings decide the repeat kinds (tags or any category of the path)', async () => {
    const purchases = syntheticPurchases(data);
    const cutoff = new Date(report.cutoff);
    const categories = new Map(data.products.map((product) => [product.sku, product.categoryPath]));
    try {
      await updateRecommendationSettings(app.db.prisma, storeA, { repeatPurchaseTags: [] });
      const none = await evaluateStore(app.db.prisma, storeA, { cutoff });
      const pureNone = evaluateModels(purchases, { cutoff: cutoff.getTime() });
      expect(none.testCustomers).toBe(pureNone.testCustomers);
      // Consumables already owned no longer count as test items, so fewer customers have something new.
      expect(none.testCustomers).toBeLessThan(report.testCustomers);

      await updateRecommendationSettings(app.db.prisma, storeA, { repeatPurchaseCategories: ['Coffee'] });
      const coffee = await evaluateStore(app.db.prisma, storeA, { cutoff });
      const pureCoffee = evaluateModels(purchases, {
        cutoff: cutoff.getTime(),
        isRepeat: (sku) => categories.get(sku)?.includes('Coffee') ?? false,
      });
      expect(coffee.testCustomers).toBe(pureCoffee.testCustomers);
      expect(coffee.testCustomers).toBeGreaterThan(none.testCustomers);
    } finally {
      await updateRecommendationSettings(app.db.prisma, storeA, {
        repeatPurchaseTags: [CONSUMABLE_TAG],
        repeatPurchaseCategories: [],
      });
    }
  });

  test('an explicit cutoff and k', async () => {
    const cutoff = new Date('2025-10-01T00:00:00.000Z');
    const custom = await evaluateStore(app.db.prisma, storeA, { cutoff, k: 5 });
    expect(custom.cutoff).toBe('2025-10-01T00:00:00.000Z');
    expect(custom.k).toBe(5);
    expect(custom.trainPurchases).toBe(syntheticPurchases(data).filter((p) => p.at < cutoff.getTime()).length);
    expect(custom.personalised.precision).toBeGreaterThan(0);
  });

  test('bad input names the field and the rule', async () => {
    await expect(evaluateStore(app.db.prisma, storeA, { k: 0 })).rejects.toMatchObject({
      constructor: InvalidInputError,
      field: 'k',
    });
    await expect(evaluateStore(app.db.prisma, storeA, { cutoff: new Date('nope') })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });

  test("a second store's orders (same skus) do not change the first store's report", async () => {
    const storeB = (await app.createStore('Synthetic shop B')).id;
    await insertSyntheticShop(app.db.prisma, storeB, generateSyntheticShop({ seed: 8, customers: 150 }));
    expect(await evaluateStore(app.db.prisma, storeA)).toEqual(report);
    const reportB = await evaluateStore(app.db.prisma, storeB);
    expect(reportB.trainPurchases).toBeLessThan(report.trainPurchases / 2);
    expect(reportB.testCustomers).toBeGreaterThan(0);
  }, 120_000);

  test('a store without orders: an empty report', async () => {
    const empty = (await app.createStore('Empty shop')).id;
    const emptyReport = await evaluateStore(app.db.prisma, empty);
    expect(emptyReport).toMatchObject({ trainPurchases: 0, trainProducts: 0, testCustomers: 0 });
    expect(emptyReport.personalised.hitRate).toBe(0);
  });
});
