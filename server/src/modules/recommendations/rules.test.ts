import { describe, expect, test } from 'vitest';
import {
  applyRules,
  DEFAULT_RULE_SETTINGS,
  isEligible,
  isRepeatPurchase,
  type Ranked,
  type RuleProduct,
  type RuleSettings,
  scoreFactor,
} from './rules.ts';

type Source = 'ALSO_BOUGHT' | 'PINNED';

function product(sku: string, options: Partial<RuleProduct> = {}): RuleProduct {
  return { sku, categoryPath: ['Home', 'Kitchen'], tags: [], active: true, inStock: true, ...options };
}

function ranked(sku: string, score: number, options: Partial<RuleProduct> = {}): Ranked<RuleProduct, Source> {
  return { product: product(sku, options), score, source: 'ALSO_BOUGHT' };
}

function pin(sku: string, options: Partial<RuleProduct> = {}): Ranked<RuleProduct, Source> {
  return { product: product(sku, options), score: 0, source: 'PINNED' };
}

function settings(overrides: Partial<RuleSettings> = {}): RuleSettings {
  // No diversity limit unless a case asks for one, so each case tests one rule.
  return { ...DEFAULT_RULE_SETTINGS, maxPerCategory: 0, ...overrides };
}

function apply(
  items: Ranked<RuleProduct, Source>[],
  options: { settings?: RuleSettings; first?: number; exclude?: string[]; pinned?: Ranked<RuleProduct, Source>[] } = {},
) {
  return applyRules(items, {
    settings: options.settings ?? settings(),
    first: options.first ?? 10,
    exclude: new Set(options.exclude ?? []),
    pinned: options.pinned ?? [],
  });
}

const skus = (items: Ranked<RuleProduct, Source>[]) => items.map((item) => item.product.sku);

describe('defaults', () => {
  test('no exclusions, no tags, no pins, three per category', () => {
    expect(DEFAULT_RULE_SETTINGS).toEqual({
      excludeCategories: [],
      boostTags: [],
      buryTags: [],
      pinnedSkus: [],
      maxPerCategory: 3,
      repeatPurchaseTags: [],
      repeatPurchaseCategories: [],
    });
  });
});

describe('isEligible', () => {
  const excluding = settings({ excludeCategories: ['Outlet', 'Knives'] });
  test.each([
    { name: 'active and in stock', product: product('A'), expected: true },
    { name: 'inactive', product: product('A', { active: false }), expected: false },
    { name: 'out of stock', product: product('A', { inStock: false }), expected: false },
    { name: 'excluded top category', product: product('A', { categoryPath: ['Outlet', 'Kitchen'] }), expected: false },
    { name: 'excluded leaf category', product: product('A', { categoryPath: ['Kitchen', 'Knives'] }), expected: false },
    {
      name: 'excluded name is not a prefix match',
      product: product('A', { categoryPath: ['Outlets'] }),
      expected: true,
    },
    { name: 'no category', product: product('A', { categoryPath: [] }), expected: true },
  ])('$name → $expected', ({ product, expected }) => {
    expect(isEligible(product, excluding)).toBe(expected);
  });
});

describe('isRepeatPurchase', () => {
  const repeat = settings({ repeatPurchaseTags: ['consumable'], repeatPurchaseCategories: ['Coffee'] });
  test.each([
    { name: 'repeat tag', tags: ['new', 'consumable'], categoryPath: ['Home'], expected: true },
    { name: 'repeat top category', tags: [], categoryPath: ['Coffee', 'Beans'], expected: true },
    { name: 'repeat leaf category', tags: [], categoryPath: ['Kitchen', 'Coffee'], expected: true },
    { name: 'neither', tags: ['durable'], categoryPath: ['Kitchen', 'Kettles'], expected: false },
    { name: 'nothing at all', tags: [], categoryPath: [], expected: false },
  ])('$name → $expected', ({ tags, categoryPath, expected }) => {
    expect(isRepeatPurchase({ tags, categoryPath }, repeat)).toBe(expected);
  });

  test('default settings: nothing is a repeat purchase', () => {
    expect(isRepeatPurchase(product('A', { tags: ['consumable'] }), DEFAULT_RULE_SETTINGS)).toBe(false);
  });
});

describe('scoreFactor', () => {
  const tagged = settings({ boostTags: ['eco'], buryTags: ['clearance'] });
  test.each([
    { tags: [], expected: 1 },
    { tags: ['eco'], expected: 2 },
    { tags: ['clearance'], expected: 0.25 },
    { tags: ['eco', 'clearance'], expected: 0.25 },
    { tags: ['other'], expected: 1 },
  ])('tags $tags → × $expected', ({ tags, expected }) => {
    expect(scoreFactor({ tags }, tagged)).toBe(expected);
  });
});

describe('applyRules', () => {
  test('sorts by score, best first, ties by sku', () => {
    const result = apply([ranked('C', 0.5), ranked('A', 0.9), ranked('D', 0.5), ranked('B', 0.7)]);
    expect(skus(result)).toEqual(['A', 'B', 'C', 'D']);
    expect(result.map((item) => item.score)).toEqual([0.9, 0.7, 0.5, 0.5]);
  });

  test('drops inactive, out-of-stock and excluded-category products and excluded skus', () => {
    const result = apply(
      [
        ranked('INACTIVE', 0.9, { active: false }),
        ranked('GONE', 0.8, { inStock: false }),
        ranked('OUTLET', 0.7, { categoryPath: ['Outlet', 'Kitchen'] }),
        ranked('IN-CART', 0.6),
        ranked('KEEP', 0.1),
      ],
      { settings: settings({ excludeCategories: ['Outlet'] }), exclude: ['IN-CART'] },
    );
    expect(skus(result)).toEqual(['KEEP']);
  });

  test('boost × 2 and bury × 0.25 reorder the list and the scores carry the factor', () => {
    const result = apply(
      [
        ranked('PLAIN', 0.5),
        ranked('BOOSTED', 0.3, { tags: ['eco'] }),
        ranked('BURIED', 0.9, { tags: ['clearance'] }),
        ranked('BOTH', 0.8, { tags: ['eco', 'clearance'] }),
      ],
      { settings: settings({ boostTags: ['eco'], buryTags: ['clearance'] }) },
    );
    expect(result.map((item) => [item.product.sku, item.score])).toEqual([
      ['BOOSTED', 0.6],
      ['PLAIN', 0.5],
      ['BURIED', 0.225],
      ['BOTH', 0.2],
    ]);
  });

  test('the input is not modified', () => {
    const input = [ranked('BOOSTED', 0.3, { tags: ['eco'] }), ranked('A', 0.5)];
    apply(input, { settings: settings({ boostTags: ['eco'] }) });
    expect(input.map((item) => item.score)).toEqual([0.3, 0.5]);
  });

  test('pinned products come first in settings order; ineligible or excluded pins are skipped', () => {
    const result = apply([ranked('A', 0.9), ranked('P2', 0.8), ranked('B', 0.7)], {
      settings: settings({ pinnedSkus: ['P2', 'GONE', 'P1', 'IN-CART'] }),
      // Given in another order than the settings: the settings order wins.
      pinned: [pin('P1'), pin('GONE', { inStock: false }), pin('IN-CART'), pin('P2')],
      exclude: ['IN-CART'],
    });
    expect(skus(result)).toEqual(['P2', 'P1', 'A', 'B']);
    expect(result.map((item) => item.source)).toEqual(['PINNED', 'PINNED', 'ALSO_BOUGHT', 'ALSO_BOUGHT']);
  });

  test('a pinned product in an excluded category is not shown', () => {
    const result = apply([ranked('A', 0.9)], {
      settings: settings({ pinnedSkus: ['P'], excludeCategories: ['Kitchen'] }),
      pinned: [pin('P', { categoryPath: ['Garden'] }), pin('Q')],
    });
    expect(skus(result)).toEqual(['P']);
  });

  test('diversity: at most maxPerCategory per leaf category; no category is not limited', () => {
    const kettles = ['Kitchen', 'Kettles'];
    const mugs = ['Kitchen', 'Mugs'];
    const result = apply(
      [
        ranked('K1', 0.9, { categoryPath: kettles }),
        ranked('K2', 0.8, { categoryPath: kettles }),
        ranked('K3', 0.7, { categoryPath: kettles }),
        ranked('M1', 0.6, { categoryPath: mugs }),
        ranked('N1', 0.5, { categoryPath: [] }),
        ranked('N2', 0.4, { categoryPath: [] }),
        ranked('N3', 0.3, { categoryPath: [] }),
        ranked('M2', 0.2, { categoryPath: mugs }),
        ranked('M3', 0.1, { categoryPath: mugs }),
      ],
      { settings: settings({ maxPerCategory: 2 }) },
    );
    // Kitchen is the top category of both: only the leaf counts.
    expect(skus(result)).toEqual(['K1', 'K2', 'M1', 'N1', 'N2', 'N3', 'M2']);
  });

  test('diversity: 0 means no limit; the default is 3', () => {
    const items = ['A', 'B', 'C', 'D'].map((sku, i) => ranked(sku, 1 - i / 10));
    expect(skus(apply(items, { settings: settings({ maxPerCategory: 0 }) }))).toEqual(['A', 'B', 'C', 'D']);
    expect(skus(apply(items, { settings: DEFAULT_RULE_SETTINGS }))).toEqual(['A', 'B', 'C']);
  });

  test('diversity: pinned products count towards the limit but are never dropped', () => {
    const result = apply([ranked('A', 0.9), ranked('B', 0.8), ranked('X', 0.7, { categoryPath: ['Garden'] })], {
      settings: settings({ maxPerCategory: 1, pinnedSkus: ['P1', 'P2'] }),
      pinned: [pin('P1'), pin('P2')],
    });
    // P1 and P2 both Kitchen: both stay (pinned), and they use up Kitchen's single slot.
    expect(skus(result)).toEqual(['P1', 'P2', 'X']);
  });

  test('diversity is applied after boost and bury (the boosted product takes the slot)', () => {
    const result = apply([ranked('A', 0.9), ranked('B', 0.5, { tags: ['eco'] })], {
      settings: settings({ maxPerCategory: 1, boostTags: ['eco'] }),
    });
    expect(skus(result)).toEqual(['B']);
  });

  test('cut to first, pins included', () => {
    const items = ['A', 'B', 'C', 'D'].map((sku, i) => ranked(sku, 1 - i / 10));
    expect(skus(apply(items, { first: 2 }))).toEqual(['A', 'B']);
    const pinnedFirst = apply(items, {
      first: 2,
      settings: settings({ pinnedSkus: ['P1', 'P2', 'P3'] }),
      pinned: [pin('P1'), pin('P2'), pin('P3')],
    });
    expect(skus(pinnedFirst)).toEqual(['P1', 'P2']);
    expect(apply(items, { first: 0 })).toEqual([]);
  });

  test('each sku appears once: a pinned sku is not repeated, a duplicate keeps its best entry', () => {
    const result = apply([ranked('A', 0.2), ranked('P', 0.9), ranked('A', 0.6), ranked('B', 0.4)], {
      settings: settings({ pinnedSkus: ['P'] }),
      pinned: [pin('P')],
    });
    expect(result.map((item) => [item.product.sku, item.score])).toEqual([
      ['P', 0],
      ['A', 0.6],
      ['B', 0.4],
    ]);
  });

  test('pinned items keep their score and order; a ruled list passed back as pinned stays as it is', () => {
    const rules = settings({ boostTags: ['eco'], pinnedSkus: ['P'], maxPerCategory: 2 });
    const first = applyRules([ranked('A', 0.9), ranked('E', 0.4, { tags: ['eco'] }), ranked('B', 0.1)], {
      settings: rules,
      first: 3,
      exclude: new Set(),
      pinned: [{ ...pin('P', { tags: ['eco'] }), score: 0.5 }],
    });
    expect(first.map((item) => [item.product.sku, item.score])).toEqual([
      ['P', 0.5],
      ['A', 0.9],
    ]);
    // Fill from another source with what is chosen so far as pinned: no double boost, no reordering,
    // the chosen items still count towards the category limit.
    const filled = applyRules([ranked('F', 0.3, { categoryPath: ['Garden'] }), ranked('K', 0.8)], {
      settings: rules,
      first: 4,
      exclude: new Set(),
      pinned: first,
    });
    expect(filled.map((item) => [item.product.sku, item.score])).toEqual([
      ['P', 0.5],
      ['A', 0.9],
      ['F', 0.3],
    ]);
  });

  test('all rules together', () => {
    const result = apply(
      [
        ranked('K1', 0.9, { categoryPath: ['Kitchen', 'Kettles'], tags: ['clearance'] }),
        ranked('K2', 0.6, { categoryPath: ['Kitchen', 'Kettles'] }),
        ranked('K3', 0.5, { categoryPath: ['Kitchen', 'Kettles'] }),
        ranked('M1', 0.3, { categoryPath: ['Kitchen', 'Mugs'], tags: ['eco'] }),
        ranked('O1', 0.95, { categoryPath: ['Outlet', 'Mugs'] }),
        ranked('S1', 0.85, { categoryPath: ['Kitchen', 'Mugs'], inStock: false }),
        ranked('CTX', 0.99, { categoryPath: ['Kitchen', 'Kettles'] }),
      ],
      {
        settings: settings({
          excludeCategories: ['Outlet'],
          boostTags: ['eco'],
          buryTags: ['clearance'],
          pinnedSkus: ['PK'],
          maxPerCategory: 2,
        }),
        pinned: [pin('PK', { categoryPath: ['Kitchen', 'Kettles'] })],
        exclude: ['CTX'],
        first: 4,
      },
    );
    // PK pinned (takes one Kettles slot); M1 boosted to 0.6 ties K2 (sku order); K1 buried to 0.225 and
    // Kettles is full after K2; O1 excluded category, S1 out of stock, CTX excluded.
    expect(result.map((item) => [item.product.sku, item.score])).toEqual([
      ['PK', 0],
      ['K2', 0.6],
      ['M1', 0.6],
    ]);
  });
});
