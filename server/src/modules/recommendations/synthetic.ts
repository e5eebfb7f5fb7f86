/**
 * A seeded synthetic shop for evaluating the recommendation models: pure, no I/O, and the same
 * output for the same options on every machine (own mulberry32, no Math.random, no clock).
 *
 * The shop has *taste* the way real retail does, and that is the only reason a personalised model
 * can beat "most popular" on it; nothing here knows about the models or the evaluation split:
 * - each customer favours 1–2 leaf categories (≈ 75 % of their picks come from them), so what a
 *   customer bought says something about what they buy next;
 * - inside a category popularity is Zipf-like (a few hits, a long tail), so plain popularity is a
 *   strong, honest baseline rather than a straw man;
 * - each product has 1–2 companions (grinder → filters) that join the basket with probability
 *   ≈ 0.35, so "bought together" is a real signal;
 * - one product per category is a consumable (tag "consumable") that its buyers buy again;
 * - ≈ 10 % of orders are guests' (no customer), online orders carry a shipping line, customers
 *   place 1–8 orders over the window with 1–4 picked items each.
 */
import type { Purchase } from './model.ts';

export interface SyntheticOptions {
  seed: number;
  customers: number;
  /** Default 240. */
  products?: number;
  /** Leaf categories, default 8 (two leaves per top-level category). */
  categories?: number;
  /** Length of the order window, default 12. */
  months?: number;
  /** Start of the order window, default 2025-01-01T00:00:00Z (fixed, so the output never depends on the clock). */
  start?: Date;
  /**
   * Default true. False draws every pick from a random category and adds no companions: the control
   * shop on which a personalised model has nothing to learn (what the tests use to show that the
   * personalised model wins because of the taste in the data, not because of the harness).
   */
  taste?: boolean;
}

export interface SyntheticProduct {
  sku: string;
  name: string;
  categoryPath: string[];
  tags: string[];
  price: number;
}

export interface SyntheticOrder {
  externalId: string;
  customerExternalId: string | null;
  channel: 'ONLINE' | 'STORE' | 'APP';
  placedAt: Date;
  lines: { sku: string; name: string; quantity: number; unitPrice: number; kind?: 'SHIPPING' }[];
}

export interface SyntheticData {
  products: SyntheticProduct[];
  orders: SyntheticOrder[];
}

export const SYNTHETIC_DEFAULT_START = new Date('2025-01-01T00:00:00Z');
/** The tag of the products bought again and again (what a store would list in repeatPurchaseTags). */
export const CONSUMABLE_TAG = 'consumable';
/** Shipping lines carry a sku, as many shops' do: only their kind keeps them out of the models. */
export const SHIPPING_SKU = 'SHIPPING';

const FAVOURITE_SHARE = 0.75;
const COMPANION_PROBABILITY = 0.35;
const REPEAT_CONSUMABLE_PROBABILITY = 0.5;
const GUEST_ORDER_SHARE = 0.1;
/** Zipf exponent of popularity inside a category. */
const ZIPF_EXPONENT = 1;
const SHIPPING_PRICE = 490;

const CATEGORY_NAMES: readonly [string, string, string][] = [
  ['Coffee', 'Beans', 'Brewing'],
  ['Kitchen', 'Cookware', 'Knives'],
  ['Garden', 'Tools', 'Plants'],
  ['Outdoor', 'Camping', 'Cycling'],
  ['Home', 'Lighting', 'Textiles'],
  ['Beauty', 'Skincare', 'Haircare'],
  ['Sports', 'Running', 'Fitness'],
  ['Office', 'Paper', 'Desk'],
];
const ADJECTIVES = ['Classic', 'Premium', 'Compact', 'Everyday', 'Deluxe', 'Organic', 'Pro', 'Mini', 'Nordic', 'Urban'];

/** mulberry32: a tiny, fast 32-bit PRNG (the same one bench/lib.ts uses). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive whole number`);
  return value;
}

function categoryPath(leaf: number): string[] {
  const top = Math.floor(leaf / 2);
  const names = CATEGORY_NAMES[top];
  if (names) return [names[0], names[1 + (leaf % 2)]!];
  return [`Department ${top + 1}`, `Category ${leaf + 1}`];
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Samples an index from cumulative weights. */
function sample(cumulative: readonly number[], random: () => number): number {
  const target = random() * cumulative[cumulative.length - 1]!;
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cumulative[middle]! > target) high = middle;
    else low = middle + 1;
  }
  return low;
}

function addMonths(date: Date, months: number): Date {
  const end = new Date(date.getTime());
  end.setUTCMonth(end.getUTCMonth() + months);
  return end;
}

export function generateSyntheticShop(options: SyntheticOptions): SyntheticData {
  const customers = Math.max(0, Math.floor(options.customers));
  const productCount = positiveInteger(options.products ?? 240, 'products');
  const categoryCount = positiveInteger(options.categories ?? 8, 'categories');
  const months = positiveInteger(options.months ?? 12, 'months');
  const start = (options.start ?? SYNTHETIC_DEFAULT_START).getTime();
  const end = addMonths(new Date(start), months).getTime();
  const taste = options.taste ?? true;
  const favouriteShare = taste ? FAVOURITE_SHARE : 0;
  const companionProbability = taste ? COMPANION_PROBABILITY : 0;
  const random = mulberry32(options.seed);
  const uniform = (count: number) => Math.floor(random() * count);

  // Products: round-robin over the leaf categories; rank inside the category drives popularity.
  const products: SyntheticProduct[] = [];
  const byCategory: number[][] = Array.from({ length: categoryCount }, () => []);
  const consumable: boolean[] = [];
  for (let index = 0; index < productCount; index++) {
    const leaf = index % categoryCount;
    const rank = Math.floor(index / categoryCount);
    const path = categoryPath(leaf);
    // The third most popular product of each category is the one people run out of.
    const isConsumable = rank === 2;
    const tags = isConsumable ? [CONSUMABLE_TAG] : [];
    if (random() < 0.15) tags.push('eco');
    const adjective = ADJECTIVES[rank % ADJECTIVES.length]!;
    const series = Math.floor(rank / ADJECTIVES.length) + 1;
    products.push({
      sku: `SYN-${pad(index + 1, 4)}`,
      name: `${adjective} ${path[1]} ${series}`,
      categoryPath: path,
      tags,
      price: (5 + uniform(196)) * 100 - (random() < 0.5 ? 5 : 0),
    });
    byCategory[leaf]!.push(index);
    consumable.push(isConsumable);
  }
  const zipf = byCategory.map((members) => {
    const cumulative: number[] = [];
    let total = 0;
    for (let rank = 0; rank < members.length; rank++) {
      total += 1 / (rank + 1) ** ZIPF_EXPONENT;
      cumulative.push(total);
    }
    return cumulative;
  });
  const pick = (leaf: number) => byCategory[leaf]![sample(zipf[leaf]!, random)]!;

  // Companions: one from the sibling leaf of the same department (beans → brewing), sometimes a
  // second from the product's own leaf; uniform, so companions are not simply the hits.
  const companions: number[][] = products.map((_, index) => {
    const leaf = index % categoryCount;
    const sibling = (leaf ^ 1) < categoryCount ? leaf ^ 1 : leaf;
    const result: number[] = [];
    const first = byCategory[sibling]![uniform(byCategory[sibling]!.length)]!;
    if (first !== index) result.push(first);
    if (random() < 0.5) {
      const second = byCategory[leaf]![uniform(byCategory[leaf]!.length)]!;
      if (second !== index && !result.includes(second)) result.push(second);
    }
    return result;
  });

  interface Draft {
    customer: string | null;
    channel: SyntheticOrder['channel'];
    at: number;
    items: Map<number, number>;
  }
  const drafts: Draft[] = [];
  const channels: SyntheticOrder['channel'][] = ['ONLINE', 'STORE', 'APP'];
  const preferredChannel = (): SyntheticOrder['channel'] => {
    const roll = random();
    return roll < 0.55 ? 'ONLINE' : roll < 0.9 ? 'STORE' : 'APP';
  };

  const basket = (favourites: readonly number[], bought: Set<number> | null): Map<number, number> => {
    const items = new Map<number, number>();
    const picks = 1 + uniform(4);
    for (let attempt = 0; items.size < picks && attempt < picks * 4; attempt++) {
      const leaf = random() < favouriteShare ? favourites[uniform(favourites.length)]! : uniform(categoryCount);
      const product = pick(leaf);
      if (!items.has(product)) items.set(product, consumable[product] ? 1 + uniform(3) : random() < 0.1 ? 2 : 1);
    }
    for (const product of [...items.keys()])
      for (const companion of companions[product]!)
        if (!items.has(companion) && random() < companionProbability) items.set(companion, 1);
    if (bought)
      for (const product of bought)
        if (consumable[product] && !items.has(product) && random() < REPEAT_CONSUMABLE_PROBABILITY)
          items.set(product, 1 + uniform(3));
    return items;
  };
  const favouritesOf = () => {
    const first = uniform(categoryCount);
    if (categoryCount === 1 || random() < 0.5) return [first];
    let second = uniform(categoryCount - 1);
    if (second >= first) second++;
    return [first, second];
  };
  const timeIn = (from: number) => from + Math.floor(random() * (end - from));

  let customerOrders = 0;
  for (let number = 1; number <= customers; number++) {
    const customer = `SYN-C-${pad(number, 5)}`;
    const favourites = favouritesOf();
    const channel = preferredChannel();
    // Customers join over the first 80 % of the window and keep buying until its end.
    const joined = start + Math.floor(random() * (end - start) * 0.8);
    const orderCount = 1 + Math.min(7, Math.floor(8 * random() ** 1.3));
    const times = Array.from({ length: orderCount }, (_, index) => (index === 0 ? joined : timeIn(joined))).sort(
      (a, b) => a - b,
    );
    const bought = new Set<number>();
    for (const at of times) {
      const items = basket(favourites, bought);
      for (const product of items.keys()) bought.add(product);
      drafts.push({ customer, channel: random() < 0.8 ? channel : channels[uniform(3)]!, at, items });
    }
    customerOrders += orderCount;
  }
  const guestOrders = Math.round((customerOrders * GUEST_ORDER_SHARE) / (1 - GUEST_ORDER_SHARE));
  for (let guest = 0; guest < guestOrders; guest++)
    drafts.push({
      customer: null,
      channel: preferredChannel(),
      at: timeIn(start),
      items: basket(favouritesOf(), null),
    });

  drafts.sort((a, b) => a.at - b.at);
  const orders = drafts.map((draft, index): SyntheticOrder => {
    const lines: SyntheticOrder['lines'] = [...draft.items].map(([product, quantity]) => ({
      sku: products[product]!.sku,
      name: products[product]!.name,
      quantity,
      unitPrice: products[product]!.price,
    }));
    if (draft.channel === 'ONLINE')
      lines.push({ sku: SHIPPING_SKU, name: 'Shipping', quantity: 1, unitPrice: SHIPPING_PRICE, kind: 'SHIPPING' });
    return {
      externalId: `SYN-O-${pad(index + 1, 6)}`,
      customerExternalId: draft.customer,
      channel: draft.channel,
      placedAt: new Date(draft.at),
      lines,
    };
  });
  return { products, orders };
}

/**
 * The purchases the models would read from these orders once recorded (what `readPurchases` returns
 * for them): product lines only, a guest order is its own buyer. Buyers are the customers' external
 * ids here, not database ids; the models only compare them.
 */
export function syntheticPurchases(data: SyntheticData): Purchase[] {
  const purchases: Purchase[] = [];
  for (const order of data.orders) {
    const buyer = order.customerExternalId ?? `order:${order.externalId}`;
    const at = order.placedAt.getTime();
    for (const line of order.lines)
      if (line.kind === undefined && line.quantity > 0)
        purchases.push({ basket: order.externalId, buyer, sku: line.sku, at, channel: order.channel });
  }
  return purchases;
}

/** Whether a synthetic sku is a repeat-purchase kind (a store would list the consumable tag in its settings). */
export function syntheticIsRepeat(data: SyntheticData): (sku: string) => boolean {
  const repeat = new Set(data.products.filter((product) => product.tags.includes(CONSUMABLE_TAG)).map((p) => p.sku));
  return (sku) => repeat.has(sku);
}
