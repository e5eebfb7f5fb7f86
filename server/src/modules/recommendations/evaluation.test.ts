import { describe, expect, test } from 'vitest';
import { defaultCutoff, type EvaluationReport, evaluateModels, formatEvaluation } from './evaluation.ts';
import type { Purchase } from './model.ts';
import { generateSyntheticShop, syntheticIsRepeat, syntheticPurchases } from './synthetic.ts';

const DAY = 86_400_000;
const CUTOFF = Date.UTC(2026, 0, 1);
const LOG2_3 = Math.log2(3);

function order(basket: string, buyer: string, at: number, skus: string[]): Purchase[] {
  return skus.map((sku) => ({ basket, buyer, sku, at, channel: 'ONLINE' }));
}

/**
 * Training (all ten days before the cutoff, so every decay factor is the same):
 *   c1 {A, B}, c2 {A, B, C}, c3 {C, D}, c4 {A}, c6 {D}, guest g1 {A, D}
 *   buyers: A 4, D 3, B 2, C 2 of 6 → popularity order A, D, B, C (ties: sku).
 *   ALSO_BOUGHT (β = 5, equal decay d, N_A = 4d, N_B = N_C = 2d, N_D = 3d):
 *     A–B 2/√8 · 2/7 = 0.2020   B–C 1/√4 · 1/6 = 0.0833   C–D 1/√6 · 1/6 = 0.0680
 *     A–C 1/√8 · 1/6 = 0.0589   A–D 1/√12 · 1/6 = 0.0481   (B–D never co-bought)
 * Test (at/after the cutoff): c1's first order {C, E} exactly at the cutoff (a later {D} does not
 * count); c4 {A, B} (A already owned → basket {B}); c3 {C} (already owned: no test case unless C is a
 * repeat kind); c5 bought nothing before (no test case); a guest order (never a test case).
 *
 * k = 2, lists (already-bought left out):
 *   c1 personal: C (A→C + B→C = 0.1422), D (A→D 0.0481) → [C, D]: hit at 1  | popularity [D, C]: hit at 2
 *   c4 personal: B (0.2020), C (0.0589)                  → [B, C]: hit at 1  | popularity [D, B]: hit at 2
 *   c3 (C repeat) personal: A (C→A + D→A = 0.1070), B (0.0833), C (D→C 0.0680) → [A, B]: miss | popularity [A, B]: miss
 */
const before = CUTOFF - 10 * DAY;
const PURCHASES: Purchase[] = [
  ...order('o1', 'c1', before, ['A', 'B']),
  ...order('o2', 'c2', before, ['A', 'B', 'C']),
  ...order('o3', 'c3', before, ['C', 'D']),
  ...order('o4', 'c4', before, ['A']),
  ...order('o5', 'c6', before, ['D']),
  ...order('g1', 'order:g1', before, ['A', 'D']),
  ...order('t1', 'c1', CUTOFF, ['C', 'E']),
  ...order('t2', 'c1', CUTOFF + DAY, ['D']),
  ...order('t3', 'c4', CUTOFF + 2 * DAY, ['A', 'B']),
  ...order('t4', 'c3', CUTOFF + 3 * DAY, ['C']),
  ...order('t5', 'c5', CUTOFF + DAY, ['A', 'B']),
  ...order('g2', 'order:g2', CUTOFF + DAY, ['B', 'C']),
];

/** NDCG of one hit at position 1 / 2 with an ideal of `ideal` hits. */
const idealDcg = (hits: number) =>
  Array.from({ length: hits }, (_, index) => 1 / Math.log2(index + 2)).reduce((a, b) => a + b, 0);

describe('evaluateModels on a hand-checked shop', () => {
  test('personalised and popularity lists, k = 2', () => {
    const report = evaluateModels(PURCHASES, { cutoff: CUTOFF, k: 2 });
    expect(report).toMatchObject({
      cutoff: '2026-01-01T00:00:00.000Z',
      k: 2,
      trainPurchases: 11,
      trainProducts: 4,
      testCustomers: 2, // c1 and c4
    });
    const c1Personal = 1 / idealDcg(2); // hit at 1, basket {C, E}
    const c1Popular = 1 / LOG2_3 / idealDcg(2); // hit at 2
    expect(report.personalised.hitRate).toBe(1);
    expect(report.personalised.precision).toBeCloseTo(0.5, 12);
    expect(report.personalised.recall).toBeCloseTo((1 / 2 + 1) / 2, 12);
    expect(report.personalised.ndcg).toBeCloseTo((c1Personal + 1) / 2, 12);
    expect(report.personalised.coverage).toBeCloseTo(3 / 4, 12); // C, D, B
    // −log2(buyers/6) over C, D, B, C: (log2 3 + 1 + log2 3 + log2 3) / 4
    expect(report.personalised.novelty).toBeCloseTo((3 * LOG2_3 + 1) / 4, 12);

    expect(report.popularity.hitRate).toBe(1);
    expect(report.popularity.precision).toBeCloseTo(0.5, 12);
    expect(report.popularity.recall).toBeCloseTo(0.75, 12);
    expect(report.popularity.ndcg).toBeCloseTo((c1Popular + 1 / LOG2_3) / 2, 12);
    expect(report.popularity.coverage).toBeCloseTo(3 / 4, 12); // D, C, B
    expect(report.popularity.novelty).toBeCloseTo((2 * 1 + 2 * LOG2_3) / 4, 12); // D, C, D, B
  });

  test('a repeat-purchase kind stays in the test basket and in the lists', () => {
    const report = evaluateModels(PURCHASES, { cutoff: CUTOFF, k: 2, isRepeat: (sku) => sku === 'C' });
    expect(report.testCustomers).toBe(3); // c3 now tests: its next order {C} is a repeat purchase
    expect(report.personalised.hitRate).toBeCloseTo(2 / 3, 12); // c3 gets [A, B]: a miss
    expect(report.popularity.hitRate).toBeCloseTo(2 / 3, 12);
    expect(report.personalised.recall).toBeCloseTo((1 / 2 + 1 + 0) / 3, 12);
    expect(report.personalised.ndcg).toBeCloseTo((1 / idealDcg(2) + 1 + 0) / 3, 12);
  });

  test('precision divides by k even when fewer than k products can be recommended', () => {
    const report = evaluateModels(PURCHASES, { cutoff: CUTOFF, k: 3 });
    // c1: C, D (A and B owned, nothing else was ever bought) → 1 hit of 3; c4: B, C, D → 1 hit of 3.
    expect(report.personalised.precision).toBeCloseTo(1 / 3, 12);
    expect(report.popularity.precision).toBeCloseTo(1 / 3, 12);
    expect(report.personalised.ndcg).toBeCloseTo((1 / idealDcg(2) + 1) / 2, 12);
    expect(report.personalised.coverage).toBeCloseTo(3 / 4, 12); // nobody is offered A: everyone who tests owns it
  });

  test('a personal list too short for k is filled in popularity order', () => {
    // c4 only bought A; A's only neighbour is B. The fill then follows popularity (D before C).
    const purchases = [
      ...order('o1', 'c1', before, ['A', 'B']),
      ...order('o2', 'c2', before, ['C']),
      ...order('o3', 'c3', before, ['D']),
      ...order('o4', 'c5', before, ['D']),
      ...order('o5', 'c4', before, ['A']),
      ...order('t1', 'c4', CUTOFF, ['C']),
    ];
    const report = evaluateModels(purchases, { cutoff: CUTOFF, k: 3 });
    expect(report.testCustomers).toBe(1);
    // Personal [B, D, C]: hit at 3. Popularity (A owned) [D, B, C]: hit at 3 as well.
    expect(report.personalised.ndcg).toBeCloseTo(1 / Math.log2(4), 12);
    expect(report.popularity.ndcg).toBeCloseTo(1 / Math.log2(4), 12);
  });

  test('no test customers: every metric is 0, nothing divides by zero', () => {
    const report = evaluateModels(PURCHASES, { cutoff: CUTOFF + 100 * DAY });
    expect(report.testCustomers).toBe(0);
    expect(report.trainPurchases).toBe(PURCHASES.length);
    for (const metrics of [report.personalised, report.popularity])
      expect(Object.values(metrics)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(evaluateModels([], { cutoff: CUTOFF }).trainProducts).toBe(0);
  });

  test.each([0, -1, 2.5])('k = %s is refused', (k) => {
    expect(() => evaluateModels(PURCHASES, { cutoff: CUTOFF, k })).toThrow(RangeError);
  });
});

describe('defaultCutoff', () => {
  test.each([
    [10, 0.2, 8], // orders 0..9 → the 9th and 10th order (20 %) are at/after it
    [5, 0.2, 4],
    [1, 0.2, 0],
    [3, 0.5, 1],
  ])('%s orders, share %s → the time of order #%s', (count, share, expected) => {
    const purchases = Array.from({ length: count }, (_, index) =>
      order(`o${index}`, `c${index}`, CUTOFF + index * DAY, ['A', 'B']),
    ).flat();
    expect(defaultCutoff(purchases, share)).toBe(CUTOFF + expected * DAY);
  });

  test('no purchases: no cutoff', () => {
    expect(defaultCutoff([])).toBeNull();
  });
});

test('formatEvaluation prints both models side by side', () => {
  const report = evaluateModels(PURCHASES, { cutoff: CUTOFF, k: 2 });
  const text = formatEvaluation(report);
  expect(text).toContain('Cutoff 2026-01-01T00:00:00.000Z: 11 training purchases of 4 products, 2 test customers');
  expect(text).toMatch(/Metric\s+Personalised\s+Popularity\s+Lift/);
  expect(text).toMatch(/Hit rate@2\s+1\.0000\s+1\.0000\s+\+0\.0 %/);
  expect(text).toMatch(/NDCG@2\s+0\.8066\s+0\.5089\s+\+58\.5 %/);
  for (const label of ['Precision@2', 'Recall@2', 'Coverage', 'Novelty (bits)']) expect(text).toContain(label);
});

describe('on the synthetic shop (3,000 customers)', () => {
  function evaluateSynthetic(taste: boolean): EvaluationReport {
    const data = generateSyntheticShop({ seed: 1, customers: 3_000, taste });
    const purchases = syntheticPurchases(data);
    return evaluateModels(purchases, { cutoff: defaultCutoff(purchases)!, isRepeat: syntheticIsRepeat(data) });
  }

  test('the personalised model beats popularity on hit rate@10 (and NDCG@10)', () => {
    const started = performance.now();
    const report = evaluateSynthetic(true);
    console.log(
      `synthetic seed 1, 3,000 customers, ${report.testCustomers} test customers: hit rate@10 personalised ${report.personalised.hitRate.toFixed(4)} vs popularity ${report.popularity.hitRate.toFixed(4)} (${Math.round(performance.now() - started)} ms)\n${formatEvaluation(report)}`,
    );
    expect(report.testCustomers).toBeGreaterThan(1_000);
    expect(report.personalised.hitRate).toBeGreaterThan(report.popularity.hitRate);
    expect(report.personalised.ndcg).toBeGreaterThan(report.popularity.ndcg);
    for (const metrics of [report.personalised, report.popularity]) {
      for (const key of ['hitRate', 'precision', 'recall', 'ndcg', 'coverage'] as const) {
        expect(metrics[key]).toBeGreaterThanOrEqual(0);
        expect(metrics[key]).toBeLessThanOrEqual(1);
      }
      expect(metrics.novelty).toBeGreaterThan(0);
    }
  });

  // The control: the same shop without taste (random categories, no companions). If the harness
  // favoured the personalised model, it would win here too; it does not.
  test('without taste in the data, the personalised model does not beat popularity', () => {
    const report = evaluateSynthetic(false);
    console.log(
      `control (no taste): hit rate@10 personalised ${report.personalised.hitRate.toFixed(4)} vs popularity ${report.popularity.hitRate.toFixed(4)}`,
    );
    expect(report.personalised.hitRate).toBeLessThan(report.popularity.hitRate * 1.02);
  });
});
