import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type OrderInput, recordOrders } from '../../src/modules/orders/orders.service.ts';
import { type ProductInput, upsertProducts } from '../../src/modules/products/products.service.ts';
import { rebuildRecommendations } from '../../src/modules/recommendations/build.service.ts';
import { parseListId } from '../../src/modules/recommendations/list-id.ts';
import {
  basketRecommendations,
  customerRecommendations,
  productRecommendations,
} from '../../src/modules/recommendations/serving.service.ts';
import {
  type RecommendationSettingsInput,
  updateRecommendationSettings,
} from '../../src/modules/recommendations/settings.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * Serving through the public API on a small hand-made store whose models are built by the real
 * rebuild. Purchases (all within the last 10 days, so decay barely matters):
 *
 *   c1: [MUG-1, COFFEE-1] then [KETTLE-1]     c2: [MUG-1, COFFEE-1, KETTLE-1]
 *   c3: [MUG-1, COFFEE-1]                     c4: [MUG-1, COFFEE-1, GIFT]
 *   c5: [MUG-2, COFFEE-2] then [MUG-1]        c6: [SPADE, RAKE]      c7: [SPADE, RAKE, MUG-2]
 *   c8: [MUG-1, MUG-3]                        guest: [MUG-2, MUG-3]
 *   c9: [MUG-1, SPADE], SPADE returned in full
 *
 * so MUG-1's strongest neighbour is COFFEE-1 (4 buyers, 4 orders), then KETTLE-1 (2 buyers, 1 order).
 * MUG-4 and LAMP were never bought. Every product is 60 days old unless a test makes a new one.
 */

const DAY = 86_400_000;
let app: TestApp;
let shop: CreatedStore;
let other: CreatedStore;

const PRODUCTS: ProductInput[] = [
  { sku: 'MUG-1', name: 'Mug one', price: 1_200, currency: 'EUR', categoryPath: ['Kitchen', 'Mugs'] },
  { sku: 'MUG-2', name: 'Mug two', price: 1_300, currency: 'EUR', categoryPath: ['Kitchen', 'Mugs'] },
  { sku: 'MUG-3', name: 'Mug three', price: 1_400, currency: 'EUR', categoryPath: ['Kitchen', 'Mugs'], tags: ['sale'] },
  { sku: 'MUG-4', name: 'Mug four', price: 1_500, currency: 'EUR', categoryPath: ['Kitchen', 'Mugs'] },
  {
    sku: 'COFFEE-1',
    name: 'Coffee beans',
    price: 900,
    currency: 'EUR',
    categoryPath: ['Kitchen', 'Coffee'],
    tags: ['consumable'],
  },
  { sku: 'COFFEE-2', name: 'Ground coffee', price: 800, currency: 'EUR', categoryPath: ['Kitchen', 'Coffee'] },
  { sku: 'KETTLE-1', name: 'Kettle', price: 4_000, currency: 'EUR', categoryPath: ['Kitchen', 'Kettles'] },
  { sku: 'GIFT', name: 'Gift card', price: 2_500, currency: 'EUR', categoryPath: ['Gift cards'] },
  { sku: 'SPADE', name: 'Spade', price: 3_000, currency: 'EUR', categoryPath: ['Garden', 'Tools'] },
  { sku: 'RAKE', name: 'Rake', price: 2_000, currency: 'EUR', categoryPath: ['Garden', 'Tools'] },
  { sku: 'LAMP', name: 'Lamp', price: 5_000, currency: 'EUR', categoryPath: [] },
];
const PRICE = new Map(PRODUCTS.map((product) => [product.sku, product.price ?? 0]));

let orderNumber = 0;
function order(customer: string | null, skus: string[], daysAgo: number, extra: Partial<OrderInput> = {}): OrderInput {
  return {
    externalId: `O-${++orderNumber}`,
    channel: 'ONLINE',
    placedAt: new Date(Date.now() - daysAgo * DAY - orderNumber * 60_000),
    ...(customer ? { customer: { identities: [{ source: 'web', externalId: customer }] } } : {}),
    lines: [
      ...skus.map((sku) => ({ sku, name: sku, quantity: 1, unitPrice: PRICE.get(sku) ?? 100 })),
      { name: 'Shipping', quantity: 1, unitPrice: 495, kind: 'SHIPPING' as const },
    ],
    ...extra,
  };
}

async function seed(store: CreatedStore, products: ProductInput[]) {
  const prisma = app.db.prisma;
  await upsertProducts(prisma, store.id, products);
  await prisma.product.updateMany({
    where: { storeId: store.id },
    data: { createdAt: new Date(Date.now() - 60 * DAY) },
  });
  orderNumber = 0;
  const c9 = order('c9', ['MUG-1', 'SPADE'], 9);
  await recordOrders(prisma, store.id, [
    order('c1', ['MUG-1', 'COFFEE-1'], 10),
    order('c1', ['KETTLE-1'], 8),
    order('c2', ['MUG-1', 'COFFEE-1', 'KETTLE-1'], 7),
    order('c3', ['MUG-1', 'COFFEE-1'], 6),
    order('c4', ['MUG-1', 'COFFEE-1', 'GIFT'], 5),
    order('c5', ['MUG-2', 'COFFEE-2'], 9),
    order('c5', ['MUG-1'], 3),
    order('c6', ['SPADE', 'RAKE'], 6),
    order('c7', ['SPADE', 'RAKE', 'MUG-2'], 4),
    order('c8', ['MUG-1', 'MUG-3'], 2),
    order(null, ['MUG-2', 'MUG-3'], 2),
    c9,
    {
      externalId: 'R-c9',
      channel: 'ONLINE',
      placedAt: new Date(Date.now() - 8 * DAY),
      customer: { identities: [{ source: 'web', externalId: 'c9' }] },
      returnOfExternalId: c9.externalId,
      lines: [{ sku: 'SPADE', name: 'SPADE', quantity: -1, unitPrice: 3_000 }],
    },
  ]);
  await app.events.drain();
  await rebuildRecommendations(prisma, store.id, { full: true });
}

beforeAll(async () => {
  app = await createTestApp();
  shop = await app.createStore('Serving store');
  other = await app.createStore('Other serving store');
  await seed(shop, PRODUCTS);
  // The same skus in another store, named differently, bought the other way round.
  await seed(
    other,
    PRODUCTS.map((product) => ({ ...product, name: `Other ${product.name}` })),
  );
}, 60_000);
afterAll(() => app.close());

const LIST = `id strategy items { position score source because product { id sku name inStock categoryPath } }`;
const PRODUCT_RECS = `query($sku: String!, $first: Int, $kind: RecommendationKind, $context: RecommendationContext) {
  product(sku: $sku) { sku recommendations(first: $first, kind: $kind, context: $context) { ${LIST} } }
}`;
const CART_RECS = `query($skus: [String!]!, $first: Int, $context: RecommendationContext) {
  recommendations(skus: $skus, first: $first, context: $context) { ${LIST} }
}`;
const ME_RECS = `query($first: Int) { me { recommendations(first: $first) { ${LIST} } } }`;

interface Item {
  position: number;
  score: number;
  source: string;
  because: string[];
  product: { id: string; sku: string; name: string; inStock: boolean; categoryPath: string[] };
}
interface List {
  id: string;
  strategy: string;
  items: Item[];
}

async function productList(sku: string, variables: Record<string, unknown> = {}, store = shop): Promise<List> {
  const response = await app.gql(PRODUCT_RECS, { sku, ...variables }, { key: store.publishableKey });
  expect(response.errors).toBeUndefined();
  return response.data?.product.recommendations;
}
async function cartList(skus: string[], variables: Record<string, unknown> = {}, token?: string): Promise<List> {
  const response = await app.gql(CART_RECS, { skus, ...variables }, { key: shop.publishableKey, customerToken: token });
  expect(response.errors).toBeUndefined();
  return response.data?.recommendations;
}
async function meList(customer: string, store = shop, first = 8): Promise<List> {
  const token = await app.customerToken(store.secretKey, customer);
  const response = await app.gql(ME_RECS, { first }, { key: store.publishableKey, customerToken: token });
  expect(response.errors).toBeUndefined();
  return response.data?.me.recommendations;
}
const skus = (list: List) => list.items.map((item) => item.product.sku);

async function settings(input: RecommendationSettingsInput) {
  await updateRecommendationSettings(app.db.prisma, shop.id, input);
}
const DEFAULT_SETTINGS: RecommendationSettingsInput = {
  excludeCategories: [],
  boostTags: [],
  buryTags: [],
  pinnedSkus: [],
  maxPerCategory: 3,
  repeatPurchaseTags: [],
  repeatPurchaseCategories: [],
};
beforeEach(() => settings(DEFAULT_SETTINGS));

/** The stored ALSO_BOUGHT / BOUGHT_TOGETHER list of a sku, best first. */
async function neighbours(sku: string, kind: 'ALSO_BOUGHT' | 'BOUGHT_TOGETHER' = 'ALSO_BOUGHT') {
  const rows = await app.db.prisma.productNeighbour.findMany({
    where: { storeId: shop.id, kind, sku },
    orderBy: [{ score: 'desc' }, { support: 'desc' }, { neighbourSku: 'asc' }],
  });
  return rows.map((row) => ({ sku: row.neighbourSku, score: row.score }));
}

async function setProduct(sku: string, data: { inStock?: boolean; active?: boolean; tags?: string[] }) {
  await app.db.prisma.product.update({ where: { storeId_sku: { storeId: shop.id, sku } }, data });
}

describe('product page', () => {
  test('lists the co-purchased products best first, with the list id, positions and sources', async () => {
    const list = await productList('MUG-1', { first: 4 });
    expect(list.strategy).toBe('ALSO_BOUGHT');
    expect(parseListId(list.id)).toMatchObject({ strategy: 'ALSO_BOUGHT' });
    expect(list.id).toMatch(/^rec_also_bought_[0-9a-f]{32}$/);
    const stored = await neighbours('MUG-1');
    // The model's order, untouched by any rule (defaults: at most 3 per category, nothing else).
    expect(stored.slice(0, 2).map((row) => row.sku)).toEqual(['COFFEE-1', 'KETTLE-1']);
    expect(skus(list)).toEqual(stored.slice(0, 4).map((row) => row.sku));
    expect(list.items.map((item) => item.position)).toEqual([1, 2, 3, 4]);
    for (const [index, item] of list.items.entries()) {
      expect(item.source).toBe('ALSO_BOUGHT');
      expect(item.because).toEqual(['MUG-1']);
      expect(item.score).toBeCloseTo(stored[index]!.score, 12);
    }
    // The returned SPADE never fed MUG-1's list.
    expect(stored.map((row) => row.sku)).not.toContain('SPADE');
  });

  test('BOUGHT_TOGETHER reads the same-order lists', async () => {
    const list = await productList('MUG-1', { kind: 'BOUGHT_TOGETHER', first: 3 });
    expect(list.strategy).toBe('BOUGHT_TOGETHER');
    const stored = await neighbours('MUG-1', 'BOUGHT_TOGETHER');
    // COFFEE-2 was bought by c5 with MUG-1 but in another order.
    expect(stored.map((row) => row.sku)).not.toContain('COFFEE-2');
    expect(skus(list)).toEqual(stored.slice(0, 3).map((row) => row.sku));
    expect(skus(list)[0]).toBe('COFFEE-1');
  });

  test('a product the models do not know is filled from its category, then the store', async () => {
    const list = await productList('MUG-4', { first: 8 });
    expect(list.strategy).toBe('ALSO_BOUGHT');
    expect(skus(list)).not.toContain('MUG-4');
    // Same leaf category first (Mugs: MUG-1 is the most bought), then the same top category.
    const sources = list.items.map((item) => item.source);
    expect(list.items[0]!.product.categoryPath).toEqual(['Kitchen', 'Mugs']);
    expect(skus(list)[0]).toBe('MUG-1');
    expect(sources.slice(0, 3)).toEqual(['CATEGORY', 'CATEGORY', 'CATEGORY']);
    const firstOther = sources.findIndex((source) => source !== 'CATEGORY');
    if (firstOther >= 0)
      expect(sources.slice(firstOther).every((source) => source === 'TRENDING' || source === 'POPULAR')).toBe(true);
    const kitchen = list.items.filter((item) => item.source === 'CATEGORY');
    expect(kitchen.every((item) => item.product.categoryPath[0] === 'Kitchen')).toBe(true);
    expect(list.items).toHaveLength(8);
    expect(new Set(skus(list)).size).toBe(8);
  });

  test('a sku the catalogue does not know gets the store’s trending and popular products', async () => {
    const list = await productRecommendations(app.db.prisma, shop.id, 'NO-SUCH-SKU', { first: 5 });
    expect(list.items).toHaveLength(5);
    expect(list.items.every((item) => item.source === 'TRENDING' || item.source === 'POPULAR')).toBe(true);
  });

  test('short lists are filled without duplicates, as far as the store has bought products', async () => {
    const list = await productList('RAKE', { first: 10 });
    expect(skus(list)[0]).toBe('SPADE');
    expect(new Set(skus(list)).size).toBe(skus(list).length);
    expect(skus(list)).not.toContain('RAKE');
    // Every product with buyers but RAKE (LAMP and MUG-4 were never bought and are not new).
    expect(skus(list).sort()).toEqual(['COFFEE-1', 'COFFEE-2', 'GIFT', 'KETTLE-1', 'MUG-1', 'MUG-2', 'MUG-3', 'SPADE']);
  });

  test('context.excludeSkus are left out', async () => {
    const list = await productList('MUG-1', { context: { placement: 'PRODUCT_PAGE', excludeSkus: ['COFFEE-1'] } });
    expect(skus(list)).not.toContain('COFFEE-1');
    expect(skus(list)[0]).toBe('KETTLE-1');
  });
});

describe('cart', () => {
  test('frequently bought together for the basket, basket items left out', async () => {
    const list = await cartList(['MUG-1']);
    expect(list.strategy).toBe('BOUGHT_TOGETHER');
    expect(list.id).toMatch(/^rec_bought_together_/);
    expect(skus(list)[0]).toBe('COFFEE-1');
    expect(list.items[0]).toMatchObject({ source: 'BOUGHT_TOGETHER', because: ['MUG-1'] });
    // Same-order lists plus half the customer lists: BT(MUG-1, COFFEE-1) + 0.5·AB(MUG-1, COFFEE-1).
    const together = (await neighbours('MUG-1', 'BOUGHT_TOGETHER')).find((row) => row.sku === 'COFFEE-1')!.score;
    const also = (await neighbours('MUG-1')).find((row) => row.sku === 'COFFEE-1')!.score;
    expect(list.items[0]!.score).toBeCloseTo(together + 0.5 * also, 12);

    const two = await cartList(['MUG-1', 'COFFEE-1']);
    expect(skus(two)).not.toContain('MUG-1');
    expect(skus(two)).not.toContain('COFFEE-1');
    expect(skus(two)[0]).toBe('KETTLE-1');
    expect(two.items[0]!.because.sort()).toEqual(['COFFEE-1', 'MUG-1']);
  });

  test('a signed-in shopper’s purchases are left out of the cart list', async () => {
    const token = await app.customerToken(shop.secretKey, 'c1');
    const list = await cartList(['MUG-1'], {}, token);
    expect(skus(list)).not.toContain('COFFEE-1');
    expect(skus(list)).not.toContain('KETTLE-1');
  });

  test('more than 50 skus or a bad first are refused naming the argument', async () => {
    const many = await app.gql(
      CART_RECS,
      { skus: Array.from({ length: 51 }, (_, index) => `S${index}`) },
      { key: shop.publishableKey },
    );
    expect(many.errors?.[0]).toMatchObject({
      message: 'Invalid input: skus: must list at most 50 skus',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const first = await app.gql(CART_RECS, { skus: ['MUG-1'], first: 51 }, { key: shop.publishableKey });
    expect(first.errors?.[0]?.message).toBe('Invalid input: first: must be a whole number from 1 to 50');
    const zero = await app.gql(PRODUCT_RECS, { sku: 'MUG-1', first: 0 }, { key: shop.publishableKey });
    expect(zero.errors?.[0]?.message).toBe('Invalid input: first: must be a whole number from 1 to 50');
  });
});

describe('shopper', () => {
  test('personal list from the history; bought products left out, repeat-purchase kinds kept', async () => {
    const list = await meList('c3');
    expect(list.strategy).toBe('PERSONAL');
    expect(list.id).toMatch(/^rec_personal_/);
    expect(skus(list)).not.toContain('MUG-1');
    expect(skus(list)).not.toContain('COFFEE-1');
    expect(skus(list)[0]).toBe('KETTLE-1');
    expect(list.items[0]!.source).toBe('PERSONAL');
    expect(list.items[0]!.because.sort()).toEqual(['COFFEE-1', 'MUG-1']);

    await settings({ repeatPurchaseTags: ['consumable'] });
    const repeat = await meList('c3');
    expect(skus(repeat)).toContain('COFFEE-1');
    expect(skus(repeat)).not.toContain('MUG-1');
    await settings({ repeatPurchaseTags: [], repeatPurchaseCategories: ['Coffee'] });
    expect(skus(await meList('c3'))).toContain('COFFEE-1');
  });

  test('a fully returned product is not history: it may be recommended again', async () => {
    await settings({ pinnedSkus: ['SPADE', 'MUG-1'] });
    const list = await meList('c9');
    // SPADE came back in full; MUG-1 was kept, so it is not shown to c9 even pinned.
    expect(skus(list)[0]).toBe('SPADE');
    expect(list.items[0]!.source).toBe('PINNED');
    expect(skus(list)).not.toContain('MUG-1');
  });

  test('a shopper the store does not know gets trending and popular products', async () => {
    const list = await meList('nobody-yet');
    expect(['TRENDING', 'POPULAR']).toContain(list.strategy);
    expect(list.id.startsWith(`rec_${list.strategy.toLowerCase()}_`)).toBe(true);
    expect(list.items.length).toBe(8);
    expect(list.items.every((item) => item.source === 'TRENDING' || item.source === 'POPULAR')).toBe(true);
    expect(list.items.every((item) => item.because.length === 0)).toBe(true);
  });

  test('an empty cart with a shopper is their personal list', async () => {
    const token = await app.customerToken(shop.secretKey, 'c3');
    const list = await cartList([], {}, token);
    expect(list.strategy).toBe('PERSONAL');
    expect(skus(list)[0]).toBe('KETTLE-1');
  });
});

describe('business rules', () => {
  test('excluded categories, at any level of the path', async () => {
    expect(skus(await productList('MUG-1'))).toContain('GIFT');
    await settings({ excludeCategories: ['Gift cards'] });
    expect(skus(await productList('MUG-1'))).not.toContain('GIFT');
    await settings({ excludeCategories: ['Kitchen'] });
    const list = await productList('MUG-1');
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((item) => item.product.categoryPath[0] !== 'Kitchen')).toBe(true);
    const cart = await cartList(['SPADE']);
    expect(cart.items.every((item) => item.product.categoryPath[0] !== 'Kitchen')).toBe(true);
  });

  test('boost tags double the score and move the product up; bury tags quarter it', async () => {
    const stored = await neighbours('MUG-1');
    const plain = await productList('MUG-1');
    const mug3 = stored.find((row) => row.sku === 'MUG-3')!;
    expect(skus(plain).indexOf('MUG-3')).toBeGreaterThan(0);

    await settings({ boostTags: ['sale'] });
    const boosted = await productList('MUG-1');
    const item = boosted.items.find((entry) => entry.product.sku === 'MUG-3')!;
    expect(item.score).toBeCloseTo(2 * mug3.score, 12);
    expect(skus(boosted).indexOf('MUG-3')).toBeLessThan(skus(plain).indexOf('MUG-3'));
    // Within the model's items (fill items that follow score on another scale).
    const scores = boosted.items.filter((entry) => entry.source === 'ALSO_BOUGHT').map((entry) => entry.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    await setProduct('COFFEE-1', { tags: ['consumable', 'sale'] });
    await settings({ boostTags: [], buryTags: ['sale'] });
    try {
      const buried = await productList('MUG-1');
      const coffee = buried.items.find((entry) => entry.product.sku === 'COFFEE-1')!;
      expect(coffee.score).toBeCloseTo(0.25 * stored[0]!.score, 12);
      expect(skus(buried)[0]).toBe('KETTLE-1');
      // Bury wins over boost.
      await settings({ boostTags: ['consumable'], buryTags: ['sale'] });
      expect(skus(await productList('MUG-1'))[0]).toBe('KETTLE-1');
    } finally {
      await setProduct('COFFEE-1', { tags: ['consumable'] });
    }
  });

  test('pinned products come first, in the settings order, in every list, when eligible', async () => {
    await settings({ pinnedSkus: ['LAMP', 'MUG-1', 'RAKE'] });
    const page = await productList('MUG-1');
    // The product itself is never listed, pinned or not.
    expect(skus(page).slice(0, 2)).toEqual(['LAMP', 'RAKE']);
    expect(page.items.slice(0, 2).map((item) => item.source)).toEqual(['PINNED', 'PINNED']);
    expect(skus(page)).not.toContain('MUG-1');
    expect(skus(page)[2]).toBe('COFFEE-1');
    const cart = await cartList(['RAKE']);
    expect(skus(cart).slice(0, 2)).toEqual(['LAMP', 'MUG-1']);
    const me = await meList('c6');
    expect(skus(me).slice(0, 2)).toEqual(['LAMP', 'MUG-1']);

    await setProduct('LAMP', { inStock: false });
    try {
      expect(skus(await productList('MUG-1'))[0]).toBe('RAKE');
    } finally {
      await setProduct('LAMP', { inStock: true });
    }
  });

  test('at most maxPerCategory products of one category (0: no limit)', async () => {
    const leaf = (list: List) => list.items.map((item) => item.product.categoryPath.at(-1) ?? item.product.sku);
    const counts = (list: List) =>
      leaf(list).reduce((map, category) => map.set(category, (map.get(category) ?? 0) + 1), new Map<string, number>());
    await settings({ maxPerCategory: 1 });
    const one = await productList('MUG-1', { first: 8 });
    expect(Math.max(...counts(one).values())).toBe(1);
    expect(skus(one)).toContain('COFFEE-1');
    expect(skus(one)).not.toContain('COFFEE-2');
    await settings({ maxPerCategory: 0 });
    const unlimited = await productList('MUG-4', { first: 8 });
    expect(Math.max(...counts(unlimited).values())).toBeGreaterThan(1);
    await settings({ maxPerCategory: 1 });
    const capped = await productList('MUG-4', { first: 8 });
    expect(Math.max(...counts(capped).values())).toBe(1);
    // Products without a category are not limited (LAMP is one; it has no buyers so may not appear).
  });
});

describe('eligibility', () => {
  test.each([
    ['out of stock', { inStock: false }, { inStock: true }],
    ['inactive', { active: false }, { active: true }],
  ])('the top candidate %s is never returned, through all three entry points', async (_name, change, restore) => {
    const token = await app.customerToken(shop.secretKey, 'c3');
    const entryPoints: [string, () => Promise<List>][] = [
      ['product', () => productList('MUG-1', { first: 10 })],
      ['cart', () => cartList(['MUG-1'], { first: 10 })],
      ['me', () => meList('c3', shop, 10)],
      ['cart of a shopper', () => cartList(['SPADE'], { first: 10 }, token)],
      ['cold product', () => productList('MUG-4', { first: 10 })],
    ];
    for (const [name, read] of entryPoints) {
      const before = await read();
      const top = before.items[0]!.product.sku;
      await setProduct(top, change);
      try {
        const after = await read();
        expect(skus(after), `${name} after ${top} changed`).not.toContain(top);
        expect(after.items.every((item) => item.product.inStock)).toBe(true);
        // Pinned, it still does not come back.
        await settings({ pinnedSkus: [top] });
        expect(skus(await read()), `${name} with ${top} pinned`).not.toContain(top);
      } finally {
        await setProduct(top, restore);
        await settings({ pinnedSkus: [] });
      }
    }
  });

  test('no list holds an inactive or out-of-stock product whatever is asked', async () => {
    await setProduct('KETTLE-1', { inStock: false });
    await setProduct('MUG-2', { active: false });
    try {
      const lists = [
        await productList('MUG-1', { first: 50 }),
        await productList('MUG-4', { first: 50 }),
        await productList('SPADE', { first: 50, kind: 'BOUGHT_TOGETHER' }),
        await cartList(['MUG-1', 'MUG-3'], { first: 50 }),
        await meList('c1', shop, 50),
        await meList('nobody', shop, 50),
      ];
      for (const list of lists) {
        expect(skus(list)).not.toContain('KETTLE-1');
        expect(skus(list)).not.toContain('MUG-2');
      }
    } finally {
      await setProduct('KETTLE-1', { inStock: true });
      await setProduct('MUG-2', { active: true });
    }
  });
});

describe('new products', () => {
  test('the newest product of the category takes the last slot until it has buyers', async () => {
    await upsertProducts(app.db.prisma, shop.id, [
      { sku: 'MUG-NEW', name: 'New mug', price: 1_600, currency: 'EUR', categoryPath: ['Kitchen', 'Mugs'] },
    ]);
    try {
      const list = await productList('MUG-2', { first: 4 });
      expect(list.items).toHaveLength(4);
      expect(list.items[3]).toMatchObject({ source: 'CATEGORY', product: { sku: 'MUG-NEW' }, position: 4 });
      // Not for a product of another category.
      expect(skus(await productList('SPADE'))).not.toContain('MUG-NEW');
      // A shopper who bought mugs sees it too.
      expect(skus(await meList('c8'))).toContain('MUG-NEW');
    } finally {
      await setProduct('MUG-NEW', { active: false });
    }
  });
});

describe('statements per list', () => {
  test('at most 3 SQL statements per list, whatever its length', async () => {
    await app.events.drain();
    const prisma = app.db.prisma;
    const customer = await prisma.customerIdentity.findFirstOrThrow({
      where: { storeId: shop.id, source: 'web', externalId: 'c3' },
    });
    const cases: [string, () => Promise<unknown>, number][] = [
      ['product page', () => productRecommendations(prisma, shop.id, 'MUG-1', { first: 10 }), 3],
      ['cold product page', () => productRecommendations(prisma, shop.id, 'MUG-4', { first: 50 }), 3],
      ['cart', () => basketRecommendations(prisma, shop.id, ['MUG-1', 'SPADE'], { first: 10 }), 3],
      [
        'cart of a shopper',
        () => basketRecommendations(prisma, shop.id, ['MUG-1'], { first: 10, customerId: customer.customerId }),
        3,
      ],
      ['shopper', () => customerRecommendations(prisma, shop.id, customer.customerId, { first: 50 }), 3],
      ['anonymous', () => customerRecommendations(prisma, shop.id, null, { first: 10 }), 2],
    ];
    for (const [name, serve, expected] of cases) {
      const { count } = await app.countQueries(serve);
      expect(count, name).toBeLessThanOrEqual(expected);
    }
    // Through the API: what the same request costs without the list (key check, product lookup), plus
    // the settings and one statement for a product page the model fills — however many items and product
    // fields are selected — and one more when the list must be filled from popular products.
    const baseline = await app.countQueries(() =>
      app.gql('query($sku: String!) { product(sku: $sku) { sku } }', { sku: 'MUG-1' }, { key: shop.publishableKey }),
    );
    const small = await app.countQueries(() => productList('MUG-1', { first: 2 }));
    const large = await app.countQueries(() => productList('MUG-1', { first: 5 }));
    const cold = await app.countQueries(() => productList('MUG-4', { first: 20 }));
    expect(small.count - baseline.count).toBe(2);
    expect(large.count).toBe(small.count);
    expect(cold.count - baseline.count).toBe(3);
  });
});

describe('tenants', () => {
  test('lists only ever hold the asking store’s products', async () => {
    const own = new Set(
      (await app.db.prisma.product.findMany({ where: { storeId: shop.id }, select: { id: true } })).map((p) => p.id),
    );
    const theirs = new Set(
      (await app.db.prisma.product.findMany({ where: { storeId: other.id }, select: { id: true } })).map((p) => p.id),
    );
    const lists = [
      await productList('MUG-1', { first: 50 }),
      await productList('MUG-4', { first: 50 }),
      await cartList(['MUG-1', 'SPADE'], { first: 50 }),
      await meList('c3', shop, 50),
      await meList('nobody', shop, 50),
    ];
    for (const list of lists) {
      expect(list.items.length).toBeGreaterThan(0);
      for (const item of list.items) {
        expect(own.has(item.product.id)).toBe(true);
        expect(item.product.name.startsWith('Other')).toBe(false);
      }
    }
    const fromOther = await productList('MUG-1', { first: 50 }, other);
    expect(fromOther.items.length).toBeGreaterThan(0);
    expect(fromOther.items.every((item) => theirs.has(item.product.id))).toBe(true);
    // Store B's settings do not apply to store A's lists.
    await updateRecommendationSettings(app.db.prisma, other.id, { pinnedSkus: ['LAMP'] });
    try {
      expect(skus(await productList('MUG-1'))).not.toContain('LAMP');
      expect(skus(await productList('MUG-1', {}, other))[0]).toBe('LAMP');
    } finally {
      await updateRecommendationSettings(app.db.prisma, other.id, { pinnedSkus: [] });
    }
  });
});
