import { describe, expect, test } from 'vitest';
import {
  afterCursorWhere,
  customerFilterInput,
  customerOrderBy,
  customerWhere,
  decodeCursor,
  encodeCursor,
} from './customer-filter.ts';

const STORE = '0190a0a0-0000-7000-8000-000000000001';

describe('customerWhere', () => {
  test.each([
    [{}, { storeId: STORE }],
    [{ tags: ['vip'] }, { storeId: STORE, AND: [{ tags: { hasEvery: ['vip'] } }] }],
    [{ channel: 'APP' }, { storeId: STORE, AND: [{ orders: { some: { channel: 'APP' } } }] }],
    [{ totalSpentMin: 100 }, { storeId: STORE, AND: [{ totalSpent: { gte: 100n } }] }],
    [{ hasOrders: false }, { storeId: STORE, AND: [{ orderCount: 0 }] }],
    [{ hasOrders: true }, { storeId: STORE, AND: [{ orderCount: { gt: 0 } }] }],
    [{ rfmSegment: 'CHAMPIONS' }, { storeId: STORE, AND: [{ rfm: { is: { segment: 'CHAMPIONS' } } }] }],
    [{ churnRisk: 'HIGH' }, { storeId: STORE, AND: [{ prediction: { is: { churnRisk: 'HIGH' } } }] }],
    [
      { rfmSegment: 'AT_RISK', churnRisk: 'LOST', hasOrders: true },
      {
        storeId: STORE,
        AND: [
          { orderCount: { gt: 0 } },
          { rfm: { is: { segment: 'AT_RISK' } } },
          { prediction: { is: { churnRisk: 'LOST' } } },
        ],
      },
    ],
  ])('%j', (filter, expected) => {
    expect(customerWhere(STORE, filter as never)).toEqual(expected);
  });

  test('search: every word must match; phone words are normalised', () => {
    const where = customerWhere(STORE, { search: 'anna 040-123' });
    expect(where.AND).toHaveLength(2);
    const phoneWord = (where.AND as any[])[1].OR;
    expect(phoneWord).toContainEqual({ phone: { contains: '040123' } });
    expect((where.AND as any[])[0].OR).not.toContainEqual(expect.objectContaining({ phone: expect.anything() }));
  });
});

describe('customerFilterInput', () => {
  test.each([
    [{ totalSpentMin: 10, totalSpentMax: 5 }, 'totalSpentMax'],
    [{ totalSpentMin: 1.5 }, 'totalSpentMin'],
    [{ channel: 'FAX' }, 'channel'],
    [{ segmentId: 'nope' }, 'segmentId'],
    [{ lastOrderBefore: 'yesterday' }, 'lastOrderBefore'],
    [{ unknown: 1 }, ''],
  ])('%j is refused at %j', (filter, field) => {
    const result = customerFilterInput.safeParse(filter);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(field);
  });

  test.each([
    [{ rfmSegment: 'VIP' }, 'rfmSegment', 'CHAMPIONS, LOYAL, POTENTIAL_LOYALISTS'],
    [{ churnRisk: 'SOME' }, 'churnRisk', 'must be one of LOW, MEDIUM, HIGH, LOST'],
  ])('%j is refused at %s naming the allowed values', (filter, field, words) => {
    const result = customerFilterInput.safeParse(filter);
    expect(result.error?.issues[0]?.path.join('.')).toBe(field);
    expect(result.error?.issues[0]?.message).toContain(words);
  });

  test('accepts RFM segment and churn risk, as stored segment JSON', () => {
    expect(customerFilterInput.parse({ rfmSegment: 'CANNOT_LOSE', churnRisk: null })).toEqual({
      rfmSegment: 'CANNOT_LOSE',
      churnRisk: null,
    });
  });

  test('accepts stored JSON with ISO dates', () => {
    expect(customerFilterInput.parse({ lastOrderAfter: '2026-01-01T00:00:00Z' }).lastOrderAfter).toEqual(
      new Date('2026-01-01T00:00:00Z'),
    );
  });
});

describe('keyset pagination', () => {
  const row = {
    id: '0190a0a0-0000-7000-8000-0000000000aa',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    lastOrderAt: null,
    totalSpent: 500n,
    lastName: 'Berg',
    firstName: null,
  };

  test('cursors round-trip and belong to one order', () => {
    const cursor = encodeCursor('TOTAL_SPENT', row);
    expect(decodeCursor('TOTAL_SPENT', cursor)).toEqual(['500', row.id]);
    expect(decodeCursor('NAME', cursor)).toBeNull();
    expect(decodeCursor('TOTAL_SPENT', 'garbage')).toBeNull();
  });

  test('order ends with id and puts nulls last', () => {
    expect(customerOrderBy('LAST_ORDER_AT', 'ASC')).toEqual([
      { lastOrderAt: { sort: 'asc', nulls: 'last' } },
      { id: 'asc' },
    ]);
  });

  test.each([
    [
      'TOTAL_SPENT',
      'DESC',
      ['500', 'X'],
      { OR: [{ AND: [{ totalSpent: { lt: 500n } }] }, { AND: [{ totalSpent: 500n }, { id: { lt: 'X' } }] }] },
    ],
    [
      'LAST_ORDER_AT',
      'ASC',
      ['2026-01-01T00:00:00.000Z', 'X'],
      {
        OR: [
          { AND: [{ OR: [{ lastOrderAt: { gt: new Date('2026-01-01T00:00:00Z') } }, { lastOrderAt: null }] }] },
          { AND: [{ lastOrderAt: new Date('2026-01-01T00:00:00Z') }, { id: { gt: 'X' } }] },
        ],
      },
    ],
    // After a NULL only more NULLs with a later id follow.
    ['LAST_ORDER_AT', 'DESC', [null, 'X'], { OR: [{ AND: [{ lastOrderAt: null }, { id: { lt: 'X' } }] }] }],
  ] as const)('%s %s after %j', (field, direction, values, expected) => {
    expect(afterCursorWhere(field, direction, [...values])).toEqual(expected);
  });
});
