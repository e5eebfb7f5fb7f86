import type { Database } from '../../db/database.ts';
import type { Logger } from '../../logger.ts';

/** Placeholder (helper B replaces it): the scheduled recommendation model builds. */
export function startRecommendationScheduler(_options: {
  db: Database;
  logger: Logger;
  intervalMs: number;
  fullRebuildHours: number;
}): { stop(): Promise<void> } {
  return { stop: async () => {} };
}
