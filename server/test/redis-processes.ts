import { Redis } from 'ioredis';
import type { Database } from '../src/db/database.ts';
import type { DomainEvents } from '../src/events/events.ts';
import { createRedisPubSub, type PubSubHandle } from '../src/events/pubsub.ts';
import { createDomainEvents } from '../src/events/subscribers.ts';
import { silentLogger } from '../src/logger.ts';
import type { CreatedStore } from '../src/modules/stores/stores.service.ts';
import { createKantaYoga, type KantaYoga } from '../src/yoga.ts';
import { createTestApp, type TestApp, testConfig } from './harness.ts';

export interface ApiProcess {
  yoga: KantaYoga;
  events: DomainEvents;
  /** POST /graphql on this process with the store's secret key. */
  gql(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: any[] }>;
}

export interface TwoProcesses {
  app: TestApp;
  db: Database;
  store: CreatedStore;
  /** Two API "processes": each with its own Redis pub/sub connection and outbox dispatcher, one database. */
  a: ApiProcess;
  b: ApiProcess;
  /** Waits (up to ~2 s) until the number of Redis subscribers on `channel` satisfies `expected`. */
  waitForSubscribers(channel: string, expected: (count: number) => boolean, what: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The cross-process live-update setup: a test database, a store, and two yoga instances that share
 * the database and the Redis at `redisUrl` but nothing in memory, plus a Redis inspector connection.
 */
export async function twoApiProcesses(redisUrl: string, storeName: string): Promise<TwoProcesses> {
  const app = await createTestApp();
  const db = app.db;
  const store = await app.createStore(storeName);
  const handles: PubSubHandle[] = [];
  const apiProcess = (): ApiProcess => {
    const handle = createRedisPubSub(redisUrl, silentLogger());
    handles.push(handle);
    const events = createDomainEvents(db, silentLogger(), handle.pubsub);
    const yoga = createKantaYoga({
      db,
      config: testConfig({ redisUrl }),
      logger: silentLogger(),
      events,
      pubsub: handle.pubsub,
    });
    return {
      yoga,
      events,
      async gql(query, variables = {}) {
        const response = await yoga.fetch(
          new Request('http://kanta.test/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${store.secretKey}` },
            body: JSON.stringify({ query, variables }),
          }),
        );
        return (await response.json()) as { data?: any; errors?: any[] };
      },
    };
  };
  const inspector = new Redis(redisUrl);
  return {
    app,
    db,
    store,
    a: apiProcess(),
    b: apiProcess(),
    async waitForSubscribers(channel, expected, what) {
      for (let attempt = 0; ; attempt++) {
        const [, count] = (await inspector.pubsub('NUMSUB', channel)) as [string, number];
        if (expected(Number(count))) return;
        if (attempt > 100) throw new Error(what);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      await Promise.all(handles.map((handle) => handle.close()));
      inspector.disconnect();
      await app.close();
    },
  };
}
