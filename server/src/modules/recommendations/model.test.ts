import { describe, expect, test } from 'vitest';
import {
  basketScores,
  coPurchaseNeighbours,
  DAY_MS,
  decayWeight,
  historyOf,
  type NeighbourLists,
  type NeighbourRow,
  type Purchase,
  personalScores,
  popularityRows,
  SIMILARITY_DEFAULTS,
  type SimilarityOptions,
  trendingScore,
} from './model.ts';

const NOW = Date.UTC(2026, 5, 1);
const OPTIONS: SimilarityOptions = { ...SIMILARITY_DEFAULTS, now: NOW, halfLifeDays: 365 };

let orderSequence = 0;
/** One order of `buyer` holding `skus`, `daysAgo` days before NOW. */
function order(buyer: string, skus: string[], options: { daysAgo?: number; channel?: string; basket?: string } = {}) {
  const basket = options.basket ?? `o${++orderSequence}`;
  return skus.map(
    (sku): Purchase => ({
      basket,
      buyer,
      sku,
      at: NOW - (options.daysAgo ?? 0) * DAY_MS,
      channel: options.channel ?? 'ONLINE',
    }),
  );
}

function rows(result: { lists: NeighbourRow[] }): [string, string, number, number][] {
  return result.lists.map((row) => [row.sku, row.neighbourSku, row.score, row.support]);
}

describe('co-purchase similarity', () => {
  // b1: A B C, b2: A B, b3: B C, b4: A — everything bought now (decay 1).
  // N_A = 3, N_B = 3, N_C = 2; C_AB = 2 (S 2), C_AC = 1 (S 1), C_BC = 2 (S 2).
  const fourBuyers = [
    ...order('b1', ['A', 'B', 'C']),
    ...order('b2', ['A', 'B']),
    ...order('b3', ['B', 'C']),
    ...order('b4', ['A']),
  ];
  const ab = (2 / Math.sqrt(9)) * (2 / 7); // 4/21
  const ac = (1 / Math.sqrt(6)) * (1 / 6);
  const bc = (2 / Math.sqrt(6)) * (2 / 7);

  test('hand-computed scores for a four-buyer store, lists ordered by score', () => {
    const result = coPurchaseNeighbours(fourBuyers, 'ALSO_BOUGHT', OPTIONS);
    expect(result.reverse).toEqual([]);
    const got = rows(result);
    expect(got.map(([sku, neighbour, , support]) => [sku, neighbour, support])).toEqual([
      ['A', 'B', 2],
      ['A', 'C', 1],
      ['B', 'C', 2],
      ['B', 'A', 2],
      ['C', 'B', 2],
      ['C', 'A', 1],
    ]);
    const expected = [ab, ac, bc, ab, bc, ac];
    got.forEach(([, , score], i) => {
      expect(score).toBeCloseTo(expected[i]!, 14);
    });
    expect(ab).toBeCloseTo(4 / 21, 15);
  });

  test('similarity is symmetric: (i, j) and (j, i) carry the very same score', () => {
    const result = coPurchaseNeighbours(fourBuyers, 'ALSO_BOUGHT', OPTIONS);
    for (const row of result.lists) {
      const mirror = result.lists.find((other) => other.sku === row.neighbourSku && other.neighbourSku === row.sku);
      expect(mirror?.score).toBe(row.score);
      expect(mirror?.support).toBe(row.support);
    }
  });

  test('BOUGHT_TOGETHER groups by order, ALSO_BOUGHT by buyer', () => {
    // One buyer, two orders: A+B together, then C alone.
    const purchases = [...order('b1', ['A', 'B']), ...order('b1', ['C'])];
    const together = coPurchaseNeighbours(purchases, 'BOUGHT_TOGETHER', OPTIONS);
    expect(together.lists.map((row) => `${row.sku}>${row.neighbourSku}`)).toEqual(['A>B', 'B>A']);
    // N_A = N_B = 1, C_AB = 1, S = 1: cosine 1 damped to 1/6.
    expect(together.lists[0]!.score).toBeCloseTo(1 / 6, 15);
    const alsoBought = coPurchaseNeighbours(purchases, 'ALSO_BOUGHT', OPTIONS);
    expect(alsoBought.lists.map((row) => `${row.sku}>${row.neighbourSku}`)).toEqual([
      'A>B',
      'A>C',
      'B>A',
      'B>C',
      'C>A',
      'C>B',
    ]);
  });

  test('a sku bought twice by the same buyer counts once, at its latest time', () => {
    // b1 buys X 20 days ago and again now, and Y now: X's weight is decay(now) = 1, not 1.5.
    const purchases = [...order('b1', ['X'], { daysAgo: 20 }), ...order('b1', ['X', 'Y']), ...order('b2', ['X', 'Y'])];
    const result = coPurchaseNeighbours(purchases, 'ALSO_BOUGHT', { ...OPTIONS, halfLifeDays: 10 });
    // N_X = N_Y = 2, C_XY = 2, S = 2.
    expect(result.lists[0]!.score).toBeCloseTo((2 / 2) * (2 / 7), 15);
    expect(result.lists[0]!.support).toBe(2);
  });

  test.each([
    { name: 'half-life old purchase weighs 0.5', daysAgo: 10, expected: (1.5 / Math.sqrt(1.5 * 2)) * (2 / 7) },
    { name: 'two half-lives weigh 0.25', daysAgo: 20, expected: (1.25 / Math.sqrt(1.25 * 2)) * (2 / 7) },
    { name: 'a future purchase weighs as one made now', daysAgo: -5, expected: (2 / Math.sqrt(2 * 2)) * (2 / 7) },
  ])('time decay: $name', ({ daysAgo, expected }) => {
    // b1 bought X `daysAgo` and Y now; b2 bought both now. Half-life 10 days.
    // N_X = d + 1, N_Y = 2, C_XY = min(d, 1) + 1, S = 2.
    const purchases = [...order('b1', ['X'], { daysAgo }), ...order('b1', ['Y']), ...order('b2', ['X', 'Y'])];
    const result = coPurchaseNeighbours(purchases, 'ALSO_BOUGHT', { ...OPTIONS, halfLifeDays: 10 });
    expect(result.lists.find((row) => row.sku === 'X')!.score).toBeCloseTo(expected, 14);
  });

  test('decayWeight', () => {
    expect(decayWeight(NOW, NOW, 30)).toBe(1);
    expect(decayWeight(NOW - 30 * DAY_MS, NOW, 30)).toBe(0.5);
    expect(decayWeight(NOW - 90 * DAY_MS, NOW, 30)).toBe(0.125);
    expect(decayWeight(NOW + DAY_MS, NOW, 30)).toBe(1);
  });

  test('the same score does not depend on now (every decay scales alike)', () => {
    const purchases = [
      ...order('b1', ['X'], { daysAgo: 40 }),
      ...order('b1', ['Y'], { daysAgo: 3 }),
      ...order('b2', ['X', 'Y'], { daysAgo: 100 }),
      ...order('b3', ['X', 'Z'], { daysAgo: 7 }),
    ];
    const early = coPurchaseNeighbours(purchases, 'ALSO_BOUGHT', { ...OPTIONS, halfLifeDays: 30 });
    const later = coPurchaseNeighbours(purchases, 'ALSO_BOUGHT', {
      ...OPTIONS,
      halfLifeDays: 30,
      now: NOW + 200 * DAY_MS,
    });
    expect(later.lists.map((row) => row.neighbourSku)).toEqual(early.lists.map((row) => row.neighbourSku));
    later.lists.forEach((row, i) => {
      expect(row.score).toBeCloseTo(early.lists[i]!.score, 12);
    });
  });

  test.each([
    { shrinkage: 0, support: 1, expected: 1 },
    { shrinkage: 5, support: 1, expected: 1 / 6 },
    { shrinkage: 5, support: 5, expected: 1 / 2 },
    { shrinkage: 1, support: 3, expected: 3 / 4 },
  ])(
    'shrinkage $shrinkage with support $support damps a perfect cosine to $expected',
    ({ shrinkage, support, expected }) => {
      const purchases = Array.from({ length: support }, (_, i) => order(`b${i}`, ['P', 'Q'])).flat();
      const result = coPurchaseNeighbours(purchases, 'ALSO_BOUGHT', { ...OPTIONS, shrinkage });
      expect(result.lists[0]!.score).toBeCloseTo(expected, 15);
      expect(result.lists[0]!.support).toBe(support);
    },
  );

  test('top-K ties: higher support first, then sku ascending', () => {
    // Shrinkage 0 so score = cosine. A–B: C 1, N_A 3, N_B 1 ⇒ 1/√3; A–C: C 2, N_C 4 ⇒ 2/√12 = 1/√3.
    const purchases = [
      ...order('u1', ['A', 'B']),
      ...order('u2', ['A', 'C']),
      ...order('u3', ['A', 'C']),
      ...order('u4', ['C']),
      ...order('u5', ['C']),
    ];
    const result = coPurchaseNeighbours(purchases, 'ALSO_BOUGHT', { ...OPTIONS, shrinkage: 0 });
    const listOfA = result.lists.filter((row) => row.sku === 'A');
    expect(listOfA.map((row) => [row.neighbourSku, row.support])).toEqual([
      ['C', 2],
      ['B', 1],
    ]);
    expect(listOfA[0]!.score).toBe(listOfA[1]!.score);

    // Same score and support: sku ascending, and topK cuts after the tie-break.
    const equal = [...order('v1', ['A', 'E']), ...order('v2', ['A', 'D'])];
    const cut = coPurchaseNeighbours(equal, 'ALSO_BOUGHT', { ...OPTIONS, topK: 1 });
    expect(cut.lists.map((row) => `${row.sku}>${row.neighbourSku}`)).toEqual(['A>D', 'D>A', 'E>A']);
  });

  test('topK keeps the K best neighbours of every sku', () => {
    // Hub H bought with N1..N5, N_i bought with H by i buyers: better support ⇒ better score.
    const purchases = [1, 2, 3, 4, 5].flatMap((i) =>
      Array.from({ length: i }, (_, j) => order(`b${i}-${j}`, ['H', `N${i}`])).flat(),
    );
    const result = coPurchaseNeighbours(purchases, 'ALSO_BOUGHT', { ...OPTIONS, topK: 3 });
    expect(result.lists.filter((row) => row.sku === 'H').map((row) => row.neighbourSku)).toEqual(['N5', 'N4', 'N3']);
    expect(result.lists.filter((row) => row.sku === 'N1').map((row) => row.neighbourSku)).toEqual(['H']);
  });

  test('maxItemsPerBuyer keeps only the most recent skus of a heavy buyer', () => {
    // heavy bought OLD 30 days ago, then MID and NEW; with a cap of 2 OLD does not count for heavy at all.
    const purchases = [
      ...order('heavy', ['OLD'], { daysAgo: 30 }),
      ...order('heavy', ['MID'], { daysAgo: 10 }),
      ...order('heavy', ['NEW'], { daysAgo: 1 }),
      ...order('other', ['OLD', 'MID']),
    ];
    const capped = coPurchaseNeighbours(purchases, 'ALSO_BOUGHT', { ...OPTIONS, maxItemsPerBuyer: 2 });
    expect(capped.lists.map((row) => `${row.sku}>${row.neighbourSku}:${row.support}`)).toEqual([
      'MID>OLD:1',
      'MID>NEW:1',
      'NEW>MID:1',
      'OLD>MID:1',
    ]);
    // OLD's weight comes from `other` alone (N_OLD = 1, N_MID = 2 decays): cosine 1/√(1 · N_MID).
    const midWeight = 1 + decayWeight(NOW - 10 * DAY_MS, NOW, 365);
    expect(capped.lists.find((row) => row.sku === 'OLD')!.score).toBeCloseTo(1 / Math.sqrt(midWeight) / 6, 14);

    const uncapped = coPurchaseNeighbours(purchases, 'ALSO_BOUGHT', OPTIONS);
    expect(uncapped.lists.find((row) => row.sku === 'OLD' && row.neighbourSku === 'MID')!.support).toBe(2);
    expect(uncapped.lists.some((row) => row.sku === 'OLD' && row.neighbourSku === 'NEW')).toBe(true);
  });

  test('no purchases, or only single-item groups, give no rows', () => {
    expect(coPurchaseNeighbours([], 'ALSO_BOUGHT', OPTIONS)).toEqual({ lists: [], reverse: [] });
    const singles = [...order('a', ['X']), ...order('b', ['Y'])];
    expect(coPurchaseNeighbours(singles, 'BOUGHT_TOGETHER', OPTIONS)).toEqual({ lists: [], reverse: [] });
  });

  test('a non-positive half-life is refused', () => {
    expect(() => coPurchaseNeighbours(fourBuyers, 'ALSO_BOUGHT', { ...OPTIONS, halfLifeDays: 0 })).toThrow(RangeError);
  });
});

/** Deterministic pseudo-random purchases (mulberry32) for the equivalence and timing tests. */
function randomPurchases(options: { seed: number; purchases: number; buyers: number; skus: number; days: number }) {
  let state = options.seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const channels = ['ONLINE', 'STORE', 'APP'];
  const purchases: Purchase[] = [];
  let orderNumber = 0;
  while (purchases.length < options.purchases) {
    const buyerNumber = Math.floor(random() * options.buyers);
    const buyer = random() < 0.1 ? `order:g${orderNumber}` : `c${buyerNumber}`;
    const basket = `o${orderNumber++}`;
    const at = NOW - Math.floor(random() * options.days * DAY_MS);
    const channel = channels[Math.floor(random() * channels.length)]!;
    const lines = 1 + Math.floor(random() * 4);
    // Skewed popularity (a power of a uniform), with buyers leaning to a "home" block of skus.
    for (let line = 0; line < lines; line++) {
      const home = (buyerNumber * 37) % options.skus;
      const offset = Math.floor(random() ** 3 * options.skus);
      const sku = random() < 0.6 ? (home + (offset % 20)) % options.skus : offset;
      purchases.push({ basket, buyer, sku: `S${String(sku).padStart(5, '0')}`, at, channel });
    }
  }
  return purchases;
}

describe('incremental computation (`only`)', () => {
  const purchases = randomPurchases({ seed: 11, purchases: 6_000, buyers: 400, skus: 300, days: 400 });

  test.each(['ALSO_BOUGHT', 'BOUGHT_TOGETHER'] as const)(
    '%s: lists and reverse rows equal those of a full computation',
    (kind) => {
      const options = { ...OPTIONS, topK: 10, maxItemsPerBuyer: 25 };
      const full = coPurchaseNeighbours(purchases, kind, options);
      const untrimmed = coPurchaseNeighbours(purchases, kind, { ...options, topK: Number.MAX_SAFE_INTEGER });
      const only = new Set(['S00001', 'S00002', 'S00017', 'S00150', 'S00299', 'NOT-BOUGHT']);
      const partial = coPurchaseNeighbours(purchases, kind, options, only);

      expect(partial.lists.length).toBeGreaterThan(0);
      expect(partial.lists).toEqual(full.lists.filter((row) => only.has(row.sku)));
      const expectedReverse = untrimmed.lists.filter((row) => !only.has(row.sku) && only.has(row.neighbourSku));
      expect(partial.reverse.length).toBeGreaterThan(full.lists.filter((row) => only.has(row.sku)).length);
      expect(sortRows(partial.reverse)).toEqual(sortRows(expectedReverse));
    },
  );

  test('an empty `only` set gives nothing', () => {
    expect(coPurchaseNeighbours(purchases, 'ALSO_BOUGHT', OPTIONS, new Set())).toEqual({ lists: [], reverse: [] });
  });
});

function sortRows(list: NeighbourRow[]): NeighbourRow[] {
  return [...list].sort((a, b) =>
    a.sku === b.sku ? (a.neighbourSku < b.neighbourSku ? -1 : 1) : a.sku < b.sku ? -1 : 1,
  );
}

describe('popularity', () => {
  test('hand-computed popularity, buyers and trending per scope', () => {
    const purchases = [
      ...order('b1', ['P']),
      ...order('b1', ['P'], { daysAgo: 20, channel: 'STORE' }),
      ...order('b2', ['P'], { daysAgo: 30 }),
      ...order('b3', ['P'], { daysAgo: 100, channel: 'STORE' }),
      ...order('order:o99', ['Q'], { daysAgo: 80 }),
    ];
    const result = popularityRows(purchases, NOW);
    expect(result.map((row) => `${row.scope}/${row.sku}`)).toEqual([
      'ALL/P',
      'ALL/Q',
      'ONLINE/P',
      'ONLINE/Q',
      'STORE/P',
    ]);
    const [allP, allQ, onlineP, onlineQ, storeP] = result;

    // ALL/P: latest per buyer now, −30 d, −100 d; r = 1 (b1), p = 2 (b1 at −20 d, b2 at −30 d).
    expect(allP!.popularity).toBeCloseTo(1 + 0.5 + 0.5 ** (100 / 30), 14);
    expect(allP!.buyers).toBe(3);
    expect(allP!.trending).toBeCloseTo((2 / (2 * 0.25 + 1)) * Math.LN2, 14);
    // ONLINE/P: b1 now, b2 −30 d; r = 1, p = 1.
    expect(onlineP!.popularity).toBeCloseTo(1.5, 14);
    expect(onlineP!.buyers).toBe(2);
    expect(onlineP!.trending).toBeCloseTo((2 / 1.25) * Math.LN2, 14);
    // STORE/P: b1 −20 d, b3 −100 d; nobody in the last 14 days ⇒ trending 0.
    expect(storeP!.popularity).toBeCloseTo(0.5 ** (20 / 30) + 0.5 ** (100 / 30), 14);
    expect(storeP!.buyers).toBe(2);
    expect(storeP!.trending).toBe(0);
    // A guest order is a buyer like any other; 80 days is outside both trending windows.
    expect(allQ).toEqual({ scope: 'ALL', sku: 'Q', popularity: 0.5 ** (80 / 30), trending: 0, buyers: 1 });
    expect(onlineQ!.buyers).toBe(1);
  });

  test('a buyer counts once however often they bought', () => {
    const purchases = [
      ...order('b1', ['P'], { daysAgo: 1 }),
      ...order('b1', ['P'], { daysAgo: 2 }),
      ...order('b1', ['P']),
    ];
    const [all] = popularityRows(purchases, NOW);
    expect(all).toEqual({ scope: 'ALL', sku: 'P', popularity: 1, trending: 2 * Math.LN2, buyers: 1 });
  });

  test.each([
    { recent: 0, previous: 10, expected: 0 },
    { recent: 1, previous: 0, expected: 2 * Math.log(2) },
    { recent: 4, previous: 16, expected: (5 / 5) * Math.log(5) },
    { recent: 10, previous: 0, expected: 11 * Math.log(11) },
  ])('trending with r = $recent, p = $previous', ({ recent, previous, expected }) => {
    expect(trendingScore(recent, previous)).toBeCloseTo(expected, 14);
  });

  test('window edges: exactly 14 days ago is recent, exactly 70 days ago is previous', () => {
    const purchases = [...order('b1', ['P'], { daysAgo: 14 }), ...order('b2', ['P'], { daysAgo: 70 })];
    const [all] = popularityRows(purchases, NOW);
    expect(all!.trending).toBeCloseTo((2 / 1.25) * Math.LN2, 14);
  });

  test('no purchases, no rows', () => {
    expect(popularityRows([], NOW)).toEqual([]);
  });
});

describe('history', () => {
  test('distinct skus, latest time, orders per sku, most recent first', () => {
    const purchases = [
      ...order('c1', ['A', 'A', 'B'], { daysAgo: 10 }), // A twice in one order: one purchase
      ...order('c1', ['A'], { daysAgo: 2 }),
      ...order('c1', ['C', 'D'], { daysAgo: 5 }),
      ...order('c2', ['A']),
    ];
    const history = historyOf(purchases);
    expect(history.get('c1')).toEqual([
      { sku: 'A', lastAt: NOW - 2 * DAY_MS, count: 2 },
      { sku: 'C', lastAt: NOW - 5 * DAY_MS, count: 1 },
      { sku: 'D', lastAt: NOW - 5 * DAY_MS, count: 1 },
      { sku: 'B', lastAt: NOW - 10 * DAY_MS, count: 1 },
    ]);
    expect(history.get('c2')).toEqual([{ sku: 'A', lastAt: NOW, count: 1 }]);
  });

  test('at most 50 skus per buyer, the most recent', () => {
    const purchases = Array.from({ length: 60 }, (_, i) => order('c1', [`S${i}`], { daysAgo: i })).flat();
    const history = historyOf(purchases).get('c1')!;
    expect(history).toHaveLength(50);
    expect(history[0]!.sku).toBe('S0');
    expect(history[49]!.sku).toBe('S49');
  });
});

function listsOf(entries: Record<string, [string, number][]>): NeighbourLists {
  return new Map(
    Object.entries(entries).map(([sku, list]) => [sku, list.map(([neighbour, score]) => ({ sku: neighbour, score }))]),
  );
}

describe('personal scores', () => {
  const lists = listsOf({
    A: [
      ['X', 0.5],
      ['Y', 0.2],
    ],
    B: [
      ['X', 0.1],
      ['Z', 0.4],
      ['A', 0.3],
    ],
  });
  // A bought now once (weight 1); B bought 90 days ago in 3 orders (weight 0.5 × (1 + ln 3)).
  const history = [
    { sku: 'A', lastAt: NOW, count: 1 },
    { sku: 'B', lastAt: NOW - 90 * DAY_MS, count: 3 },
  ];
  const weightB = 0.5 * (1 + Math.log(3));

  test('Σ weight × similarity, best first, with the strongest contributors as `because`', () => {
    const scores = personalScores(history, lists, { now: NOW, exclude: new Set(['A', 'B']) });
    expect(scores.map((candidate) => [candidate.sku, candidate.because])).toEqual([
      ['X', ['A', 'B']],
      ['Z', ['B']],
      ['Y', ['A']],
    ]);
    expect(scores[0]!.score).toBeCloseTo(0.5 + 0.1 * weightB, 14);
    expect(scores[1]!.score).toBeCloseTo(0.4 * weightB, 14);
    expect(scores[2]!.score).toBeCloseTo(0.2, 14);
  });

  test('excluded candidates are dropped; a repeat kind (not excluded) may come back', () => {
    const withoutX = personalScores(history, lists, { now: NOW, exclude: new Set(['A', 'B', 'X']) });
    expect(withoutX.map((candidate) => candidate.sku)).toEqual(['Z', 'Y']);
    const repeatA = personalScores(history, lists, { now: NOW, exclude: new Set(['B']) });
    expect(repeatA.find((candidate) => candidate.sku === 'A')).toEqual({
      sku: 'A',
      score: 0.3 * weightB,
      because: ['B'],
    });
  });

  test('the history half-life is an option', () => {
    const [x] = personalScores(history, lists, { now: NOW, exclude: new Set(), historyHalfLifeDays: 45 });
    expect(x!.score).toBeCloseTo(0.5 + 0.1 * 0.25 * (1 + Math.log(3)), 14);
  });

  test('because holds at most three skus; only the 50 most recent history skus count', () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ sku: `H${i}`, lastAt: NOW - i * DAY_MS, count: 1 }));
    const manyLists = new Map(many.map((item) => [item.sku, [{ sku: 'T', score: 0.1 }]]));
    const [target] = personalScores(many, manyLists, { now: NOW, exclude: new Set() });
    expect(target!.because).toEqual(['H0', 'H1', 'H2']);
    const expected = many.slice(0, 50).reduce((sum, item) => sum + 0.1 * decayWeight(item.lastAt, NOW, 90), 0);
    expect(target!.score).toBeCloseTo(expected, 12);
  });

  test('no history, no scores', () => {
    expect(personalScores([], lists, { now: NOW, exclude: new Set() })).toEqual([]);
  });
});

describe('basket scores', () => {
  const together = listsOf({
    A: [['C', 0.3]],
    B: [
      ['C', 0.2],
      ['A', 0.9],
    ],
  });
  const alsoBought = listsOf({
    A: [
      ['D', 0.4],
      ['C', 0.2],
    ],
  });

  test('Σ BOUGHT_TOGETHER + ½ Σ ALSO_BOUGHT, basket skus excluded', () => {
    const scores = basketScores(['A', 'B'], together, alsoBought);
    expect(scores.map((candidate) => [candidate.sku, candidate.because])).toEqual([
      ['C', ['A', 'B']],
      ['D', ['A']],
    ]);
    expect(scores[0]!.score).toBeCloseTo(0.3 + 0.2 + 0.5 * 0.2, 15);
    expect(scores[1]!.score).toBeCloseTo(0.2, 15);
  });

  test('a single sku basket; duplicates in the basket count once; unknown skus give nothing', () => {
    expect(basketScores(['B'], together, alsoBought).map((candidate) => candidate.sku)).toEqual(['A', 'C']);
    expect(basketScores(['A', 'A'], together, alsoBought)).toEqual(basketScores(['A'], together, alsoBought));
    expect(basketScores(['NOPE'], together, alsoBought)).toEqual([]);
  });
});

describe('speed (logged, not asserted)', () => {
  test('500,000 purchases through both neighbour kinds and popularity', () => {
    const purchases = randomPurchases({ seed: 3, purchases: 500_000, buyers: 60_000, skus: 5_000, days: 730 });
    const started = performance.now();
    const alsoBought = coPurchaseNeighbours(purchases, 'ALSO_BOUGHT', OPTIONS);
    const afterAlsoBought = performance.now();
    const together = coPurchaseNeighbours(purchases, 'BOUGHT_TOGETHER', OPTIONS);
    const afterTogether = performance.now();
    const popularity = popularityRows(purchases, NOW);
    const finished = performance.now();
    console.log(
      `model speed, ${purchases.length} purchases: ALSO_BOUGHT ${Math.round(afterAlsoBought - started)} ms ` +
        `(${alsoBought.lists.length} rows), BOUGHT_TOGETHER ${Math.round(afterTogether - afterAlsoBought)} ms ` +
        `(${together.lists.length} rows), popularity ${Math.round(finished - afterTogether)} ms ` +
        `(${popularity.length} rows), total ${Math.round(finished - started)} ms`,
    );
    expect(alsoBought.lists.length).toBeGreaterThan(0);
  }, 120_000);
});
