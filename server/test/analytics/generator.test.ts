import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  generateRetailData,
  insertRetailData,
  type RetailData,
  retailDataHash,
  summarizeRetailData,
} from '../../../bench/analytics-data.ts';
import {
  cancelOrder,
  type OrderInput,
  recomputeCustomerAggregates,
  recordOrders,
} from '../../src/modules/orders/orders.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

const START = new Date('2025-01-01T00:00:00Z');
const SMALL = { seed: 42, customers: 200, orderLines: 5000, start: START, months: 12 };

function monthOf(date: Date): number {
  return date.getUTCMonth();
}

describe('generateRetailData', () => {
  test('the same seed gives the same data, another seed other data', () => {
    const first = generateRetailData(SMALL);
    const again = generateRetailData({ ...SMALL, start: new Date(START) });
    const other = generateRetailData({ ...SMALL, seed: 43 });
    expect(retailDataHash(again)).toBe(retailDataHash(first));
    expect(retailDataHash(other)).not.toBe(retailDataHash(first));
  });

  test('sizes match the options and the shares are near their targets', () => {
    const data = generateRetailData(SMALL);
    const summary = summarizeRetailData(data);
    expect(summary.customers).toBe(200);
    expect(summary.products).toBe(2000);
    expect(summary.lines).toBe(5000);
    expect(data.orders.reduce((sum, order) => sum + order.lines.length, 0)).toBe(5000);
    expect(data.end.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    for (const order of data.orders) {
      expect(order.placedAt >= START && order.placedAt < data.end).toBe(true);
      if (order.kind === 'SALE') expect(order.lines.length).toBeGreaterThanOrEqual(1);
      if (order.kind === 'SALE') expect(order.lines.length).toBeLessThanOrEqual(10);
    }
    // Every customer bought at least once.
    const buyers = new Set(data.orders.map((order) => order.customer));
    for (const customer of data.customers) expect(buyers.has(customer.externalId)).toBe(true);
    const share = (count: number) => count / summary.sales;
    expect(share(summary.guestSales)).toBeGreaterThan(0.07);
    expect(share(summary.guestSales)).toBeLessThan(0.13);
    expect(share(summary.discounted)).toBeGreaterThan(0.15);
    expect(share(summary.discounted)).toBeLessThan(0.35);
    expect(share(summary.returns)).toBeGreaterThan(0.04);
    expect(share(summary.returns)).toBeLessThan(0.12);
    expect(share(summary.cancelled)).toBeGreaterThan(0.005);
    expect(share(summary.cancelled)).toBeLessThan(0.04);
    expect(share(summary.responses)).toBeGreaterThan(0.1);
    expect(share(summary.responses)).toBeLessThan(0.2);
    expect(summary.cases).toBeGreaterThan(0);
  });

  test('orders follow the seasons: December beats July, weekends beat mid-week', () => {
    const data = generateRetailData({ ...SMALL, customers: 1000, orderLines: 30_000 });
    const sales = data.orders.filter((order) => order.kind === 'SALE');
    const inMonth = (month: number) => sales.filter((order) => monthOf(order.placedAt) === month).length;
    expect(inMonth(11)).toBeGreaterThan(1.4 * inMonth(6));
    const onDay = (day: number) => sales.filter((order) => order.placedAt.getUTCDay() === day).length;
    expect(onDay(6)).toBeGreaterThan(onDay(2));
  });

  test('unhappy answers are likelier after a return, and every unhappy answer has a case', () => {
    const data = generateRetailData({ ...SMALL, customers: 1000, orderLines: 30_000 });
    const returned = new Set(data.orders.flatMap((order) => (order.returnOf ? [order.returnOf] : [])));
    const nps = data.responses.filter((response) => response.type === 'NPS');
    const mean = (scores: number[]) => scores.reduce((sum, score) => sum + score, 0) / scores.length;
    const afterReturn = nps.filter((response) => returned.has(response.order)).map((response) => response.score);
    const kept = nps.filter((response) => !returned.has(response.order)).map((response) => response.score);
    expect(afterReturn.length).toBeGreaterThan(5);
    expect(mean(afterReturn)).toBeLessThan(mean(kept) - 1);
    const detractors = nps.filter((response) => response.score <= 6).length;
    const npsCases = data.cases.filter((item) => data.responses[item.response]!.type === 'NPS').length;
    expect(npsCases).toBe(detractors);
  });
});

describe('insertRetailData', () => {
  let app: TestApp;
  let data: RetailData;
  let storeId: string;

  beforeAll(async () => {
    app = await createTestApp();
    data = generateRetailData(SMALL);
    storeId = (await app.createStore('generated')).id;
    const progress: number[] = [];
    const result = await insertRetailData(app.db.prisma, storeId, data, {
      batchSize: 1000,
      onProgress: (done) => progress.push(done),
    });
    expect(progress.at(-1)).toBe(result.rows);
  }, 120_000);
  afterAll(() => app.close());

  test('every row is written', async () => {
    const summary = summarizeRetailData(data);
    const prisma = app.db.prisma;
    expect(await prisma.product.count({ where: { storeId } })).toBe(2000);
    const product = await prisma.product.findFirstOrThrow({ where: { storeId, sku: data.products[0]!.sku } });
    expect(product).toMatchObject({ categoryPath: data.products[0]!.categoryPath, price: data.products[0]!.price });
    expect(product.categoryPath).toHaveLength(2);
    expect(await prisma.customer.count({ where: { storeId } })).toBe(200);
    expect(await prisma.customerIdentity.count({ where: { storeId, source: 'bench' } })).toBe(200);
    expect(await prisma.order.count({ where: { storeId, kind: 'SALE' } })).toBe(summary.sales);
    expect(await prisma.order.count({ where: { storeId, kind: 'RETURN' } })).toBe(summary.returns);
    expect(await prisma.orderLine.count({ where: { storeId } })).toBe(5000);
    expect(await prisma.orderLine.count({ where: { storeId, productId: null } })).toBe(0);
    expect(await prisma.surveyResponse.count({ where: { storeId } })).toBe(summary.responses);
    expect(await prisma.followUpCase.count({ where: { storeId } })).toBe(summary.cases);
  });

  test('order totals match their lines and netTotal = total − returnedTotal for kept sales', async () => {
    const [check] = await app.db.prisma.$queryRawUnsafe<
      { badLines: bigint; badTotals: bigint; badNet: bigint; badCancelled: bigint; badLinked: bigint }[]
    >(
      `WITH sums AS (
         SELECT "orderId", sum(quantity::bigint * "unitPrice") AS subtotal, sum(total) AS total,
                sum(abs(quantity)) AS items,
                bool_or(total <> CASE WHEN quantity < 0 THEN -(abs(quantity)::bigint * "unitPrice" - discount)
                                      ELSE quantity::bigint * "unitPrice" - discount END) AS bad_line
         FROM "OrderLine" WHERE "storeId" = $1::uuid GROUP BY "orderId")
       SELECT
         count(*) FILTER (WHERE s.bad_line) AS "badLines",
         count(*) FILTER (WHERE o.subtotal <> s.subtotal OR o."itemCount" <> s.items
           OR o.total <> o.subtotal - o."discountTotal"
           OR o.total <> s.total - CASE WHEN o.kind = 'RETURN' THEN -o."orderDiscount" ELSE o."orderDiscount" END)
           AS "badTotals",
         count(*) FILTER (WHERE o.kind = 'SALE' AND o.status <> 'CANCELLED'
           AND o."netTotal" <> o.total - o."returnedTotal") AS "badNet",
         count(*) FILTER (WHERE o.status = 'CANCELLED' AND (o."netTotal" <> 0 OR o."cancelledAt" IS NULL))
           AS "badCancelled",
         count(*) FILTER (WHERE o.kind = 'RETURN' AND o."returnOfId" IS NOT NULL AND o."netTotal" <> 0) AS "badLinked"
       FROM "Order" o JOIN sums s ON s."orderId" = o.id
       WHERE o."storeId" = $1::uuid`,
      storeId,
    );
    expect(check).toEqual({ badLines: 0n, badTotals: 0n, badNet: 0n, badCancelled: 0n, badLinked: 0n });
    // Some sales are fully returned (netTotal 0), some partly.
    const returned = await app.db.prisma.order.findMany({
      where: { storeId, kind: 'SALE', returnedTotal: { gt: 0 } },
      select: { total: true, netTotal: true },
    });
    expect(returned.some((order) => order.netTotal === 0n)).toBe(true);
    expect(returned.some((order) => order.netTotal > 0n)).toBe(true);
  });

  test('returns link to real sales of the store, and returnedTotal is what came back', async () => {
    const rows = await app.db.prisma.$queryRawUnsafe<
      { linked: bigint; orphans: bigint; wrong: bigint; late: bigint }[]
    >(
      `SELECT count(*) AS linked,
              count(*) FILTER (WHERE s.id IS NULL OR s.kind <> 'SALE' OR s."storeId" <> r."storeId") AS orphans,
              count(*) FILTER (WHERE s."placedAt" >= r."placedAt" OR s."customerId" IS DISTINCT FROM r."customerId") AS late,
              (SELECT count(*) FROM "Order" x WHERE x."storeId" = $1::uuid AND x.kind = 'SALE'
                 AND x."returnedTotal" <> COALESCE((SELECT -sum(y.total) FROM "Order" y WHERE y."returnOfId" = x.id), 0))
                AS wrong
       FROM "Order" r LEFT JOIN "Order" s ON s.id = r."returnOfId"
       WHERE r."storeId" = $1::uuid AND r.kind = 'RETURN' AND r."returnOfId" IS NOT NULL`,
      storeId,
    );
    expect(rows[0]!.linked).toBeGreaterThan(0n);
    expect(rows[0]).toMatchObject({ orphans: 0n, wrong: 0n, late: 0n });
  });

  test('customer aggregates equal what recomputeCustomerAggregates gives', async () => {
    const prisma = app.db.prisma;
    const select = { id: true, orderCount: true, totalSpent: true, firstOrderAt: true, lastOrderAt: true };
    const before = await prisma.customer.findMany({ where: { storeId }, select, orderBy: { id: 'asc' } });
    expect(before.every((customer) => customer.orderCount >= 0 && customer.firstOrderAt !== undefined)).toBe(true);
    expect(before.filter((customer) => customer.orderCount > 0).length).toBeGreaterThan(190);
    await recomputeCustomerAggregates(
      prisma,
      storeId,
      before.map((customer) => customer.id),
    );
    const after = await prisma.customer.findMany({ where: { storeId }, select, orderBy: { id: 'asc' } });
    expect(after).toEqual(before);
  });

  test('December has more orders than July in the database too', async () => {
    const rows = await app.db.prisma.$queryRawUnsafe<{ month: number; orders: bigint }[]>(
      `SELECT extract(month FROM "placedAt" AT TIME ZONE 'UTC')::int AS month, count(*) AS orders
       FROM "Order" WHERE "storeId" = $1::uuid AND kind = 'SALE' GROUP BY 1`,
      storeId,
    );
    const count = (month: number) => rows.find((row) => row.month === month)?.orders ?? 0n;
    expect(count(12)).toBeGreaterThan(count(7));
  });

  test('survey answers and cases point at the store’s orders, customers and surveys', async () => {
    const [row] = await app.db.prisma.$queryRawUnsafe<{ responses: bigint; dangling: bigint; badCases: bigint }[]>(
      `SELECT count(*) AS responses,
              count(*) FILTER (WHERE o.id IS NULL OR sv.id IS NULL OR sv.type <> r.type
                OR r."customerId" IS DISTINCT FROM o."customerId" OR r."createdAt" < o."placedAt") AS dangling,
              (SELECT count(*) FROM "FollowUpCase" c JOIN "SurveyResponse" x ON x.id = c."responseId"
                 WHERE c."storeId" = $1::uuid AND (c."createdAt" < x."createdAt"
                   OR (c.status IN ('RESOLVED', 'DISMISSED')) <> (c."resolvedAt" IS NOT NULL))) AS "badCases"
       FROM "SurveyResponse" r
       LEFT JOIN "Order" o ON o.id = r."orderId" AND o."storeId" = r."storeId"
       LEFT JOIN "Survey" sv ON sv.id = r."surveyId" AND sv."storeId" = r."storeId"
       WHERE r."storeId" = $1::uuid`,
      storeId,
    );
    expect(row!.responses).toBeGreaterThan(0n);
    expect(row).toMatchObject({ dangling: 0n, badCases: 0n });
  });

  test('the bulk insert leaves orders and customers exactly as recordOrders and cancelOrder would', async () => {
    const small = generateRetailData({ ...SMALL, seed: 7, customers: 25, orderLines: 600 });
    const bulk = (await app.createStore('bulk')).id;
    const viaApi = (await app.createStore('via api')).id;
    const prisma = app.db.prisma;
    await insertRetailData(prisma, bulk, small, { analyze: false, concurrency: 3, batchSize: 200 });
    const customers = new Map(small.customers.map((customer) => [customer.externalId, customer]));
    const inputs: OrderInput[] = small.orders.map((order) => ({
      externalId: order.externalId,
      customer: order.customer
        ? {
            identities: [{ source: 'bench', externalId: order.customer }],
            email: customers.get(order.customer)!.email,
          }
        : null,
      channel: order.channel,
      location: order.location,
      placedAt: order.placedAt,
      currency: 'EUR',
      status: order.status === 'CANCELLED' ? 'PLACED' : order.status,
      lines: order.lines.map((line) => ({ ...line, kind: 'PRODUCT' as const })),
      orderDiscount: order.orderDiscount,
      returnOfExternalId: order.returnOf,
    }));
    for (let offset = 0; offset < inputs.length; offset += 500)
      await recordOrders(prisma, viaApi, inputs.slice(offset, offset + 500), { source: 'bench' });
    for (const order of small.orders)
      if (order.cancelledAt) await cancelOrder(prisma, viaApi, order.externalId, { cancelledAt: order.cancelledAt });

    const orderColumns = async (id: string) =>
      prisma.$queryRawUnsafe<unknown[]>(
        `SELECT o."externalId", o.kind::text, o.status::text, o.subtotal, o."discountTotal", o."orderDiscount", o.total,
                o."returnedTotal", o."netTotal", o."itemCount", o."cancelledAt", r."externalId" AS "returnOf",
                ci."externalId" AS customer
         FROM "Order" o LEFT JOIN "Order" r ON r.id = o."returnOfId"
         LEFT JOIN "CustomerIdentity" ci ON ci."customerId" = o."customerId"
         WHERE o."storeId" = $1::uuid ORDER BY o."externalId"`,
        id,
      );
    const customerColumns = async (id: string) =>
      prisma.$queryRawUnsafe<unknown[]>(
        `SELECT ci."externalId", c."orderCount", c."totalSpent", c."firstOrderAt", c."lastOrderAt"
         FROM "Customer" c JOIN "CustomerIdentity" ci ON ci."customerId" = c.id
         WHERE c."storeId" = $1::uuid ORDER BY ci."externalId"`,
        id,
      );
    const expected = await orderColumns(viaApi);
    expect(expected.length).toBe(small.orders.length);
    expect(await orderColumns(bulk)).toEqual(expected);
    expect(await customerColumns(bulk)).toEqual(await customerColumns(viaApi));
  }, 120_000);
});
