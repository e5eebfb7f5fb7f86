import type { PrismaClient } from '../../db/database.ts';
import type { PointsTransaction } from '../../generated/prisma/client.ts';
import { awardBonusInTx } from './bonus.service.ts';
import {
  type Channel,
  type EarningLine,
  type LineKind,
  lotExpiry,
  pointsForOrder,
  pointsToReverse,
} from './earning.ts';
import { inTransaction, lockAccount, type PostedEntry, postEntry, type Tx } from './ledger.service.ts';
import { rulesAt } from './program.service.ts';
import { qualifyReferral } from './referrals.service.ts';

/**
 * Points from orders: earned when a sale is recorded, taken back (proportionally, never below zero,
 * the shortfall recorded) when goods come back or the order is cancelled. Every entry point is
 * idempotent through the ledger's keys, so redelivered events change nothing.
 */

interface OrderRow {
  id: string;
  storeId: string;
  customerId: string | null;
  kind: 'SALE' | 'RETURN';
  status: string;
  returnOfId: string | null;
  channel: Channel;
  currency: string;
  placedAt: Date;
  orderDiscount: bigint;
  total: bigint;
  /** The customer's first sale (maintained by the orders module, net of cancellations). */
  firstOrderAt: Date | null;
}

async function loadOrder(db: Tx | PrismaClient, storeId: string, orderId: string): Promise<OrderRow | null> {
  const rows = await db.$queryRaw<OrderRow[]>`
    SELECT id, "storeId", "customerId", kind::text AS kind, status::text AS status, "returnOfId",
           channel::text AS channel, trim(currency) AS currency, "placedAt", "orderDiscount", total,
           (SELECT c."firstOrderAt" FROM "Customer" c WHERE c.id = o."customerId") AS "firstOrderAt"
    FROM "Order" o WHERE id = ${orderId}::uuid AND "storeId" = ${storeId}::uuid`;
  return rows[0] ?? null;
}

async function loadLines(db: Tx | PrismaClient, storeId: string, orderId: string): Promise<EarningLine[]> {
  const rows = await db.$queryRaw<
    { kind: LineKind; sku: string | null; categoryPath: string[] | null; total: bigint }[]
  >`
    SELECT l.kind::text AS kind, l.sku, p."categoryPath", l.total
    FROM "OrderLine" l
    LEFT JOIN "Product" p ON p."storeId" = l."storeId" AND p.sku = l.sku
    WHERE l."orderId" = ${orderId}::uuid AND l."storeId" = ${storeId}::uuid
    ORDER BY l."lineNumber"`;
  return rows.map((row) => ({
    kind: row.kind,
    sku: row.sku,
    categoryPath: row.categoryPath ?? [],
    total: Number(row.total),
  }));
}

/** Points an order is worth under the rules of its date, with the customer's current tier multiplier. */
async function scoreOrder(tx: Tx, order: OrderRow, tierKey: string | null) {
  const active = await rulesAt(tx, order.storeId, order.placedAt);
  if (!active.enabled) return null;
  const tier = active.rules.tiers.levels.find((level) => level.key === tierKey);
  const lines = await loadLines(tx, order.storeId, order.id);
  const earning = pointsForOrder(active.rules, {
    lines,
    orderDiscount: Number(order.orderDiscount),
    currency: order.currency,
    channel: order.channel,
    tierMultiplier: tier?.earnMultiplier ?? 1,
  });
  return { active, earning, tier };
}

async function earnRow(tx: Tx, storeId: string, orderId: string): Promise<PointsTransaction | null> {
  return tx.pointsTransaction.findUnique({
    where: { storeId_idempotencyKey: { storeId, idempotencyKey: `order:${orderId}` } },
  });
}

/**
 * Points already taken back from an order (by returns and its cancellation), shortfalls included,
 * less what cancelled returns gave back.
 */
async function reversedSoFar(tx: Tx, storeId: string, orderId: string): Promise<number> {
  const rows = await tx.$queryRaw<{ value: bigint | number | null }[]>`
    SELECT COALESCE(sum(CASE WHEN kind = 'REVERSE' THEN shortfall - points
                             ELSE -COALESCE((metadata->>'undoes')::int, points) END), 0)::bigint AS value
    FROM "PointsTransaction"
    WHERE "storeId" = ${storeId}::uuid AND "sourceRef" = ${orderId}
      AND ((kind = 'REVERSE' AND points < 0 AND source IN ('RETURN', 'CANCELLATION'))
           OR (kind = 'EARN' AND source = 'CANCELLATION'))`;
  return Number(rows[0]?.value ?? 0);
}

/** Whether `order` is the customer's first sale (none placed earlier that is not cancelled). */
async function isFirstOrder(tx: Tx, order: OrderRow, customerId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ n: number }[]>`
    SELECT 1 AS n FROM "Order"
    WHERE "customerId" = ${customerId}::uuid AND "storeId" = ${order.storeId}::uuid AND kind = 'SALE'
      AND status <> 'CANCELLED' AND id <> ${order.id}::uuid
      AND ("placedAt" < ${order.placedAt} OR ("placedAt" = ${order.placedAt} AND id < ${order.id}::uuid))
    LIMIT 1`;
  return rows.length === 0;
}

export interface OrderPointsResult {
  earned: PostedEntry | null;
  bonus: PostedEntry | null;
  referee: PostedEntry | null;
}

/**
 * A recorded sale with a customer earns points (`order:<id>`), the first-order bonus and, for a
 * referred customer's first order, the referee reward. Nothing for a guest, a cancelled order, a
 * channel the program skips or a disabled program.
 */
export async function earnOrderPoints(
  prisma: PrismaClient,
  storeId: string,
  orderId: string,
): Promise<OrderPointsResult> {
  return inTransaction(prisma, (tx) => earnOrderPointsInTx(tx, storeId, orderId));
}

/**
 * Many sales of one store in one transaction (the order.recorded subscriber's batch): the same rules
 * and results as `earnOrderPoints` for each, in order, without a transaction per order.
 */
export async function earnOrdersPoints(
  prisma: PrismaClient,
  storeId: string,
  orderIds: string[],
): Promise<OrderPointsResult[]> {
  if (orderIds.length === 0) return [];
  return inTransaction(prisma, async (tx) => {
    const results: OrderPointsResult[] = [];
    for (const orderId of orderIds) results.push(await earnOrderPointsInTx(tx, storeId, orderId));
    return results;
  });
}

const NONE: OrderPointsResult = { earned: null, bonus: null, referee: null };

async function earnOrderPointsInTx(tx: Tx, storeId: string, orderId: string): Promise<OrderPointsResult> {
  const order = await loadOrder(tx, storeId, orderId);
  if (order?.kind !== 'SALE' || !order.customerId || order.status === 'CANCELLED') return NONE;
  const customerId = order.customerId;
  const active = await rulesAt(tx, storeId, order.placedAt);
  if (!active.enabled) return NONE;
  // The tier (for its multiplier) matters only when the program has tiers; postEntry locks anyway.
  const hasTiers = active.rules.tiers.levels.length > 0;
  const locked = hasTiers ? await lockAccount(tx, storeId, customerId) : undefined;
  const scored = await scoreOrder(tx, order, locked?.tierKey ?? null);
  if (!scored) return NONE;
  const { earning, tier } = scored;
  let earned: PostedEntry | null = null;
  if (earning.points > 0)
    earned = await postEntry(
      tx,
      {
        storeId,
        customerId,
        kind: 'EARN',
        points: earning.points,
        source: 'ORDER',
        sourceRef: order.id,
        reason: 'Points for an order',
        idempotencyKey: `order:${order.id}`,
        occurredAt: order.placedAt,
        expiresAt: lotExpiry(active.rules, order.placedAt),
        metadata: {
          orderId: order.id,
          orderTotal: Number(order.total),
          eligible: earning.eligible,
          tierKey: tier?.key ?? null,
          tierMultiplier: tier?.earnMultiplier ?? 1,
          rulesVersion: active.version,
        },
      },
      locked,
    );
  let bonus: PostedEntry | null = null;
  let referee: PostedEntry | null = null;
  // Only look further when the program rewards first orders or referrals, and only for an order
  // placed at the customer's first-order time (ties are settled by isFirstOrder).
  const firstOrderMatters =
    active.rules.bonuses.some((entry) => entry.action === 'FIRST_ORDER') || active.rules.referrals.enabled;
  const maybeFirst = !order.firstOrderAt || order.firstOrderAt.getTime() >= order.placedAt.getTime();
  if (firstOrderMatters && maybeFirst && (await isFirstOrder(tx, order, customerId))) {
    bonus = await awardBonusInTx(tx, {
      storeId,
      customerId,
      action: 'FIRST_ORDER',
      sourceRef: customerId,
      occurredAt: order.placedAt,
    });
    referee = await qualifyReferral(tx, order.storeId, customerId, order.id, order.placedAt);
  }
  return { earned, bonus, referee };
}

/**
 * A recorded return takes back points: for a return naming its original, the original's points ×
 * returned amount / original total (what is left of them at most); for a return without one, the
 * points its own lines are worth. Key `return:<returnOrderId>`; clamped at zero with the shortfall recorded.
 */
export async function reverseReturnPoints(
  prisma: PrismaClient,
  storeId: string,
  returnOrderId: string,
): Promise<PostedEntry | null> {
  return inTransaction(prisma, async (tx) => {
    const order = await loadOrder(tx, storeId, returnOrderId);
    if (order?.kind !== 'RETURN' || order.status === 'CANCELLED') return null;
    const returnedAmount = -Number(order.total);
    let customerId = order.customerId;
    let points = 0;
    let preferLotOf: string | undefined;
    let sourceRef = order.id;
    let expected: Record<string, unknown> = {};
    if (order.returnOfId) {
      const original = await loadOrder(tx, storeId, order.returnOfId);
      const earned = await earnRow(tx, storeId, order.returnOfId);
      if (!original || !earned || earned.points <= 0) return null;
      customerId = original.customerId ?? customerId;
      if (!customerId) return null;
      await lockAccount(tx, storeId, customerId);
      const left = earned.points - (await reversedSoFar(tx, storeId, original.id));
      points = Math.min(left, pointsToReverse(earned.points, Number(original.total), returnedAmount));
      preferLotOf = earned.id;
      sourceRef = original.id;
      expected = { originalOrderId: original.id, originalPoints: earned.points, originalTotal: Number(original.total) };
    } else {
      if (!customerId) return null;
      const account = await lockAccount(tx, storeId, customerId);
      const scored = await scoreOrder(tx, order, account.tierKey);
      if (!scored) return null;
      points = -scored.earning.points;
    }
    if (points <= 0) return null;
    return postEntry(tx, {
      storeId,
      customerId,
      kind: 'REVERSE',
      points: -points,
      source: 'RETURN',
      sourceRef,
      reason: 'Points taken back for returned goods',
      idempotencyKey: `return:${order.id}`,
      onInsufficient: 'clamp',
      ...(preferLotOf ? { preferLotOf } : {}),
      occurredAt: order.placedAt,
      metadata: { returnOrderId: order.id, returnedAmount, ...expected },
    });
  });
}

/**
 * A cancelled sale gives back what is left of its points (`cancel:<orderId>`, clamped at zero); a
 * cancelled return (the goods did not come back after all) gives back what the return took.
 */
export async function reverseCancelledOrderPoints(
  prisma: PrismaClient,
  storeId: string,
  orderId: string,
  cancelledAt: Date,
): Promise<PostedEntry | null> {
  return inTransaction(prisma, async (tx) => {
    const order = await loadOrder(tx, storeId, orderId);
    if (!order) return null;
    if (order.kind === 'RETURN') {
      const taken = await tx.pointsTransaction.findUnique({
        where: { storeId_idempotencyKey: { storeId, idempotencyKey: `return:${order.id}` } },
      });
      if (!taken || taken.points >= 0) return null;
      const customerId =
        order.customerId ?? (taken.sourceRef ? (await loadOrder(tx, storeId, taken.sourceRef))?.customerId : null);
      if (!customerId) return null;
      const original =
        taken.sourceRef && taken.sourceRef !== order.id ? await earnRow(tx, storeId, taken.sourceRef) : null;
      const active = await rulesAt(tx, storeId, order.placedAt);
      return postEntry(tx, {
        storeId,
        customerId,
        kind: 'EARN',
        points: -taken.points,
        source: 'CANCELLATION',
        // Same reference as the return's row, so the original's reversed total drops back.
        sourceRef: taken.sourceRef ?? order.id,
        reason: 'Points given back: the return was cancelled',
        idempotencyKey: `cancel:${order.id}`,
        occurredAt: cancelledAt,
        expiresAt: original ? original.expiresAt : lotExpiry(active.rules, order.placedAt),
        metadata: { returnOrderId: order.id, returnTransactionId: taken.id, undoes: taken.shortfall - taken.points },
      });
    }
    const earned = await earnRow(tx, storeId, order.id);
    // The order's customer now (a merge moves orders; an erasure unlinks them).
    const customerId = order.customerId;
    if (!earned || earned.points <= 0 || !customerId) return null;
    await lockAccount(tx, storeId, customerId);
    const left = earned.points - (await reversedSoFar(tx, storeId, order.id));
    if (left <= 0) return null;
    return postEntry(tx, {
      storeId,
      customerId,
      kind: 'REVERSE',
      points: -left,
      source: 'CANCELLATION',
      sourceRef: order.id,
      reason: 'Points taken back: the order was cancelled',
      idempotencyKey: `cancel:${order.id}`,
      onInsufficient: 'clamp',
      preferLotOf: earned.id,
      occurredAt: cancelledAt,
      metadata: { orderId: order.id, originalPoints: earned.points },
    });
  });
}
