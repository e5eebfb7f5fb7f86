import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import { RFM_SEGMENTS, type RfmSegment, segmentCaseSql } from './rfm.ts';

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * RFM scores and segments per customer, stored in CustomerRfm by one SQL statement. A purchase is a
 * SALE order that is not cancelled and not fully returned; recency is counted in whole 24-hour days
 * from the last purchase to `now`; spend is Σ netTotal (after discounts and linked returns).
 */

/** Purchases of registered customers of the store placed up to $2 (the evaluation instant). */
const PURCHASES_SQL = `
  SELECT o."customerId", count(*)::int AS purchases, sum(o."netTotal")::bigint AS spent, max(o."placedAt") AS last
  FROM "Order" o
  WHERE o."storeId" = $1::uuid AND o."customerId" IS NOT NULL AND o.kind = 'SALE' AND o.status <> 'CANCELLED'
    AND NOT (o."returnedTotal" > 0 AND o."netTotal" <= 0) AND o."placedAt" <= $2::timestamptz
  GROUP BY o."customerId"`;

/** 1 + floor(5 × share of customers strictly worse), over `order` (worst first). */
function scoreSql(order: string): string {
  return `(1 + floor(5.0 * (rank() OVER (ORDER BY ${order}) - 1) / count(*) OVER ()))::int`;
}

const RECOMPUTE_SQL = `
WITH purchases AS (${PURCHASES_SQL}),
measured AS (
  SELECT p.*, greatest(0, floor(extract(epoch FROM ($2::timestamptz - p.last)) / 86400))::int AS days FROM purchases p
),
scored AS (
  SELECT x.*, ${scoreSql('x.days DESC')} AS r, ${scoreSql('x.purchases')} AS f, ${scoreSql('x.spent')} AS m
  FROM measured x
),
upserted AS (
  INSERT INTO "CustomerRfm" ("customerId", "storeId", recency, frequency, monetary, segment,
    "daysSinceLastPurchase", purchases, "netSpent", "computedAt")
  SELECT s."customerId", $1::uuid, s.r, s.f, s.m, ${segmentCaseSql('s.r', '((s.f + s.m + 1) / 2)')},
    s.days, s.purchases, s.spent, $2::timestamptz
  FROM scored s
  ON CONFLICT ("customerId") DO UPDATE SET
    "storeId" = EXCLUDED."storeId", recency = EXCLUDED.recency, frequency = EXCLUDED.frequency,
    monetary = EXCLUDED.monetary, segment = EXCLUDED.segment,
    "daysSinceLastPurchase" = EXCLUDED."daysSinceLastPurchase", purchases = EXCLUDED.purchases,
    "netSpent" = EXCLUDED."netSpent", "computedAt" = EXCLUDED."computedAt"
  RETURNING segment
),
removed AS (
  DELETE FROM "CustomerRfm" x
  WHERE x."storeId" = $1::uuid AND NOT EXISTS (SELECT 1 FROM purchases p WHERE p."customerId" = x."customerId")
  RETURNING 1
)
SELECT u.segment::text AS segment, count(*)::int AS customers, (SELECT count(*)::int FROM removed) AS removed
FROM upserted u GROUP BY u.segment`;

export interface RfmRecomputed {
  customers: number;
  segments: Record<RfmSegment, number>;
}

function zeroSegments(): Record<RfmSegment, number> {
  return Object.fromEntries(RFM_SEGMENTS.map((segment) => [segment, 0])) as Record<RfmSegment, number>;
}

/**
 * Scores every registered customer with at least one purchase up to `now` (default: now) and stores
 * the segment; rows of customers without purchases any more are deleted. One statement.
 */
export async function recomputeRfm(prisma: Db, storeId: string, options: { now?: Date } = {}): Promise<RfmRecomputed> {
  const now = options.now ?? new Date();
  const rows = await prisma.$queryRawUnsafe<{ segment: RfmSegment; customers: number }[]>(RECOMPUTE_SQL, storeId, now);
  const segments = zeroSegments();
  let customers = 0;
  for (const row of rows) {
    segments[row.segment] = row.customers;
    customers += row.customers;
  }
  return { customers, segments };
}

export interface RfmSegmentSummary {
  segment: RfmSegment;
  customers: number;
  /** Percent of scored customers, 0–100. */
  share: number;
  /** Null when the segment is empty. */
  avgDaysSinceLastPurchase: number | null;
  avgPurchases: number | null;
  /** Minor units. */
  avgNetSpent: number | null;
  totalNetSpent: number;
}

export interface RfmSummary {
  /** When the scores were last computed; null when never. */
  computedAt: Date | null;
  customers: number;
  /** Every segment, in table order (empty ones with zeros). */
  segments: RfmSegmentSummary[];
}

/** Per-segment sizes and averages from the stored scores. */
export async function rfmSummary(prisma: Db, storeId: string): Promise<RfmSummary> {
  const rows = await prisma.$queryRawUnsafe<
    {
      segment: RfmSegment;
      customers: number;
      avgDays: number;
      avgPurchases: number;
      avgSpent: number;
      totalSpent: string;
      computedAt: Date;
    }[]
  >(
    `SELECT segment::text AS segment, count(*)::int AS customers, avg("daysSinceLastPurchase")::float8 AS "avgDays",
       avg(purchases)::float8 AS "avgPurchases", avg("netSpent")::float8 AS "avgSpent",
       sum("netSpent")::text AS "totalSpent", max("computedAt") AS "computedAt"
     FROM "CustomerRfm" WHERE "storeId" = $1::uuid GROUP BY segment`,
    storeId,
  );
  const bySegment = new Map(rows.map((row) => [row.segment, row]));
  const customers = rows.reduce((sum, row) => sum + row.customers, 0);
  let computedAt: Date | null = null;
  for (const row of rows) if (!computedAt || row.computedAt > computedAt) computedAt = row.computedAt;
  return {
    computedAt,
    customers,
    segments: RFM_SEGMENTS.map((segment) => {
      const row = bySegment.get(segment);
      if (!row)
        return {
          segment,
          customers: 0,
          share: 0,
          avgDaysSinceLastPurchase: null,
          avgPurchases: null,
          avgNetSpent: null,
          totalNetSpent: 0,
        };
      return {
        segment,
        customers: row.customers,
        share: (row.customers / customers) * 100,
        avgDaysSinceLastPurchase: row.avgDays,
        avgPurchases: row.avgPurchases,
        avgNetSpent: row.avgSpent,
        totalNetSpent: Number(row.totalSpent),
      };
    }),
  };
}

export interface RfmExportRow {
  customerId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  segment: RfmSegment;
  recency: number;
  frequency: number;
  monetary: number;
  daysSinceLastPurchase: number;
  purchases: number;
  /** Minor units. */
  netSpent: number;
}

/**
 * Scored customers (optionally one segment) with their contact fields, by customer id, read a page
 * at a time (keyset on customerId: one query per page, constant memory).
 */
export async function* exportRfm(
  prisma: Db,
  storeId: string,
  segment?: RfmSegment | null,
  pageSize = 5_000,
): AsyncGenerator<RfmExportRow> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await prisma.$queryRawUnsafe<(Omit<RfmExportRow, 'netSpent'> & { netSpent: string })[]>(
      `SELECT r."customerId", c.email, c."firstName", c."lastName", r.segment::text AS segment, r.recency,
         r.frequency, r.monetary, r."daysSinceLastPurchase", r.purchases, r."netSpent"::text AS "netSpent"
       FROM "CustomerRfm" r JOIN "Customer" c ON c.id = r."customerId" AND c."storeId" = r."storeId"
       WHERE r."storeId" = $1::uuid AND r."customerId" > $2::uuid AND ($3::text IS NULL OR r.segment::text = $3::text)
       ORDER BY r."customerId" LIMIT $4::int`,
      storeId,
      after,
      segment ?? null,
      pageSize,
    );
    for (const row of page) yield { ...row, netSpent: Number(row.netSpent) };
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.customerId;
  }
}

export const RFM_CSV_COLUMNS = [
  'customerId',
  'email',
  'firstName',
  'lastName',
  'segment',
  'recency',
  'frequency',
  'monetary',
  'daysSinceLastPurchase',
  'purchases',
  'netSpent',
] as const satisfies readonly (keyof RfmExportRow)[];

/**
 * One CSV cell: quoted when it holds a comma, quote or line break; text starting with = + - @ (or a
 * tab or carriage return) is prefixed with ' so spreadsheets do not run it as a formula. Numbers are
 * written as they are (a negative spend stays a number).
 */
export function csvCell(value: string | number | null): string {
  if (value == null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The header line then one line per row, each ending in CRLF (RFC 4180). */
export function rfmCsvHeader(): string {
  return `${RFM_CSV_COLUMNS.join(',')}\r\n`;
}

export function rfmCsvLine(row: RfmExportRow): string {
  return `${RFM_CSV_COLUMNS.map((column) => csvCell(row[column])).join(',')}\r\n`;
}

/** A whole CSV file (header included) from rows already in memory (large exports: `exportRfmCsv`). */
export function rfmCsv(rows: Iterable<RfmExportRow>): string {
  let out = rfmCsvHeader();
  for (const row of rows) out += rfmCsvLine(row);
  return out;
}

/** The CSV as a stream of chunks (header first), for writing a large export to a file. */
export async function* rfmCsvStream(rows: AsyncIterable<RfmExportRow>): AsyncGenerator<string> {
  yield rfmCsvHeader();
  for await (const row of rows) yield rfmCsvLine(row);
}

/**
 * The export as CSV chunks for a file or stdout: the header (rows 0), then one chunk per page of
 * customers with how many rows it holds.
 */
export async function* exportRfmCsv(
  prisma: Db,
  storeId: string,
  segment?: RfmSegment | null,
  pageSize = 5_000,
): AsyncGenerator<{ text: string; rows: number }> {
  yield { text: rfmCsvHeader(), rows: 0 };
  let text = '';
  let rows = 0;
  for await (const row of exportRfm(prisma, storeId, segment, pageSize)) {
    text += rfmCsvLine(row);
    if (++rows === pageSize) {
      yield { text, rows };
      text = '';
      rows = 0;
    }
  }
  if (rows > 0) yield { text, rows };
}
