import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportRfm, exportRfmCsv, recomputeRfm, rfmCsv, rfmSummary } from '../../src/modules/analytics/rfm.service.ts';
import { cancelOrder, recordOrders } from '../../src/modules/orders/orders.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * RFM scores and segments on a hand-computed fixture of ten customers. With n = 10 a score is
 * 1 + floor(5 × worse / 10) = 1 + floor(worse / 2), "worse" counting customers strictly worse:
 *
 * | customer | days | purchases | spend | R (worse) | F (worse) | M (worse) | FM | segment             |
 * |----------|------|-----------|-------|-----------|-----------|-----------|----|---------------------|
 * | c1       | 1    | 5         | 1000  | 5 (8)     | 5 (9)     | 5 (9)     | 5  | CHAMPIONS           |
 * | c2       | 1    | 4         | 900   | 5 (8)     | 4 (7)     | 4 (7)     | 4  | CHAMPIONS           |
 * | c3       | 10   | 3         | 800   | 4 (7)     | 3 (5)     | 4 (6)     | 4  | CHAMPIONS           |
 * | c4       | 20   | 1         | 50    | 4 (6)     | 1 (0)     | 2 (2)     | 2  | POTENTIAL_LOYALISTS |
 * | c5       | 30   | 2         | 300   | 3 (5)     | 3 (4)     | 3 (4)     | 3  | LOYAL               |
 * | c6       | 60   | 1         | 100   | 3 (4)     | 1 (0)     | 2 (3)     | 2  | NEED_ATTENTION      |
 * | c7       | 90   | 3         | 700   | 2 (3)     | 3 (5)     | 3 (5)     | 3  | AT_RISK             |
 * | c8       | 120  | 1         | 20    | 2 (2)     | 1 (0)     | 1 (1)     | 1  | HIBERNATING         |
 * | c9       | 200  | 4         | 950   | 1 (1)     | 4 (7)     | 5 (8)     | 5  | CANNOT_LOSE         |
 * | c10      | 300  | 1         | 10    | 1 (0)     | 1 (0)     | 1 (0)     | 1  | LOST                |
 *
 * Ties: c1 and c2 share R = 5 (same day), c3 and c7 share F = 3, the four one-time buyers share F = 1.
 * Not scored: a guest's order, c11 whose only order is cancelled, c12 whose only order was fully returned.
 */

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;

const FIXTURE = [
  { key: 'c1', days: 1, purchases: 5, spend: 1000, r: 5, f: 5, m: 5, segment: 'CHAMPIONS' },
  { key: 'c2', days: 1, purchases: 4, spend: 900, r: 5, f: 4, m: 4, segment: 'CHAMPIONS' },
  { key: 'c3', days: 10, purchases: 3, spend: 800, r: 4, f: 3, m: 4, segment: 'CHAMPIONS' },
  { key: 'c4', days: 20, purchases: 1, spend: 50, r: 4, f: 1, m: 2, segment: 'POTENTIAL_LOYALISTS' },
  { key: 'c5', days: 30, purchases: 2, spend: 300, r: 3, f: 3, m: 3, segment: 'LOYAL' },
  { key: 'c6', days: 60, purchases: 1, spend: 100, r: 3, f: 1, m: 2, segment: 'NEED_ATTENTION' },
  { key: 'c7', days: 90, purchases: 3, spend: 700, r: 2, f: 3, m: 3, segment: 'AT_RISK' },
  { key: 'c8', days: 120, purchases: 1, spend: 20, r: 2, f: 1, m: 1, segment: 'HIBERNATING' },
  { key: 'c9', days: 200, purchases: 4, spend: 950, r: 1, f: 4, m: 5, segment: 'CANNOT_LOSE' },
  { key: 'c10', days: 300, purchases: 1, spend: 10, r: 1, f: 1, m: 1, segment: 'LOST' },
] as const;

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

let app: TestApp;
let store: CreatedStore;
let other: CreatedStore;
const ids = new Map<string, string>();

function customer(key: string) {
  return {
    identities: [{ source: 'web', externalId: key }],
    email: `${key}@example.com`,
    firstName: key === 'c3' ? '=HYPERLINK("x")' : key.toUpperCase(),
    lastName: key === 'c1' ? 'Smith, Jr.' : 'Test',
  };
}

function line(price: number) {
  return [{ sku: 'RFM-1', name: 'Thing', quantity: 1, unitPrice: price }];
}

beforeAll(async () => {
  app = await createTestApp();
  store = await app.createStore('RFM');
  other = await app.createStore('RFM other');
  const orders: Parameters<typeof recordOrders>[2] = [];
  for (const row of FIXTURE) {
    const base = Math.floor(row.spend / row.purchases);
    for (let index = 0; index < row.purchases; index++)
      orders.push({
        externalId: `${row.key}-${index}`,
        channel: 'ONLINE',
        // The newest purchase is `days` whole days (and one hour) before NOW, older ones 10 days apart.
        placedAt: new Date(NOW.getTime() - (row.days + index * 10) * DAY - 3_600_000),
        customer: customer(row.key),
        lines: line(base + (index === 0 ? row.spend - base * row.purchases : 0)),
      });
  }
  orders.push(
    { externalId: 'guest-1', channel: 'STORE', placedAt: new Date(NOW.getTime() - DAY), lines: line(5000) },
    {
      externalId: 'c11-0',
      channel: 'STORE',
      placedAt: new Date(NOW.getTime() - DAY),
      customer: customer('c11'),
      lines: line(4000),
    },
    {
      externalId: 'c12-0',
      channel: 'STORE',
      placedAt: new Date(NOW.getTime() - 2 * DAY),
      customer: customer('c12'),
      lines: line(3000),
    },
  );
  await recordOrders(app.db.prisma, store.id, orders);
  await recordOrders(app.db.prisma, store.id, [
    {
      externalId: 'c12-0-return',
      returnOfExternalId: 'c12-0',
      channel: 'STORE',
      placedAt: new Date(NOW.getTime() - DAY),
      customer: customer('c12'),
      lines: [{ sku: 'RFM-1', name: 'Thing', quantity: -1, unitPrice: 3000 }],
    },
  ]);
  await cancelOrder(app.db.prisma, store.id, 'c11-0');
  // The other store: one big customer that must not shift this store's quintiles.
  await recordOrders(app.db.prisma, other.id, [
    {
      externalId: 'o-1',
      channel: 'ONLINE',
      placedAt: new Date(NOW.getTime() - DAY),
      customer: customer('c1'),
      lines: line(99_999),
    },
  ]);
  for (const row of await app.db.prisma.customer.findMany({
    where: { storeId: store.id },
    select: { id: true, email: true },
  }))
    ids.set(row.email!.split('@')[0]!, row.id);
});
afterAll(() => app.close());

describe('recomputeRfm', () => {
  test('scores and segments match the hand-computed table', async () => {
    const result = await recomputeRfm(app.db.prisma, store.id, { now: NOW });
    expect(result.customers).toBe(10);
    expect(result.segments).toEqual({
      CHAMPIONS: 3,
      LOYAL: 1,
      POTENTIAL_LOYALISTS: 1,
      NEW: 0,
      PROMISING: 0,
      NEED_ATTENTION: 1,
      ABOUT_TO_SLEEP: 0,
      AT_RISK: 1,
      CANNOT_LOSE: 1,
      HIBERNATING: 1,
      LOST: 1,
    });
    const rows = await app.db.prisma.customerRfm.findMany({ where: { storeId: store.id } });
    const byId = new Map(rows.map((row) => [row.customerId, row]));
    for (const expected of FIXTURE) {
      const row = byId.get(ids.get(expected.key)!);
      expect(row, expected.key).toMatchObject({
        recency: expected.r,
        frequency: expected.f,
        monetary: expected.m,
        segment: expected.segment,
        daysSinceLastPurchase: expected.days,
        purchases: expected.purchases,
        netSpent: BigInt(expected.spend),
        computedAt: NOW,
      });
    }
    // Cancelled-only and fully-returned-only customers are not scored; the guest has no row to get.
    expect(byId.has(ids.get('c11')!)).toBe(false);
    expect(byId.has(ids.get('c12')!)).toBe(false);
    expect(rows).toHaveLength(10);
  });

  test('equal values get equal scores', async () => {
    const rows = await app.db.prisma.customerRfm.findMany({ where: { storeId: store.id } });
    const byDays = new Map<number, Set<number>>();
    const byPurchases = new Map<number, Set<number>>();
    for (const row of rows) {
      byDays.set(row.daysSinceLastPurchase, (byDays.get(row.daysSinceLastPurchase) ?? new Set()).add(row.recency));
      byPurchases.set(row.purchases, (byPurchases.get(row.purchases) ?? new Set()).add(row.frequency));
    }
    for (const scores of [...byDays.values(), ...byPurchases.values()]) expect(scores.size).toBe(1);
    expect([...byPurchases.get(1)!]).toEqual([1]); // four one-time buyers: nobody buys less often
  });

  test('recomputing updates rows and drops customers without purchases', async () => {
    const small = await app.createStore('RFM small');
    const orders = ['x1', 'x2'].map((key) => ({
      externalId: `${key}-0`,
      channel: 'ONLINE' as const,
      placedAt: new Date(NOW.getTime() - 5 * DAY),
      customer: customer(key),
      lines: line(100),
    }));
    await recordOrders(app.db.prisma, small.id, orders);
    expect((await recomputeRfm(app.db.prisma, small.id, { now: NOW })).customers).toBe(2);
    await cancelOrder(app.db.prisma, small.id, 'x2-0');
    const later = new Date(NOW.getTime() + 10 * DAY);
    const result = await recomputeRfm(app.db.prisma, small.id, { now: later });
    expect(result.customers).toBe(1);
    const rows = await app.db.prisma.customerRfm.findMany({
      where: { storeId: small.id },
      include: { customer: { select: { email: true } } },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      customer: { email: 'x1@example.com' },
      daysSinceLastPurchase: 15,
      computedAt: later,
      purchases: 1,
      netSpent: 100n,
    });
    // The main store's rows are untouched by another store's run.
    expect(await app.db.prisma.customerRfm.count({ where: { storeId: store.id, computedAt: NOW } })).toBe(10);
    expect(await app.db.prisma.customerRfm.count({ where: { storeId: other.id } })).toBe(0);
  });

  test('summary per segment', async () => {
    const summary = await rfmSummary(app.db.prisma, store.id);
    expect(summary.computedAt).toEqual(NOW);
    expect(summary.customers).toBe(10);
    expect(summary.segments.map((row) => row.segment)).toHaveLength(11);
    const champions = summary.segments.find((row) => row.segment === 'CHAMPIONS')!;
    expect(champions).toEqual({
      segment: 'CHAMPIONS',
      customers: 3,
      share: 30,
      avgDaysSinceLastPurchase: 4, // (1 + 1 + 10) / 3
      avgPurchases: 4, // (5 + 4 + 3) / 3
      avgNetSpent: 900, // (1000 + 900 + 800) / 3
      totalNetSpent: 2700,
    });
    expect(summary.segments.find((row) => row.segment === 'NEW')).toEqual({
      segment: 'NEW',
      customers: 0,
      share: 0,
      avgDaysSinceLastPurchase: null,
      avgPurchases: null,
      avgNetSpent: null,
      totalNetSpent: 0,
    });
    expect(await rfmSummary(app.db.prisma, other.id)).toMatchObject({ computedAt: null, customers: 0 });
  });
});

describe('customers filter and API', () => {
  const gql = (query: string, variables: Record<string, unknown> = {}) =>
    app.gql(query, variables, { key: store.secretKey });
  const keysOf = (connection: { edges: { node: { email: string } }[] }) =>
    connection.edges.map((edge) => edge.node.email.split('@')[0]).sort();

  test('customers(filter: { rfmSegment }) lists exactly the segment', async () => {
    const response = await gql(
      'query($f: CustomerFilter) { customers(first: 50, filter: $f) { totalCount edges { node { email } } } }',
      { f: { rfmSegment: 'CHAMPIONS' } },
    );
    expect(response.errors).toBeUndefined();
    expect(keysOf(response.data!.customers)).toEqual(['c1', 'c2', 'c3']);
    const lost = await gql('{ customers(first: 50, filter: { rfmSegment: LOST }) { edges { node { email } } } }');
    expect(keysOf(lost.data!.customers)).toEqual(['c10']);
  });

  test('a bad segment name is refused naming the allowed values', async () => {
    const response = await gql('{ customers(first: 5, filter: { rfmSegment: VIP }) { edges { node { id } } } }');
    expect(response.errors?.[0]?.message).toMatch(/RfmSegment/);
  });

  test('a saved segment with rfmSegment works', async () => {
    const created = await gql(
      `mutation { createSegment(input: { name: "Champions who spent", filter: { rfmSegment: CHAMPIONS, totalSpentMin: 850 } }) {
        __typename ... on Segment { id filter } } }`,
    );
    expect(created.errors).toBeUndefined();
    const segment = created.data!.createSegment;
    expect(segment.filter).toEqual({ rfmSegment: 'CHAMPIONS', totalSpentMin: 850 });
    const members = await gql(
      'query($f: CustomerFilter) { customers(first: 50, filter: $f) { edges { node { email } } } }',
      { f: { segmentId: segment.id } },
    );
    expect(keysOf(members.data!.customers)).toEqual(['c1', 'c2']);
  });

  test('Customer.rfm and the rfmSegments report', async () => {
    const one = await gql(
      'query($id: ID!) { customer(id: $id) { rfm { recency frequency monetary segment daysSinceLastPurchase purchases netSpent computedAt } } }',
      {
        id: ids.get('c9'),
      },
    );
    expect(one.data!.customer.rfm).toEqual({
      recency: 1,
      frequency: 4,
      monetary: 5,
      segment: 'CANNOT_LOSE',
      daysSinceLastPurchase: 200,
      purchases: 4,
      netSpent: 950,
      computedAt: NOW.toISOString(),
    });
    const unscored = await gql('query($id: ID!) { customer(id: $id) { rfm { segment } } }', { id: ids.get('c11') });
    expect(unscored.data!.customer.rfm).toBeNull();
    const report = await gql(
      '{ rfmSegments { computedAt customers segments { segment customers share totalNetSpent } definitions { segment description rule } } }',
    );
    expect(report.errors).toBeUndefined();
    expect(report.data!.rfmSegments.customers).toBe(10);
    expect(report.data!.rfmSegments.segments).toContainEqual({
      segment: 'CANNOT_LOSE',
      customers: 1,
      share: 10,
      totalNetSpent: 950,
    });
    expect(report.data!.rfmSegments.definitions).toHaveLength(11);
    expect(report.data!.rfmSegments.definitions[0]).toEqual({
      segment: 'CHAMPIONS',
      description: expect.any(String),
      rule: 'R 4–5 and FM 4–5',
    });
  });

  test('recomputeRfm mutation scores as of now and needs the secret key', async () => {
    const denied = await app.gql('mutation { recomputeRfm { customers } }', {}, { key: store.publishableKey });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const response = await gql('mutation { recomputeRfm { computedAt customers } }');
    expect(response.errors).toBeUndefined();
    expect(response.data!.recomputeRfm.customers).toBe(10);
    expect(new Date(response.data!.recomputeRfm.computedAt).getTime()).toBeGreaterThan(NOW.getTime());
    await recomputeRfm(app.db.prisma, store.id, { now: NOW }); // back to the fixture's instant
  });
});

describe('export', () => {
  test('exportRfm pages by customer id and filters by segment', async () => {
    const all = await collect(exportRfm(app.db.prisma, store.id, null, 3));
    expect(all).toHaveLength(10);
    expect(all.map((row) => row.customerId)).toEqual([...all.map((row) => row.customerId)].sort());
    const champions = await collect(exportRfm(app.db.prisma, store.id, 'CHAMPIONS', 2));
    expect(champions.map((row) => row.email).sort()).toEqual(['c1@example.com', 'c2@example.com', 'c3@example.com']);
    expect(await collect(exportRfm(app.db.prisma, other.id))).toEqual([]);
  });

  test('CSV quotes commas and quotes and defuses formulas', async () => {
    const rows = await collect(exportRfm(app.db.prisma, store.id, 'CHAMPIONS'));
    const csv = rfmCsv(rows);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'customerId,email,firstName,lastName,segment,recency,frequency,monetary,daysSinceLastPurchase,purchases,netSpent',
    );
    expect(lines).toHaveLength(5); // header, three rows, and the empty string after the last CRLF
    expect(csv).toContain(`${ids.get('c1')},c1@example.com,C1,"Smith, Jr.",CHAMPIONS,5,5,5,1,5,1000\r\n`);
    expect(csv).toContain(`${ids.get('c3')},c3@example.com,"'=HYPERLINK(""x"")",Test,CHAMPIONS,4,3,4,10,3,800\r\n`);
    const chunks = await collect(exportRfmCsv(app.db.prisma, store.id, 'CHAMPIONS', 2));
    expect(chunks.map((chunk) => chunk.rows)).toEqual([0, 2, 1]);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(csv);
  });

  test('rfmCsv on edge values', () => {
    const csv = rfmCsv([
      {
        customerId: 'id',
        email: null,
        firstName: '+1 555',
        lastName: '@home\nnext',
        segment: 'LOST',
        recency: 1,
        frequency: 1,
        monetary: 1,
        daysSinceLastPurchase: 0,
        purchases: 1,
        netSpent: -5,
      },
    ]);
    expect(csv.split('\r\n')[1]).toBe(`id,,'+1 555,"'@home\nnext",LOST,1,1,1,0,1,-5`);
  });
});
