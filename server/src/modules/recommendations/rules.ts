/**
 * A store's merchandising rules over scored candidates, pure. Serving scores candidates with the models
 * (model.ts), then `applyRules`:
 *
 * 1. drops products that are inactive, out of stock, in an excluded category (any level of the path) or
 *    in `exclude` (the context product, the cart, bought non-repeat products);
 * 2. multiplies the score by 2 for a boost tag, by 0.25 for a bury tag — bury wins when a product has both,
 *    so a merchant who buries a tag can rely on it whatever else is boosted;
 * 3. sorts by score, best first (ties: sku ascending, code-unit order);
 * 4. puts the `pinned` items first, those in `settings.pinnedSkus` in that order, the others in the given
 *    order after them, when they pass step 1. Their scores are kept as given (their place does not depend
 *    on it), so a caller may pass an already ruled list back in as `pinned` to fill it up further;
 * 5. keeps at most `maxPerCategory` products per category — the leaf, the last element of the path; products
 *    without a category are not limited, 0 means no limit; pinned products count towards the limit but are
 *    never dropped (the merchant asked for them);
 * 6. cuts the list to `first`.
 *
 * Each sku appears once: a pinned sku is not repeated further down, and duplicates keep their best entry.
 */

export interface RuleSettings {
  excludeCategories: readonly string[];
  boostTags: readonly string[];
  buryTags: readonly string[];
  pinnedSkus: readonly string[];
  maxPerCategory: number;
  repeatPurchaseTags: readonly string[];
  repeatPurchaseCategories: readonly string[];
}

export const DEFAULT_RULE_SETTINGS: RuleSettings = Object.freeze({
  excludeCategories: [],
  boostTags: [],
  buryTags: [],
  pinnedSkus: [],
  maxPerCategory: 3,
  repeatPurchaseTags: [],
  repeatPurchaseCategories: [],
});

export interface RuleProduct {
  sku: string;
  categoryPath: readonly string[];
  tags: readonly string[];
  active: boolean;
  inStock: boolean;
}

export interface Ranked<P extends RuleProduct, S extends string = string> {
  product: P;
  score: number;
  source: S;
  because?: string[];
}

export const BOOST_FACTOR = 2;
export const BURY_FACTOR = 0.25;

/** Can be recommended at all: active, in stock, no excluded category anywhere in its path. */
export function isEligible(product: RuleProduct, settings: RuleSettings): boolean {
  return (
    product.active &&
    product.inStock &&
    !product.categoryPath.some((category) => settings.excludeCategories.includes(category))
  );
}

/** Bought again and again (a repeat tag, or a repeat category anywhere in its path): recommendable after a purchase. */
export function isRepeatPurchase(product: Pick<RuleProduct, 'categoryPath' | 'tags'>, settings: RuleSettings): boolean {
  return (
    product.tags.some((tag) => settings.repeatPurchaseTags.includes(tag)) ||
    product.categoryPath.some((category) => settings.repeatPurchaseCategories.includes(category))
  );
}

/** The boost/bury multiplier of a product: 0.25 with a bury tag, else 2 with a boost tag, else 1. */
export function scoreFactor(product: Pick<RuleProduct, 'tags'>, settings: RuleSettings): number {
  if (product.tags.some((tag) => settings.buryTags.includes(tag))) return BURY_FACTOR;
  if (product.tags.some((tag) => settings.boostTags.includes(tag))) return BOOST_FACTOR;
  return 1;
}

function leafCategory(product: RuleProduct): string | undefined {
  return product.categoryPath[product.categoryPath.length - 1];
}

function compareSkus(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Applies the store's rules (see the module comment) and returns at most `first` items with adjusted scores. */
export function applyRules<P extends RuleProduct, S extends string>(
  ranked: readonly Ranked<P, S>[],
  options: { settings: RuleSettings; first: number; exclude: ReadonlySet<string>; pinned: readonly Ranked<P, S>[] },
): Ranked<P, S>[] {
  const { settings, exclude } = options;
  const first = Math.max(0, Math.floor(options.first));
  if (first === 0) return [];
  const keep = (item: Ranked<P, S>) => !exclude.has(item.product.sku) && isEligible(item.product, settings);
  const adjust = (item: Ranked<P, S>): Ranked<P, S> => ({
    ...item,
    score: item.score * scoreFactor(item.product, settings),
  });

  const pinOrder = new Map(settings.pinnedSkus.map((sku, index) => [sku, index] as const));
  const pinnedIndex = (item: Ranked<P, S>) => pinOrder.get(item.product.sku) ?? Number.POSITIVE_INFINITY;
  const pinned = options.pinned
    .map((item, given) => ({ item, given }))
    .filter(({ item }) => keep(item))
    .sort((a, b) => pinnedIndex(a.item) - pinnedIndex(b.item) || a.given - b.given)
    .map(({ item }) => item);

  const scored = ranked
    .filter(keep)
    .map(adjust)
    .sort((a, b) => b.score - a.score || compareSkus(a.product.sku, b.product.sku));

  const limit = settings.maxPerCategory > 0 ? settings.maxPerCategory : Number.POSITIVE_INFINITY;
  const perCategory = new Map<string, number>();
  const seen = new Set<string>();
  const out: Ranked<P, S>[] = [];
  for (const item of pinned) {
    if (out.length >= first) break;
    if (seen.has(item.product.sku)) continue;
    seen.add(item.product.sku);
    const category = leafCategory(item.product);
    if (category !== undefined) perCategory.set(category, (perCategory.get(category) ?? 0) + 1);
    out.push(item);
  }
  for (const item of scored) {
    if (out.length >= first) break;
    if (seen.has(item.product.sku)) continue;
    const category = leafCategory(item.product);
    if (category !== undefined) {
      const count = perCategory.get(category) ?? 0;
      if (count >= limit) continue;
      perCategory.set(category, count + 1);
    }
    seen.add(item.product.sku);
    out.push(item);
  }
  return out;
}
