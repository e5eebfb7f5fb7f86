import type { PrismaClient } from '../../../db/database.ts';
import type { Prisma } from '../../../generated/prisma/client.ts';

type Reader = Pick<Prisma.TransactionClient, '$queryRawUnsafe'>;

/**
 * A customer as the BG/NBD and Gamma-Gamma models see them, from their purchases placed before the
 * calibration end (a purchase: a SALE order, not cancelled, not fully returned; see the README).
 * Purchases are collapsed to purchase DAYS on the store's wall clock: several orders on one local
 * date are one transaction worth their summed netTotal.
 */
export interface CustomerSummary {
  customerId: string;
  /** Repeat purchase days: purchase days − 1. */
  x: number;
  /** Weeks from the first to the last purchase day. */
  tx: number;
  /** Weeks from the first purchase day to the calibration end day. */
  T: number;
  /** Mean spend of the repeat purchase days (the first day left out), minor units; 0 when x = 0. */
  monetary: number;
}

const SUMMARY_SQL = `
WITH store AS (
  SELECT timezone AS tz, "defaultCurrency" AS currency FROM "Store" WHERE id = $1::uuid
),
days AS (
  SELECT o."customerId" AS customer, (o."placedAt" AT TIME ZONE s.tz)::date AS day, SUM(o."netTotal") AS spend
  FROM "Order" o CROSS JOIN store s
  WHERE o."storeId" = $1::uuid
    AND o."customerId" IS NOT NULL
    AND o.kind = 'SALE'
    AND o.status <> 'CANCELLED'
    AND NOT (o."returnedTotal" > 0 AND o."netTotal" <= 0)
    AND o.currency = s.currency
    AND o."placedAt" < $2::timestamptz
    AND ($3::uuid[] IS NULL OR o."customerId" = ANY ($3::uuid[]))
  GROUP BY 1, 2
),
customers AS (
  SELECT customer, COUNT(*) AS n, MIN(day) AS first_day, MAX(day) AS last_day, SUM(spend) AS total,
         (array_agg(spend ORDER BY day))[1] AS first_spend
  FROM days GROUP BY customer
)
SELECT c.customer::text AS "customerId",
       (c.n - 1)::int AS x,
       ((c.last_day - c.first_day) / 7.0)::float8 AS tx,
       (((($2::timestamptz - interval '1 millisecond') AT TIME ZONE s.tz)::date - c.first_day) / 7.0)::float8 AS "T",
       CASE WHEN c.n > 1 THEN ((c.total - c.first_spend)::numeric / (c.n - 1))::float8 ELSE 0 END AS monetary
FROM customers c CROSS JOIN store s
ORDER BY c.customer`;

/**
 * The summaries of a store's customers with at least one purchase before `calibrationEnd` (an
 * exclusive instant; T is measured to the local date of the last instant before it), in one statement.
 * Purchases in a currency other than the store's default are left out (their amounts cannot be added).
 * With `customers` (one id or a list), only those customers' summaries (none for a customer
 * without purchases).
 */
export async function customerSummaries(
  prisma: PrismaClient | Reader,
  storeId: string,
  calibrationEnd: Date,
  customers: string | readonly string[] | null = null,
): Promise<CustomerSummary[]> {
  const ids = customers === null ? null : typeof customers === 'string' ? [customers] : [...customers];
  return (prisma as Reader).$queryRawUnsafe<CustomerSummary[]>(SUMMARY_SQL, storeId, calibrationEnd, ids);
}
