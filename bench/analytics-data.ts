/**
 * A seeded generator of realistic retail data for the analytics benchmark and tests, and a bulk insert
 * that writes it straight into a store with SQL (not through recordOrders: 500,000 lines would take
 * minutes), keeping every denormalised column exactly as the orders module maintains it.
 *
 * The shape of the data:
 * - customers acquired over the whole window, more of them in Q4 and a little more every month (growth);
 * - each customer buys like a BG/NBD customer: a latent purchase rate λ ~ Gamma(0.8, ·) and, after every
 *   purchase, a chance p ~ Beta(·) of dropping out for good; the first purchase is at acquisition;
 * - purchase days follow a yearly (December peak, summer dip) and weekly (weekend bump) seasonality, hours
 *   a daytime curve; ~10 % of orders are guests' (no customer);
 * - baskets of 1–10 distinct products from a catalogue (default 2,000) in 12 categories, popularity
 *   Zipf-skewed; ~25 % of orders discounted (line or order discounts; some customers mostly buy on
 *   discount); ~8 % returned partly or fully by a linked RETURN order 2–30 days later (some guest
 *   returns have lost their receipt: unlinked); ~2 % cancelled; channels STORE (5 shops) / ONLINE / APP;
 * - survey answers (NPS/CSAT/CES) for ~15 % of the sales, scores lower after a return; every unhappy
 *   answer (the feedback module's default thresholds) opens a follow-up case, most resolved in a day or two.
 *
 * Everything is a pure function of the options: the same seed gives the same data on every machine
 * (`retailDataHash`). Ids are made at insert time.
 */
import { createHash } from 'node:crypto';
import type { PrismaClient } from '../server/src/db/database.ts';
import { uuidv7 } from '../server/src/db/uuid7.ts';
import { isUnhappy } from '../server/src/modules/feedback/scores.ts';
import { orderTotals } from '../server/src/modules/orders/order-totals.ts';
import { betaSample, gammaSample, mulberry32, normalSample } from './lib.ts';

export interface RetailDataOptions {
  seed: number;
  /** Registered customers (every one buys at least once). */
  customers: number;
  /** OrderLine rows in total, sales' and returns' lines together. */
  orderLines: number;
  /** First instant of the window (UTC); `months` calendar months follow. */
  start: Date;
  months: number;
  /** Catalogue size (default 2,000). */
  products?: number;
  /** Share of orders placed by guests (default 0.10). */
  guestShare?: number;
  /** Share of sales answered with a survey (default 0.15). */
  surveyShare?: number;
  currency?: string;
}

export type Channel = 'STORE' | 'ONLINE' | 'APP';
export type SurveyKind = 'NPS' | 'CSAT' | 'CES';

export interface RetailProduct {
  sku: string;
  name: string;
  categoryPath: string[];
  /** Minor units. */
  price: number;
}

export interface RetailCustomer {
  externalId: string;
  email: string;
  firstName: string;
  lastName: string;
  locale: string;
  marketingConsent: boolean;
  /** When the customer was first seen (their first order). */
  acquiredAt: Date;
}

export interface RetailLine {
  sku: string;
  name: string;
  /** Negative on returns. */
  quantity: number;
  unitPrice: number;
  discount: number;
}

export interface RetailOrder {
  externalId: string;
  /** A RetailCustomer.externalId; null for guests. */
  customer: string | null;
  kind: 'SALE' | 'RETURN';
  /** For linked returns: the sale's externalId. */
  returnOf: string | null;
  channel: Channel;
  location: string | null;
  placedAt: Date;
  status: 'PAID' | 'FULFILLED' | 'CANCELLED';
  cancelledAt: Date | null;
  lines: RetailLine[];
  orderDiscount: number;
}

export interface RetailSurveyResponse {
  type: SurveyKind;
  score: number;
  comment: string | null;
  /** The sale's externalId. */
  order: string;
  customer: string | null;
  channel: Channel;
  location: string | null;
  productSkus: string[];
  createdAt: Date;
}

export interface RetailCase {
  /** Index into `responses`. */
  response: number;
  status: 'OPEN' | 'IN_PROGRESS' | 'RESOLVED' | 'DISMISSED';
  assignee: string | null;
  createdAt: Date;
  dueAt: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
}

export interface RetailData {
  options: Required<RetailDataOptions>;
  /** Exclusive end of the window. */
  end: Date;
  products: RetailProduct[];
  customers: RetailCustomer[];
  /** Sales and returns, by placedAt. */
  orders: RetailOrder[];
  responses: RetailSurveyResponse[];
  cases: RetailCase[];
  lineCount: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

export const STORE_LOCATIONS = [
  'HEL-01 Kamppi',
  'HEL-02 Itis',
  'ESP-01 Iso Omena',
  'TRE-01 Koskikeskus',
  'TKU-01 Hansa',
];
/** Share of orders per month of the year (Jan…Dec), relative: December peaks, summer dips. */
export const MONTH_WEIGHTS = [0.85, 0.78, 0.9, 0.95, 1.0, 0.9, 0.8, 0.88, 1.0, 1.05, 1.4, 1.9];
/** Sunday…Saturday: the weekend bump. */
export const WEEKDAY_WEIGHTS = [1.15, 0.85, 0.85, 0.9, 0.95, 1.1, 1.35];
const HOUR_WEIGHTS = [
  0.1, 0.05, 0.03, 0.02, 0.02, 0.05, 0.2, 0.4, 0.7, 1.0, 1.3, 1.5, 1.6, 1.5, 1.4, 1.4, 1.5, 1.7, 1.8, 1.6, 1.3, 0.9,
  0.5, 0.25,
];
const CHANNELS: Channel[] = ['STORE', 'ONLINE', 'APP'];
const CHANNEL_WEIGHTS = [0.5, 0.35, 0.15];
const RETURN_RATE: Record<Channel, number> = { STORE: 0.05, ONLINE: 0.12, APP: 0.08 };
const CANCEL_RATE = 0.02;
/** Basket sizes 1…10, relative. */
const BASKET_WEIGHTS = [0.3, 0.22, 0.15, 0.1, 0.08, 0.05, 0.04, 0.03, 0.02, 0.01];
const CATEGORIES: { name: string; weight: number; median: number; subs: string[] }[] = [
  { name: 'Clothing', weight: 18, median: 4990, subs: ['Women', 'Men', 'Kids'] },
  { name: 'Kitchen', weight: 14, median: 2490, subs: ['Mugs', 'Pans', 'Knives', 'Storage'] },
  { name: 'Home', weight: 12, median: 3490, subs: ['Candles', 'Textiles', 'Lighting'] },
  { name: 'Beauty', weight: 10, median: 1990, subs: ['Skincare', 'Makeup'] },
  { name: 'Food', weight: 9, median: 890, subs: ['Coffee', 'Chocolate'] },
  { name: 'Shoes', weight: 8, median: 8990, subs: ['Sneakers', 'Boots'] },
  { name: 'Toys', weight: 7, median: 2490, subs: ['Games', 'Plush'] },
  { name: 'Books', weight: 6, median: 1990, subs: ['Fiction', 'Cookbooks'] },
  { name: 'Sports', weight: 6, median: 3990, subs: ['Outdoor', 'Fitness'] },
  { name: 'Electronics', weight: 4, median: 5990, subs: ['Audio', 'Accessories'] },
  { name: 'Garden', weight: 3, median: 1490, subs: ['Plants', 'Tools'] },
  { name: 'Stationery', weight: 3, median: 690, subs: ['Notebooks', 'Pens'] },
];
const ADJECTIVES = ['Classic', 'Nordic', 'Soft', 'Bold', 'Tiny', 'Grand', 'Linen', 'Oak', 'Misty', 'Bright', 'Calm'];
const FIRST_NAMES = ['Aino', 'Mikko', 'Sara', 'Juha', 'Emma', 'Ville', 'Liisa', 'Anna', 'Ani', 'Aram', 'Lejla', 'Emir'];
const LAST_NAMES = ['Virtanen', 'Korhonen', 'Nieminen', 'Mäkinen', 'Kovács', 'Nagy', 'Hadžić', 'Petrosyan'];
const UNHAPPY_COMMENTS = ['Item arrived damaged', 'Wrong size', 'Slow delivery', 'Checkout queue was long', null];
const HAPPY_COMMENTS = ['Great service!', 'Love the quality', 'Quick and easy', null, null, null];
const ASSIGNEES = ['aino', 'mikko', 'sara'];

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Cumulative weights for binary-search sampling. */
function cumulative(weights: ArrayLike<number>): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let index = 0; index < weights.length; index++) {
    sum += weights[index]!;
    out[index] = sum;
  }
  return out;
}

/** The first index whose cumulative weight exceeds `target` (0 ≤ target < total). */
function search(cdf: Float64Array, target: number): number {
  let low = 0;
  let high = cdf.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cdf[middle]! > target) high = middle;
    else low = middle + 1;
  }
  return low;
}

function sample(random: Random, cdf: Float64Array): number {
  return search(cdf, random() * cdf[cdf.length - 1]!);
}

function exponential(random: Random): number {
  return -Math.log(1 - random());
}

function addMonths(date: Date, months: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, date.getUTCDate()));
}

/** The first day (UTC) of the month `months` months before `now`'s month: the window then ends where `now`'s month starts. */
export function defaultStart(months: number, now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function catalogue(random: Random, count: number): { products: RetailProduct[]; cdf: Float64Array } {
  const categoryCdf = cumulative(CATEGORIES.map((category) => category.weight));
  const products: RetailProduct[] = [];
  for (let index = 0; index < count; index++) {
    const category = CATEGORIES[sample(random, categoryCdf)]!;
    const sub = pick(random, category.subs);
    const raw = category.median * Math.exp(0.5 * normalSample(random));
    const price = Math.max(190, Math.round(raw / 100) * 100 - 10);
    products.push({
      sku: `SKU-${pad(index + 1, 5)}`,
      name: `${pick(random, ADJECTIVES)} ${sub.replace(/s$/, '').toLowerCase()} ${index + 1}`,
      categoryPath: [category.name, sub],
      price,
    });
  }
  // Zipf popularity over a shuffled rank order (popular products in every category, more in big ones).
  const ranks = products.map((_, index) => index);
  for (let index = ranks.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [ranks[index], ranks[other]] = [ranks[other]!, ranks[index]!];
  }
  const weights = ranks.map((rank) => 1 / (rank + 1) ** 1.07);
  return { products, cdf: cumulative(weights) };
}

interface Sale {
  customer: number | null;
  at: number;
  channel: Channel;
  location: string | null;
  size: number;
  cancelled: boolean;
  /** 0: kept; 'FULL' or the number of lines returned. */
  returned: 0 | 'FULL' | number;
  returnAt: number;
  discounted: boolean;
}

/** Generates the data set; a pure function of the options. */
export function generateRetailData(input: RetailDataOptions): RetailData {
  const options: Required<RetailDataOptions> = {
    products: 2000,
    guestShare: 0.1,
    surveyShare: 0.15,
    currency: 'EUR',
    ...input,
  };
  const { seed, customers: customerCount, orderLines } = options;
  if (!Number.isInteger(customerCount) || customerCount < 1) throw new Error('customers must be a positive integer');
  if (!Number.isInteger(options.months) || options.months < 1) throw new Error('months must be a positive integer');
  if (!Number.isInteger(orderLines) || orderLines < customerCount)
    throw new Error('orderLines must be an integer of at least one line per customer');
  const start = new Date(options.start.getTime());
  const end = addMonths(start, options.months);
  const startMs = start.getTime();
  const days = Math.round((end.getTime() - startMs) / DAY);

  const random = mulberry32(seed);
  const { products, cdf: productCdf } = catalogue(random, options.products);

  // Day weights (yearly × weekly), normalised to a mean of 1: operational time for the purchase processes.
  const dayWeights = new Float64Array(days);
  let weightSum = 0;
  for (let day = 0; day < days; day++) {
    const date = new Date(startMs + day * DAY);
    const weight = MONTH_WEIGHTS[date.getUTCMonth()]! * WEEKDAY_WEIGHTS[date.getUTCDay()]!;
    dayWeights[day] = weight;
    weightSum += weight;
  }
  for (let day = 0; day < days; day++) dayWeights[day]! /= weightSum / days;
  const dayCdf = cumulative(dayWeights);
  const hourCdf = cumulative(HOUR_WEIGHTS);
  // Acquisition: stronger seasonality (Q4 campaigns) and 60 % growth over the window.
  const acquisitionCdf = cumulative(
    Array.from(dayWeights, (weight, day) => weight ** 1.5 * (1 + (0.6 * day) / days) * (day < 31 ? 3 : 1)),
  );
  const timeOnDay = (day: number, source: Random) => {
    const hour = sample(source, hourCdf);
    return startMs + day * DAY + hour * HOUR + Math.floor(source() * HOUR);
  };

  // Customers and their latent behaviour.
  const basketMean =
    BASKET_WEIGHTS.reduce((sum, weight, index) => sum + weight * (index + 1), 0) /
    BASKET_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
  const targetSales = orderLines / (basketMean * (1 + 0.08 * 0.65));
  const targetRegistered = targetSales * (1 - options.guestShare);
  const perCustomer = Math.max(1, targetRegistered / customerCount);
  const dropoutMean = Math.min(0.3, 1 / (2 * perCustomer));
  const customers: RetailCustomer[] = [];
  const traits: {
    acquiredDay: number;
    acquiredAt: number;
    rate: number;
    dropout: number;
    seed: number;
    channel: Channel;
    store: string;
    discountAffinity: number;
    mood: number;
  }[] = [];
  const channelCdf = cumulative(CHANNEL_WEIGHTS);
  const storeCdf = cumulative(STORE_LOCATIONS.map((_, index) => 1 / (index + 1)));
  for (let index = 0; index < customerCount; index++) {
    const acquiredDay = sample(random, acquisitionCdf);
    const acquiredAt = timeOnDay(acquiredDay, random);
    const firstName = pick(random, FIRST_NAMES);
    const lastName = pick(random, LAST_NAMES);
    const externalId = `C${pad(index + 1, 7)}`;
    customers.push({
      externalId,
      email: `${firstName
        .toLowerCase()
        .normalize('NFD')
        .replace(/[^a-z]/g, '')}.${externalId.toLowerCase()}@example.test`,
      firstName,
      lastName,
      locale: random() < 0.6 ? 'fi' : 'en',
      marketingConsent: random() < 0.6,
      acquiredAt: new Date(acquiredAt),
    });
    traits.push({
      acquiredDay,
      acquiredAt,
      rate: gammaSample(random, 0.8) / 0.8,
      dropout: betaSample(random, 1.2, 1.2 / dropoutMean - 1.2),
      seed: Math.floor(random() * 2 ** 32),
      channel: CHANNELS[sample(random, channelCdf)]!,
      store: STORE_LOCATIONS[sample(random, storeCdf)]!,
      discountAffinity: betaSample(random, 0.6, 1.8),
      mood: 0.3 + 0.6 * normalSample(random),
    });
  }

  // Purchase days per customer for a given mean rate (purchases per weighted day); repeatable per customer.
  const simulate = (scale: number, collect?: (customer: number, day: number, source: Random) => void): number => {
    let count = 0;
    for (let index = 0; index < customerCount; index++) {
      const trait = traits[index]!;
      const source = mulberry32(trait.seed);
      // The orders' own details come from a second stream, so the purchase times do not depend on them.
      const details = collect ? mulberry32(trait.seed ^ 0x5bd1e995) : source;
      const rate = trait.rate * scale;
      count++;
      collect?.(index, -1, details);
      let operational = trait.acquiredDay === 0 ? 0 : dayCdf[trait.acquiredDay - 1]!;
      operational += source() * dayWeights[trait.acquiredDay]!;
      for (;;) {
        if (source() < trait.dropout) break;
        operational += exponential(source) / rate;
        if (operational >= dayCdf[days - 1]!) break;
        count++;
        collect?.(index, search(dayCdf, operational), details);
      }
    }
    return count;
  };
  let low = 1e-6;
  let high = 50;
  for (let step = 0; step < 40; step++) {
    const middle = Math.sqrt(low * high);
    if (simulate(middle) < targetRegistered) low = middle;
    else high = middle;
  }

  const sales: Sale[] = [];
  const basketCdf = cumulative(BASKET_WEIGHTS);
  const newSale = (customer: number | null, at: number, source: Random): Sale => {
    const trait = customer === null ? null : traits[customer]!;
    const channel = trait && source() < 0.75 ? trait.channel : (CHANNELS[sample(source, channelCdf)] as Channel);
    const location =
      channel === 'STORE' ? (trait && source() < 0.8 ? trait.store : STORE_LOCATIONS[sample(source, storeCdf)]!) : null;
    return {
      customer,
      at,
      channel,
      location,
      size: sample(source, basketCdf) + 1,
      cancelled: false,
      returned: 0,
      returnAt: 0,
      discounted: source() < (trait ? trait.discountAffinity : 0.25),
    };
  };
  simulate(high, (customer, day, source) => {
    const at = day < 0 ? traits[customer]!.acquiredAt : timeOnDay(day, source);
    sales.push(newSale(customer, Math.max(at, traits[customer]!.acquiredAt), source));
  });
  const registered = sales.length;
  const guests = Math.round((registered * options.guestShare) / (1 - options.guestShare));
  for (let index = 0; index < guests; index++)
    sales.push(newSale(null, timeOnDay(sample(random, dayCdf), random), random));
  sales.sort((a, b) => a.at - b.at || (a.customer ?? -1) - (b.customer ?? -1));

  // Cancellations and returns.
  const endMs = end.getTime();
  for (const sale of sales) {
    if (random() < CANCEL_RATE) {
      sale.cancelled = true;
      continue;
    }
    if (random() >= RETURN_RATE[sale.channel]) continue;
    const returnAt = sale.at + 2 * DAY + Math.floor(random() * 28 * DAY);
    if (returnAt >= endMs) continue;
    sale.returnAt = returnAt;
    sale.returned = random() < 0.4 || sale.size === 1 ? 'FULL' : 1 + Math.floor(random() * (sale.size - 1));
  }

  // Exactly `orderLines` lines: grow or shrink kept (not returned) baskets at random.
  const returnLines = (sale: Sale) => (sale.returned === 'FULL' ? sale.size : sale.returned);
  let lineTotal = sales.reduce((sum, sale) => sum + sale.size + returnLines(sale), 0);
  const adjustable = sales.filter((sale) => sale.returned === 0);
  if (adjustable.length === 0) throw new Error('no baskets to adjust');
  let guard = 0;
  while (lineTotal !== orderLines) {
    if (++guard > 50 * orderLines)
      throw new Error(`cannot reach ${orderLines} lines with ${sales.length} orders: change customers or months`);
    const sale = adjustable[Math.floor(random() * adjustable.length)]!;
    if (lineTotal < orderLines && sale.size < 10) {
      sale.size++;
      lineTotal++;
    } else if (lineTotal > orderLines && sale.size > 1) {
      sale.size--;
      lineTotal--;
    }
  }

  // Materialise orders.
  const saleOrders: RetailOrder[] = [];
  const pendingReturns: RetailOrder[] = [];
  const returnedSales = new Set<RetailOrder>();
  sales.forEach((sale, index) => {
    const externalId = `S${pad(index + 1, 8)}`;
    const chosen = new Set<number>();
    while (chosen.size < sale.size) chosen.add(sample(random, productCdf));
    const lines: RetailLine[] = [...chosen].map((productIndex) => {
      const product = products[productIndex]!;
      const roll = random();
      return {
        sku: product.sku,
        name: product.name,
        quantity: roll < 0.8 ? 1 : roll < 0.95 ? 2 : 3,
        unitPrice: product.price,
        discount: 0,
      };
    });
    let orderDiscount = 0;
    if (sale.discounted) {
      if (random() < 0.6) {
        for (const [lineIndex, line] of lines.entries()) {
          if (lineIndex > 0 && random() >= 0.6) continue;
          const percent = pick(random, [10, 15, 20, 25, 30]);
          line.discount = Math.max(1, Math.round((line.quantity * line.unitPrice * percent) / 100));
        }
      } else {
        const value = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
        orderDiscount = Math.max(1, Math.round((value * pick(random, [5, 10, 15, 20])) / 100));
      }
    }
    const placedAt = new Date(sale.at);
    const order: RetailOrder = {
      externalId,
      customer: sale.customer === null ? null : customers[sale.customer]!.externalId,
      kind: 'SALE',
      returnOf: null,
      channel: sale.channel,
      location: sale.location,
      placedAt,
      status: sale.cancelled ? 'CANCELLED' : endMs - sale.at < 3 * DAY ? 'PAID' : 'FULFILLED',
      cancelledAt: sale.cancelled ? new Date(sale.at + Math.floor((1 + random() * 20) * HOUR)) : null,
      lines,
      orderDiscount,
    };
    saleOrders.push(order);
    if (sale.returned === 0) return;
    const full = sale.returned === 'FULL';
    const returned = sale.returned === 'FULL' ? lines : lines.slice(0, sale.returned);
    const returnLinesOf = returned.map((line) => ({ ...line, quantity: -line.quantity }));
    const gross = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice - line.discount, 0);
    const back = returned.reduce((sum, line) => sum + line.quantity * line.unitPrice - line.discount, 0);
    pendingReturns.push({
      externalId: '',
      customer: order.customer,
      kind: 'RETURN',
      // A guest without a receipt: the return names no order.
      returnOf: order.customer === null && random() < 0.5 ? null : externalId,
      channel: random() < 0.7 ? sale.channel : 'STORE',
      location: null,
      placedAt: new Date(sale.returnAt),
      status: 'FULFILLED',
      cancelledAt: null,
      lines: returnLinesOf,
      orderDiscount: full ? orderDiscount : gross > 0 ? Math.floor((orderDiscount * back) / gross) : 0,
    });
    returnedSales.add(order);
  });
  pendingReturns.sort((a, b) => a.placedAt.getTime() - b.placedAt.getTime());
  pendingReturns.forEach((order, index) => {
    order.externalId = `R${pad(index + 1, 8)}`;
    if (order.channel === 'STORE') order.location = STORE_LOCATIONS[Math.floor(random() * STORE_LOCATIONS.length)]!;
  });
  const orders = saleOrders.concat(pendingReturns);
  orders.sort((a, b) => a.placedAt.getTime() - b.placedAt.getTime() || (a.externalId < b.externalId ? -1 : 1));

  // Survey answers and follow-up cases.
  const responses: RetailSurveyResponse[] = [];
  const cases: RetailCase[] = [];
  const returnAtOf = new Map(
    pendingReturns.flatMap((order) => (order.returnOf ? [[order.returnOf, order.placedAt]] : [])),
  );
  const customerIndex = new Map(customers.map((customer, index) => [customer.externalId, index]));
  for (const order of saleOrders) {
    if (order.status === 'CANCELLED' || random() >= options.surveyShare) continue;
    const roll = random();
    const type: SurveyKind = roll < 0.5 ? 'NPS' : roll < 0.8 ? 'CSAT' : 'CES';
    const returnedAt = returnAtOf.get(order.externalId);
    const created = Math.max(
      order.placedAt.getTime() + 3 * DAY + Math.floor(exponential(random) * 1.5 * DAY),
      returnedAt ? returnedAt.getTime() + DAY : 0,
    );
    if (created >= endMs) continue;
    const mood =
      order.customer === null ? 0.3 + 0.6 * normalSample(random) : traits[customerIndex.get(order.customer)!]!.mood;
    const z = mood + normalSample(random) - (returnedSales.has(order) ? 1.6 : 0);
    const score =
      type === 'NPS'
        ? Math.min(10, Math.max(0, Math.round(8 + 1.7 * z)))
        : type === 'CSAT'
          ? Math.min(5, Math.max(1, Math.round(4 + 0.9 * z)))
          : Math.min(7, Math.max(1, Math.round(3 - 1.3 * z)));
    const bad = isUnhappy(type, score);
    responses.push({
      type,
      score,
      comment: random() < 0.3 ? pick(random, bad ? UNHAPPY_COMMENTS : HAPPY_COMMENTS) : null,
      order: order.externalId,
      customer: order.customer,
      channel: order.channel,
      location: order.location,
      productSkus: order.lines.slice(0, 5).map((line) => line.sku),
      createdAt: new Date(created),
    });
    if (!bad) continue;
    const opened = created + 60_000;
    const hours = 20 * Math.exp(normalSample(random));
    const firstHours = Math.min(hours, 4 * Math.exp(normalSample(random)));
    const resolved = opened + Math.round(hours * HOUR);
    const done = resolved < endMs;
    const firstResponse = opened + Math.round(firstHours * HOUR);
    cases.push({
      response: responses.length - 1,
      status: done ? (random() < 0.1 ? 'DISMISSED' : 'RESOLVED') : firstResponse < endMs ? 'IN_PROGRESS' : 'OPEN',
      assignee: random() < 0.9 ? pick(random, ASSIGNEES) : null,
      createdAt: new Date(opened),
      dueAt: new Date(opened + 48 * HOUR),
      firstResponseAt: firstResponse < endMs ? new Date(firstResponse) : null,
      resolvedAt: done ? new Date(resolved) : null,
    });
  }

  return {
    options: { ...options, start },
    end,
    products,
    customers,
    orders,
    responses,
    cases,
    lineCount: orders.reduce((sum, order) => sum + order.lines.length, 0),
  };
}

/** SHA-256 of the whole data set (dates as ISO strings): equal hashes, equal data. */
export function retailDataHash(data: RetailData): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ options: data.options, end: data.end, products: data.products }));
  hash.update(JSON.stringify(data.customers));
  for (let offset = 0; offset < data.orders.length; offset += 10_000)
    hash.update(JSON.stringify(data.orders.slice(offset, offset + 10_000)));
  hash.update(JSON.stringify(data.responses));
  hash.update(JSON.stringify(data.cases));
  return hash.digest('hex');
}

export interface RetailDataSummary {
  products: number;
  customers: number;
  sales: number;
  guestSales: number;
  returns: number;
  linkedReturns: number;
  cancelled: number;
  discounted: number;
  lines: number;
  responses: number;
  cases: number;
}

export function summarizeRetailData(data: RetailData): RetailDataSummary {
  const sales = data.orders.filter((order) => order.kind === 'SALE');
  const returns = data.orders.filter((order) => order.kind === 'RETURN');
  return {
    products: data.products.length,
    customers: data.customers.length,
    sales: sales.length,
    guestSales: sales.filter((order) => order.customer === null).length,
    returns: returns.length,
    linkedReturns: returns.filter((order) => order.returnOf !== null).length,
    cancelled: sales.filter((order) => order.status === 'CANCELLED').length,
    discounted: sales.filter((order) => order.orderDiscount > 0 || order.lines.some((line) => line.discount > 0))
      .length,
    lines: data.lineCount,
    responses: data.responses.length,
    cases: data.cases.length,
  };
}

// ---------------------------------------------------------------------------------------------------
// Bulk insert

export interface InsertRetailDataOptions {
  /** Rows per INSERT statement (default 5,000). */
  batchSize?: number;
  /**
   * Statements in flight at once (default 1). PostgreSQL gains from 2–4 on a machine with several cores;
   * PGlite has one connection, so more only queue.
   */
  concurrency?: number;
  /** Called after every statement with rows written so far and the total. */
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
  /** ANALYZE the written tables at the end (default true), as autovacuum would on a live database. */
  analyze?: boolean;
}

export interface InsertRetailDataResult {
  rows: number;
  /** Order id per externalId. */
  orderIds: Map<string, string>;
  /** Customer id per externalId. */
  customerIds: Map<string, string>;
}

type Row = Record<string, string | number | boolean | null | string[]>;

/** The maintained columns of every order, as recordOrders, linkReturns and cancelOrder leave them. */
function orderRows(data: RetailData, orderIds: Map<string, string>, customerIds: Map<string, string>): Row[] {
  const totals = new Map(data.orders.map((order) => [order.externalId, orderTotals(order.lines, order.orderDiscount)]));
  const returned = new Map<string, bigint>();
  for (const order of data.orders)
    if (order.kind === 'RETURN' && order.returnOf && order.status !== 'CANCELLED')
      returned.set(order.returnOf, (returned.get(order.returnOf) ?? 0n) - totals.get(order.externalId)!.total);
  return data.orders.map((order) => {
    const total = totals.get(order.externalId)!;
    const returnedTotal = returned.get(order.externalId) ?? 0n;
    const linkedReturn = order.kind === 'RETURN' && order.returnOf !== null;
    const netTotal = order.status === 'CANCELLED' || linkedReturn ? 0n : total.total - returnedTotal;
    return {
      id: orderIds.get(order.externalId)!,
      externalId: order.externalId,
      customerId: order.customer === null ? null : customerIds.get(order.customer)!,
      kind: total.kind,
      returnOfId: order.returnOf === null ? null : orderIds.get(order.returnOf)!,
      channel: order.channel,
      location: order.location,
      placedAt: order.placedAt.toISOString(),
      currency: data.options.currency,
      status: order.status,
      subtotal: total.subtotal.toString(),
      discountTotal: total.discountTotal.toString(),
      orderDiscount: String(order.orderDiscount),
      total: total.total.toString(),
      returnedTotal: returnedTotal.toString(),
      netTotal: netTotal.toString(),
      itemCount: total.itemCount,
      cancelledAt: order.cancelledAt?.toISOString() ?? null,
      cancelReason: order.cancelledAt ? 'Customer changed their mind' : null,
    };
  });
}

/**
 * The customers' maintained aggregates, as recomputeCustomerAggregates computes them: orderCount and
 * first/last order over non-cancelled sales, totalSpent Σ netTotal over all their orders.
 */
function customerAggregates(data: RetailData, orders: Row[]) {
  const aggregates = new Map<string, { count: number; spent: bigint; first: string | null; last: string | null }>();
  for (const customer of data.customers)
    aggregates.set(customer.externalId, { count: 0, spent: 0n, first: null, last: null });
  data.orders.forEach((order, index) => {
    if (order.customer === null) return;
    const aggregate = aggregates.get(order.customer)!;
    const row = orders[index]!;
    aggregate.spent += BigInt(row.netTotal as string);
    if (order.kind !== 'SALE' || order.status === 'CANCELLED') return;
    aggregate.count++;
    const at = row.placedAt as string;
    // ISO strings of one format sort like the instants.
    if (aggregate.first === null || at < aggregate.first) aggregate.first = at;
    if (aggregate.last === null || at > aggregate.last) aggregate.last = at;
  });
  return aggregates;
}

/**
 * Writes the data set into the store with multi-row `INSERT … SELECT FROM jsonb_to_recordset($1)`
 * statements: products, customers (with a "bench" identity each and their aggregates), orders (sales,
 * then returns), lines, three AFTER_ORDER surveys (NPS, CSAT, CES), their responses and follow-up cases.
 * No domain events are written (nothing subscribes to history). The store should be empty.
 */
export async function insertRetailData(
  prisma: PrismaClient,
  storeId: string,
  data: RetailData,
  options: InsertRetailDataOptions = {},
): Promise<InsertRetailDataResult> {
  const batchSize = options.batchSize ?? 5000;
  const customerIds = new Map(data.customers.map((customer) => [customer.externalId, uuidv7()]));
  const orderIds = new Map(data.orders.map((order) => [order.externalId, uuidv7()]));
  const productIds = new Map(data.products.map((product) => [product.sku, uuidv7()]));
  const orders = orderRows(data, orderIds, customerIds);
  const aggregates = customerAggregates(data, orders);

  const total =
    data.products.length +
    2 * data.customers.length +
    data.orders.length +
    data.lineCount +
    3 +
    data.responses.length +
    data.cases.length;
  let done = 0;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  /** Runs `sql` once per batch, `concurrency` at a time; batches are made as the statements go. */
  const write = async (batches: Iterable<Row[]>, sql: string) => {
    const iterator = batches[Symbol.iterator]();
    const worker = async () => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        const batch = next.value;
        if (batch.length === 0) continue;
        await prisma.$executeRawUnsafe(sql, JSON.stringify(batch), storeId);
        done += batch.length;
        options.onProgress?.(done, total);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  function* chunks(rows: Row[]): Generator<Row[]> {
    for (let offset = 0; offset < rows.length; offset += batchSize) yield rows.slice(offset, offset + batchSize);
  }

  await write(
    chunks(
      data.products.map((product) => ({
        id: productIds.get(product.sku)!,
        sku: product.sku,
        name: product.name,
        price: product.price,
        currency: data.options.currency,
        categoryPath: product.categoryPath,
      })),
    ),
    `INSERT INTO "Product" (id, "storeId", sku, name, price, currency, "categoryPath", "createdAt", "updatedAt")
     SELECT x.id, $2::uuid, x.sku, x.name, x.price, x.currency, x."categoryPath", now(), now()
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, sku text, name text, price int, currency text, "categoryPath" text[])`,
  );

  await write(
    chunks(
      data.customers.map((customer) => {
        const aggregate = aggregates.get(customer.externalId)!;
        const acquired = customer.acquiredAt.toISOString();
        return {
          id: customerIds.get(customer.externalId)!,
          firstName: customer.firstName,
          lastName: customer.lastName,
          email: customer.email,
          locale: customer.locale,
          marketingConsent: customer.marketingConsent,
          marketingConsentAt: customer.marketingConsent ? acquired : null,
          marketingConsentSource: customer.marketingConsent ? 'checkout' : null,
          orderCount: aggregate.count,
          totalSpent: aggregate.spent.toString(),
          firstOrderAt: aggregate.first,
          lastOrderAt: aggregate.last,
          createdAt: acquired,
        };
      }),
    ),
    `INSERT INTO "Customer" (id, "storeId", "firstName", "lastName", email, locale, "marketingConsent",
                             "marketingConsentAt", "marketingConsentSource", "orderCount", "totalSpent",
                             "firstOrderAt", "lastOrderAt", "createdAt", "updatedAt")
     SELECT x.id, $2::uuid, x."firstName", x."lastName", x.email, x.locale, x."marketingConsent",
            x."marketingConsentAt", x."marketingConsentSource", x."orderCount", x."totalSpent",
            x."firstOrderAt", x."lastOrderAt", x."createdAt", now()
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "firstName" text, "lastName" text, email text, locale text,
          "marketingConsent" boolean, "marketingConsentAt" timestamptz, "marketingConsentSource" text,
          "orderCount" int, "totalSpent" bigint, "firstOrderAt" timestamptz, "lastOrderAt" timestamptz,
          "createdAt" timestamptz)`,
  );
  await write(
    chunks(
      data.customers.map((customer) => ({
        id: uuidv7(),
        customerId: customerIds.get(customer.externalId)!,
        externalId: customer.externalId,
        createdAt: customer.acquiredAt.toISOString(),
      })),
    ),
    `INSERT INTO "CustomerIdentity" (id, "storeId", "customerId", source, "externalId", "createdAt")
     SELECT x.id, $2::uuid, x."customerId", 'bench', x."externalId", x."createdAt"
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "customerId" uuid, "externalId" text, "createdAt" timestamptz)`,
  );

  // Sales before returns: a return's returnOfId must find its original.
  const orderSql = `INSERT INTO "Order" (id, "storeId", "externalId", "customerId", kind, "returnOfId", channel, location,
                         "placedAt", currency, status, subtotal, "discountTotal", "orderDiscount", total,
                         "returnedTotal", "netTotal", "itemCount", source, "cancelledAt", "cancelReason",
                         "createdAt", "updatedAt")
     SELECT x.id, $2::uuid, x."externalId", x."customerId", x.kind::"OrderKind", x."returnOfId",
            x.channel::"OrderChannel", x.location, x."placedAt", x.currency, x.status::"OrderStatus", x.subtotal,
            x."discountTotal", x."orderDiscount", x.total, x."returnedTotal", x."netTotal", x."itemCount", 'bench',
            x."cancelledAt", x."cancelReason", now(), now()
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "externalId" text, "customerId" uuid, kind text,
          "returnOfId" uuid, channel text, location text, "placedAt" timestamptz, currency text, status text,
          subtotal bigint, "discountTotal" bigint, "orderDiscount" bigint, total bigint, "returnedTotal" bigint,
          "netTotal" bigint, "itemCount" int, "cancelledAt" timestamptz, "cancelReason" text)`;
  await write(chunks(orders.filter((row) => row.kind === 'SALE')), orderSql);
  await write(chunks(orders.filter((row) => row.kind === 'RETURN')), orderSql);

  function* lineBatches(): Generator<Row[]> {
    let batch: Row[] = [];
    for (const order of data.orders) {
      const totals = orderTotals(order.lines, order.orderDiscount);
      const orderId = orderIds.get(order.externalId)!;
      order.lines.forEach((line, index) => {
        batch.push({
          id: uuidv7(),
          orderId,
          lineNumber: index + 1,
          sku: line.sku,
          productId: productIds.get(line.sku) ?? null,
          name: line.name,
          quantity: line.quantity,
          unitPrice: line.unitPrice,
          discount: line.discount,
          total: totals.lineTotals[index]!.toString(),
        });
      });
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    yield batch;
  }
  await write(
    lineBatches(),
    `INSERT INTO "OrderLine" (id, "orderId", "storeId", "lineNumber", kind, sku, "productId", name, quantity,
                              "unitPrice", discount, total)
     SELECT x.id, x."orderId", $2::uuid, x."lineNumber", 'PRODUCT'::"OrderLineKind", x.sku, x."productId", x.name,
            x.quantity, x."unitPrice", x.discount, x.total
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "orderId" uuid, "lineNumber" int, sku text, "productId" uuid,
          name text, quantity int, "unitPrice" int, discount int, total bigint)`,
  );

  const surveyIds: Record<SurveyKind, string> = { NPS: uuidv7(), CSAT: uuidv7(), CES: uuidv7() };
  await prisma.survey.createMany({
    data: (['NPS', 'CSAT', 'CES'] as const).map((type) => ({
      id: surveyIds[type],
      storeId,
      name: `Bench ${type}`,
      type,
      trigger: 'AFTER_ORDER' as const,
    })),
  });
  done += 3;
  const responseIds = data.responses.map(() => uuidv7());
  await write(
    chunks(
      data.responses.map((response, index) => {
        const orderId = orderIds.get(response.order)!;
        return {
          id: responseIds[index]!,
          surveyId: surveyIds[response.type],
          type: response.type,
          score: response.score,
          comment: response.comment,
          customerId: response.customer === null ? null : customerIds.get(response.customer)!,
          orderId,
          channel: response.channel,
          location: response.location,
          productSkus: response.productSkus,
          dedupeKey: `order:${orderId}`,
          createdAt: response.createdAt.toISOString(),
        };
      }),
    ),
    `INSERT INTO "SurveyResponse" (id, "storeId", "surveyId", type, score, comment, "customerId", "orderId", channel,
                                   locale, location, "productSkus", via, "dedupeKey", "createdAt", "updatedAt")
     SELECT x.id, $2::uuid, x."surveyId", x.type::"SurveyType", x.score, x.comment, x."customerId", x."orderId",
            x.channel::"OrderChannel", 'en', x.location, x."productSkus", 'LINK'::"ResponseVia", x."dedupeKey",
            x."createdAt", x."createdAt"
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "surveyId" uuid, type text, score int, comment text,
          "customerId" uuid, "orderId" uuid, channel text, location text, "productSkus" text[], "dedupeKey" text,
          "createdAt" timestamptz)`,
  );
  await write(
    chunks(
      data.cases.map((item) => {
        const response = data.responses[item.response]!;
        return {
          id: uuidv7(),
          responseId: responseIds[item.response]!,
          customerId: response.customer === null ? null : customerIds.get(response.customer)!,
          status: item.status,
          assignee: item.assignee,
          dueAt: item.dueAt.toISOString(),
          firstResponseAt: item.firstResponseAt?.toISOString() ?? null,
          resolvedAt: item.resolvedAt?.toISOString() ?? null,
          createdAt: item.createdAt.toISOString(),
          updatedAt: (item.resolvedAt ?? item.firstResponseAt ?? item.createdAt).toISOString(),
        };
      }),
    ),
    `INSERT INTO "FollowUpCase" (id, "storeId", "responseId", "customerId", status, assignee, "dueAt",
                                 "firstResponseAt", "resolvedAt", "createdAt", "updatedAt")
     SELECT x.id, $2::uuid, x."responseId", x."customerId", x.status::"CaseStatus", x.assignee, x."dueAt",
            x."firstResponseAt", x."resolvedAt", x."createdAt", x."updatedAt"
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "responseId" uuid, "customerId" uuid, status text,
          assignee text, "dueAt" timestamptz, "firstResponseAt" timestamptz, "resolvedAt" timestamptz,
          "createdAt" timestamptz, "updatedAt" timestamptz)`,
  );
  options.onProgress?.(done, total);

  if (options.analyze ?? true)
    await prisma.$executeRawUnsafe(
      'ANALYZE "Product", "Customer", "CustomerIdentity", "Order", "OrderLine", "SurveyResponse", "FollowUpCase"',
    );
  return { rows: done, orderIds, customerIds };
}
