/**
 * Starts a real Kanta server for the widget tests (Node side of Vitest browser mode): the same
 * yoga app, database code and event dispatcher as `kanta serve`, on PGlite in memory, or on a fresh
 * schema of the PostgreSQL named by TEST_DATABASE_URL. Storefront keys may run persisted operations
 * only (KANTA_STOREFRONT_OPERATIONS=persisted), as in production, so a widget that sends anything
 * else fails its tests.
 *
 * Tests in the browser reach it through `inject('kanta')` and a small control server (create a
 * store, sign a customer token or survey link, deliver pending events, rebuild recommendations):
 * see src/testing/real-kanta.ts.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { signCustomerToken } from '../../server/src/auth/sign-customer-token.ts';
import { loadConfig } from '../../server/src/config.ts';
import { type Database, openDatabase } from '../../server/src/db/database.ts';
import { deployMigrations } from '../../server/src/db/migrations.ts';
import { migrationOptions } from '../../server/src/db/prepare.ts';
import { createKantaPubSub } from '../../server/src/events/pubsub.ts';
import { createDomainEvents } from '../../server/src/events/subscribers.ts';
import { silentLogger } from '../../server/src/logger.ts';
import { feedbackSettings } from '../../server/src/modules/feedback/settings.service.ts';
import { signSurveyToken } from '../../server/src/modules/feedback/survey-link.ts';
import { rebuildRecommendations } from '../../server/src/modules/recommendations/build.service.ts';
import { createStore } from '../../server/src/modules/stores/stores.service.ts';
import { createKantaYoga } from '../../server/src/yoga.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kanta: { endpoint: string; control: string };
  }
}

async function openWidgetTestDatabase(): Promise<Database> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const db = await openDatabase({ memory: true });
    await deployMigrations(db.adapterFactory(), migrationOptions(db));
    return db;
  }
  const schema = `widgets_${randomBytes(6).toString('hex')}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  const db = await openDatabase({ url: url.toString(), poolSize: 10 });
  await deployMigrations(db.adapterFactory(), migrationOptions(db));
  const close = db.close;
  db.close = async () => {
    await db.prisma.$executeRawUnsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await close();
  };
  return db;
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

async function readJson(request: http.IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

export default async function setup(project: TestProject) {
  const logger = silentLogger();
  const config = {
    ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', KANTA_STOREFRONT_OPERATIONS: 'persisted' }),
  };
  const db = await openWidgetTestDatabase();
  const live = createKantaPubSub(config, logger);
  const events = createDomainEvents(db, logger, live.pubsub);
  events.start();
  const yoga = createKantaYoga({ db, config, logger, events, pubsub: live.pubsub });
  const api = http.createServer(yoga);
  const endpoint = `${await listen(api)}/graphql`;

  const actions: Record<string, (body: Record<string, any>, origin: string) => Promise<unknown>> = {
    /** A new store whose keys work from the test page's origin: `{ name? }`. */
    async store(body, origin) {
      const store = await createStore(db.prisma, {
        name: body.name ?? `Widget test store ${randomBytes(3).toString('hex')}`,
        defaultCurrency: body.defaultCurrency ?? 'EUR',
        defaultLocale: body.defaultLocale ?? 'en',
        allowedOrigins: [origin],
      });
      return { storeId: store.id, publishableKey: store.publishableKey, secretKey: store.secretKey };
    },
    /** A customer token for `{ secretKey, sub }` (sub: the shopper's external id, e.g. "web:aino"). */
    async token(body) {
      return { token: await signCustomerToken(body.secretKey, body.sub) };
    },
    /** Delivers every pending domain event now (points, attributions, live updates). */
    async drain() {
      return { delivered: await events.drain() };
    },
    /** A signed survey link: `{ storeId, surveyId, customerId, orderId?, expiresInSeconds? }`. */
    async surveyLink(body) {
      const settings = await feedbackSettings(db.prisma, body.storeId);
      const token = signSurveyToken(
        {
          storeId: body.storeId,
          surveyId: body.surveyId,
          customerId: body.customerId,
          orderId: body.orderId ?? null,
          invitationId: null,
          expiresAt: new Date(Date.now() + (body.expiresInSeconds ?? 86_400) * 1000),
        },
        settings.linkSecret,
      );
      return { token };
    },
    /** Builds the store's recommendation models in full: `{ storeId }`. */
    async rebuildRecommendations(body) {
      await events.drain();
      const report = await rebuildRecommendations(db.prisma, body.storeId, { full: true });
      return { products: (report as { products?: number }).products ?? null };
    },
  };

  const control = http.createServer(async (request, response) => {
    const origin = request.headers.origin ?? '*';
    response.setHeader('access-control-allow-origin', origin);
    response.setHeader('access-control-allow-headers', 'content-type');
    response.setHeader('access-control-allow-methods', 'POST');
    if (request.method === 'OPTIONS') {
      response.end();
      return;
    }
    const name = (request.url ?? '/').slice(1);
    const action = actions[name];
    if (!action) {
      response.statusCode = 404;
      response.end(JSON.stringify({ error: `no action ${name}` }));
      return;
    }
    try {
      const result = await action(await readJson(request), origin);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(result));
    } catch (error) {
      response.statusCode = 500;
      response.end(JSON.stringify({ error: String((error as Error).stack ?? error) }));
    }
  });
  const controlUrl = await listen(control);

  project.provide('kanta', { endpoint, control: controlUrl });

  return async () => {
    await new Promise((resolve) => control.close(resolve));
    api.closeAllConnections();
    await new Promise((resolve) => api.close(resolve));
    await events.stop();
    await live.close();
    await db.close();
  };
}
