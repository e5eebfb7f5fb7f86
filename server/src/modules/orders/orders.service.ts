import type { z } from 'zod';
import type { PrismaClient } from '../../db/database.ts';
import { uuidv7 } from '../../db/uuid7.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import { type DomainEventMap, type DomainEventType, emit, emitMany } from '../../events/events.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { resolveCustomers } from '../customers/customers.service.ts';
import type { CustomerInput } from '../customers/customers.validation.ts';
import { firstIssue } from '../stores/stores.validation.ts';
import { orderTotals } from './order-totals.ts';
import { cancelInput, MAX_ORDERS_PER_CALL, ordersInput, type ValidOrderInput } from './orders.validation.ts';

type Db = PrismaClient | Prisma.TransactionClient;

export interface OrderLineInput {
  sku?: string | null;
  name: string;
  quantity: number;
  unitPrice: number;
  discount?: number;
  kind?: 'PRODUCT' | 'SHIPPING' | 'FEE' | 'ADJUSTMENT';
}

export interface OrderInput {
  externalId: string;
  customer?: CustomerInput | null;
  channel: 'STORE' | 'ONLINE' | 'APP' | 'OTHER';
  location?: string | null;
  placedAt: Date;
  timeZone?: string | null;
  /** Default: the store's currency. */
  currency?: string | null;
  status?: 'PLACED' | 'PAID' | 'FULFILLED' | null;
  lines: OrderLineInput[];
  orderDiscount?: number;
  returnOfExternalId?: string | null;
}

export interface RecordOrderResult {
  orderId: string;
  externalId: string;
  created: boolean;
}

/** Big batches on a slow machine (or PGlite) outlast Prisma's 5 s default. */
const TRANSACTION_OPTIONS = { maxWait: 30_000, timeout: 120_000 } as const;

function parseOrFail<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const { field, rule } = firstIssue(result.error);
    throw new InvalidInputError(!prefix ? field : field === 'input' ? prefix : `${prefix}.${field}`, rule);
  }
  return result.data;
}

/**
 * Concurrent batches touching the same customers or originals can deadlock (PostgreSQL then aborts
 * one of them); the whole transaction is safe to run again because every write in it is idempotent
 * against what committed meanwhile.
 */
async function withRetry<T>(action: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      const text = `${(error as { code?: string }).code ?? ''} ${(error as Error).message ?? ''}`;
      const retryable = /P2034|40P01|40001|deadlock detected|could not serialize/i.test(text);
      if (!retryable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
    }
  }
}

/** Per-customer change to the maintained aggregates. */
interface AggregateDelta {
  count: number;
  spent: bigint;
  first: Date | null;
  last: Date | null;
}

function addDelta(deltas: Map<string, AggregateDelta>, customerId: string, change: Partial<AggregateDelta>) {
  const delta = deltas.get(customerId) ?? { count: 0, spent: 0n, first: null, last: null };
  delta.count += change.count ?? 0;
  delta.spent += change.spent ?? 0n;
  if (change.first && (!delta.first || change.first < delta.first)) delta.first = change.first;
  if (change.last && (!delta.last || change.last > delta.last)) delta.last = change.last;
  deltas.set(customerId, delta);
}

/** One statement for the whole batch; increments, never read-then-write, so concurrent batches add up. */
async function applyAggregateDeltas(tx: Db, storeId: string, deltas: Map<string, AggregateDelta>) {
  if (deltas.size === 0) return;
  // Sorted so concurrent batches lock customers in the same order.
  const rows = [...deltas.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, delta]) => ({
      id,
      count: delta.count,
      spent: delta.spent.toString(),
      first: delta.first?.toISOString() ?? null,
      last: delta.last?.toISOString() ?? null,
    }));
  await tx.$executeRawUnsafe(
    `UPDATE "Customer" AS c SET
       "orderCount" = c."orderCount" + (x->>'count')::int,
       "totalSpent" = c."totalSpent" + (x->>'spent')::bigint,
       "firstOrderAt" = LEAST(c."firstOrderAt", (x->>'first')::timestamptz),
       "lastOrderAt" = GREATEST(c."lastOrderAt", (x->>'last')::timestamptz),
       "updatedAt" = now()
     FROM jsonb_array_elements($1::jsonb) AS x
     WHERE c.id = (x->>'id')::uuid AND c."storeId" = $2::uuid`,
    JSON.stringify(rows),
    storeId,
  );
}

/**
 * Records up to 1,000 orders in one transaction. Idempotent by externalId per store: a replay (or an
 * order a concurrent call inserted first) returns the existing order and changes nothing. Returns
 * (every line negative) that name their original reduce its netTotal and raise its returnedTotal.
 * Maintains the customers' aggregates and emits `order.recorded` (+ `order.returned`) once per new order.
 */
export async function recordOrders(
  prisma: PrismaClient,
  storeId: string,
  inputs: OrderInput[],
  options: { source?: string } = {},
): Promise<RecordOrderResult[]> {
  if (!Array.isArray(inputs)) throw new InvalidInputError('orders', 'must be a list of orders');
  if (inputs.length > MAX_ORDERS_PER_CALL)
    throw new InvalidInputError(
      'orders',
      `must list at most ${MAX_ORDERS_PER_CALL.toLocaleString('en')} orders per call`,
    );
  const orders = parseOrFail(ordersInput, inputs, 'orders');
  if (orders.length === 0) return [];
  const source = (options.source ?? 'api').slice(0, 100);

  // Duplicates inside one batch collapse to the first occurrence.
  const unique = new Map<string, ValidOrderInput>();
  for (const order of orders) if (!unique.has(order.externalId)) unique.set(order.externalId, order);

  const store = await prisma.store.findUnique({ where: { id: storeId }, select: { defaultCurrency: true } });
  if (!store) throw new NotFoundError('Store');

  const outcome = await withRetry(() =>
    prisma.$transaction(
      (tx) => recordInTransaction(tx, storeId, [...unique.values()], store.defaultCurrency, source),
      TRANSACTION_OPTIONS,
    ),
  );
  return orders.map((order) => {
    const found = outcome.get(order.externalId)!;
    return {
      orderId: found.orderId,
      externalId: order.externalId,
      created: found.created && order === unique.get(order.externalId),
    };
  });
}

/**
 * Ids of the store's orders with these external ids. Raw SQL with an array parameter: Prisma's
 * query compiler costs more than the lookup itself for a 1,000-item `in` list.
 */
async function findOrderIds(tx: Db, storeId: string, externalIds: string[]) {
  return tx.$queryRawUnsafe<{ id: string; externalId: string }[]>(
    `SELECT id, "externalId" FROM "Order" WHERE "storeId" = $1::uuid AND "externalId" = ANY($2::text[])`,
    storeId,
    externalIds,
  );
}

async function recordInTransaction(
  tx: Prisma.TransactionClient,
  storeId: string,
  orders: ValidOrderInput[],
  defaultCurrency: string,
  source: string,
): Promise<Map<string, { orderId: string; created: boolean }>> {
  const outcome = new Map<string, { orderId: string; created: boolean }>();
  const existing = await findOrderIds(
    tx,
    storeId,
    orders.map((order) => order.externalId),
  );
  for (const order of existing) outcome.set(order.externalId, { orderId: order.id, created: false });
  // Concurrent calls are ordered by the unique index, so locks are taken in the same order everywhere.
  const fresh = orders
    .filter((order) => !outcome.has(order.externalId))
    .sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
  if (fresh.length === 0) return outcome;

  const customerIds = await resolveCustomers(
    tx,
    storeId,
    fresh.map((order) => order.customer),
    { source },
  );
  const skus = [...new Set(fresh.flatMap((order) => order.lines.flatMap((line) => (line.sku ? [line.sku] : []))))];
  const products =
    skus.length === 0
      ? []
      : await tx.$queryRawUnsafe<{ id: string; sku: string }[]>(
          `SELECT id, sku FROM "Product" WHERE "storeId" = $1::uuid AND sku = ANY($2::text[])`,
          storeId,
          skus,
        );
  const productBySku = new Map(products.map((product) => [product.sku, product.id]));

  const prepared = fresh.map((order, index) => ({
    order,
    customerId: customerIds[index] ?? null,
    currency: order.currency ?? defaultCurrency,
    totals: orderTotals(order.lines, order.orderDiscount),
  }));

  // ON CONFLICT DO NOTHING: an order a concurrent call committed first is skipped, not duplicated.
  // Raw SQL with one JSON parameter: Prisma's createMany spends seconds serialising 1,000 rows.
  const orderRows = prepared.map(({ order, customerId, currency, totals }) => ({
    id: uuidv7(),
    externalId: order.externalId,
    customerId,
    kind: totals.kind,
    channel: order.channel,
    location: order.location,
    placedAt: order.placedAt.toISOString(),
    timeZone: order.timeZone,
    currency,
    status: order.status,
    subtotal: totals.subtotal.toString(),
    discountTotal: totals.discountTotal.toString(),
    orderDiscount: String(order.orderDiscount),
    total: totals.total.toString(),
    itemCount: totals.itemCount,
  }));
  const inserted = await tx.$queryRawUnsafe<{ id: string; externalId: string }[]>(
    `INSERT INTO "Order" (id, "storeId", "externalId", "customerId", kind, channel, location, "placedAt", "timeZone",
                          currency, status, subtotal, "discountTotal", "orderDiscount", total, "netTotal", "itemCount",
                          source, "createdAt", "updatedAt")
     SELECT x.id, $2::uuid, x."externalId", x."customerId", x.kind::"OrderKind", x.channel::"OrderChannel", x.location,
            x."placedAt", x."timeZone", x.currency, x.status::"OrderStatus", x.subtotal, x."discountTotal",
            x."orderDiscount", x.total, x.total, x."itemCount", $3, now(), now()
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "externalId" text, "customerId" uuid, kind text, channel text,
          location text, "placedAt" timestamptz, "timeZone" text, currency text, status text, subtotal bigint,
          "discountTotal" bigint, "orderDiscount" bigint, total bigint, "itemCount" int)
     ORDER BY x."externalId"
     ON CONFLICT ("storeId", "externalId") DO NOTHING
     RETURNING id::text AS id, "externalId"`,
    JSON.stringify(orderRows),
    storeId,
    source,
  );
  const insertedIds = new Map(inserted.map((row) => [row.externalId, row.id]));
  const lostRaces = fresh.filter((order) => !insertedIds.has(order.externalId));
  if (lostRaces.length > 0) {
    const winners = await findOrderIds(
      tx,
      storeId,
      lostRaces.map((order) => order.externalId),
    );
    for (const order of winners) outcome.set(order.externalId, { orderId: order.id, created: false });
  }
  const created = prepared.filter(({ order }) => insertedIds.has(order.externalId));
  for (const { order } of created)
    outcome.set(order.externalId, { orderId: insertedIds.get(order.externalId)!, created: true });
  if (created.length === 0) return outcome;

  const lineRows = created.flatMap(({ order, totals }) => {
    const orderId = insertedIds.get(order.externalId)!;
    return order.lines.map((line, index) => ({
      id: uuidv7(),
      orderId,
      lineNumber: index + 1,
      kind: line.kind,
      sku: line.sku,
      productId: line.sku ? (productBySku.get(line.sku) ?? null) : null,
      name: line.name,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      discount: line.discount,
      total: totals.lineTotals[index]!.toString(),
    }));
  });
  await tx.$executeRawUnsafe(
    `INSERT INTO "OrderLine" (id, "orderId", "storeId", "lineNumber", kind, sku, "productId", name, quantity,
                              "unitPrice", discount, total)
     SELECT x.id, x."orderId", $2::uuid, x."lineNumber", x.kind::"OrderLineKind", x.sku, x."productId", x.name,
            x.quantity, x."unitPrice", x.discount, x.total
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "orderId" uuid, "lineNumber" int, kind text, sku text,
          "productId" uuid, name text, quantity int, "unitPrice" int, discount int, total bigint)`,
    JSON.stringify(lineRows),
    storeId,
  );

  const deltas = new Map<string, AggregateDelta>();
  const returnOf = await linkReturns(tx, storeId, created, insertedIds, deltas);

  const events: { storeId: string; type: DomainEventType; payload: DomainEventMap[DomainEventType] }[] = [];
  for (const { order, customerId, currency, totals } of created) {
    const orderId = insertedIds.get(order.externalId)!;
    const returnOfId = returnOf.get(orderId) ?? null;
    if (customerId) {
      if (totals.kind === 'SALE')
        addDelta(deltas, customerId, { count: 1, spent: totals.total, first: order.placedAt, last: order.placedAt });
      // A linked return is worth nothing itself: its value came off the original (see linkReturns).
      else if (!returnOfId) addDelta(deltas, customerId, { spent: totals.total });
    }
    const recorded: DomainEventMap['order.recorded'] = {
      orderId,
      externalId: order.externalId,
      customerId,
      kind: totals.kind,
      returnOfId,
      channel: order.channel,
      currency,
      total: Number(totals.total),
      placedAt: order.placedAt.toISOString(),
    };
    events.push({ storeId, type: 'order.recorded', payload: recorded });
    if (totals.kind === 'RETURN') {
      const returned: DomainEventMap['order.returned'] = {
        returnOrderId: orderId,
        returnOfId,
        customerId,
        currency,
        amount: Number(-totals.total),
        returnedAt: order.placedAt.toISOString(),
      };
      events.push({ storeId, type: 'order.returned', payload: returned });
    }
  }
  await applyAggregateDeltas(tx, storeId, deltas);
  await emitMany(tx, events);
  return outcome;
}

/**
 * Links new returns to the SALE they name (recorded earlier or in this batch, same currency) and moves
 * their value off the original: returnedTotal up, netTotal down (a cancelled original stays at 0).
 * Returns the link per return order id and records the originals' customers' aggregate changes.
 */
async function linkReturns(
  tx: Prisma.TransactionClient,
  storeId: string,
  created: { order: ValidOrderInput; currency: string; totals: { kind: string; total: bigint } }[],
  insertedIds: Map<string, string>,
  deltas: Map<string, AggregateDelta>,
): Promise<Map<string, string>> {
  const links = new Map<string, string>();
  const returns = created.filter(({ order, totals }) => totals.kind === 'RETURN' && order.returnOfExternalId);
  if (returns.length === 0) return links;
  const originals = await tx.order.findMany({
    where: {
      storeId,
      kind: 'SALE',
      externalId: { in: [...new Set(returns.map(({ order }) => order.returnOfExternalId!))] },
    },
    select: { id: true, externalId: true, currency: true },
  });
  const originalByExternalId = new Map(originals.map((original) => [original.externalId, original]));
  const amounts = new Map<string, bigint>();
  for (const { order, currency, totals } of returns) {
    const original = originalByExternalId.get(order.returnOfExternalId!);
    if (!original || original.currency !== currency) continue;
    links.set(insertedIds.get(order.externalId)!, original.id);
    amounts.set(original.id, (amounts.get(original.id) ?? 0n) - totals.total);
  }
  if (links.size === 0) return links;
  await tx.$executeRawUnsafe(
    `UPDATE "Order" AS o SET "returnOfId" = (x->>'original')::uuid, "netTotal" = 0, "updatedAt" = now()
     FROM jsonb_array_elements($1::jsonb) AS x
     WHERE o.id = (x->>'id')::uuid AND o."storeId" = $2::uuid`,
    JSON.stringify([...links.entries()].map(([id, original]) => ({ id, original }))),
    storeId,
  );
  const changed = await tx.$queryRawUnsafe<{ customerId: string | null; status: string; amount: bigint }[]>(
    `UPDATE "Order" AS o SET
       "returnedTotal" = o."returnedTotal" + (x->>'amount')::bigint,
       "netTotal" = CASE WHEN o.status = 'CANCELLED' THEN 0 ELSE o."netTotal" - (x->>'amount')::bigint END,
       "updatedAt" = now()
     FROM jsonb_array_elements($1::jsonb) AS x
     WHERE o.id = (x->>'id')::uuid AND o."storeId" = $2::uuid
     RETURNING o."customerId" AS "customerId", o.status::text AS status, (x->>'amount')::bigint AS amount`,
    JSON.stringify(
      [...amounts.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([id, amount]) => ({ id, amount: amount.toString() })),
    ),
    storeId,
  );
  for (const row of changed)
    if (row.customerId && row.status !== 'CANCELLED') addDelta(deltas, row.customerId, { spent: -BigInt(row.amount) });
  return links;
}

/**
 * Cancels an order: status CANCELLED, netTotal 0, the customer's aggregates recomputed; cancelling a
 * linked return gives its value back to the original. Idempotent: a second call changes nothing and
 * emits nothing.
 */
export async function cancelOrder(
  prisma: PrismaClient,
  storeId: string,
  externalId: string,
  options: { reason?: string | null; cancelledAt?: Date | null } = {},
): Promise<{ orderId: string; changed: boolean }> {
  const input = parseOrFail(cancelInput, { externalId, reason: options.reason, cancelledAt: options.cancelledAt }, '');
  return withRetry(() =>
    prisma.$transaction(async (tx) => {
      // The row lock serialises concurrent cancels (and returns against this order).
      const [order] = await tx.$queryRawUnsafe<
        {
          id: string;
          customerId: string | null;
          kind: 'SALE' | 'RETURN';
          status: string;
          returnOfId: string | null;
          netTotal: bigint;
          total: bigint;
          currency: string;
        }[]
      >(
        `SELECT id, "customerId", kind::text AS kind, status::text AS status, "returnOfId", "netTotal", total, currency
         FROM "Order" WHERE "storeId" = $1::uuid AND "externalId" = $2 FOR UPDATE`,
        storeId,
        input.externalId,
      );
      if (!order) throw new NotFoundError('Order');
      if (order.status === 'CANCELLED') return { orderId: order.id, changed: false };
      const cancelledAt = input.cancelledAt ?? new Date();
      await tx.order.update({
        where: { id: order.id },
        data: { status: 'CANCELLED', netTotal: 0n, cancelledAt, cancelReason: input.reason },
        select: { id: true },
      });
      const customers = new Set<string>();
      if (order.customerId) customers.add(order.customerId);
      if (order.kind === 'RETURN' && order.returnOfId) {
        // The goods did not come back after all: the original is worth what it was before the return.
        const [original] = await tx.$queryRawUnsafe<{ customerId: string | null }[]>(
          `UPDATE "Order" SET
             "returnedTotal" = "returnedTotal" + $1::bigint,
             "netTotal" = CASE WHEN status = 'CANCELLED' THEN 0 ELSE "netTotal" - $1::bigint END,
             "updatedAt" = now()
           WHERE id = $2::uuid AND "storeId" = $3::uuid
           RETURNING "customerId"`,
          order.total.toString(),
          order.returnOfId,
          storeId,
        );
        if (original?.customerId) customers.add(original.customerId);
      }
      await recomputeCustomerAggregates(tx, storeId, [...customers]);
      await emit(tx, storeId, 'order.cancelled', {
        orderId: order.id,
        externalId: input.externalId,
        customerId: order.customerId,
        currency: order.currency.trim(),
        previousNetTotal: Number(order.netTotal),
        cancelledAt: cancelledAt.toISOString(),
      });
      return { orderId: order.id, changed: true };
    }, TRANSACTION_OPTIONS),
  );
}

/**
 * Recomputes orderCount, totalSpent, firstOrderAt and lastOrderAt from the orders (after a merge, an
 * erasure or a cancellation). The customers are locked first: once this transaction holds them, a
 * concurrent recordOrders either committed already (and its orders are seen) or has not yet applied
 * its increments (and will add them on top of the recomputed values).
 */
export async function recomputeCustomerAggregates(tx: Db, storeId: string, customerIds: string[]): Promise<void> {
  const ids = [...new Set(customerIds)].sort();
  if (ids.length === 0) return;
  const json = JSON.stringify(ids);
  await tx.$queryRawUnsafe(
    `SELECT id FROM "Customer"
     WHERE "storeId" = $1::uuid AND id IN (SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb))
     ORDER BY id FOR UPDATE`,
    storeId,
    json,
  );
  await tx.$executeRawUnsafe(
    `UPDATE "Customer" AS c SET
       "orderCount" = a.order_count, "totalSpent" = a.total_spent,
       "firstOrderAt" = a.first_order_at, "lastOrderAt" = a.last_order_at, "updatedAt" = now()
     FROM (
       SELECT c2.id,
         count(o.id) FILTER (WHERE o.kind = 'SALE' AND o.status <> 'CANCELLED')::int AS order_count,
         COALESCE(sum(o."netTotal"), 0)::bigint AS total_spent,
         min(o."placedAt") FILTER (WHERE o.kind = 'SALE' AND o.status <> 'CANCELLED') AS first_order_at,
         max(o."placedAt") FILTER (WHERE o.kind = 'SALE' AND o.status <> 'CANCELLED') AS last_order_at
       FROM "Customer" AS c2 LEFT JOIN "Order" AS o ON o."customerId" = c2.id
       WHERE c2."storeId" = $1::uuid AND c2.id IN (SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb))
       GROUP BY c2.id
     ) AS a
     WHERE c.id = a.id`,
    storeId,
    json,
  );
}
