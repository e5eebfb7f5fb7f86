import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  importCustomersFromFile,
  importOrdersFromFile,
  importProductsFromFile,
} from '../src/modules/imports/imports.service.ts';
import { createTestApp, type TestApp } from './harness.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const MESSY = path.join(FIXTURES, 'messy-orders.csv');
const CDNOW_SAMPLE = '/work/shared/data/cdnow/CDNOW_sample.txt';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

async function ordersOf(storeId: string) {
  const orders = await app.db.prisma.order.findMany({
    where: { storeId },
    include: { lines: { orderBy: { lineNumber: 'asc' } }, customer: { include: { identities: true } } },
    orderBy: { externalId: 'asc' },
  });
  return new Map(orders.map((order) => [order.externalId, order]));
}

/** What the messy fixture must become: external id → [total in minor units, currency, kind, customer id or null]. */
const EXPECTED_ORDERS: Record<string, [number, string, 'SALE' | 'RETURN', string | null]> = {
  '536365': [6 * 255 + 6 * 339 + 1800, 'GBP', 'SALE', '17850'],
  '536366': [6 * 185 + 6 * 185, 'EUR', 'SALE', null],
  '536367': [32 * 169 - 500 + 1500, 'GBP', 'SALE', '13047'],
  '536368': [6 * 425 + 3 * 495, 'GBP', 'SALE', '13047'],
  '536369': [3 * 595, 'GBP', 'SALE', '13047'],
  '536370': [24 * 375, 'GBP', 'SALE', '12583'],
  '536372': [123_450, 'GBP', 'SALE', null],
  '536373': [6 * 210, 'GBP', 'SALE', null],
  '536375': [1177, 'GBP', 'SALE', '15100'],
  C536379: [-2750, 'GBP', 'RETURN', '14527'],
  C536383: [-465 - 2 * 185, 'GBP', 'RETURN', '15311'],
};

const EXPECTED_SKIPS = [
  { line: 7, reason: 'duplicate row (same as line 6)' },
  { line: 18, reason: 'placedAt: unreadable date "not a date"' },
  { line: 20, reason: 'quantity: not a whole number "abc"' },
  { line: 21, reason: 'orderId: missing' },
  { line: 24, reason: 'quantity: is 0' },
  { line: 25, reason: 'unitPrice: unreadable amount "free"' },
  { line: 27, reason: 'duplicate row (same as line 5)' },
];

describe('importing the messy orders fixture (online-retail preset)', () => {
  test('gives exactly the expected orders, lines, returns, guests and skips; a re-run imports nothing new', async () => {
    const store = await app.createStore();
    const options = { preset: 'online-retail', timeZone: 'Europe/Helsinki' };
    const report = await importOrdersFromFile(app.db.prisma, store.id, MESSY, options);
    expect(report).toMatchObject({
      kind: 'orders',
      dryRun: false,
      rows: 25,
      imported: 11,
      alreadyPresent: 0,
      orders: { lines: 18, returns: 2, guests: 3, cancelled: 0, refused: 0 },
    });
    expect(report.skipped.rows).toEqual(EXPECTED_SKIPS);
    expect(report.skipped.count).toBe(7);
    expect(report.skipped.reasons).toEqual({
      'duplicate row': 2,
      'placedAt: unreadable date': 1,
      'quantity: not a whole number': 1,
      'orderId: missing': 1,
      'quantity: is 0': 1,
      'unitPrice: unreadable amount': 1,
    });

    const orders = await ordersOf(store.id);
    expect([...orders.keys()].sort()).toEqual(Object.keys(EXPECTED_ORDERS).sort());
    for (const [externalId, [total, currency, kind, customer]] of Object.entries(EXPECTED_ORDERS)) {
      const order = orders.get(externalId)!;
      expect(
        { total: Number(order.total), currency: order.currency, kind: order.kind, source: order.source },
        externalId,
      ).toEqual({
        total,
        currency,
        kind,
        source: 'import',
      });
      expect(
        order.customer?.identities.map((identity) => `${identity.source}:${identity.externalId}`) ?? null,
        externalId,
      ).toEqual(customer ? [`online-retail:${customer}`] : null);
      expect(order.channel).toBe('ONLINE');
    }

    // Dates in three formats, read as Helsinki wall time (UTC+2 in December).
    expect(orders.get('536365')!.placedAt.toISOString()).toBe('2010-12-01T06:26:00.000Z');
    expect(orders.get('536366')!.placedAt.toISOString()).toBe('2010-12-01T06:28:00.000Z');
    expect(orders.get('536367')!.placedAt.toISOString()).toBe('2010-12-01T06:34:00.000Z');
    // Non-product lines by sku, a negative unit price turned into a negative quantity, a quoted newline kept.
    expect(orders.get('536365')!.lines.map((line) => [line.sku, line.kind])).toEqual([
      ['85123A', 'PRODUCT'],
      ['71053', 'PRODUCT'],
      ['POST', 'SHIPPING'],
    ]);
    expect(
      orders.get('536367')!.lines.map((line) => [line.sku, line.kind, line.quantity, line.unitPrice, line.name]),
    ).toEqual([
      ['84879', 'PRODUCT', 32, 169, 'ASSORTED COLOUR BIRD ORNAMENT\nmulti-line description'],
      ['M', 'ADJUSTMENT', -1, 500, 'Manual'],
      ['BANK CHARGES', 'FEE', 1, 1500, 'Bank Charges'],
    ]);
    expect(orders.get('536372')!.lines[0]!.kind).toBe('FEE');
    expect(orders.get('536366')!.lines.map((line) => line.name)).toEqual([
      'HAND WARMER, UNION JACK',
      'HAND WARMER RED "POLKA" DOT',
    ]);
    // Non-adjacent rows of one order end up in it.
    expect(orders.get('536368')!.lines.map((line) => line.sku)).toEqual(['22960', '22913']);

    const customers = await app.db.prisma.customer.findMany({ where: { storeId: store.id } });
    expect(customers).toHaveLength(6);
    const buyer = await app.db.prisma.customer.findFirstOrThrow({
      where: { storeId: store.id, identities: { some: { source: 'online-retail', externalId: '13047' } } },
    });
    expect({
      orderCount: buyer.orderCount,
      totalSpent: Number(buyer.totalSpent),
      attributes: buyer.attributes,
    }).toEqual({
      orderCount: 3,
      totalSpent: 6408 + 4035 + 1785,
      attributes: { country: 'France' },
    });

    const again = await importOrdersFromFile(app.db.prisma, store.id, MESSY, options);
    expect(again).toMatchObject({
      rows: 25,
      imported: 0,
      alreadyPresent: 11,
      orders: { lines: 0, returns: 0, guests: 0 },
    });
    expect(again.skipped.rows).toEqual(EXPECTED_SKIPS);
    expect(await app.db.prisma.order.count({ where: { storeId: store.id } })).toBe(11);
    expect(await app.db.prisma.customer.count({ where: { storeId: store.id } })).toBe(6);

    // A dry run after the import sees every order as already there.
    const dry = await importOrdersFromFile(app.db.prisma, store.id, MESSY, { ...options, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, imported: 0, alreadyPresent: 11 });
  });

  test('a dry run validates and reports the same counts but writes nothing', async () => {
    const store = await app.createStore();
    const progress: number[] = [];
    const report = await importOrdersFromFile(app.db.prisma, store.id, MESSY, {
      preset: 'online-retail',
      dryRun: true,
      onProgress: (p) => progress.push(p.bytesRead / p.totalBytes),
    });
    expect(report).toMatchObject({
      dryRun: true,
      rows: 25,
      imported: 11,
      alreadyPresent: 0,
      orders: { lines: 18, returns: 2, guests: 3 },
    });
    expect(report.skipped.rows).toEqual(EXPECTED_SKIPS);
    expect(progress.at(-1)).toBe(1);
    expect(await app.db.prisma.order.count({ where: { storeId: store.id } })).toBe(0);
    expect(await app.db.prisma.customer.count({ where: { storeId: store.id } })).toBe(0);
    expect(await app.db.prisma.outboxEvent.count({ where: { storeId: store.id } })).toBe(0);
  });

  test('--currency and --non-product-sku; rows split across batches still make whole orders', async () => {
    const store = await app.createStore();
    const report = await importOrdersFromFile(app.db.prisma, store.id, MESSY, {
      preset: 'online-retail',
      currency: 'USD',
      nonProductSkus: ['8512*=ADJUSTMENT'],
      batchSize: 2,
      window: 3,
    });
    expect(report).toMatchObject({ imported: 11, orders: { lines: 18 } });
    const orders = await ordersOf(store.id);
    // The column wins where it has a value; --currency fills the blank one.
    expect(orders.get('536373')!.currency).toBe('USD');
    expect(orders.get('536366')!.currency).toBe('EUR');
    expect(orders.get('536365')!.lines[0]!.kind).toBe('ADJUSTMENT');
    expect(orders.get('536368')!.lines).toHaveLength(2);
  });

  test('rows of an order further apart than the window are reported, not silently dropped', async () => {
    const store = await app.createStore();
    const report = await importOrdersFromFile(app.db.prisma, store.id, MESSY, {
      preset: 'online-retail',
      batchSize: 1,
      window: 1,
    });
    // 536368's second row (line 17) comes after 536369 opened: with one open order it is too late.
    expect(report.skipped.rows).toContainEqual({
      line: 17,
      reason: expect.stringMatching(/^order rows too far apart \(order 536368 started at line 15/),
    });
  });

  test('bad options are refused before anything is written', async () => {
    const store = await app.createStore();
    const prisma = app.db.prisma;
    await expect(importOrdersFromFile(prisma, store.id, MESSY, { preset: 'nope' })).rejects.toThrow(
      /^preset: unknown preset "nope"/,
    );
    await expect(importOrdersFromFile(prisma, store.id, MESSY, { map: ['InvoiceNo=price'] })).rejects.toThrow(
      /^map: "InvoiceNo=price": unknown field "price"/,
    );
    await expect(importOrdersFromFile(prisma, store.id, MESSY, { currency: 'XX' })).rejects.toThrow(/^currency: /);
    await expect(importOrdersFromFile(prisma, store.id, MESSY, { timeZone: 'Mars/Base' })).rejects.toThrow(
      /^timeZone: /,
    );
    // The generic preset does not know these headers.
    await expect(importOrdersFromFile(prisma, store.id, MESSY)).rejects.toThrow(
      /^file: the header \(line 1\) has no column for placedAt: name them with --map column=field/,
    );
    await expect(importOrdersFromFile(prisma, store.id, path.join(FIXTURES, 'missing.csv'))).rejects.toThrow(
      /^file: cannot read/,
    );
    expect(await prisma.order.count({ where: { storeId: store.id } })).toBe(0);
  });

  test('--map makes the generic preset read the same file', async () => {
    const store = await app.createStore();
    const report = await importOrdersFromFile(app.db.prisma, store.id, MESSY, {
      map: [
        'InvoiceNo=orderId',
        'InvoiceDate=placedAt',
        'StockCode=sku',
        'UnitPrice=unitPrice',
        'CustomerID=customerId',
      ],
    });
    expect(report).toMatchObject({ imported: 11, orders: { guests: 3, returns: 2 } });
    const identity = await app.db.prisma.customerIdentity.findFirst({ where: { storeId: store.id } });
    expect(identity?.source).toBe('import');
  });
});

describe('shopify preset', () => {
  test('order-level values from the first row, shipping and discounts, cancellations', async () => {
    const store = await app.createStore();
    const file = path.join(FIXTURES, 'shopify-orders.csv');
    const report = await importOrdersFromFile(app.db.prisma, store.id, file, { preset: 'shopify' });
    expect(report).toMatchObject({ rows: 3, imported: 2, orders: { cancelled: 1, lines: 4 } });
    expect(report.skipped.count).toBe(0);
    const orders = await ordersOf(store.id);
    // Recorded under Shopify's numeric order id, as the orders/create webhook records them.
    expect([...orders.keys()]).toEqual(['5512345001', '5512345002']);
    const first = orders.get('5512345001')!;
    expect({
      total: Number(first.total),
      orderDiscount: Number(first.orderDiscount),
      status: first.status,
      placedAt: first.placedAt.toISOString(),
      lines: first.lines.map((line) => [line.name, line.kind, line.quantity, line.unitPrice]),
      email: first.customer?.email,
      name: [first.customer?.firstName, first.customer?.lastName],
    }).toEqual({
      total: 5390,
      orderDiscount: 500,
      status: 'FULFILLED',
      placedAt: '2024-03-01T08:14:55.000Z',
      lines: [
        ['Linen napkin', 'PRODUCT', 2, 1200],
        ['Table cloth, grey', 'PRODUCT', 1, 3000],
        ['Shipping', 'SHIPPING', 1, 490],
      ],
      email: 'ann@example.com',
      name: ['Ann', 'Virtanen'],
    });
    const cancelled = orders.get('5512345002')!;
    expect({
      status: cancelled.status,
      netTotal: Number(cancelled.netTotal),
      cancelledAt: cancelled.cancelledAt?.toISOString(),
    }).toEqual({
      status: 'CANCELLED',
      netTotal: 0,
      cancelledAt: '2024-03-03T10:00:00.000Z',
    });
    const again = await importOrdersFromFile(app.db.prisma, store.id, file, { preset: 'shopify' });
    expect(again).toMatchObject({ imported: 0, alreadyPresent: 2, orders: { cancelled: 0 } });
  });
});

describe('customers and products files', () => {
  test('customers: created, matched again by identity or email, skipped with reasons', async () => {
    const store = await app.createStore();
    const file = path.join(FIXTURES, 'customers.csv');
    const dry = await importCustomersFromFile(app.db.prisma, store.id, file, { dryRun: true });
    expect(dry).toMatchObject({ rows: 7, imported: 5 });
    expect(await app.db.prisma.customer.count({ where: { storeId: store.id } })).toBe(0);

    const report = await importCustomersFromFile(app.db.prisma, store.id, file);
    expect(report).toMatchObject({ rows: 7, imported: 4, alreadyPresent: 1 });
    expect(report.skipped.rows).toEqual([
      { line: 6, reason: 'no customerId, email or phone' },
      { line: 7, reason: 'marketingConsent: expected yes or no, got "maybe"' },
    ]);
    const ann = await app.db.prisma.customer.findFirstOrThrow({
      where: { storeId: store.id, identities: { some: { source: 'import', externalId: 'C-1' } } },
    });
    expect({ email: ann.email, phone: ann.phone, tags: ann.tags, consent: ann.marketingConsent }).toEqual({
      email: 'ann@example.com',
      phone: '+358401234567',
      tags: ['vip', 'newsletter'],
      consent: true,
    });
    const again = await importCustomersFromFile(app.db.prisma, store.id, file);
    expect(again).toMatchObject({ imported: 0, alreadyPresent: 5 });
    expect(await app.db.prisma.customer.count({ where: { storeId: store.id } })).toBe(4);
  });

  test('products: created, then updated or unchanged by sku', async () => {
    const store = await app.createStore();
    const file = path.join(FIXTURES, 'products.csv');
    const report = await importProductsFromFile(app.db.prisma, store.id, file);
    expect(report).toMatchObject({ rows: 5, imported: 3, alreadyPresent: 0 });
    expect(report.skipped.rows).toEqual([
      { line: 5, reason: 'sku: missing' },
      { line: 6, reason: 'price: unreadable amount "cheap"' },
    ]);
    const lantern = await app.db.prisma.product.findFirstOrThrow({ where: { storeId: store.id, sku: '71053' } });
    expect({
      price: lantern.price,
      currency: lantern.currency,
      categoryPath: lantern.categoryPath,
      inStock: lantern.inStock,
    }).toEqual({
      price: 339,
      currency: 'EUR',
      categoryPath: ['Home', 'Lighting'],
      inStock: false,
    });
    const again = await importProductsFromFile(app.db.prisma, store.id, file);
    expect(again).toMatchObject({ imported: 0, alreadyPresent: 3 });
    expect(await app.db.prisma.product.count({ where: { storeId: store.id } })).toBe(3);
  });
});

describe('CDNOW sample (6,919 rows)', () => {
  test.runIf(fs.existsSync(CDNOW_SAMPLE))(
    'every row is an order; 2,357 customers; totals exact; a re-run imports nothing new',
    async () => {
      const store = await app.createStore();
      const started = performance.now();
      const report = await importOrdersFromFile(app.db.prisma, store.id, CDNOW_SAMPLE, { preset: 'cdnow' });
      const seconds = (performance.now() - started) / 1000;
      console.info(
        `CDNOW sample: ${report.rows} rows in ${seconds.toFixed(1)} s (${Math.round(report.rows / seconds)} lines/s) on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`,
      );
      expect(report).toMatchObject({
        rows: 6919,
        imported: 6919,
        alreadyPresent: 0,
        orders: { lines: 6919, guests: 0 },
      });
      expect(report.skipped.count).toBe(0);
      const prisma = app.db.prisma;
      expect(await prisma.customer.count({ where: { storeId: store.id } })).toBe(2357);
      const sums = await prisma.order.aggregate({
        where: { storeId: store.id },
        _sum: { total: true, itemCount: true },
      });
      expect(Number(sums._sum.total)).toBe(24_409_194);
      expect(sums._sum.itemCount).toBe(16_479);
      // Two orders of customer 00004 on one day would get ordinals 1 and 2; here: its first purchase.
      const first = await prisma.order.findUniqueOrThrow({
        where: { storeId_externalId: { storeId: store.id, externalId: 'cdnow:00004:19970101:1' } },
        include: { lines: true },
      });
      expect(first.lines.map((line) => [line.name, line.quantity, Number(line.total)])).toEqual([['CDs', 2, 2933]]);
      expect(first.currency).toBe('USD');

      const again = await importOrdersFromFile(prisma, store.id, CDNOW_SAMPLE, { preset: 'cdnow' });
      expect(again).toMatchObject({ imported: 0, alreadyPresent: 6919 });
      expect(await prisma.order.count({ where: { storeId: store.id } })).toBe(6919);
    },
    180_000,
  );
});

describe('importing a file written while the test runs', () => {
  test('orders rows of the same order in different batches are joined; same-day CDNOW rows get ordinals', async () => {
    const store = await app.createStore();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanta-import-'));
    const file = path.join(dir, 'cdnow.txt');
    fs.writeFileSync(file, '00007 19970101 1 10.00\n00007 19970101 1 10.00\n00007 19970102 3 10.00\n');
    try {
      const report = await importOrdersFromFile(app.db.prisma, store.id, file, { preset: 'cdnow' });
      expect(report).toMatchObject({ rows: 3, imported: 3 });
      const orders = await ordersOf(store.id);
      expect([...orders.keys()]).toEqual([
        'cdnow:00007:19970101:1',
        'cdnow:00007:19970101:2',
        'cdnow:00007:19970102:1',
      ]);
      // $10.00 for 3 CDs: the unit price rounds up and a line discount keeps the total exact.
      const line = orders.get('cdnow:00007:19970102:1')!.lines[0]!;
      expect([line.quantity, line.unitPrice, line.discount, Number(line.total)]).toEqual([3, 334, 2, 1000]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
