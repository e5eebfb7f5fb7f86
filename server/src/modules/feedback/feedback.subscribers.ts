import type { DomainEvents } from '../../events/events.ts';
import { recordInteraction } from '../customers/timeline.service.ts';
import { awardBonus } from '../loyalty/bonus.service.ts';
import { scheduleOrderInvitations } from './invitations.service.ts';
import { scheduleReviewRequests } from './review-requests.service.ts';
// Side effect at module load: the feedback section of customer export, erasure and merge.
import './feedback.participant.ts';

const registered = new WeakSet<DomainEvents>();

/**
 * After commit, retried, idempotent:
 *  - `order.recorded` (a sale with a customer) → invitations of the matching AFTER_ORDER surveys,
 *    and a review request when the store sets reviewRequestDelayHours;
 *  - `survey.responded` (a first answer, not an edit, by a known customer) → the SURVEY_ANSWER
 *    bonus (never dependent on the score; once per order or invitation answered, once per survey
 *    for free-standing answers) and a SURVEY_ANSWERED timeline entry.
 * Registering twice on the same DomainEvents is a no-op.
 */
export function registerFeedbackSubscribers(events: DomainEvents): void {
  if (registered.has(events)) return;
  registered.add(events);

  // In batches: an import delivers thousands of orders, and most stores have no AFTER_ORDER survey —
  // one look per store and batch answers that for all of them.
  events.subscribeBatch('order.recorded', 'feedback.invitations', async (batch, prisma) => {
    const sales = batch.filter(({ payload }) => payload.kind === 'SALE' && payload.customerId);
    for (const storeId of new Set(sales.map((event) => event.storeId))) {
      const orderIds = sales.filter((event) => event.storeId === storeId).map((event) => event.payload.orderId);
      // One settings query per store and batch; nothing more when the store asks for no reviews.
      await scheduleReviewRequests(prisma, storeId, orderIds);
      const surveys = await prisma.survey.count({ where: { storeId, trigger: 'AFTER_ORDER', active: true } });
      if (surveys === 0) continue;
      for (const orderId of orderIds) await scheduleOrderInvitations(prisma, storeId, orderId);
    }
  });

  events.subscribe('survey.responded', 'feedback.answered', async ({ storeId, payload, createdAt }, prisma) => {
    if (payload.edited || !payload.customerId) return;
    // The answer as it is now: a merge may have moved it, an erasure unlinked it.
    const response = await prisma.surveyResponse.findFirst({
      where: { id: payload.responseId, storeId },
      select: { customerId: true, dedupeKey: true },
    });
    if (!response?.customerId) return;
    // Erased (or merged away) before delivery: nobody to reward or to show it to.
    const customer = await prisma.customer.findFirst({
      where: { id: response.customerId, storeId },
      select: { id: true },
    });
    if (!customer) return;
    await awardBonus(prisma, {
      storeId,
      customerId: customer.id,
      action: 'SURVEY_ANSWER',
      // One bonus per answer about an order or invitation (there is one answer each); answers to
      // an always-on form about nothing in particular earn it once per survey, or a shopper could
      // farm points by answering again and again.
      sourceRef: response.dedupeKey ? payload.responseId : `survey:${payload.surveyId}`,
      occurredAt: createdAt,
    });
    await recordInteraction(prisma, storeId, customer.id, {
      type: 'SURVEY_ANSWERED',
      occurredAt: createdAt,
      sourceRef: `survey-response:${payload.responseId}`,
      payload: {
        responseId: payload.responseId,
        surveyId: payload.surveyId,
        type: payload.type,
        score: payload.score,
        orderId: payload.orderId,
      },
    });
  });
}
