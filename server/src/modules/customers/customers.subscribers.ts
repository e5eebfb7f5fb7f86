import type { DomainEvents } from '../../events/events.ts';
import { appendOrderInteraction, appendOrderInteractions } from './timeline.service.ts';

/** Keeps the customer timeline in step with order events (after commit, retried, idempotent). */
export function registerCustomerSubscribers(events: DomainEvents): void {
  events.subscribeBatch('order.recorded', 'customers.timeline', async (batch, prisma) => {
    await appendOrderInteractions(
      prisma,
      batch
        .filter(({ payload }) => payload.customerId)
        .map(({ payload }) => ({
          orderId: payload.orderId,
          type: payload.kind === 'RETURN' ? ('ORDER_RETURNED' as const) : ('ORDER_PLACED' as const),
          occurredAt: new Date(payload.placedAt),
          payload: {
            orderId: payload.orderId,
            externalId: payload.externalId,
            total: payload.total,
            currency: payload.currency,
            ...(payload.returnOfId ? { returnOfId: payload.returnOfId } : {}),
          },
        })),
    );
  });
  events.subscribe('order.cancelled', 'customers.timeline', async ({ payload }, prisma) => {
    if (!payload.customerId) return;
    await appendOrderInteraction(prisma, payload.orderId, 'ORDER_CANCELLED', new Date(payload.cancelledAt), {
      orderId: payload.orderId,
      externalId: payload.externalId,
      previousNetTotal: payload.previousNetTotal,
      currency: payload.currency,
    });
  });
}
