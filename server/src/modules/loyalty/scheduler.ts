import type { Database } from '../../db/database.ts';
import { startPeriodicJob } from '../../jobs/periodic.ts';
import type { Logger } from '../../logger.ts';
import { runLoyaltyJobs } from './jobs.service.ts';

export interface LoyaltySchedulerOptions {
  db: Database;
  logger: Logger;
  /** Time between runs (default 15 minutes). */
  intervalMs?: number;
  /** Delay before the first run (default: the smaller of intervalMs and 10 s). */
  initialDelayMs?: number;
}

/**
 * Runs the loyalty jobs (expiry, warnings, tiers, referral payouts, birthdays, code expiry)
 * periodically in this process. Several processes may run it: every job is idempotent.
 */
export function startLoyaltyScheduler(options: LoyaltySchedulerOptions): { stop(): Promise<void> } {
  return startPeriodicJob({
    name: 'loyalty jobs',
    logger: options.logger,
    run: () => runLoyaltyJobs(options.db.prisma),
    intervalMs: options.intervalMs ?? 15 * 60_000,
    initialDelayMs: options.initialDelayMs,
  });
}
