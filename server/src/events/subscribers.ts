import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { registerCustomerSubscribers } from '../modules/customers/customers.subscribers.ts';
import { registerCaseSubscribers } from '../modules/feedback/cases.service.ts';
import { registerFeedbackSubscribers } from '../modules/feedback/feedback.subscribers.ts';
import { registerReviewSubscribers } from '../modules/feedback/reviews.service.ts';
import { registerLoyaltySubscribers } from '../modules/loyalty/loyalty.subscribers.ts';
import { registerRecommendationSubscribers } from '../modules/recommendations/recommendations.subscribers.ts';
import { DomainEvents } from './events.ts';
import { createMemoryPubSub, type KantaPubSub, loyaltyTopic, shopperIdentityTopic } from './pubsub.ts';

const pubsubs = new WeakMap<DomainEvents, KantaPubSub>();

/** The pub/sub the live subscribers of these events publish to (what `createKantaYoga` subscribes to by default). */
export function pubsubOf(events: DomainEvents): KantaPubSub | undefined {
  return pubsubs.get(events);
}

/**
 * Turns committed domain events into live-update signals. Publishing twice is harmless (a
 * subscriber re-reads its data), so these handlers are idempotent by nature.
 */
export function registerLiveSubscribers(events: DomainEvents, pubsub: KantaPubSub): void {
  events.subscribe('points.changed', 'live.loyaltyChanged', async (event) => {
    pubsub.publish('loyaltyChanged', loyaltyTopic(event.storeId, event.payload.customerId), {
      reason: 'points',
      customerId: event.payload.customerId,
    });
  });
  events.subscribe('tier.changed', 'live.loyaltyChanged', async (event) => {
    pubsub.publish('loyaltyChanged', loyaltyTopic(event.storeId, event.payload.customerId), {
      reason: 'tier',
      customerId: event.payload.customerId,
    });
  });
  // A signed-in shopper the store did not know yet waits on their identity's topic.
  events.subscribe('customer.created', 'live.shopperKnown', async (event, prisma) => {
    const identities = await prisma.customerIdentity.findMany({
      where: { storeId: event.storeId, customerId: event.payload.customerId },
      select: { source: true, externalId: true },
    });
    for (const identity of identities)
      pubsub.publish('loyaltyChanged', shopperIdentityTopic(event.storeId, identity.source, identity.externalId), {
        reason: 'customer',
        customerId: event.payload.customerId,
      });
  });
  // Live admin views of feedback: a signal per answer (and edit) and per review.
  events.subscribe('survey.responded', 'live.feedbackReceived', async (event) => {
    pubsub.publish('feedbackReceived', event.storeId, {
      kind: 'SURVEY_RESPONSE',
      id: event.payload.responseId,
      edited: event.payload.edited,
    });
  });
  events.subscribe('review.submitted', 'live.feedbackReceived', async (event) => {
    pubsub.publish('feedbackReceived', event.storeId, { kind: 'REVIEW', id: event.payload.reviewId, edited: false });
  });
  // The merged customer's shoppers now belong to the kept customer: their subscriptions move over.
  events.subscribe('customer.merged', 'live.shopperMerged', async (event) => {
    for (const customerId of [event.payload.mergedCustomerId, event.payload.keptCustomerId])
      pubsub.publish('loyaltyChanged', loyaltyTopic(event.storeId, customerId), { reason: 'customer', customerId });
  });
}

/** The one place that knows every module's event handlers. */
export function createDomainEvents(db: Database, logger: Logger, pubsub?: KantaPubSub): DomainEvents {
  const events = new DomainEvents(db, logger);
  const live = pubsub ?? createMemoryPubSub().pubsub;
  pubsubs.set(events, live);
  registerCustomerSubscribers(events);
  registerLoyaltySubscribers(events);
  registerFeedbackSubscribers(events);
  registerCaseSubscribers(events);
  registerReviewSubscribers(events);
  registerRecommendationSubscribers(events);
  registerLiveSubscribers(events, live);
  return events;
}
