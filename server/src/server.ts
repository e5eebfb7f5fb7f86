import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KantaConfig } from './config.ts';
import type { Database } from './db/database.ts';
import { openConfiguredDatabase } from './db/prepare.ts';
import { checkReadiness } from './db/readiness.ts';
import { createKantaPubSub } from './events/pubsub.ts';
import { createDomainEvents } from './events/subscribers.ts';
import type { Logger } from './logger.ts';
import { startAnalyticsScheduler } from './modules/analytics/jobs.service.ts';
import { demoKeysFile, seedDemo } from './modules/demo/demo.service.ts';
import { startFeedbackScheduler } from './modules/feedback/feedback.jobs.ts';
import { startLoyaltyScheduler } from './modules/loyalty/scheduler.ts';
import { startRecommendationScheduler } from './modules/recommendations/jobs.service.ts';
import { createKantaYoga } from './yoga.ts';

export interface RunningServer {
  url: string;
  db: Database;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes the database. */
  stop(): Promise<void>;
}

export async function startServer(options: {
  config: KantaConfig;
  logger: Logger;
  demo?: boolean;
}): Promise<RunningServer> {
  const { config, logger } = options;
  const db = await openConfiguredDatabase(config, logger);
  let demo: { publishableKey: string; secretKey: string } | undefined;
  try {
    const readiness = await checkReadiness(db);
    if (!readiness.ready) {
      logger.warn(
        { pendingMigrations: readiness.pendingMigrations, failedMigrations: readiness.failedMigrations },
        'the database is not fully migrated: run `pnpm kanta migrate deploy`; /readyz answers 503 until then',
      );
    }
    if (options.demo) {
      const origins = [`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`];
      demo = await seedDemo(db.prisma, demoKeysFile(config.dataDir), origins);
    }
  } catch (error) {
    await db.close();
    throw error;
  }

  // Live updates cross API processes through Redis when REDIS_URL is set.
  const live = createKantaPubSub(config, logger);
  const events = createDomainEvents(db, logger, live.pubsub);
  events.start();
  const schedulers = [
    config.loyaltyJobsMinutes > 0
      ? startLoyaltyScheduler({ db, logger, intervalMs: config.loyaltyJobsMinutes * 60_000 })
      : undefined,
    config.feedbackJobsMinutes > 0
      ? startFeedbackScheduler({ db, logger, intervalMs: config.feedbackJobsMinutes * 60_000 })
      : undefined,
    config.analyticsJobsMinutes > 0
      ? startAnalyticsScheduler({
          db,
          logger,
          intervalMs: config.analyticsJobsMinutes * 60_000,
          refitHours: config.modelRefitHours,
        })
      : undefined,
    config.recsJobsMinutes > 0
      ? startRecommendationScheduler({
          db,
          logger,
          intervalMs: config.recsJobsMinutes * 60_000,
          fullRebuildHours: config.recsFullRebuildHours,
        })
      : undefined,
  ];
  const yoga = createKantaYoga({ db, config, logger, demo, events, pubsub: live.pubsub });
  const server = http.createServer(yoga);
  // Slow clients must not pin connections forever.
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;
  logger.info(
    { url, graphql: `${url}/graphql`, database: db.description, demo: Boolean(demo), pubsub: live.kind },
    'Kanta is listening',
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down: finishing in-flight requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        logger.warn({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timeout: closing remaining connections');
        server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      // Keep-alive connections that finish a request become idle; close them as they do.
      const sweeper = setInterval(() => server.closeIdleConnections(), 100);
      await closed;
      clearTimeout(timer);
      clearInterval(sweeper);
      await Promise.all(schedulers.map((scheduler) => scheduler?.stop()));
      await events.stop();
      await live.close();
      await db.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { url, db, stop };
}
