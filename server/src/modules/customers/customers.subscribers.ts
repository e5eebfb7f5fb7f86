import type { DomainEvents } from '../../events/events.ts';
import { appendOrderInteraction } from './timeline.service.ts';

/** Keeps the customer timeline in step with order events (after commit, retried, idempotent). */
export function registerCustomerSubscribers(events: DomainEvents): void {
  events.subscribe('order.recorded', 'customers.timeline', async ({ payload }, prisma) => {
    if (!payload.customerId) return;
    await appendOrderInteraction(
      prisma,
      payload.orderId,
      payload.kind === 'RETURN' ? 'ORDER_RETURNED' : 'ORDER_PLACED',
      new Date(payload.placedAt),
      {
        orderId: payload.orderId,
        externalId: payload.externalId,
        total: payload.total,
        currency: payload.currency,
        ...(payload.returnOfId ? { returnOfId: payload.returnOfId } : {}),
      },
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
