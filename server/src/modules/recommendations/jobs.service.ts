import type { Database, PrismaClient } from '../../db/database.ts';
import { startPeriodicJob } from '../../jobs/periodic.ts';
import type { Logger } from '../../logger.ts';
import { type BuildReport, type BuildStep, rebuildRecommendations } from './build.service.ts';

/**
 * The scheduled model builds, per store with orders: a FULL build when the store has none or its last
 * full build is older than `fullRebuildHours` (it also repairs what incremental builds approximate,
 * see build.service.ts), else an INCREMENTAL one, which is skipped when no order changed. A failing
 * store is logged and counted; the others still build.
 */

export type RecommendationJobStep = 'stores' | BuildStep;

export interface RecommendationJobsReport {
  stores: number;
  full: number;
  incremental: number;
  /** Incremental builds with no changed order since the last build: nothing written. */
  skipped: number;
  failedStores: number;
}

export interface RecommendationJobsOptions {
  /** The instant purchases are aged against (default: now). */
  now?: Date;
  /** Only this store (default: every store with orders). */
  storeId?: string | undefined;
  /** A full build for every store, whatever the age of its last one. */
  full?: boolean;
  /** A full build is due when the last one is older than this (default 24 h). */
  fullRebuildHours?: number;
  logger?: Logger;
  /** Each store's outcome as it finishes (the CLI prints them). */
  onStore?: (storeId: string, outcome: { build: BuildReport } | { error: unknown }) => void;
  /** 'stores' counts stores done; the build steps report the store in progress. */
  onProgress?: (done: number, total: number, step: RecommendationJobStep) => void;
}

export async function runRecommendationJobs(
  prisma: PrismaClient,
  options: RecommendationJobsOptions = {},
): Promise<RecommendationJobsReport> {
  const now = options.now ?? new Date();
  const fullRebuildMs = (options.fullRebuildHours ?? 24) * 3_600_000;
  const stores = options.storeId
    ? [options.storeId]
    : (
        await prisma.$queryRaw<{ storeId: string }[]>`
          SELECT DISTINCT "storeId"::text AS "storeId" FROM "Order" ORDER BY 1`
      ).map((row) => row.storeId);
  const report: RecommendationJobsReport = {
    stores: stores.length,
    full: 0,
    incremental: 0,
    skipped: 0,
    failedStores: 0,
  };
  let done = 0;
  options.onProgress?.(0, stores.length, 'stores');
  for (const storeId of stores) {
    try {
      const lastFull = await prisma.recommendationBuild.findFirst({
        where: { storeId, kind: 'FULL' },
        orderBy: { finishedAt: 'desc' },
        select: { finishedAt: true },
      });
      // Build rows carry wall-clock times, so the age is measured on the wall clock too, not against `now`.
      const full = (options.full ?? false) || !lastFull || Date.now() - lastFull.finishedAt.getTime() >= fullRebuildMs;
      const build = await rebuildRecommendations(prisma, storeId, {
        full,
        now,
        ...(options.onProgress
          ? {
              onProgress: (step: BuildStep, stepDone: number, total: number) =>
                options.onProgress!(stepDone, total, step),
            }
          : {}),
      });
      if (build.skipped) report.skipped++;
      else if (build.kind === 'FULL') report.full++;
      else report.incremental++;
      options.onStore?.(storeId, { build });
    } catch (error) {
      report.failedStores++;
      options.onStore?.(storeId, { error });
      options.logger?.error({ err: error, storeId }, 'recommendation build failed for a store');
    }
    options.onProgress?.(++done, stores.length, 'stores');
  }
  return report;
}

/** Runs the builds periodically in this process (as the analytics and loyalty schedulers do). */
export function startRecommendationScheduler(options: {
  db: Database;
  logger: Logger;
  intervalMs: number;
  fullRebuildHours: number;
  initialDelayMs?: number;
}): { stop(): Promise<void> } {
  return startPeriodicJob({
    name: 'recommendation builds',
    logger: options.logger,
    run: () =>
      runRecommendationJobs(options.db.prisma, {
        logger: options.logger,
        fullRebuildHours: options.fullRebuildHours,
      }),
    intervalMs: options.intervalMs,
    initialDelayMs: options.initialDelayMs,
  });
}
