import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

/**
 * Live updates for subscriptions. Topics carry a signal, never data: a subscriber re-reads what it
 * shows, so a missed or repeated message costs a refresh and nothing else. With REDIS_URL every API
 * process sees every message (a subscriber may be connected to another process than the one that
 * handled the change); without it, messages stay in this process.
 */
export interface KantaPubSubTopics {
  [key: string]: [] | [unknown] | [number | string, unknown];
  /** `<storeId>:<customerId>`, or `<storeId>:identity:<source>:<externalId>` for a shopper the store does not know yet. */
  loyaltyChanged: [id: string, payload: LoyaltyChangedMessage];
  /** `<storeId>`: a survey response or a review arrived in the store (for live admin views). */
  feedbackReceived: [storeId: string, payload: FeedbackReceivedMessage];
}

/** A piece of feedback arrived: which kind and its id (the subscriber re-reads it). */
export interface FeedbackReceivedMessage {
  kind: 'SURVEY_RESPONSE' | 'REVIEW';
  id: string;
  /** A survey response submitted again within its edit window. */
  edited: boolean;
}

export interface LoyaltyChangedMessage {
  /** What changed: a points row, a tier, or the customer record itself (created, merged). */
  reason: 'points' | 'tier' | 'customer';
  customerId: string;
}

export type KantaPubSub = PubSub<KantaPubSubTopics>;

export interface PubSubHandle {
  pubsub: KantaPubSub;
  /** Redis or in-memory. */
  kind: 'redis' | 'memory';
  /** Closes the Redis connections (nothing to do in memory). */
  close(): Promise<void>;
}

/** Topic id of one customer's loyalty updates. */
export function loyaltyTopic(storeId: string, customerId: string): string {
  return `${storeId}:${customerId}`;
}

/** Topic id for a signed-in shopper without a customer record yet: the record's creation is announced here. */
export function shopperIdentityTopic(storeId: string, source: string, externalId: string): string {
  return `${storeId}:identity:${source}:${externalId}`;
}

export function createMemoryPubSub(): PubSubHandle {
  return { pubsub: createPubSub<KantaPubSubTopics>(), kind: 'memory', close: async () => {} };
}

/**
 * A pub/sub over Redis: one connection publishes, one subscribes (a subscribing Redis connection
 * can do nothing else). Commands whose promises the event target drops are caught and logged, so a
 * Redis outage degrades live updates and never crashes the process.
 */
export function createRedisPubSub(redisUrl: string, logger: Logger): PubSubHandle {
  const options = { lazyConnect: false, maxRetriesPerRequest: 3, connectionName: 'kanta-pubsub' } as const;
  const publisher = new Redis(redisUrl, options);
  const subscriber = new Redis(redisUrl, options);
  for (const [role, client] of [
    ['publish', publisher],
    ['subscribe', subscriber],
  ] as const)
    client.on('error', (error: Error) => logger.warn({ err: error, role }, 'redis pub/sub connection error'));
  const failed = (action: string) => (error: unknown) =>
    logger.warn({ err: error, action }, 'redis pub/sub command failed; live updates may be missed');
  const publishClient = {
    publish: (channel: string, message: string) => publisher.publish(channel, message).catch(failed('publish')),
  };
  const subscribeClient = {
    on: (event: 'message', listener: (channel: string, message: string) => void) => subscriber.on(event, listener),
    subscribe: (channel: string) => subscriber.subscribe(channel).catch(failed('subscribe')),
    unsubscribe: (channel: string) => subscriber.unsubscribe(channel).catch(failed('unsubscribe')),
  };
  const eventTarget = createRedisEventTarget<CustomEvent>({
    publishClient: publishClient as unknown as Redis,
    subscribeClient: subscribeClient as unknown as Redis,
  });
  return {
    pubsub: createPubSub<KantaPubSubTopics>({ eventTarget: eventTarget as never }),
    kind: 'redis',
    async close() {
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

/** Redis when the configuration names one, else in-memory. */
export function createKantaPubSub(config: { redisUrl: string | undefined }, logger: Logger): PubSubHandle {
  return config.redisUrl ? createRedisPubSub(config.redisUrl, logger) : createMemoryPubSub();
}
