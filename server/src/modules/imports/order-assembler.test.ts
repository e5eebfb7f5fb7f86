import { describe, expect, test } from 'vitest';
import { type AssembledOrder, OrderAssembler } from './order-assembler.ts';
import { type OrderRow, OrderRowReader, type RowSkip } from './order-rows.ts';
import {
  isOrderField,
  ORDER_FIELDS,
  ORDER_PRESETS,
  type OrderField,
  parseMappings,
  parseNonProductSku,
  resolveColumns,
} from './presets.ts';

const HEADER = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
];

function reader(
  presetName = 'online-retail',
  header: string[] | null = HEADER,
  extra: Partial<ConstructorParameters<typeof OrderRowReader>[0]> = {},
) {
  const preset = ORDER_PRESETS[presetName]!;
  const columns = header ? resolveColumns<OrderField>(header, preset.columns, {}) : null;
  return new OrderRowReader({
    preset,
    columns,
    timeZone: 'UTC',
    currency: null,
    storeCurrency: 'EUR',
    nonProductSkus: [],
    ...extra,
  });
}

function row(result: OrderRow | RowSkip): OrderRow {
  if ('reason' in result) throw new Error(`skipped: ${result.reason}`);
  return result;
}

describe('OrderRowReader (online-retail)', () => {
  const read = reader();
  test.each([
    [['536365', 'POST', 'POSTAGE', '1', '12/1/10 8:26', '18', '12583', 'France'], 'SHIPPING'],
    [['536365', 'DOT', 'DOTCOM POSTAGE', '1', '12/1/10 8:26', '18', '', 'UK'], 'SHIPPING'],
    [['536365', 'C2', 'CARRIAGE', '1', '12/1/10 8:26', '50', '', 'UK'], 'SHIPPING'],
    [['536365', 'BANK CHARGES', 'Bank Charges', '1', '12/1/10 8:26', '15', '', 'UK'], 'FEE'],
    [['536365', 'AMAZONFEE', 'AMAZON FEE', '1', '12/1/10 8:26', '15', '', 'UK'], 'FEE'],
    [['536365', 'CRUK', 'CRUK Commission', '-1', '12/1/10 8:26', '1.60', '', 'UK'], 'FEE'],
    [['536365', 'M', 'Manual', '1', '12/1/10 8:26', '0.85', '', 'UK'], 'ADJUSTMENT'],
    [['536365', 'm', 'Manual', '1', '12/1/10 8:26', '0.85', '', 'UK'], 'ADJUSTMENT'],
    [['C536365', 'D', 'Discount', '-1', '12/1/10 8:26', '27.50', '', 'UK'], 'ADJUSTMENT'],
    [['536365', 'PADS', 'PADS TO MATCH ALL CUSHIONS', '1', '12/1/10 8:26', '0.001', '', 'UK'], 'ADJUSTMENT'],
    [['536365', 'DOTX', 'not a postage line', '1', '12/1/10 8:26', '1', '', 'UK'], 'PRODUCT'],
    [['536365', '85123A', 'HEART', '6', '12/1/10 8:26', '2.55', '', 'UK'], 'PRODUCT'],
  ])('%j is a %s line', (fields, kind) => {
    expect(row(read.read(fields, 2)).item.kind).toBe(kind);
  });

  test('float customer ids, country attribute, guests', () => {
    const parsed = row(
      read.read(['536365', '85123A', 'HEART', '6', '12/1/10 8:26', '2.55', '17850.0', 'United Kingdom'], 2),
    );
    expect(parsed.customer).toEqual({
      identities: [{ source: 'online-retail', externalId: '17850' }],
      attributes: { country: 'United Kingdom' },
    });
    expect(parsed).toMatchObject({ currency: 'GBP', channel: 'ONLINE', placedAt: new Date('2010-12-01T08:26:00Z') });
    expect(row(read.read(['536365', '85123A', 'HEART', '6', '12/1/10 8:26', '2.55', '', ''], 2)).customer).toBeNull();
  });

  test('a negative unit price becomes a negative quantity ("Adjust bad debt")', () => {
    expect(
      row(read.read(['A563185', 'B', 'Adjust bad debt', '1', '8/12/11 14:50', '-11062.06', '', 'UK'], 2)).item,
    ).toEqual({
      sku: 'B',
      name: 'Adjust bad debt',
      quantity: -1,
      unitPrice: 1_106_206,
      discount: 0,
      kind: 'ADJUSTMENT',
    });
  });

  test('--non-product-sku patterns come before the preset', () => {
    const custom = reader('online-retail', HEADER, {
      nonProductSkus: [parseNonProductSku('POST*=FEE'), parseNonProductSku('gift_*=adjustment')],
    });
    expect(row(custom.read(['1', 'POST', 'P', '1', '12/1/10 8:26', '1', '', ''], 2)).item.kind).toBe('FEE');
    expect(row(custom.read(['1', 'gift_0001_10', 'Voucher', '1', '12/1/10 8:26', '1', '', ''], 2)).item.kind).toBe(
      'ADJUSTMENT',
    );
  });

  test.each([
    [['', 'X', 'x', '1', '12/1/10 8:26', '1', '', ''], 'orderId: missing'],
    [['1', 'X', 'x', '', '12/1/10 8:26', '1', '', ''], 'quantity: missing'],
    [['1', 'X', 'x', '1.5', '12/1/10 8:26', '1', '', ''], 'quantity: not a whole number "1.5"'],
    [['1', 'X', 'x', '0', '12/1/10 8:26', '1', '', ''], 'quantity: is 0'],
    [['1', 'X', 'x', '1', '', '1', '', ''], 'placedAt: missing'],
    [['1', 'X', 'x', '1', '31/12/10 8:26', '1', '', ''], 'placedAt: unreadable date "31/12/10 8:26"'],
    [['1', 'X', 'x', '1', '12/1/10 8:26', '', '', ''], 'unitPrice: missing'],
    [['1', 'X', 'x', '1', '12/1/10 8:26', 'n/a', '', ''], 'unitPrice: unreadable amount "n/a"'],
    [['1', '', '', '1', '12/1/10 8:26', '1', '', ''], 'name: missing (and no sku)'],
  ])('%j is skipped: %s', (fields, reason) => {
    expect(read.read(fields, 9)).toEqual({ line: 9, reason });
  });
});

describe('OrderRowReader (cdnow)', () => {
  test('derives external ids from customer, day and ordinal; line total kept exact', () => {
    const read = reader('cdnow', null);
    const first = row(read.read(['00004', '0001', '19970101', '2', '29.33'], 1));
    const second = row(read.read(['00004', '0001', '19970101', '2', '29.33'], 2));
    const master = row(read.read(['00004', '19970118', '1', '0.00'], 3));
    expect([first.orderId, second.orderId, master.orderId]).toEqual([
      'cdnow:00004:19970101:1',
      'cdnow:00004:19970101:2',
      'cdnow:00004:19970118:1',
    ]);
    expect(first.item).toEqual({ sku: null, name: 'CDs', quantity: 2, unitPrice: 1467, discount: 1, kind: 'PRODUCT' });
    expect(first).toMatchObject({
      currency: 'USD',
      customer: { identities: [{ source: 'cdnow', externalId: '00004' }] },
    });
    expect(master.item).toMatchObject({ quantity: 1, unitPrice: 0, discount: 0 });
    expect(read.read(['1', '2', '3'], 4)).toEqual({ line: 4, reason: 'unexpected number of columns (3)' });
  });
});

function orderRow(
  orderId: string,
  line: number,
  sku: string,
  quantity = 1,
  key = `${orderId}/${sku}/${quantity}`,
): OrderRow {
  return {
    line,
    key,
    orderId,
    externalId: null,
    placedAt: new Date('2024-01-01T00:00:00Z'),
    currency: 'EUR',
    customer: null,
    channel: 'ONLINE',
    location: null,
    status: null,
    timeZone: 'UTC',
    orderDiscount: null,
    shipping: null,
    returnOf: null,
    cancelledAt: null,
    item: { sku, name: sku, quantity, unitPrice: 100, discount: 0, kind: 'PRODUCT' },
  };
}

function drain(assembler: OrderAssembler): AssembledOrder[] {
  const out: AssembledOrder[] = [];
  for (let batch = assembler.take(); batch.length; batch = assembler.take()) out.push(...batch);
  return out;
}

describe('OrderAssembler', () => {
  test('groups interleaved rows, drops exact duplicates with the line of the first, flags returns and guests', () => {
    const assembler = new OrderAssembler({ detectDuplicateRows: true });
    assembler.add(orderRow('A', 2, 'x'));
    assembler.add(orderRow('B', 3, 'y', -1));
    assembler.add(orderRow('A', 4, 'z'));
    assembler.add(orderRow('A', 5, 'x'));
    assembler.add(orderRow('A', 6, 'x', 2));
    assembler.finish();
    const orders = drain(assembler);
    expect(orders.map((order) => [order.input.externalId, order.lines, order.isReturn, order.isGuest])).toEqual([
      ['A', [2, 4, 6], false, true],
      ['B', [3], true, true],
    ]);
    expect(assembler.skips).toEqual([{ line: 5, reason: 'duplicate row (same as line 2)' }]);
  });

  test('identical rows are separate orders where rows are orders (duplicate detection off)', () => {
    const assembler = new OrderAssembler({ detectDuplicateRows: false });
    assembler.add(orderRow('A', 2, 'x'));
    assembler.add(orderRow('A', 3, 'x'));
    assembler.finish();
    expect(drain(assembler)[0]!.lines).toEqual([2, 3]);
  });

  test('flushes the oldest orders in batches once the window is full; late rows are reported', () => {
    const assembler = new OrderAssembler({ detectDuplicateRows: true, batchSize: 2, window: 3 });
    for (const [index, id] of ['A', 'B', 'C', 'D'].entries()) assembler.add(orderRow(id, index + 2, 'x'));
    expect(assembler.readyCount).toBe(2);
    expect(assembler.take().map((order) => order.input.externalId)).toEqual(['A', 'B']);
    assembler.add(orderRow('A', 10, 'late'));
    expect(assembler.skips).toEqual([
      {
        line: 10,
        reason:
          'order rows too far apart (order A started at line 2, more than 3 orders earlier; this row was not imported)',
      },
    ]);
    assembler.add(orderRow('C', 11, 'y'));
    assembler.finish();
    expect(drain(assembler).map((order) => [order.input.externalId, order.lines])).toEqual([
      ['C', [4, 11]],
      ['D', [5]],
    ]);
  });

  test('order-level values come from the first row that has them; shipping becomes a line', () => {
    const assembler = new OrderAssembler({ detectDuplicateRows: true });
    assembler.add({
      ...orderRow('#1', 2, 'a'),
      shipping: 490,
      orderDiscount: 500,
      status: 'PAID',
      customer: { email: 'a@example.com' },
    });
    assembler.add({ ...orderRow('#1', 3, 'b'), status: null });
    assembler.finish();
    const [order] = drain(assembler);
    expect(order!.input).toMatchObject({
      externalId: '#1',
      status: 'PAID',
      orderDiscount: 500,
      customer: { email: 'a@example.com' },
      lines: [{ sku: 'a' }, { sku: 'b' }, { name: 'Shipping', kind: 'SHIPPING', quantity: 1, unitPrice: 490 }],
    });
    expect(order!.isGuest).toBe(false);
  });
});

describe('mappings and sku patterns', () => {
  test('--map column=field, matched like headers', () => {
    expect(parseMappings(['Invoice No.=orderId', 'a=b=sku'], isOrderField, ORDER_FIELDS)).toEqual({
      invoiceno: 'orderId',
      ab: 'sku',
    });
    expect(() => parseMappings(['x'], isOrderField, ORDER_FIELDS)).toThrow('--map "x": expected column=field');
    expect(() => parseMappings(['x=nope'], isOrderField, ORDER_FIELDS)).toThrow(/unknown field "nope"/);
  });

  test('--non-product-sku pattern[=KIND]', () => {
    expect(parseNonProductSku('POST').kind).toBe('FEE');
    const glob = parseNonProductSku('gift_*.x=shipping');
    expect([glob.kind, glob.pattern.test('GIFT_0001.x'), glob.pattern.test('gift_0001x')]).toEqual([
      'SHIPPING',
      true,
      false,
    ]);
    expect(() => parseNonProductSku('=FEE')).toThrow(/pattern is empty/);
    expect(() => parseNonProductSku('X=PRODUCT')).toThrow(/SHIPPING, FEE or ADJUSTMENT/);
  });
});
