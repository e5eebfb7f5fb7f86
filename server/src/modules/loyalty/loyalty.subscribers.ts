import { customerSalesByStore, type DomainEvents } from '../../events/events.ts';
import { awardBonus } from './bonus.service.ts';
import { earnOrdersPoints, reverseCancelledOrderPoints, reverseReturnPoints } from './earning.service.ts';
import { rulesAt } from './program.service.ts';
// Side effects at module load: tier evaluation on every ledger change, and the loyalty section of
// customer export, erasure and merge.
import './tier.service.ts';
import './loyalty.participant.ts';

/**
 * Points follow orders and customers (after commit, retried, idempotent through the ledger's keys):
 * a sale earns, a return or cancellation takes back, a new customer gets the sign-up bonus.
 */
export function registerLoyaltySubscribers(events: DomainEvents): void {
  // In batches: a bulk import delivers thousands of these, and one transaction per store and batch
  // instead of one per order is most of the cost.
  events.subscribeBatch('order.recorded', 'loyalty.points', async (batch, prisma) => {
    const sales = customerSalesByStore(batch);
    // A disabled program is checked per order (inside, from the cached rules).
    for (const [storeId, orderIds] of sales) await earnOrdersPoints(prisma, storeId, orderIds);
    // Then returns: a return of an order in the same batch finds its points.
    // A return without a customer still takes back the original order's points.
    for (const { storeId, payload } of batch)
      if (payload.kind === 'RETURN' && (payload.customerId || payload.returnOfId))
        await reverseReturnPoints(prisma, storeId, payload.orderId);
  });
  events.subscribe('order.cancelled', 'loyalty.points', async ({ storeId, payload }, prisma) => {
    await reverseCancelledOrderPoints(prisma, storeId, payload.orderId, new Date(payload.cancelledAt));
  });
  events.subscribe('customer.created', 'loyalty.sign-up', async ({ storeId, payload, createdAt }, prisma) => {
    const active = await rulesAt(prisma, storeId, createdAt);
    if (!active.enabled || !active.rules.bonuses.some((bonus) => bonus.action === 'SIGN_UP')) return;
    // Erased (or merged away) before the event was delivered: nobody to reward.
    const exists = await prisma.customer.count({ where: { id: payload.customerId, storeId } });
    if (exists === 0) return;
    await awardBonus(prisma, {
      storeId,
      customerId: payload.customerId,
      action: 'SIGN_UP',
      sourceRef: payload.customerId,
      occurredAt: createdAt,
    });
  });
}
