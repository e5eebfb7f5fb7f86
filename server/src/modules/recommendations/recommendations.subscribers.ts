import { customerSalesByStore, type DomainEvents } from '../../events/events.ts';
import { attributeOrders, removeOrderAttributions } from './tracking.service.ts';
// Side effect at module load: the recommendations section of customer export, erasure and merge.
import './recommendations.participant.ts';

/**
 * Attribution follows orders (after commit, retried, idempotent through the (orderId, sku) key): a
 * sale of a known customer is credited to their recent recommendation clicks; a cancelled order loses
 * its credits.
 */
export function registerRecommendationSubscribers(events: DomainEvents): void {
  // In batches: a bulk import delivers thousands of orders, and one statement pair per store and
  // batch instead of per order keeps attribution cheap.
  events.subscribeBatch('order.recorded', 'recommendations.attribution', async (batch, prisma) => {
    const sales = customerSalesByStore(batch);
    for (const [storeId, orderIds] of sales) await attributeOrders(prisma, storeId, orderIds);
  });
  events.subscribe('order.cancelled', 'recommendations.attribution', async ({ storeId, payload }, prisma) => {
    await removeOrderAttributions(prisma, storeId, payload.orderId);
  });
}
