import type { DomainEvents } from '../../events/events.ts';

/** Placeholder: attribution of orders to recommendation clicks (issue 7). */
export function registerRecommendationSubscribers(_events: DomainEvents): void {}
