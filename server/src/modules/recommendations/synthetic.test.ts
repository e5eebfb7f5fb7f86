import { describe, expect, test } from 'vitest';
import { orderInput } from '../orders/orders.validation.ts';
import { productInput } from '../products/products.validation.ts';
import {
  CONSUMABLE_TAG,
  generateSyntheticShop,
  SHIPPING_SKU,
  SYNTHETIC_DEFAULT_START,
  type SyntheticData,
  syntheticIsRepeat,
  syntheticPurchases,
} from './synthetic.ts';

const SHOP = generateSyntheticShop({ seed: 3, customers: 1_000 });

function leafOf(data: SyntheticData): Map<string, string> {
  return new Map(data.products.map((product) => [product.sku, product.categoryPath.join('/')]));
}

function productLines(order: SyntheticData['orders'][number]) {
  return order.lines.filter((line) => line.kind === undefined);
}

/** Share of each customer's product lines in their two most-bought leaf categories, over all customers. */
function favouriteShare(data: SyntheticData): number {
  const leaf = leafOf(data);
  const perCustomer = new Map<string, Map<string, number>>();
  for (const order of data.orders) {
    if (!order.customerExternalId) continue;
    const counts = perCustomer.get(order.customerExternalId) ?? new Map<string, number>();
    perCustomer.set(order.customerExternalId, counts);
    for (const line of productLines(order)) {
      const category = leaf.get(line.sku)!;
      counts.set(category, (counts.get(category) ?? 0) + 1);
    }
  }
  let inTopTwo = 0;
  let total = 0;
  for (const counts of perCustomer.values()) {
    const sorted = [...counts.values()].sort((a, b) => b - a);
    inTopTwo += (sorted[0] ?? 0) + (sorted[1] ?? 0);
    total += sorted.reduce((a, b) => a + b, 0);
  }
  return inTopTwo / total;
}

describe('generateSyntheticShop', () => {
  test('the same seed gives the same shop, another seed another one', () => {
    expect(generateSyntheticShop({ seed: 3, customers: 1_000 })).toEqual(SHOP);
    const other = generateSyntheticShop({ seed: 4, customers: 1_000 });
    expect(other.orders).not.toEqual(SHOP.orders);
  });

  test('240 products in 8 leaf categories with two-level paths, valid as product input', () => {
    expect(SHOP.products).toHaveLength(240);
    expect(new Set(SHOP.products.map((product) => product.sku)).size).toBe(240);
    const leaves = new Set(SHOP.products.map((product) => product.categoryPath.join('/')));
    expect(leaves.size).toBe(8);
    expect(new Set(SHOP.products.map((product) => product.categoryPath[0])).size).toBe(4);
    for (const product of SHOP.products) {
      expect(product.categoryPath).toHaveLength(2);
      expect(productInput.safeParse(product).success).toBe(true);
    }
    const consumables = SHOP.products.filter((product) => product.tags.includes(CONSUMABLE_TAG));
    expect(consumables).toHaveLength(8); // one per category
  });

  test('options: product and category counts, window start and length', () => {
    const start = new Date('2024-03-01T00:00:00Z');
    const data = generateSyntheticShop({ seed: 1, customers: 50, products: 30, categories: 20, months: 2, start });
    expect(data.products).toHaveLength(30);
    expect(new Set(data.products.map((product) => product.categoryPath.join('/'))).size).toBe(20);
    for (const order of data.orders) {
      expect(order.placedAt.getTime()).toBeGreaterThanOrEqual(start.getTime());
      expect(order.placedAt.getTime()).toBeLessThan(Date.parse('2024-05-01T00:00:00Z'));
    }
    expect(() => generateSyntheticShop({ seed: 1, customers: 1, products: 0 })).toThrow(RangeError);
    expect(generateSyntheticShop({ seed: 1, customers: 0 }).orders).toEqual([]);
  });

  test('orders: oldest first inside the 12-month window, valid as order input, distinct skus', () => {
    const end = Date.UTC(2026, 0, 1);
    let previous = 0;
    for (const order of SHOP.orders) {
      const at = order.placedAt.getTime();
      expect(at).toBeGreaterThanOrEqual(Math.max(previous, SYNTHETIC_DEFAULT_START.getTime()));
      expect(at).toBeLessThan(end);
      previous = at;
      const lines = productLines(order);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(new Set(lines.map((line) => line.sku)).size).toBe(lines.length);
    }
    expect(new Set(SHOP.orders.map((order) => order.externalId)).size).toBe(SHOP.orders.length);
    const sample = SHOP.orders.slice(0, 50).map((order) => ({
      externalId: order.externalId,
      channel: order.channel,
      placedAt: order.placedAt,
      customer: order.customerExternalId
        ? { identities: [{ source: 'web', externalId: order.customerExternalId }] }
        : null,
      lines: order.lines,
    }));
    for (const order of sample) expect(orderInput.safeParse(order).error).toBeUndefined();
  });

  test('1–8 orders per customer, every customer orders, ≈ 10 % guest orders', () => {
    const perCustomer = new Map<string, number>();
    let guests = 0;
    for (const order of SHOP.orders) {
      if (order.customerExternalId === null) guests++;
      else perCustomer.set(order.customerExternalId, (perCustomer.get(order.customerExternalId) ?? 0) + 1);
    }
    expect(perCustomer.size).toBe(1_000);
    const counts = [...perCustomer.values()];
    expect(Math.min(...counts)).toBe(1);
    expect(Math.max(...counts)).toBe(8);
    expect(guests / SHOP.orders.length).toBeGreaterThan(0.08);
    expect(guests / SHOP.orders.length).toBeLessThan(0.12);
  });

  test('a shipping line on every online order and on no other', () => {
    for (const order of SHOP.orders) {
      const shipping = order.lines.filter((line) => line.kind === 'SHIPPING');
      expect(shipping).toHaveLength(order.channel === 'ONLINE' ? 1 : 0);
      for (const line of shipping) expect(line.sku).toBe(SHIPPING_SKU);
    }
    expect(new Set(SHOP.orders.map((order) => order.channel))).toEqual(new Set(['ONLINE', 'STORE', 'APP']));
  });

  test('taste: customers buy mostly in their favourite categories; the control shop has none', () => {
    const share = favouriteShare(SHOP);
    const control = favouriteShare(generateSyntheticShop({ seed: 3, customers: 1_000, taste: false }));
    // 75 % of picks in the favourites plus their companions' sibling categories; a tasteless shop's
    // top two categories only reflect small numbers.
    expect(share).toBeGreaterThan(0.7);
    expect(control).toBeLessThan(share - 0.15);
  });

  test('popularity inside a category is skewed: the top product outsells the median one several times', () => {
    const sold = new Map<string, number>();
    for (const order of SHOP.orders)
      for (const line of productLines(order)) sold.set(line.sku, (sold.get(line.sku) ?? 0) + 1);
    const byLeaf = new Map<string, number[]>();
    for (const product of SHOP.products) {
      const key = product.categoryPath.join('/');
      byLeaf.set(key, [...(byLeaf.get(key) ?? []), sold.get(product.sku) ?? 0]);
    }
    for (const counts of byLeaf.values()) {
      const sorted = [...counts].sort((a, b) => b - a);
      expect(sorted[0]!).toBeGreaterThan(4 * sorted[Math.floor(sorted.length / 2)]!);
    }
  });

  test('companions: pairs that recur together far more often than chance', () => {
    const pairs = new Map<string, number>();
    for (const order of SHOP.orders) {
      const skus = productLines(order)
        .map((line) => line.sku)
        .sort();
      for (let i = 0; i < skus.length; i++)
        for (let j = i + 1; j < skus.length; j++) {
          const key = `${skus[i]}|${skus[j]}`;
          pairs.set(key, (pairs.get(key) ?? 0) + 1);
        }
    }
    const control = new Map<string, number>();
    for (const order of generateSyntheticShop({ seed: 3, customers: 1_000, taste: false }).orders) {
      const skus = productLines(order)
        .map((line) => line.sku)
        .sort();
      for (let i = 0; i < skus.length; i++)
        for (let j = i + 1; j < skus.length; j++) {
          const key = `${skus[i]}|${skus[j]}`;
          control.set(key, (control.get(key) ?? 0) + 1);
        }
    }
    const frequent = (counts: Map<string, number>) => [...counts.values()].filter((count) => count >= 20).length;
    expect(frequent(pairs)).toBeGreaterThan(50);
    expect(frequent(control)).toBeLessThan(frequent(pairs) / 2);
  });

  test('consumables are bought again by the same customer', () => {
    const repeat = syntheticIsRepeat(SHOP);
    const bought = new Map<string, number>();
    for (const order of SHOP.orders) {
      if (!order.customerExternalId) continue;
      for (const line of productLines(order)) {
        const key = `${order.customerExternalId}|${line.sku}`;
        bought.set(key, (bought.get(key) ?? 0) + 1);
      }
    }
    let consumableRepeats = 0;
    let otherRepeats = 0;
    let consumableKeys = 0;
    let otherKeys = 0;
    for (const [key, count] of bought) {
      if (repeat(key.split('|')[1]!)) {
        consumableKeys++;
        if (count > 1) consumableRepeats++;
      } else {
        otherKeys++;
        if (count > 1) otherRepeats++;
      }
    }
    expect(consumableRepeats / consumableKeys).toBeGreaterThan(2 * (otherRepeats / otherKeys));
  });
});

describe('syntheticPurchases', () => {
  test('product lines only, guests are their own buyer', () => {
    const purchases = syntheticPurchases(SHOP);
    const productLineCount = SHOP.orders.reduce((sum, order) => sum + productLines(order).length, 0);
    expect(purchases).toHaveLength(productLineCount);
    expect(purchases.some((purchase) => purchase.sku === SHIPPING_SKU)).toBe(false);
    const guest = SHOP.orders.find((order) => order.customerExternalId === null)!;
    expect(purchases.filter((purchase) => purchase.basket === guest.externalId)).toEqual(
      productLines(guest).map((line) => ({
        basket: guest.externalId,
        buyer: `order:${guest.externalId}`,
        sku: line.sku,
        at: guest.placedAt.getTime(),
        channel: guest.channel,
      })),
    );
  });
});
