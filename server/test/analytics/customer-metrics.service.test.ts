import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../bench/lib.ts';
import {
  type CustomerMetricSeries,
  comparisonStart,
  customerMetricSeries,
} from '../../src/modules/analytics/customer-metrics.service.ts';
import { type Granularity, type Period, periodsBetween, previousPeriod } from '../../src/modules/analytics/periods.ts';
import { CUSTOMER_METRICS, type CustomerMetric } from '../../src/modules/analytics/retention.ts';
import { cancelOrder, type OrderInput, recordOrders } from '../../src/modules/orders/orders.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * The SQL against a plain reference implementation of the README definitions, row by row in JS, on a
 * seeded random store (America/New_York, registered customers and guests, two channels, discounts,
 * full and partial linked returns, unlinked returns, cancellations) over ranges aligned and not
 * aligned to the periods.
 */

let app: TestApp;
let storeId: string;
const TZ = 'America/New_York';

beforeAll(async () => {
  app = await createTestApp();
  const store = await app.createStore('Random shop');
  storeId = store.id;
  await app.db.prisma.store.update({ where: { id: storeId }, data: { timezone: TZ } });
  const rand = mulberry32(42);
  const start = Date.parse('2025-11-01T00:00:00Z');
  const span = Date.parse('2026-06-01T00:00:00Z') - start;
  const sales: OrderInput[] = [];
  for (let i = 0; i < 160; i++) {
    const guest = rand() < 0.15;
    const price = 500 + Math.floor(rand() * 20) * 250;
    sales.push({
      externalId: `s${i}`,
      customer: guest ? null : { identities: [{ source: 'web', externalId: `c${Math.floor(rand() * 30)}` }] },
      channel: rand() < 0.5 ? 'STORE' : 'ONLINE',
      placedAt: new Date(start + Math.floor(rand() * span)),
      currency: 'EUR',
      lines: [{ sku: 'X', name: 'X', quantity: 1, unitPrice: price, discount: rand() < 0.3 ? 100 : 0 }],
    });
  }
  await recordOrders(app.db.prisma, storeId, sales);
  const returns: OrderInput[] = [];
  sales.forEach((sale, i) => {
    const roll = rand();
    if (roll < 0.12) {
      const price = sale.lines[0]!.unitPrice - (sale.lines[0]!.discount ?? 0);
      const full = rand() < 0.5;
      returns.push({
        externalId: `r${i}`,
        customer: sale.customer ?? null,
        channel: sale.channel,
        placedAt: new Date(sale.placedAt.getTime() + 5 * 86_400_000),
        currency: 'EUR',
        returnOfExternalId: sale.externalId,
        lines: [{ sku: 'X', name: 'X', quantity: -1, unitPrice: full ? price : Math.floor(price / 2) }],
      });
    } else if (roll < 0.16)
      returns.push({
        externalId: `u${i}`,
        customer: sale.customer ?? null,
        channel: sale.channel,
        placedAt: new Date(sale.placedAt.getTime() + 3 * 86_400_000),
        currency: 'EUR',
        lines: [{ sku: 'X', name: 'X', quantity: -1, unitPrice: 300 }],
      });
  });
  await recordOrders(app.db.prisma, storeId, returns);
  for (let i = 0; i < 160; i += 17) await cancelOrder(app.db.prisma, storeId, `s${i}`);
  await cancelOrder(app.db.prisma, storeId, returns.find((r) => r.externalId.startsWith('u'))!.externalId);
});
afterAll(() => app?.close());

interface Row {
  customerId: string | null;
  kind: string;
  status: string;
  returnOfId: string | null;
  channel: string;
  placedAt: Date;
  total: number;
  netTotal: number;
  returnedTotal: number;
  discountTotal: number;
}

async function rows(): Promise<Row[]> {
  const orders = await app.db.prisma.order.findMany({ where: { storeId } });
  return orders.map((o) => ({
    customerId: o.customerId,
    kind: o.kind,
    status: o.status,
    returnOfId: o.returnOfId,
    channel: o.channel,
    placedAt: o.placedAt,
    total: Number(o.total),
    netTotal: Number(o.netTotal),
    returnedTotal: Number(o.returnedTotal),
    discountTotal: Number(o.discountTotal),
  }));
}

const isPurchase = (o: Row) =>
  o.kind === 'SALE' && o.status !== 'CANCELLED' && !(o.returnedTotal > 0 && o.netTotal <= 0);
const within = (o: Row, from: Date, to: Date) => o.placedAt >= from && o.placedAt < to;
const pct = (a: number, b: number) => (b === 0 ? null : (a / b) * 100);
const div = (a: number, b: number) => (b === 0 ? null : a / b);

/** The README definitions, literally, for the instants [from, to), `before` = customers active in the comparison window. */
function reference(all: Row[], from: Date, to: Date, before: Set<string> | null) {
  const inP = all.filter((o) => within(o, from, to));
  const purchases = inP.filter(isPurchase);
  const revenue = inP.reduce(
    (sum, o) =>
      sum + (o.kind === 'SALE' ? o.netTotal : o.returnOfId === null && o.status !== 'CANCELLED' ? o.total : 0),
    0,
  );
  const purchaseRevenue = purchases.reduce((sum, o) => sum + o.netTotal, 0);
  const discounted = purchases.filter((o) => o.discountTotal > 0);
  const customerPurchases = purchases.filter((o) => o.customerId !== null);
  const active = new Set(customerPurchases.map((o) => o.customerId!));
  const firsts = new Map<string, Date>();
  for (const o of all.filter(isPurchase))
    if (o.customerId && (!firsts.has(o.customerId) || o.placedAt < firsts.get(o.customerId)!))
      firsts.set(o.customerId, o.placedAt);
  const newOnes = [...active].filter((c) => firsts.get(c)! >= from).length;
  const upToEnd = all.filter((o) => isPurchase(o) && o.customerId && o.placedAt < to);
  const repeat = [...active].filter((c) => upToEnd.filter((o) => o.customerId === c).length >= 2).length;
  const everBought = new Set(upToEnd.map((o) => o.customerId!));
  const spend = upToEnd.reduce((sum, o) => sum + o.netTotal, 0);
  const retained = before ? [...before].filter((c) => active.has(c)).length : 0;
  const previous = before?.size ?? 0;
  const retention = pct(retained, previous);
  const customerRevenue = customerPurchases.reduce((sum, o) => sum + o.netTotal, 0);
  const values: Record<CustomerMetric, { value: number | null; count: number }> = {
    ACTIVE_CUSTOMERS: { value: active.size, count: active.size },
    NEW_CUSTOMERS: { value: newOnes, count: active.size },
    RETURNING_CUSTOMERS: { value: active.size - newOnes, count: active.size },
    RETENTION_RATE: { value: retention, count: previous },
    CHURN_RATE: { value: retention === null ? null : 100 - retention, count: previous },
    REPEAT_PURCHASE_RATE: { value: pct(repeat, active.size), count: active.size },
    PURCHASE_FREQUENCY: { value: div(customerPurchases.length, active.size), count: active.size },
    REVENUE_PER_CUSTOMER: { value: div(customerRevenue, active.size), count: active.size },
    HISTORIC_CLV: { value: div(spend, everBought.size), count: everBought.size },
    REVENUE: { value: revenue, count: purchases.length },
    ORDERS: { value: purchases.length, count: purchases.length },
    AVERAGE_ORDER_VALUE: { value: div(revenue, purchases.length), count: purchases.length },
    DISCOUNTED_ORDER_SHARE: { value: pct(discounted.length, purchases.length), count: purchases.length },
    DISCOUNTED_REVENUE_SHARE: {
      value:
        purchases.length === 0
          ? null
          : pct(
              discounted.reduce((sum, o) => sum + o.netTotal, 0),
              purchaseRevenue,
            ),
      count: purchases.length,
    },
  };
  return { values, active };
}

const activeIn = (all: Row[], from: Date, to: Date) =>
  new Set(all.filter((o) => isPurchase(o) && o.customerId && within(o, from, to)).map((o) => o.customerId!));

function expectMatches(
  actual: Record<CustomerMetric, { value: number | null; count: number }>,
  expected: Record<CustomerMetric, { value: number | null; count: number }>,
  where: string,
) {
  for (const metric of CUSTOMER_METRICS) {
    const a = actual[metric];
    const e = expected[metric];
    expect(a.count, `${where} ${metric} count`).toBe(e.count);
    if (e.value === null) expect(a.value, `${where} ${metric}`).toBeNull();
    else expect(a.value, `${where} ${metric}`).toBeCloseTo(e.value, 6);
  }
}

function check(report: CustomerMetricSeries, all: Row[], range: { from: Date; to: Date }, granularity: Granularity) {
  const periods = periodsBetween(range, granularity, TZ);
  expect(report.periods.map((p) => p.label)).toEqual(periods.map((p) => p.label));
  const before: Period = previousPeriod(periods[0]!, granularity, TZ);
  let previous: Set<string> = activeIn(all, before.start, before.end);
  periods.forEach((period, index) => {
    const from = new Date(Math.max(period.start.getTime(), range.from.getTime()));
    const to = new Date(Math.min(period.end.getTime(), range.to.getTime()));
    const { values, active } = reference(all, from, to, previous);
    const actual = {} as Record<CustomerMetric, { value: number | null; count: number }>;
    for (const metric of CUSTOMER_METRICS) actual[metric] = report.values[metric][index]!;
    expectMatches(actual, values, `${granularity} ${period.label}`);
    previous = active;
  });
  const comparison = activeIn(all, comparisonStart(range, TZ), range.from);
  expectMatches(report.total, reference(all, range.from, range.to, comparison).values, `${granularity} total`);
}

describe('customerMetricSeries against the definitions', () => {
  it.each([
    ['MONTH', '2026-01-01T05:00:00Z', '2026-05-01T04:00:00Z'],
    ['MONTH', '2025-12-17T13:00:00Z', '2026-04-09T00:00:00Z'],
    ['WEEK', '2026-02-02T05:00:00Z', '2026-04-27T04:00:00Z'],
    ['DAY', '2026-03-01T05:00:00Z', '2026-03-20T04:00:00Z'],
    ['QUARTER', '2025-10-01T04:00:00Z', '2026-07-01T04:00:00Z'],
    ['YEAR', '2026-03-05T00:00:00Z', '2026-04-05T00:00:00Z'],
  ] as const)('%s from %s to %s', async (granularity, from, to) => {
    const range = { from: new Date(from), to: new Date(to) };
    const all = await rows();
    expect(all.filter(isPurchase).length).toBeGreaterThan(100);
    const { count, result } = await app.countQueries(() =>
      customerMetricSeries(app.db.prisma, storeId, { range, granularity }),
    );
    expect(count).toBe(2);
    check(result, all, range, granularity);
  });

  it('a channel filter is the same store with only that channel’s orders', async () => {
    const range = { from: new Date('2026-01-01T05:00:00Z'), to: new Date('2026-05-01T04:00:00Z') };
    const all = (await rows()).filter((o) => o.channel === 'ONLINE');
    const result = await customerMetricSeries(app.db.prisma, storeId, {
      range,
      granularity: 'MONTH',
      filter: { channel: 'ONLINE' },
    });
    check(result, all, range, 'MONTH');
  });
});
