import type { Logger } from '../logger.ts';

export interface PeriodicJobOptions<Report extends object> {
  /** For log lines, e.g. "loyalty jobs". */
  name: string;
  logger: Logger;
  run: () => Promise<Report>;
  /** Time between the end of one run and the start of the next. */
  intervalMs: number;
  /** Delay before the first run (default: the smaller of intervalMs and 10 s). */
  initialDelayMs?: number | undefined;
}

/**
 * Runs `run` periodically in this process. Runs never overlap; a failed run is logged and the next
 * one comes as usual; `stop()` waits for a run in progress. Several processes may run the same job:
 * the jobs themselves are idempotent and take row locks.
 */
export function startPeriodicJob<Report extends object>(
  options: PeriodicJobOptions<Report>,
): { stop(): Promise<void> } {
  const intervalMs = Math.max(1_000, options.intervalMs);
  const { logger, name } = options;
  let running: Promise<void> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const runOnce = async () => {
    const started = Date.now();
    try {
      const report = await options.run();
      const busy = Object.values(report).some((value) => typeof value === 'number' && value > 0);
      if (busy)
        logger.info({ ...(report as Record<string, unknown>), durationMs: Date.now() - started }, `${name} ran`);
      else logger.debug({ durationMs: Date.now() - started }, `${name} ran: nothing to do`);
    } catch (error) {
      logger.error({ err: error }, `${name} failed`);
    }
  };

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().finally(() => {
        running = undefined;
        schedule(intervalMs);
      });
    }, delay);
    timer.unref();
  };
  schedule(options.initialDelayMs ?? Math.min(intervalMs, 10_000));

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
