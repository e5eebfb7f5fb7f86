import path from 'node:path';
import { z } from 'zod';

/**
 * Kanta's configuration, read once from the environment and validated, so a typo stops the process
 * at startup with one line naming the variable instead of failing on the first request.
 */
const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\/.+/.test(value), 'must be a postgresql:// connection URL')
  .refine((value) => URL.canParse(value), 'is not a valid URL');

const positiveInt = (max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, `must be between 1 and ${max}`)
    .max(max, `must be between 1 and ${max}`);

/** Minutes between scheduled job runs: 0 turns the job off, at most a day. */
const minutes = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be 0 (off) or more')
  .max(1_440, 'must be at most 1440');

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

export const environmentSchema = z.object({
  PORT: z.preprocess(emptyToUndefined, port.default(4000)),
  HOST: z.preprocess(emptyToUndefined, z.string().min(1).default('127.0.0.1')),
  DATABASE_URL: z.preprocess(emptyToUndefined, postgresUrl.optional()),
  KANTA_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('.kanta/data')),
  DATABASE_POOL_SIZE: z.preprocess(emptyToUndefined, positiveInt(200).default(10)),
  REDIS_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((value) => /^rediss?:\/\/.+/.test(value) && URL.canParse(value), 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
  ),
  NODE_ENV: z.preprocess(emptyToUndefined, z.string().default('development')),
  SHUTDOWN_TIMEOUT_MS: z.preprocess(emptyToUndefined, positiveInt(600_000).default(10_000)),
  KANTA_MAX_DEPTH: z.preprocess(emptyToUndefined, positiveInt(100).default(12)),
  KANTA_MAX_COST: z.preprocess(emptyToUndefined, positiveInt(1_000_000).default(5_000)),
  KANTA_MAX_ALIASES: z.preprocess(emptyToUndefined, positiveInt(1_000).default(30)),
  KANTA_MAX_PAGE_SIZE: z.preprocess(emptyToUndefined, positiveInt(1_000).default(100)),
  /** Minutes between loyalty job runs (expiry, tiers, referrals, birthdays); 0 turns the scheduler off. */
  KANTA_LOYALTY_JOBS_MINUTES: z.preprocess(emptyToUndefined, minutes.default(15)),
  /** Minutes between feedback job runs (survey invitations falling due); 0 turns the scheduler off. */
  KANTA_FEEDBACK_JOBS_MINUTES: z.preprocess(emptyToUndefined, minutes.default(5)),
  /** Minutes between analytics job runs (RFM segments, model refits, targets); 0 turns the scheduler off. */
  KANTA_ANALYTICS_JOBS_MINUTES: z.preprocess(emptyToUndefined, minutes.default(60)),
  /** Hours after which the analytics jobs refit a store's purchase and spend models. */
  KANTA_MODEL_REFIT_HOURS: z.preprocess(emptyToUndefined, positiveInt(8_760).default(24)),
  /** Minutes between recommendation model builds (incremental, full when the last full one is old); 0: off. */
  KANTA_RECS_JOBS_MINUTES: z.preprocess(emptyToUndefined, minutes.default(15)),
  /** Hours after which the recommendation jobs rebuild a store's models from scratch. */
  KANTA_RECS_FULL_REBUILD_HOURS: z.preprocess(emptyToUndefined, positiveInt(8_760).default(24)),
  /** What publishable keys may run: `persisted` (the widget operations in schema/operations) or `any` document. */
  KANTA_STOREFRONT_OPERATIONS: z.preprocess(emptyToUndefined, z.enum(['persisted', 'any']).default('persisted')),
});

export type Environment = z.infer<typeof environmentSchema>;

export interface KantaConfig {
  port: number;
  host: string;
  /** PostgreSQL URL; undefined means the embedded database in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize: number;
  redisUrl: string | undefined;
  logLevel: Environment['LOG_LEVEL'];
  production: boolean;
  shutdownTimeoutMs: number;
  limits: { maxDepth: number; maxCost: number; maxAliases: number; maxPageSize: number };
  /** Minutes between loyalty job runs; 0: off. */
  loyaltyJobsMinutes: number;
  /** Minutes between feedback job runs; 0: off. */
  feedbackJobsMinutes: number;
  /** Minutes between analytics job runs; 0: off. */
  analyticsJobsMinutes: number;
  /** Hours after which a store's models are refitted. */
  modelRefitHours: number;
  /** Minutes between recommendation model builds; 0: off. */
  recsJobsMinutes: number;
  /** Hours after which a store's recommendation models are rebuilt in full. */
  recsFullRebuildHours: number;
  /** `persisted`: publishable keys run only the persisted widget operations; `any`: any document. */
  storefrontOperations: 'persisted' | 'any';
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    rule: string,
    received: unknown,
  ) {
    const shown = variable === 'DATABASE_URL' || variable === 'REDIS_URL' ? '(value hidden)' : JSON.stringify(received);
    super(`invalid configuration: ${variable} ${rule}, got ${shown}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the environment; throws ConfigError naming the first bad variable. Relative
 * paths resolve against the directory the command was started in (`pnpm kanta` runs its script in
 * server/, but INIT_CWD keeps the caller's directory).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.env.INIT_CWD ?? process.cwd(),
): KantaConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(variable, issue.message, env[variable]);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(cwd, e.KANTA_DATA_DIR),
    poolSize: e.DATABASE_POOL_SIZE,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    production: e.NODE_ENV === 'production',
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    limits: {
      maxDepth: e.KANTA_MAX_DEPTH,
      maxCost: e.KANTA_MAX_COST,
      maxAliases: e.KANTA_MAX_ALIASES,
      maxPageSize: e.KANTA_MAX_PAGE_SIZE,
    },
    loyaltyJobsMinutes: e.KANTA_LOYALTY_JOBS_MINUTES,
    feedbackJobsMinutes: e.KANTA_FEEDBACK_JOBS_MINUTES,
    analyticsJobsMinutes: e.KANTA_ANALYTICS_JOBS_MINUTES,
    modelRefitHours: e.KANTA_MODEL_REFIT_HOURS,
    recsJobsMinutes: e.KANTA_RECS_JOBS_MINUTES,
    recsFullRebuildHours: e.KANTA_RECS_FULL_REBUILD_HOURS,
    storefrontOperations: e.KANTA_STOREFRONT_OPERATIONS,
  };
}
