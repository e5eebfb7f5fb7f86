import { describe, expect, test } from 'vitest';
import {
  addMonths,
  type EarningInput,
  type EarningLine,
  lineMultiplier,
  lotExpiry,
  pointsForOrder,
  pointsToReverse,
  roundPoints,
} from './earning.ts';
import { type ProgramRulesInput, parseProgramRules } from './program-rules.ts';

const rules = (earning: ProgramRulesInput['earning'] = {}, rest: Omit<ProgramRulesInput, 'earning'> = {}) =>
  parseProgramRules({ earning, ...rest });

const product = (total: number, sku: string | null = 'SKU', categoryPath: string[] = []): EarningLine => ({
  kind: 'PRODUCT',
  sku,
  categoryPath,
  total,
});
const shipping = (total: number): EarningLine => ({ kind: 'SHIPPING', sku: null, categoryPath: [], total });
const fee = (total: number): EarningLine => ({ kind: 'FEE', sku: 'FEE', categoryPath: [], total });

const order = (lines: EarningLine[], extra: Partial<EarningInput> = {}): EarningInput => ({
  lines,
  orderDiscount: 0,
  currency: 'EUR',
  channel: 'ONLINE',
  ...extra,
});

describe('pointsForOrder', () => {
  test.each([
    { name: 'a point per euro, floor', rules: rules(), input: order([product(1_999)]), points: 19 },
    {
      name: 'nearest rounds 19.99 up',
      rules: rules({ rounding: 'NEAREST' }),
      input: order([product(1_999)]),
      points: 20,
    },
    {
      name: 'nearest rounds 19.49 down',
      rules: rules({ rounding: 'NEAREST' }),
      input: order([product(1_949)]),
      points: 19,
    },
    { name: 'ceil rounds 19.01 up', rules: rules({ rounding: 'CEIL' }), input: order([product(1_901)]), points: 20 },
    {
      name: 'ceil does not round float noise up',
      rules: rules({ rounding: 'CEIL', pointsPerUnit: 0.1 }),
      input: order([product(3_000)]),
      points: 3,
    },
    {
      name: 'rounding once per order, not per line',
      rules: rules(),
      input: order([product(150), product(150), product(150)]),
      points: 4,
    },
    { name: 'points per unit', rules: rules({ pointsPerUnit: 10 }), input: order([product(1_234)]), points: 123 },
    {
      name: 'shipping and fees never earn',
      rules: rules(),
      input: order([product(2_000), shipping(990), fee(500)]),
      points: 20,
    },
    { name: 'only shipping: nothing', rules: rules(), input: order([shipping(990)]), points: 0 },
    {
      name: 'order discount shared out pro rata over products',
      rules: rules({ productMultipliers: [{ sku: 'A', multiplier: 2 }] }),
      // 10 € off 40 €: each line keeps 75 %: A 30 € × 0.75 × 2 = 45, B 10 € × 0.75 = 7.5 → 52
      input: order([product(3_000, 'A'), product(1_000, 'B'), shipping(500)], { orderDiscount: 1_000 }),
      points: 52,
    },
    {
      name: 'a discount larger than the products leaves nothing',
      rules: rules(),
      input: order([product(1_000), shipping(900)], { orderDiscount: 1_500 }),
      points: 0,
    },
    {
      name: 'category multiplier from any level of the path, highest wins',
      rules: rules({
        categoryMultipliers: [
          { category: 'Kitchen', multiplier: 2 },
          { category: 'Mugs', multiplier: 3 },
        ],
      }),
      input: order([product(1_000, 'MUG', ['Kitchen', 'Mugs']), product(1_000, 'PAN', ['Kitchen', 'Pans'])]),
      points: 50,
    },
    {
      name: 'product multiplier wins over category, even when lower',
      rules: rules({
        categoryMultipliers: [{ category: 'Kitchen', multiplier: 3 }],
        productMultipliers: [{ sku: 'MUG', multiplier: 0.5 }],
      }),
      input: order([product(1_000, 'MUG', ['Kitchen'])]),
      points: 5,
    },
    {
      name: 'a zero multiplier excludes a product',
      rules: rules({ productMultipliers: [{ sku: 'GIFTCARD', multiplier: 0 }] }),
      input: order([product(5_000, 'GIFTCARD'), product(1_000, 'MUG')]),
      points: 10,
    },
    { name: 'tier multiplier', rules: rules(), input: order([product(1_000)], { tierMultiplier: 1.5 }), points: 15 },
    {
      name: 'tier multiplier applies before rounding',
      rules: rules(),
      input: order([product(999)], { tierMultiplier: 1.25 }),
      points: 12,
    },
    {
      name: 'JPY has no minor units',
      rules: rules(),
      input: order([product(1_500)], { currency: 'JPY' }),
      points: 1_500,
    },
    {
      name: 'JPY with a point per 100 yen',
      rules: rules({ pointsPerUnit: 0.01 }),
      input: order([product(1_550)], { currency: 'JPY' }),
      points: 15,
    },
    {
      name: 'BHD has three decimals',
      rules: rules(),
      input: order([product(12_345)], { currency: 'BHD' }),
      points: 12,
    },
    {
      name: 'channel not covered: nothing',
      rules: rules({ channels: ['STORE'] }),
      input: order([product(5_000)], { channel: 'ONLINE' }),
      points: 0,
    },
    {
      name: 'channel covered',
      rules: rules({ channels: ['STORE', 'APP'] }),
      input: order([product(5_000)], { channel: 'APP' }),
      points: 50,
    },
    { name: 'a return earns negative points', rules: rules(), input: order([product(-1_999)]), points: -19 },
    {
      name: 'a return rounds by magnitude (mirrors the sale)',
      rules: rules({ rounding: 'CEIL' }),
      input: order([product(-1_901)]),
      points: -20,
    },
    {
      name: 'a return with an order discount refunds less and takes back less',
      rules: rules(),
      input: order([product(-2_000)], { orderDiscount: 500 }),
      points: -15,
    },
    {
      name: 'an exchange nets its returned line',
      rules: rules(),
      input: order([product(3_000, 'NEW'), product(-1_000, 'OLD')]),
      points: 20,
    },
    { name: 'zero pointsPerUnit', rules: rules({ pointsPerUnit: 0 }), input: order([product(10_000)]), points: 0 },
  ])('$name → $points', ({ rules: programRules, input, points }) => {
    expect(pointsForOrder(programRules, input).points).toBe(points);
  });

  test('reports the eligible amount and why nothing was earned', () => {
    expect(pointsForOrder(rules(), order([product(2_000), shipping(500)], { orderDiscount: 500 }))).toMatchObject({
      eligible: 1_500,
      points: 15,
    });
    expect(pointsForOrder(rules({ channels: ['STORE'] }), order([product(100)])).excluded).toBe('CHANNEL');
    expect(pointsForOrder(rules(), order([shipping(100)])).excluded).toBe('NO_PRODUCTS');
  });
});

describe('lineMultiplier', () => {
  const programRules = rules({
    categoryMultipliers: [{ category: 'Tea', multiplier: 2 }],
    productMultipliers: [{ sku: 'X', multiplier: 4 }],
  });
  test.each([
    { sku: 'X', categoryPath: ['Tea'], multiplier: 4 },
    { sku: 'Y', categoryPath: ['Drinks', 'Tea'], multiplier: 2 },
    { sku: 'Y', categoryPath: ['Teapots'], multiplier: 1 },
    { sku: null, categoryPath: [], multiplier: 1 },
  ])('$sku in $categoryPath → ×$multiplier', ({ sku, categoryPath, multiplier }) => {
    expect(lineMultiplier(programRules, { sku, categoryPath })).toBe(multiplier);
  });
});

describe('roundPoints', () => {
  test.each([
    { value: 1.5, rounding: 'FLOOR', points: 1 },
    { value: 1.5, rounding: 'NEAREST', points: 2 },
    { value: 1.2, rounding: 'CEIL', points: 2 },
    { value: -1.5, rounding: 'FLOOR', points: -1 },
    { value: -1.2, rounding: 'CEIL', points: -2 },
    { value: 0.30000000000000004 * 10, rounding: 'CEIL', points: 3 },
    { value: -0.2, rounding: 'FLOOR', points: 0 },
  ] as const)('$rounding($value) → $points', ({ value, rounding, points }) => {
    expect(roundPoints(value, rounding)).toBe(points);
  });
});

describe('pointsToReverse', () => {
  test.each([
    { name: 'half returned', earned: 100, total: 10_000, returned: 5_000, points: 50 },
    { name: 'a third, rounded to nearest', earned: 100, total: 3_000, returned: 1_000, points: 33 },
    { name: 'everything', earned: 100, total: 10_000, returned: 10_000, points: 100 },
    { name: 'more than the order (never more than earned)', earned: 100, total: 10_000, returned: 12_000, points: 100 },
    { name: 'nothing earned', earned: 0, total: 10_000, returned: 5_000, points: 0 },
    { name: 'nothing returned', earned: 100, total: 10_000, returned: 0, points: 0 },
  ])('$name', ({ earned, total, returned, points }) => {
    expect(pointsToReverse(earned, total, returned)).toBe(points);
  });
});

describe('expiry', () => {
  test.each([
    { from: '2026-01-15T10:00:00.000Z', months: 12, to: '2027-01-15T10:00:00.000Z' },
    { from: '2026-01-31T10:00:00.000Z', months: 1, to: '2026-02-28T10:00:00.000Z' },
    { from: '2028-01-31T10:00:00.000Z', months: 1, to: '2028-02-29T10:00:00.000Z' },
    { from: '2026-11-30T00:00:00.000Z', months: 3, to: '2027-02-28T00:00:00.000Z' },
  ])('$from + $months months → $to', ({ from, months, to }) => {
    expect(addMonths(new Date(from), months).toISOString()).toBe(to);
  });

  test('lots expire after the configured months, or never', () => {
    const at = new Date('2026-03-01T12:00:00Z');
    expect(lotExpiry(rules(), at)).toBeNull();
    expect(lotExpiry(rules({}, { expiry: { months: 6 } }), at)?.toISOString()).toBe('2026-09-01T12:00:00.000Z');
  });
});
