import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { registerCustomerSubscribers } from '../modules/customers/customers.subscribers.ts';
import { DomainEvents } from './events.ts';

/** The one place that knows every module's event handlers. */
export function createDomainEvents(db: Database, logger: Logger): DomainEvents {
  const events = new DomainEvents(db, logger);
  registerCustomerSubscribers(events);
  return events;
}
