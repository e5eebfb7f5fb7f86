import type { Command } from 'commander';
import type { KantaConfig } from '../config.ts';
import type { Database } from '../db/database.ts';

export interface RecsCommandHelpers {
  /** Opens the configured database (migrated), runs `action`, closes it. */
  withDatabase<T>(action: (db: Database, config: KantaConfig) => Promise<T>): Promise<T>;
}

/** Placeholder: `kanta recs rebuild|evaluate` (issue 7). */
export function registerRecsCommands(_program: Command, _helpers: RecsCommandHelpers): void {}
