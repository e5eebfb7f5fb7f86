import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.ts';
import { RFM_SEGMENTS, type RfmSegment } from '../analytics/rfm.ts';

/**
 * Customer list filters and keyset pagination, as pure functions from input to Prisma `where` /
 * `orderBy` (no I/O: a segment's stored filter is loaded by the service and passed in).
 */

export const CHANNELS = ['STORE', 'ONLINE', 'APP', 'OTHER'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Churn risk bands of the purchase model's predictions (CustomerPrediction.churnRisk). */
export const CHURN_RISKS = ['LOW', 'MEDIUM', 'HIGH', 'LOST'] as const;
export type ChurnRisk = (typeof CHURN_RISKS)[number];

export interface CustomerFilter {
  /** Words matched case-insensitively against name, email, phone and identity ids; every word must match. */
  search?: string | null;
  /** Has all of these tags. */
  tags?: string[] | null;
  segmentId?: string | null;
  /** Has at least one order in this channel. */
  channel?: Channel | null;
  /** Last order strictly before this instant. */
  lastOrderBefore?: Date | null;
  /** Last order strictly after this instant. */
  lastOrderAfter?: Date | null;
  totalSpentMin?: number | null;
  totalSpentMax?: number | null;
  hasOrders?: boolean | null;
  /** In this RFM segment (as last computed; customers never scored match no segment). */
  rfmSegment?: RfmSegment | null;
  /** Has this churn risk in the latest predictions (customers without a prediction match none). */
  churnRisk?: ChurnRisk | null;
}

const date = z.coerce
  .date({ error: 'must be an ISO 8601 date-time' })
  .refine((value) => !Number.isNaN(value.getTime()), 'must be an ISO 8601 date-time');
const money = z.number().int('must be a whole number of minor units');

/** Validates a filter (GraphQL input or a segment's stored JSON); dates may be ISO strings. */
export const customerFilterInput = z
  .object({
    search: z.string().trim().max(200, 'must be at most 200 characters').nullish(),
    tags: z.array(z.string().trim().min(1, 'must not be empty')).max(50, 'must list at most 50 tags').nullish(),
    segmentId: z.string().uuid('must be a segment id').nullish(),
    channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` }).nullish(),
    lastOrderBefore: date.nullish(),
    lastOrderAfter: date.nullish(),
    totalSpentMin: money.nullish(),
    totalSpentMax: money.nullish(),
    hasOrders: z.boolean().nullish(),
    rfmSegment: z.enum(RFM_SEGMENTS, { error: `must be one of ${RFM_SEGMENTS.join(', ')}` }).nullish(),
    churnRisk: z.enum(CHURN_RISKS, { error: `must be one of ${CHURN_RISKS.join(', ')}` }).nullish(),
  })
  .strict()
  .refine(
    (filter) =>
      filter.totalSpentMin == null || filter.totalSpentMax == null || filter.totalSpentMin <= filter.totalSpentMax,
    { message: 'must not be less than totalSpentMin', path: ['totalSpentMax'] },
  ) as z.ZodType<CustomerFilter>;

/** The filter as Prisma conditions. `segmentId` is not handled here: the caller resolves it to a filter. */
export function customerWhere(storeId: string, filter: CustomerFilter | null | undefined): Prisma.CustomerWhereInput {
  const and: Prisma.CustomerWhereInput[] = [];
  if (filter?.search) {
    for (const word of filter.search.split(/\s+/).filter(Boolean)) {
      const contains = { contains: word, mode: 'insensitive' as const };
      const any: Prisma.CustomerWhereInput[] = [
        { firstName: contains },
        { lastName: contains },
        { email: contains },
        { identities: { some: { externalId: contains } } },
      ];
      // Phones are stored as "+" and digits, so "040-123" must look for "040123".
      const digits = word.replace(/[\s\-.()/]/g, '');
      if (/^\+?\d{3,}$/.test(digits)) any.push({ phone: { contains: digits.replace(/^00/, '+') } });
      and.push({ OR: any });
    }
  }
  if (filter?.tags?.length) and.push({ tags: { hasEvery: filter.tags } });
  if (filter?.channel) and.push({ orders: { some: { channel: filter.channel } } });
  if (filter?.lastOrderBefore) and.push({ lastOrderAt: { lt: filter.lastOrderBefore } });
  if (filter?.lastOrderAfter) and.push({ lastOrderAt: { gt: filter.lastOrderAfter } });
  if (filter?.totalSpentMin != null) and.push({ totalSpent: { gte: BigInt(filter.totalSpentMin) } });
  if (filter?.totalSpentMax != null) and.push({ totalSpent: { lte: BigInt(filter.totalSpentMax) } });
  if (filter?.hasOrders != null) and.push({ orderCount: filter.hasOrders ? { gt: 0 } : 0 });
  if (filter?.rfmSegment) and.push({ rfm: { is: { segment: filter.rfmSegment } } });
  if (filter?.churnRisk) and.push({ prediction: { is: { churnRisk: filter.churnRisk } } });
  return and.length > 0 ? { storeId, AND: and } : { storeId };
}

export type CustomerSortField = 'CREATED_AT' | 'LAST_ORDER_AT' | 'TOTAL_SPENT' | 'NAME';
export type SortDirection = 'ASC' | 'DESC';

type SortColumn = 'createdAt' | 'lastOrderAt' | 'totalSpent' | 'lastName' | 'firstName' | 'id';
interface SortKey {
  column: SortColumn;
  nullable: boolean;
  kind: 'date' | 'bigint' | 'string';
}

const SORT_KEYS: Record<CustomerSortField, SortKey[]> = {
  CREATED_AT: [{ column: 'createdAt', nullable: false, kind: 'date' }],
  LAST_ORDER_AT: [{ column: 'lastOrderAt', nullable: true, kind: 'date' }],
  TOTAL_SPENT: [{ column: 'totalSpent', nullable: false, kind: 'bigint' }],
  NAME: [
    { column: 'lastName', nullable: true, kind: 'string' },
    { column: 'firstName', nullable: true, kind: 'string' },
  ],
};
const ID_KEY: SortKey = { column: 'id', nullable: false, kind: 'string' };

function keysOf(field: CustomerSortField): SortKey[] {
  return [...SORT_KEYS[field], ID_KEY];
}

/** Sort keys then id (unique) as the tie-breaker, nulls last in both directions. */
export function customerOrderBy(
  field: CustomerSortField,
  direction: SortDirection,
): Prisma.CustomerOrderByWithRelationInput[] {
  const sort = direction === 'ASC' ? ('asc' as const) : ('desc' as const);
  return keysOf(field).map((key) =>
    key.nullable ? { [key.column]: { sort, nulls: 'last' as const } } : { [key.column]: sort },
  );
}

type CursorValue = string | null;

/** An opaque cursor: the row's sort key values and id. */
export function encodeCursor(field: CustomerSortField, row: Record<SortColumn, unknown>): string {
  const values: CursorValue[] = keysOf(field).map((key) => {
    const value = row[key.column];
    if (value == null) return null;
    return value instanceof Date ? value.toISOString() : String(value);
  });
  return Buffer.from(JSON.stringify([field, values])).toString('base64url');
}

/** Null when the cursor is not one this sort order produced. */
export function decodeCursor(field: CustomerSortField, cursor: string): CursorValue[] | null {
  try {
    const [cursorField, values] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, unknown];
    const keys = keysOf(field);
    if (cursorField !== field || !Array.isArray(values) || values.length !== keys.length) return null;
    for (const [index, value] of values.entries()) {
      if (value === null ? !keys[index]!.nullable : typeof value !== 'string') return null;
      if (value !== null && keys[index]!.kind === 'date' && Number.isNaN(new Date(value).getTime())) return null;
      if (value !== null && keys[index]!.kind === 'bigint' && !/^-?\d+$/.test(value)) return null;
    }
    return values as CursorValue[];
  } catch {
    return null;
  }
}

/**
 * Rows strictly after the cursor in the given order: lexicographic over the sort keys then id,
 * with NULLs sorting last (so after a NULL only more NULLs with a later id follow).
 */
export function afterCursorWhere(
  field: CustomerSortField,
  direction: SortDirection,
  values: CursorValue[],
): Prisma.CustomerWhereInput {
  const keys = keysOf(field);
  const typed = (key: SortKey, value: string) =>
    key.kind === 'date' ? new Date(value) : key.kind === 'bigint' ? BigInt(value) : value;
  const or: Prisma.CustomerWhereInput[] = [];
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    const value = values[index]!;
    const equalBefore = keys.slice(0, index).map((previous, position) => {
      const previousValue = values[position]!;
      return { [previous.column]: previousValue === null ? null : typed(previous, previousValue) };
    });
    let beyond: Prisma.CustomerWhereInput | null;
    if (value === null)
      beyond = null; // nulls are last: nothing sorts after NULL on this key
    else {
      const comparison = { [direction === 'ASC' ? 'gt' : 'lt']: typed(key, value) };
      beyond = key.nullable
        ? { OR: [{ [key.column]: comparison }, { [key.column]: null }] }
        : { [key.column]: comparison };
    }
    if (beyond) or.push({ AND: [...equalBefore, beyond] as Prisma.CustomerWhereInput[] });
  }
  return { OR: or };
}
