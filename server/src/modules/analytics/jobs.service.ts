import type { Database } from '../../db/database.ts';
import { InvalidInputError } from '../../errors.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { startPeriodicJob } from '../../jobs/periodic.ts';
import type { Logger } from '../../logger.ts';
import { fitCustomerModels } from './clv/clv.service.ts';
import { metricSeries } from './metrics.service.ts';
import { recomputeRfm } from './rfm.service.ts';
import { evaluateTargets } from './targets.service.ts';

/**
 * The scheduled analytics work, per store with orders: RFM scores and segments (every run), a refit of
 * the purchase and spend models when the newest fit is older than `refitHours` and orders arrived since,
 * and target evaluation for completed periods (emits metric.off_track once per target and period).
 * Idempotent: running it twice changes nothing the first run did not (a second refit only adds a fit
 * row with the same parameters).
 */

export type AnalyticsJobStep = 'segments' | 'models' | 'targets';

export interface AnalyticsJobsReport {
  stores: number;
  segmentedCustomers: number;
  modelsFitted: number;
  targetsEvaluated: number;
  offTrack: number;
  failedStores: number;
}

export interface AnalyticsJobsOptions {
  now?: Date;
  storeId?: string | undefined;
  /** Refit when the newest fit is older than this (default 24 h). */
  refitHours?: number;
  /** Refit every store now, whatever the age of its fit. */
  refit?: boolean;
  logger?: Logger;
  onProgress?: (done: number, total: number, step: AnalyticsJobStep) => void;
}

export async function runAnalyticsJobs(
  prisma: PrismaClient,
  options: AnalyticsJobsOptions = {},
): Promise<AnalyticsJobsReport> {
  const now = options.now ?? new Date();
  const refitMs = (options.refitHours ?? 24) * 3_600_000;
  const stores = options.storeId
    ? [options.storeId]
    : (await prisma.$queryRaw<{ storeId: string }[]>`SELECT DISTINCT "storeId"::text AS "storeId" FROM "Order"`).map(
        (row) => row.storeId,
      );
  const report: AnalyticsJobsReport = {
    stores: stores.length,
    segmentedCustomers: 0,
    modelsFitted: 0,
    targetsEvaluated: 0,
    offTrack: 0,
    failedStores: 0,
  };
  const steps: AnalyticsJobStep[] = ['segments', 'models', 'targets'];
  for (const step of steps) {
    let done = 0;
    options.onProgress?.(0, stores.length, step);
    for (const storeId of stores) {
      try {
        if (step === 'segments') {
          const result = await recomputeRfm(prisma, storeId, { now });
          report.segmentedCustomers += result.customers;
        } else if (step === 'models') {
          if (await needsRefit(prisma, storeId, now, refitMs, options.refit ?? false)) {
            try {
              await fitCustomerModels(prisma, storeId, { now });
              report.modelsFitted++;
            } catch (error) {
              // A store without purchases has nothing to fit; that is not a failure.
              if (!(error instanceof InvalidInputError)) throw error;
            }
          }
        } else {
          const results = await evaluateTargets(prisma, storeId, { now, metricSeries });
          report.targetsEvaluated += results.length;
          report.offTrack += results.filter((result) => result.status === 'OFF_TRACK').length;
        }
      } catch (error) {
        report.failedStores++;
        options.logger?.error({ err: error, storeId, step }, 'analytics job failed for a store');
      }
      options.onProgress?.(++done, stores.length, step);
    }
  }
  return report;
}

/** A fit is due when there is none, or it is older than the refit age and orders arrived after it. */
async function needsRefit(prisma: PrismaClient, storeId: string, now: Date, refitMs: number, force: boolean) {
  if (force) return true;
  const fit = await prisma.customerModelFit.findFirst({
    where: { storeId },
    orderBy: { fittedAt: 'desc' },
    select: { fittedAt: true },
  });
  if (!fit) return true;
  if (now.getTime() - fit.fittedAt.getTime() < refitMs) return false;
  const newer = await prisma.order.findFirst({
    where: { storeId, createdAt: { gt: fit.fittedAt } },
    select: { id: true },
  });
  return newer !== null;
}

export interface AnalyticsSchedulerOptions {
  db: Database;
  logger: Logger;
  intervalMs?: number;
  refitHours?: number;
  initialDelayMs?: number;
}

/** Runs the analytics jobs periodically in this process (as the loyalty and feedback schedulers do). */
export function startAnalyticsScheduler(options: AnalyticsSchedulerOptions): { stop(): Promise<void> } {
  return startPeriodicJob({
    name: 'analytics jobs',
    logger: options.logger,
    run: () =>
      runAnalyticsJobs(options.db.prisma, {
        logger: options.logger,
        ...(options.refitHours ? { refitHours: options.refitHours } : {}),
      }),
    intervalMs: options.intervalMs ?? 60 * 60_000,
    initialDelayMs: options.initialDelayMs,
  });
}
