import type { DomainEvents } from '../../events/events.ts';

/** Keeps the customer timeline in step with other modules' events. */
export function registerCustomerSubscribers(_events: DomainEvents): void {}
