/**
 * Recommendation models, pure (no Prisma, no I/O). The build service reads purchases and writes what
 * these functions return; serving and the evaluation harness score candidates with them.
 *
 * **Purchases** are product lines of non-cancelled sales minus lines returned in full (the build
 * service's SQL applies that definition); a guest order is its own buyer (`order:<orderId>`).
 *
 * **Co-purchase similarity** — one formula for both neighbour kinds; a *group* is a buyer
 * (ALSO_BOUGHT) or an order (BOUGHT_TOGETHER):
 *
 * - each group has a set of distinct skus with, per sku, its latest purchase time t; only the
 *   `maxItemsPerBuyer` most recent skus of a group count (ties: sku ascending), which caps the
 *   quadratic pair cost of a few very heavy buyers;
 * - decay(t) = 0.5^(ageDays / halfLifeDays), ageDays = max(0, now − t) / 1 day;
 * - item weight N_i = Σ_g decay(t_gi); pair weight C_ij = Σ_g min(decay(t_gi), decay(t_gj)) over the
 *   groups holding both; support S_ij = the number of those groups;
 * - score(i, j) = C_ij / √(N_i · N_j) × S_ij / (S_ij + shrinkage).
 *
 * The first factor is a time-decayed cosine (in 0..1, since C_ij ≤ min(N_i, N_j)); the second damps
 * pairs seen in few groups (shrinkage 5: one group ⇒ × 1/6), so a single odd basket cannot put two
 * niche products at the top of each other's lists. Scaling every decay by the same factor leaves the
 * score unchanged, so lists built at different `now`s agree as long as no purchase is in the future.
 * Each sku keeps its `topK` best neighbours (ties: higher support, then sku ascending, by UTF-16 code
 * units). Pairs whose score underflows to 0 (purchases hundreds of half-lives old) are dropped.
 *
 * **Popularity** per scope ('ALL' and each channel): popularity = Σ over distinct buyers of
 * 0.5^(ageDays of their latest purchase / 30); buyers = distinct buyers; trending =
 * (r + 1) / (p · 14/56 + 1) × ln(1 + r) with r = distinct buyers in the last 14 days (now − 14 d ≤ t,
 * future purchases included) and p = distinct buyers in the 56 days before (now − 70 d ≤ t < now − 14 d);
 * a buyer may count in both windows. No recent buyer ⇒ trending 0.
 *
 * **Personal scores**: weight(h) = 0.5^(ageDays(h) / 90) × (1 + ln(count(h))) over the shopper's 50 most
 * recent history skus; score(c) = Σ_h weight(h) · sim_ALSO_BOUGHT(h, c).
 *
 * **Basket scores**: score(c) = Σ_b sim_BOUGHT_TOGETHER(b, c) + 0.5 · Σ_b sim_ALSO_BOUGHT(b, c).
 *
 * Speed: 500,000 purchases go through both neighbour kinds and popularity in a few seconds on a small
 * machine. Skus and groups are interned to integers (skus in sorted order, so comparing indices compares
 * skus), purchases are bucketed with typed arrays, and each sku's row of pair sums is accumulated in dense
 * scratch arrays — no object and no hash lookup per pair; only output rows are objects.
 */

export type NeighbourKind = 'ALSO_BOUGHT' | 'BOUGHT_TOGETHER';

/** One purchased product line. */
export interface Purchase {
  /** The order id (the BOUGHT_TOGETHER group). */
  basket: string;
  /** The customer id, or `order:<orderId>` for a guest order (the ALSO_BOUGHT group). */
  buyer: string;
  sku: string;
  /** Epoch milliseconds. */
  at: number;
  channel: string;
}

export interface SimilarityOptions {
  /** Epoch milliseconds the ages are measured from. */
  now: number;
  halfLifeDays: number;
  shrinkage: number;
  topK: number;
  maxItemsPerBuyer: number;
}

export const SIMILARITY_DEFAULTS: Omit<SimilarityOptions, 'now' | 'halfLifeDays'> = {
  shrinkage: 5,
  topK: 30,
  maxItemsPerBuyer: 100,
};

export interface NeighbourRow {
  sku: string;
  neighbourSku: string;
  score: number;
  support: number;
}

export interface PopularityRow {
  scope: string;
  sku: string;
  popularity: number;
  trending: number;
  buyers: number;
}

export interface ScoredSku {
  sku: string;
  score: number;
}

/** sku → its neighbours, in any order. */
export type NeighbourLists = ReadonlyMap<string, readonly ScoredSku[]>;

export interface HistoryItem {
  sku: string;
  /** Epoch milliseconds of the latest purchase. */
  lastAt: number;
  /** Orders that bought the sku. */
  count: number;
}

export interface ScoredCandidate {
  sku: string;
  score: number;
  /** The (up to 3) input skus that contributed most, strongest first. */
  because: string[];
}

export const DAY_MS = 86_400_000;
export const POPULARITY_HALF_LIFE_DAYS = 30;
export const TRENDING_RECENT_DAYS = 14;
export const TRENDING_PREVIOUS_DAYS = 56;
export const HISTORY_HALF_LIFE_DAYS = 90;
export const HISTORY_MAX_ITEMS = 50;
export const BECAUSE_MAX = 3;
/** Weight of the ALSO_BOUGHT lists next to the BOUGHT_TOGETHER lists in basket scores. */
export const BASKET_ALSO_BOUGHT_WEIGHT = 0.5;

/** 0.5^(age / half-life); a purchase in the future weighs as one made now. */
export function decayWeight(at: number, now: number, halfLifeDays: number): number {
  return 0.5 ** (Math.max(0, now - at) / DAY_MS / halfLifeDays);
}

interface InternedSkus {
  /** Distinct skus, ascending: index order is sku order. */
  names: string[];
  /** Per purchase, its sku index. */
  skuOf: Int32Array;
}

function internSkus(purchases: readonly Purchase[]): InternedSkus {
  const firstSeen = new Map<string, number>();
  const seenOf = new Int32Array(purchases.length);
  for (let k = 0; k < purchases.length; k++) {
    const sku = purchases[k]!.sku;
    let id = firstSeen.get(sku);
    if (id === undefined) {
      id = firstSeen.size;
      firstSeen.set(sku, id);
    }
    seenOf[k] = id;
  }
  const unsorted = [...firstSeen.keys()];
  const order = unsorted.map((_, i) => i).sort((a, b) => compareStrings(unsorted[a]!, unsorted[b]!));
  const rank = new Int32Array(unsorted.length);
  const names = new Array<string>(unsorted.length);
  order.forEach((id, position) => {
    rank[id] = position;
    names[position] = unsorted[id]!;
  });
  const skuOf = new Int32Array(purchases.length);
  for (let k = 0; k < purchases.length; k++) skuOf[k] = rank[seenOf[k]!]!;
  return { names, skuOf };
}

/** Code-unit order, independent of the locale (the same order everywhere the lists are compared). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Each purchase's id in `key`'s space, ids numbered in order of first appearance. */
function internBy(
  purchases: readonly Purchase[],
  key: (purchase: Purchase) => string,
): { of: Int32Array; count: number } {
  const ids = new Map<string, number>();
  const of = new Int32Array(purchases.length);
  for (let k = 0; k < purchases.length; k++) {
    const name = key(purchases[k]!);
    let id = ids.get(name);
    if (id === undefined) {
      id = ids.size;
      ids.set(name, id);
    }
    of[k] = id;
  }
  return { of, count: ids.size };
}

/** Purchases bucketed by id: the purchase indices of bucket g are order[start[g] .. start[g + 1]), ascending. */
interface Buckets {
  count: number;
  start: Int32Array;
  order: Int32Array;
  largest: number;
}

function bucketBy(idOf: Int32Array, count: number): Buckets {
  const start = new Int32Array(count + 1);
  for (let k = 0; k < idOf.length; k++) start[idOf[k]! + 1]!++;
  let largest = 0;
  for (let g = 0; g < count; g++) {
    largest = Math.max(largest, start[g + 1]!);
    start[g + 1]! += start[g]!;
  }
  const fill = start.slice(0, count);
  const order = new Int32Array(idOf.length);
  for (let k = 0; k < idOf.length; k++) order[fill[idOf[k]!]!++] = k;
  return { count, start, order, largest };
}

/**
 * Co-purchase neighbours (see the module comment for the formula).
 *
 * Without `only`: the top-K list of every sku, `reverse` empty.
 * With `only` (an incremental build): `lists` holds the top-K lists of those skus, and `reverse` every
 * (z, x) row with x in `only` and z a co-bought sku *not* in `only` (untrimmed; same score and support as
 * (x, z)) so the caller can patch z's stored list. Every row is bit-identical to the same row of a
 * computation without `only`.
 *
 * How: one pass over the groups gives each group's distinct (capped) skus with their decays, and N_i;
 * then each sku's row is accumulated in dense scratch arrays by walking the groups that hold it
 * (Σ_g |g|² steps, no pair table). C_ij sums run over the shared groups in ascending group order from
 * either side, so score(i, j) and score(j, i) are the same float, and so are full and `only` rows.
 */
export function coPurchaseNeighbours(
  purchases: readonly Purchase[],
  kind: NeighbourKind,
  options: SimilarityOptions,
  only?: ReadonlySet<string>,
): { lists: NeighbourRow[]; reverse: NeighbourRow[] } {
  if (!(options.halfLifeDays > 0)) throw new RangeError('halfLifeDays must be positive');
  const { names, skuOf } = internSkus(purchases);
  const skuCount = names.length;
  const groups = internBy(purchases, kind === 'ALSO_BOUGHT' ? (p) => p.buyer : (p) => p.basket);
  const buckets = bucketBy(groups.of, groups.count);

  let wanted: Uint8Array | null = null;
  if (only) {
    wanted = new Uint8Array(skuCount);
    for (let s = 0; s < skuCount; s++) if (only.has(names[s]!)) wanted[s] = 1;
  }

  // Pass 1: each group's distinct skus (latest time, the most recent maxItemsPerBuyer), their decays, N_i.
  const itemStart = new Int32Array(buckets.count + 1);
  const itemSku = new Int32Array(purchases.length);
  const itemDecay = new Float64Array(purchases.length);
  const itemGroup = new Int32Array(purchases.length);
  const itemWeight = new Float64Array(skuCount);
  const markGroup = new Int32Array(skuCount).fill(-1);
  const slotOfSku = new Int32Array(skuCount);
  const groupSkus = new Int32Array(buckets.largest);
  const groupAt = new Float64Array(buckets.largest);
  const maxItems = Math.max(0, options.maxItemsPerBuyer);
  const halfLifeMs = options.halfLifeDays * DAY_MS;
  let items = 0;
  for (let g = 0; g < buckets.count; g++) {
    let length = 0;
    for (let position = buckets.start[g]!; position < buckets.start[g + 1]!; position++) {
      const k = buckets.order[position]!;
      const sku = skuOf[k]!;
      const at = purchases[k]!.at;
      if (markGroup[sku] !== g) {
        markGroup[sku] = g;
        slotOfSku[sku] = length;
        groupSkus[length] = sku;
        groupAt[length] = at;
        length++;
      } else if (at > groupAt[slotOfSku[sku]!]!) {
        groupAt[slotOfSku[sku]!] = at;
      }
    }
    if (length > maxItems) length = keepMostRecent(groupSkus, groupAt, length, maxItems);
    for (let u = 0; u < length; u++) {
      const weight = 0.5 ** (Math.max(0, options.now - groupAt[u]!) / halfLifeMs);
      itemSku[items] = groupSkus[u]!;
      itemDecay[items] = weight;
      itemGroup[items] = g;
      itemWeight[groupSkus[u]!]! += weight;
      items++;
    }
    itemStart[g + 1] = items;
  }
  // The items of each sku, in ascending group order.
  const skuItems = bucketBy(itemSku.subarray(0, items), skuCount);

  // Pass 2: one row per listed sku.
  const shared = new Float64Array(skuCount);
  const support = new Int32Array(skuCount);
  const touched = new Int32Array(skuCount);
  const rowScore = new Float64Array(skuCount);
  const scratch = new Float64Array(skuCount);
  const topK = Math.max(0, options.topK);
  const lists: NeighbourRow[] = [];
  const reverse: NeighbourRow[] = [];
  for (let a = 0; a < skuCount; a++) {
    if (wanted && wanted[a] === 0) continue;
    let touchedCount = 0;
    for (let entry = skuItems.start[a]!; entry < skuItems.start[a + 1]!; entry++) {
      const item = skuItems.order[entry]!;
      const decayA = itemDecay[item]!;
      const group = itemGroup[item]!;
      for (let other = itemStart[group]!; other < itemStart[group + 1]!; other++) {
        const b = itemSku[other]!;
        if (b === a) continue;
        if (support[b] === 0) touched[touchedCount++] = b;
        shared[b]! += Math.min(decayA, itemDecay[other]!);
        support[b]!++;
      }
    }
    let positive = 0;
    for (let t = 0; t < touchedCount; t++) {
      const b = touched[t]!;
      const norm = Math.sqrt(itemWeight[a]! * itemWeight[b]!);
      const score = norm > 0 ? (shared[b]! / norm) * (support[b]! / (support[b]! + options.shrinkage)) : 0;
      rowScore[t] = score;
      if (score > 0) {
        scratch[positive++] = score;
        if (wanted && wanted[b] === 0) {
          reverse.push({ sku: names[b]!, neighbourSku: names[a]!, score, support: support[b]! });
        }
      }
    }
    if (positive > 0 && topK > 0) {
      // Only candidates at or above the K-th best score need the full (score, support, sku) ordering.
      let threshold = Number.MIN_VALUE;
      if (positive > topK) {
        const scores = scratch.subarray(0, positive).sort();
        threshold = scores[positive - topK]!;
      }
      const best: number[] = [];
      for (let t = 0; t < touchedCount; t++) if (rowScore[t]! >= threshold) best.push(t);
      best.sort(
        (t, u) =>
          rowScore[u]! - rowScore[t]! || support[touched[u]!]! - support[touched[t]!]! || touched[t]! - touched[u]!,
      );
      const sku = names[a]!;
      for (let i = 0; i < Math.min(topK, best.length); i++) {
        const b = touched[best[i]!]!;
        lists.push({ sku, neighbourSku: names[b]!, score: rowScore[best[i]!]!, support: support[b]! });
      }
    }
    for (let t = 0; t < touchedCount; t++) {
      shared[touched[t]!] = 0;
      support[touched[t]!] = 0;
    }
  }
  reverse.sort((x, y) => compareStrings(x.sku, y.sku) || compareStrings(x.neighbourSku, y.neighbourSku));
  return { lists, reverse };
}

/** Reorders the group's items so the `keep` most recent (ties: sku ascending) come first; returns `keep`. */
function keepMostRecent(skus: Int32Array, at: Float64Array, length: number, keep: number): number {
  const order = Array.from({ length }, (_, i) => i).sort((i, j) => at[j]! - at[i]! || skus[i]! - skus[j]!);
  const keptSkus = order.slice(0, keep).map((i) => skus[i]!);
  const keptAt = order.slice(0, keep).map((i) => at[i]!);
  for (let i = 0; i < keep; i++) {
    skus[i] = keptSkus[i]!;
    at[i] = keptAt[i]!;
  }
  return keep;
}

/** Popularity and trending per sku, scope 'ALL' and one scope per channel present (see the module comment). */
export function popularityRows(purchases: readonly Purchase[], now: number): PopularityRow[] {
  const { names, skuOf } = internSkus(purchases);
  const skuCount = names.length;
  const channels = [...new Set(purchases.map((p) => p.channel))].sort(compareStrings);
  const scopes = ['ALL', ...channels];
  const scopeCount = scopes.length;
  const channelScope = new Map(channels.map((channel, i) => [channel, i + 1]));

  const buyers = internBy(purchases, (p) => p.buyer);
  const buyerOf = buyers.of;
  const buckets = bucketBy(skuOf, skuCount);

  const recentFrom = now - TRENDING_RECENT_DAYS * DAY_MS;
  const previousFrom = recentFrom - TRENDING_PREVIOUS_DAYS * DAY_MS;
  const halfLifeMs = POPULARITY_HALF_LIFE_DAYS * DAY_MS;
  const cells = buyers.count * scopeCount;
  // Per (buyer, scope) cell, for the sku being summed: stamped with the sku index + 1 when touched.
  const stamp = new Int32Array(cells);
  const latest = new Float64Array(cells);
  const previous = new Uint8Array(cells);
  const touched = new Int32Array(buckets.largest * 2);

  // Skus ascending within each scope: buckets are numbered by sku index, which is sku order.
  const rowsByScope: PopularityRow[][] = scopes.map(() => []);
  for (let sku = 0; sku < skuCount; sku++) {
    let touchedCount = 0;
    for (let position = buckets.start[sku]!; position < buckets.start[sku + 1]!; position++) {
      const k = buckets.order[position]!;
      const purchase = purchases[k]!;
      const inPrevious = purchase.at >= previousFrom && purchase.at < recentFrom ? 1 : 0;
      const base = buyerOf[k]! * scopeCount;
      const channelCell = base + channelScope.get(purchase.channel)!;
      for (let cell = base; cell <= channelCell; cell += channelCell - base) {
        if (stamp[cell] !== sku + 1) {
          stamp[cell] = sku + 1;
          latest[cell] = purchase.at;
          previous[cell] = inPrevious;
          touched[touchedCount++] = cell;
        } else {
          if (purchase.at > latest[cell]!) latest[cell] = purchase.at;
          previous[cell]! |= inPrevious;
        }
      }
    }
    const popularity = new Float64Array(scopeCount);
    const buyerCount = new Int32Array(scopeCount);
    const recent = new Int32Array(scopeCount);
    const before = new Int32Array(scopeCount);
    for (let t = 0; t < touchedCount; t++) {
      const cell = touched[t]!;
      const scope = cell % scopeCount;
      popularity[scope]! += 0.5 ** (Math.max(0, now - latest[cell]!) / halfLifeMs);
      buyerCount[scope]!++;
      if (latest[cell]! >= recentFrom) recent[scope]!++;
      before[scope]! += previous[cell]!;
    }
    for (let scope = 0; scope < scopeCount; scope++) {
      if (buyerCount[scope] === 0) continue;
      rowsByScope[scope]!.push({
        scope: scopes[scope]!,
        sku: names[sku]!,
        popularity: popularity[scope]!,
        trending: trendingScore(recent[scope]!, before[scope]!),
        buyers: buyerCount[scope]!,
      });
    }
  }
  return rowsByScope.flat();
}

/**
 * (r + 1) / (p · 14/56 + 1) × ln(1 + r): growth of recent buyers over the previous weekly-equivalent
 * rate, damped by ln(1 + r) so that one buyer of a never-sold product does not top the chart.
 */
export function trendingScore(recentBuyers: number, previousBuyers: number): number {
  if (recentBuyers <= 0) return 0;
  return (
    ((recentBuyers + 1) / ((previousBuyers * TRENDING_RECENT_DAYS) / TRENDING_PREVIOUS_DAYS + 1)) *
    Math.log(1 + recentBuyers)
  );
}

/**
 * Each buyer's history: distinct skus with their latest purchase time and the number of orders that
 * bought them, most recent first (ties: sku ascending), at most 50 per buyer.
 */
export function historyOf(purchases: readonly Purchase[]): Map<string, HistoryItem[]> {
  const items = new Map<string, Map<string, HistoryItem>>();
  const counted = new Set<string>();
  for (const purchase of purchases) {
    let byBuyer = items.get(purchase.buyer);
    if (!byBuyer) {
      byBuyer = new Map();
      items.set(purchase.buyer, byBuyer);
    }
    let item = byBuyer.get(purchase.sku);
    if (!item) {
      item = { sku: purchase.sku, lastAt: purchase.at, count: 0 };
      byBuyer.set(purchase.sku, item);
    } else if (purchase.at > item.lastAt) {
      item.lastAt = purchase.at;
    }
    // Two lines of the same sku in one order are one purchase of it.
    const key = `${purchase.buyer}\u0000${purchase.sku}\u0000${purchase.basket}`;
    if (!counted.has(key)) {
      counted.add(key);
      item.count++;
    }
  }
  const history = new Map<string, HistoryItem[]>();
  for (const [buyer, byBuyer] of items) {
    history.set(buyer, mostRecent([...byBuyer.values()]));
  }
  return history;
}

function mostRecent(history: readonly HistoryItem[]): HistoryItem[] {
  return [...history].sort((a, b) => b.lastAt - a.lastAt || compareStrings(a.sku, b.sku)).slice(0, HISTORY_MAX_ITEMS);
}

/** Accumulates Σ contributions per candidate and remembers which input skus contributed how much. */
class CandidateScores {
  private readonly scores = new Map<string, { score: number; contributions: Map<string, number> }>();

  add(candidate: string, from: string, value: number): void {
    if (!(value > 0)) return;
    let entry = this.scores.get(candidate);
    if (!entry) {
      entry = { score: 0, contributions: new Map() };
      this.scores.set(candidate, entry);
    }
    entry.score += value;
    entry.contributions.set(from, (entry.contributions.get(from) ?? 0) + value);
  }

  ranked(): ScoredCandidate[] {
    const out: ScoredCandidate[] = [];
    for (const [sku, { score, contributions }] of this.scores) {
      const because = [...contributions]
        .sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))
        .slice(0, BECAUSE_MAX)
        .map(([from]) => from);
      out.push({ sku, score, because });
    }
    return out.sort((a, b) => b.score - a.score || compareStrings(a.sku, b.sku));
  }
}

/**
 * Personal scores from a shopper's history through the ALSO_BOUGHT lists, best first (ties: sku
 * ascending). Only the 50 most recent history skus count. Candidates in `exclude` are dropped (the
 * caller puts there the history skus that are not repeat-purchase kinds).
 */
export function personalScores(
  history: readonly HistoryItem[],
  lists: NeighbourLists,
  options: { now: number; exclude: ReadonlySet<string>; historyHalfLifeDays?: number },
): ScoredCandidate[] {
  const halfLife = options.historyHalfLifeDays ?? HISTORY_HALF_LIFE_DAYS;
  const scores = new CandidateScores();
  for (const item of mostRecent(history)) {
    const weight = decayWeight(item.lastAt, options.now, halfLife) * (1 + Math.log(Math.max(1, item.count)));
    for (const neighbour of lists.get(item.sku) ?? []) {
      if (neighbour.sku === item.sku || options.exclude.has(neighbour.sku)) continue;
      scores.add(neighbour.sku, item.sku, weight * neighbour.score);
    }
  }
  return scores.ranked();
}

/**
 * "Frequently bought together" for a basket, best first (ties: sku ascending): the BOUGHT_TOGETHER
 * similarities plus half the ALSO_BOUGHT ones, summed over the basket; basket skus never come back.
 */
export function basketScores(
  basket: readonly string[],
  together: NeighbourLists,
  alsoBought: NeighbourLists,
): ScoredCandidate[] {
  const inBasket = new Set(basket);
  const scores = new CandidateScores();
  for (const sku of inBasket) {
    for (const neighbour of together.get(sku) ?? []) {
      if (!inBasket.has(neighbour.sku)) scores.add(neighbour.sku, sku, neighbour.score);
    }
    for (const neighbour of alsoBought.get(sku) ?? []) {
      if (!inBasket.has(neighbour.sku)) scores.add(neighbour.sku, sku, BASKET_ALSO_BOUGHT_WEIGHT * neighbour.score);
    }
  }
  return scores.ranked();
}
