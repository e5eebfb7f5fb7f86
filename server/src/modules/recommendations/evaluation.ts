/**
 * Offline evaluation of the recommendation models with a time split: pure, no I/O.
 *
 * Everything before `cutoff` trains the models (exactly as a build at that instant would); each
 * customer who had bought before the cutoff and ordered again at or after it is a test case, and
 * their first order at/after the cutoff is what the lists should have predicted. Two lists per
 * customer are scored side by side:
 * - personalised: `personalScores` over the ALSO_BOUGHT lists built from the training purchases
 *   (now = cutoff), filled up to k in popularity order (what serving does for a thin history);
 * - popularity: the store-wide (scope "ALL") popularity order at the cutoff.
 * Both leave out what the customer already bought, unless it is a repeat-purchase kind, and the
 * test basket leaves those out too: recommending something already owned is not a win.
 * Business rules (stock, categories, pins) are not applied: they are the same for both lists and
 * depend on today's catalogue, not the catalogue at the cutoff.
 */
import {
  coPurchaseNeighbours,
  historyOf,
  type NeighbourLists,
  type Purchase,
  personalScores,
  popularityRows,
  type ScoredSku,
  SIMILARITY_DEFAULTS,
} from './model.ts';

export interface EvaluationOptions {
  /** Epoch ms: purchases before it train, the first order at/after it tests. */
  cutoff: number;
  /** List length, default 10. */
  k?: number;
  /** Repeat-purchase kinds stay recommendable (and count as hits) even when already bought. */
  isRepeat?: (sku: string) => boolean;
  /** Half-life of the co-purchase models, default 365 days. */
  halfLifeDays?: number;
}

export interface ModelMetrics {
  /** Share of test customers with at least one recommended product in their next order. */
  hitRate: number;
  /** Hits / k, averaged over test customers. */
  precision: number;
  /** Hits / size of the next order (new products only), averaged. */
  recall: number;
  /** Binary-relevance NDCG@k, averaged. */
  ndcg: number;
  /** Distinct recommended products / products bought in training. */
  coverage: number;
  /** Mean self-information −log2(buyers_i / buyers) of the recommended products, in bits: higher = less obvious. */
  novelty: number;
}

export interface EvaluationReport {
  /** ISO 8601. */
  cutoff: string;
  k: number;
  trainPurchases: number;
  trainProducts: number;
  testCustomers: number;
  personalised: ModelMetrics;
  popularity: ModelMetrics;
}

const DEFAULT_K = 10;
const DEFAULT_HALF_LIFE_DAYS = 365;

function isGuest(buyer: string): boolean {
  return buyer.startsWith('order:');
}

/**
 * The instant such that `share` of the orders (distinct baskets) are at or after it; the latest
 * order's time when there are fewer than 1/share orders (so at least one order tests), `null` for none.
 */
export function defaultCutoff(purchases: readonly Purchase[], share = 0.2): number | null {
  const orderTimes = new Map<string, number>();
  for (const purchase of purchases) orderTimes.set(purchase.basket, purchase.at);
  if (orderTimes.size === 0) return null;
  const times = [...orderTimes.values()].sort((a, b) => a - b);
  const index = Math.min(times.length - 1, Math.floor(times.length * (1 - share)));
  return times[index]!;
}

interface TestCase {
  /** Bought before the cutoff, not a repeat kind: never recommended, never counted. */
  exclude: Set<string>;
  basket: Set<string>;
}

/** The test customers and their next baskets; customers whose next order holds nothing new are left out. */
function testCases(
  purchases: readonly Purchase[],
  cutoff: number,
  isRepeat: (sku: string) => boolean,
): Map<string, TestCase> {
  const trainSkus = new Map<string, Set<string>>();
  // The first order at/after the cutoff per buyer: earliest time, then lowest basket id.
  const firstOrder = new Map<string, { basket: string; at: number }>();
  for (const purchase of purchases) {
    if (isGuest(purchase.buyer)) continue;
    if (purchase.at < cutoff) {
      const skus = trainSkus.get(purchase.buyer);
      if (skus) skus.add(purchase.sku);
      else trainSkus.set(purchase.buyer, new Set([purchase.sku]));
      continue;
    }
    const current = firstOrder.get(purchase.buyer);
    if (!current || purchase.at < current.at || (purchase.at === current.at && purchase.basket < current.basket))
      firstOrder.set(purchase.buyer, { basket: purchase.basket, at: purchase.at });
  }
  const cases = new Map<string, TestCase>();
  for (const [buyer, skus] of trainSkus) {
    if (!firstOrder.has(buyer)) continue;
    const exclude = new Set([...skus].filter((sku) => !isRepeat(sku)));
    cases.set(buyer, { exclude, basket: new Set() });
  }
  for (const purchase of purchases) {
    const testCase = cases.get(purchase.buyer);
    if (!testCase || firstOrder.get(purchase.buyer)!.basket !== purchase.basket) continue;
    if (!testCase.exclude.has(purchase.sku)) testCase.basket.add(purchase.sku);
  }
  for (const [buyer, testCase] of cases) if (testCase.basket.size === 0) cases.delete(buyer);
  return cases;
}

class MetricsAccumulator {
  private customers = 0;
  private hits = 0;
  private precision = 0;
  private recall = 0;
  private ndcg = 0;
  private readonly recommended = new Set<string>();
  private items = 0;
  private selfInformation = 0;

  constructor(
    private readonly k: number,
    private readonly buyersOf: ReadonlyMap<string, number>,
    private readonly trainBuyers: number,
    private readonly trainProducts: number,
  ) {}

  add(list: readonly string[], basket: ReadonlySet<string>) {
    let hits = 0;
    let dcg = 0;
    list.forEach((sku, position) => {
      this.recommended.add(sku);
      this.items++;
      this.selfInformation += -Math.log2((this.buyersOf.get(sku) ?? 0) / this.trainBuyers);
      if (basket.has(sku)) {
        hits++;
        dcg += 1 / Math.log2(position + 2);
      }
    });
    let ideal = 0;
    for (let position = 0; position < Math.min(basket.size, this.k); position++) ideal += 1 / Math.log2(position + 2);
    this.customers++;
    if (hits > 0) this.hits++;
    this.precision += hits / this.k;
    this.recall += hits / basket.size;
    this.ndcg += dcg / ideal;
  }

  metrics(): ModelMetrics {
    const per = (value: number) => (this.customers === 0 ? 0 : value / this.customers);
    return {
      hitRate: per(this.hits),
      precision: per(this.precision),
      recall: per(this.recall),
      ndcg: per(this.ndcg),
      coverage: this.trainProducts === 0 ? 0 : this.recommended.size / this.trainProducts,
      novelty: this.items === 0 ? 0 : this.selfInformation / this.items,
    };
  }
}

/** Fills `list` up to k from `ranked`, skipping excluded skus and skus already listed. */
function fill(list: string[], ranked: readonly string[], exclude: ReadonlySet<string>, k: number): string[] {
  if (list.length >= k) return list;
  const listed = new Set(list);
  for (const sku of ranked) {
    if (list.length >= k) break;
    if (!exclude.has(sku) && !listed.has(sku)) {
      list.push(sku);
      listed.add(sku);
    }
  }
  return list;
}

export function evaluateModels(purchases: readonly Purchase[], options: EvaluationOptions): EvaluationReport {
  const k = options.k ?? DEFAULT_K;
  if (!Number.isInteger(k) || k < 1) throw new RangeError('k must be a positive whole number');
  if (!Number.isFinite(options.cutoff)) throw new RangeError('cutoff must be a valid instant');
  const cutoff = options.cutoff;
  const isRepeat = options.isRepeat ?? (() => false);
  const train = purchases.filter((purchase) => purchase.at < cutoff);

  const buyerSets = new Map<string, Set<string>>();
  for (const purchase of train) {
    const buyers = buyerSets.get(purchase.sku);
    if (buyers) buyers.add(purchase.buyer);
    else buyerSets.set(purchase.sku, new Set([purchase.buyer]));
  }
  const buyersOf = new Map([...buyerSets].map(([sku, buyers]) => [sku, buyers.size]));
  const trainBuyers = new Set(train.map((purchase) => purchase.buyer)).size;

  const popularOrder = popularityRows(train, cutoff)
    .filter((row) => row.scope === 'ALL')
    .sort((a, b) => b.popularity - a.popularity || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))
    .map((row) => row.sku);

  const { lists: rows } = coPurchaseNeighbours(train, 'ALSO_BOUGHT', {
    ...SIMILARITY_DEFAULTS,
    now: cutoff,
    halfLifeDays: options.halfLifeDays ?? DEFAULT_HALF_LIFE_DAYS,
  });
  const lists = new Map<string, ScoredSku[]>();
  for (const row of rows) {
    const neighbour = { sku: row.neighbourSku, score: row.score };
    const list = lists.get(row.sku);
    if (list) list.push(neighbour);
    else lists.set(row.sku, [neighbour]);
  }
  const neighbourLists: NeighbourLists = lists;
  const histories = historyOf(train);

  const personalised = new MetricsAccumulator(k, buyersOf, trainBuyers, buyerSets.size);
  const popularity = new MetricsAccumulator(k, buyersOf, trainBuyers, buyerSets.size);
  const cases = testCases(purchases, cutoff, isRepeat);
  for (const [buyer, { exclude, basket }] of cases) {
    const scored = personalScores(histories.get(buyer) ?? [], neighbourLists, { now: cutoff, exclude });
    const personalList = fill(
      scored
        .filter((candidate) => !exclude.has(candidate.sku))
        .slice(0, k)
        .map((candidate) => candidate.sku),
      popularOrder,
      exclude,
      k,
    );
    personalised.add(personalList, basket);
    popularity.add(fill([], popularOrder, exclude, k), basket);
  }

  return {
    cutoff: new Date(cutoff).toISOString(),
    k,
    trainPurchases: train.length,
    trainProducts: buyerSets.size,
    testCustomers: cases.size,
    personalised: personalised.metrics(),
    popularity: popularity.metrics(),
  };
}

const METRIC_ROWS: readonly [keyof ModelMetrics, (k: number) => string, (value: number) => string][] = [
  ['hitRate', (k) => `Hit rate@${k}`, (value) => value.toFixed(4)],
  ['precision', (k) => `Precision@${k}`, (value) => value.toFixed(4)],
  ['recall', (k) => `Recall@${k}`, (value) => value.toFixed(4)],
  ['ndcg', (k) => `NDCG@${k}`, (value) => value.toFixed(4)],
  ['coverage', () => 'Coverage', (value) => value.toFixed(4)],
  ['novelty', () => 'Novelty (bits)', (value) => value.toFixed(2)],
];

/** A side-by-side table of both models for the CLI. */
export function formatEvaluation(report: EvaluationReport): string {
  const header = ['Metric', 'Personalised', 'Popularity', 'Lift'];
  const rows = METRIC_ROWS.map(([key, label, format]) => {
    const mine = report.personalised[key];
    const baseline = report.popularity[key];
    const lift =
      baseline === 0
        ? mine === 0
          ? '–'
          : 'n/a'
        : `${mine >= baseline ? '+' : ''}${(((mine - baseline) / baseline) * 100).toFixed(1)} %`;
    return [label(report.k), format(mine), format(baseline), lift];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ');
  return [
    `Cutoff ${report.cutoff}: ${report.trainPurchases.toLocaleString('en')} training purchases of ${report.trainProducts.toLocaleString('en')} products, ${report.testCustomers.toLocaleString('en')} test customers`,
    '',
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
  ].join('\n');
}
