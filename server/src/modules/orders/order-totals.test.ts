import { describe, expect, test } from 'vitest';
import { type LineAmounts, lineTotal, maxOrderDiscount, orderKind, orderTotals } from './order-totals.ts';

const line = (
  quantity: number,
  unitPrice: number,
  discount = 0,
  kind: LineAmounts['kind'] = 'PRODUCT',
): LineAmounts => ({
  quantity,
  unitPrice,
  discount,
  kind,
});

describe('lineTotal', () => {
  test.each([
    { name: 'bought, no discount', line: line(3, 250), total: 750n },
    { name: 'bought, discounted', line: line(2, 1_000, 150), total: 1_850n },
    { name: 'returned: the discount shrinks the refund', line: line(-2, 1_000, 150), total: -1_850n },
    { name: 'free item', line: line(1, 0), total: 0n },
    { name: 'fully discounted', line: line(4, 99, 396), total: 0n },
    { name: 'beyond 2^53', line: line(1_000_000, 2_147_483_647), total: 2_147_483_647_000_000n },
  ])('$name', ({ line: input, total }) => {
    expect(lineTotal(input)).toBe(total);
  });
});

describe('orderKind', () => {
  test.each([
    { lines: [line(1, 1)], kind: 'SALE' },
    { lines: [line(-1, 1)], kind: 'RETURN' },
    { lines: [line(-1, 1), line(-2, 5, 0, 'SHIPPING')], kind: 'RETURN' },
    { lines: [line(-1, 1), line(1, 1)], kind: 'SALE' },
    { lines: [], kind: 'SALE' },
  ])('$lines.length lines → $kind', ({ lines, kind }) => {
    expect(orderKind(lines)).toBe(kind);
  });
});

describe('orderTotals', () => {
  test.each([
    {
      name: 'simple sale',
      lines: [line(2, 500), line(1, 300)],
      orderDiscount: 0,
      expected: { kind: 'SALE', subtotal: 1_300n, discountTotal: 0n, total: 1_300n, itemCount: 3 },
    },
    {
      name: 'line and order discounts',
      lines: [line(2, 500, 100), line(1, 300)],
      orderDiscount: 200,
      expected: { kind: 'SALE', subtotal: 1_300n, discountTotal: 300n, total: 1_000n, itemCount: 3 },
    },
    {
      name: 'shipping does not count as items',
      lines: [line(1, 2_000), line(1, 490, 0, 'SHIPPING'), line(1, 100, 0, 'FEE')],
      orderDiscount: 0,
      expected: { kind: 'SALE', subtotal: 2_590n, discountTotal: 0n, total: 2_590n, itemCount: 1 },
    },
    {
      name: 'return with line discount',
      lines: [line(-2, 500, 100)],
      orderDiscount: 0,
      expected: { kind: 'RETURN', subtotal: -1_000n, discountTotal: -100n, total: -900n, itemCount: 2 },
    },
    {
      name: 'return with order discount moves the refund towards zero',
      lines: [line(-1, 1_000)],
      orderDiscount: 100,
      expected: { kind: 'RETURN', subtotal: -1_000n, discountTotal: -100n, total: -900n, itemCount: 1 },
    },
    {
      name: 'exchange: one back, a dearer one out',
      lines: [line(-1, 1_000), line(1, 1_500)],
      orderDiscount: 0,
      expected: { kind: 'SALE', subtotal: 500n, discountTotal: 0n, total: 500n, itemCount: 2 },
    },
    {
      name: 'exchange with a discount on the returned line',
      lines: [line(-1, 1_000, 200), line(1, 1_500, 300)],
      orderDiscount: 0,
      expected: { kind: 'SALE', subtotal: 500n, discountTotal: 100n, total: 400n, itemCount: 2 },
    },
  ])('$name', ({ lines, orderDiscount, expected }) => {
    const totals = orderTotals(lines, orderDiscount);
    expect({
      kind: totals.kind,
      subtotal: totals.subtotal,
      discountTotal: totals.discountTotal,
      total: totals.total,
      itemCount: totals.itemCount,
    }).toEqual(expected);
    // The invariant the Order model documents.
    expect(totals.total).toBe(totals.subtotal - totals.discountTotal);
    expect(totals.lineTotals.reduce((sum, value) => sum + value, 0n) - totals.total).toBe(
      (totals.kind === 'RETURN' ? -1n : 1n) * BigInt(orderDiscount),
    );
  });
});

describe('maxOrderDiscount', () => {
  test.each([
    { name: 'sale: lines after their discounts', lines: [line(2, 500, 100)], max: 900n },
    { name: 'return: the refund', lines: [line(-2, 500, 100)], max: 900n },
    { name: 'exchange worth less than nothing', lines: [line(-2, 500), line(1, 100)], max: 0n },
  ])('$name', ({ lines, max }) => {
    expect(maxOrderDiscount(lines)).toBe(max);
  });
});
