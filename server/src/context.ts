import type { KantaConfig } from './config.ts';
import type { Database } from './db/database.ts';
import type { DomainEvents } from './events/events.ts';
import type { KantaPubSub } from './events/pubsub.ts';
import type { Logger } from './logger.ts';

/** Who is calling. Every principal belongs to exactly one store; nothing crosses stores. */
export type Principal =
  | { kind: 'admin'; storeId: string; apiKeyId: string; scopes: string[] }
  | { kind: 'storefront'; storeId: string; apiKeyId: string }
  | { kind: 'customer'; storeId: string; apiKeyId: string; customerExternalId: string };

export interface KantaContext {
  db: Database;
  prisma: Database['prisma'];
  config: KantaConfig;
  logger: Logger;
  requestId: string;
  principal: Principal | null;
  /** The outbox dispatcher: call `kick()` after committing a change that emitted events. */
  events: DomainEvents;
  /** Live-update signals for subscriptions (Redis-backed when REDIS_URL is set). */
  pubsub: KantaPubSub;
}

/** The store of the calling key. Resolvers reach it only after scope-auth admitted a principal. */
export function storeIdOf(context: KantaContext): string {
  if (!context.principal) throw new Error('storeIdOf called without a principal; check the field authScopes');
  return context.principal.storeId;
}
