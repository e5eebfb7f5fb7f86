import { z } from 'zod';

/**
 * The loyalty program's rules: one JSON document per program version, validated here. Pure: no
 * database, so the earning and tier modules and their table tests use it directly.
 */

export const ROUNDING = ['FLOOR', 'NEAREST', 'CEIL'] as const;
export type Rounding = (typeof ROUNDING)[number];

/** Built-in actions a bonus can be given for; custom actions use `custom:<key>`. */
export const BONUS_ACTIONS = ['SIGN_UP', 'BIRTHDAY', 'FIRST_ORDER', 'REVIEW', 'SURVEY_ANSWER', 'REFERRAL'] as const;
export type BuiltInBonusAction = (typeof BONUS_ACTIONS)[number];

export const TIER_METRICS = ['POINTS', 'SPEND'] as const;
export const TIER_WINDOWS = ['ROLLING_MONTHS', 'CALENDAR_YEAR', 'LIFETIME'] as const;

const key = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,39}$/,
    'must be 1–40 lower-case letters, digits, "_" or "-", starting with a letter or digit',
  );
const multiplier = z.number().min(0, 'must be at least 0').max(100, 'must be at most 100');

export const tierSchema = z.object({
  /** Stable id across versions (customers' tiers are stored by key). */
  key,
  name: z.string().trim().min(1, 'must not be empty').max(60, 'must be at most 60 characters'),
  /** Per-locale names: {"fi": "Kulta"}. */
  names: z.record(z.string(), z.string().max(60)).default({}),
  /** Entry threshold in points, or in minor units of the store currency for SPEND. */
  threshold: z.number().int().min(0, 'must be at least 0'),
  /** Multiplies every base earning while in the tier. */
  earnMultiplier: multiplier.default(1),
  perks: z.string().max(2_000, 'must be at most 2000 characters').default(''),
});
export type Tier = z.infer<typeof tierSchema>;

export const bonusSchema = z.object({
  /** One of BONUS_ACTIONS, or `custom:<key>` for the retailer's own events. */
  action: z
    .string()
    .refine(
      (value) =>
        (BONUS_ACTIONS as readonly string[]).includes(value) || /^custom:[a-z0-9][a-z0-9_.-]{0,59}$/.test(value),
      `must be one of ${BONUS_ACTIONS.join(', ')} or custom:<key>`,
    ),
  points: z.number().int().min(1, 'must be at least 1').max(1_000_000, 'must be at most 1000000'),
  description: z.string().max(200).default(''),
});
export type Bonus = z.infer<typeof bonusSchema>;

export const programRulesSchema = z
  .object({
    earning: z
      .object({
        /** Points per whole currency unit spent (1 = a point per euro). */
        pointsPerUnit: z.number().min(0, 'must be at least 0').max(10_000, 'must be at most 10000').default(1),
        rounding: z.enum(ROUNDING).default('FLOOR'),
        /** Product lines only; shipping and fees never earn. Order-level discounts are shared out. */
        categoryMultipliers: z
          .array(z.object({ category: z.string().min(1).max(200), multiplier }))
          .max(200)
          .default([]),
        productMultipliers: z
          .array(z.object({ sku: z.string().min(1).max(200), multiplier }))
          .max(1_000)
          .default([]),
        /** Which channels earn; empty means all. */
        channels: z.array(z.enum(['STORE', 'ONLINE', 'APP', 'OTHER'])).default([]),
      })
      .default({ pointsPerUnit: 1, rounding: 'FLOOR', categoryMultipliers: [], productMultipliers: [], channels: [] }),
    bonuses: z.array(bonusSchema).max(100).default([]),
    tiers: z
      .object({
        metric: z.enum(TIER_METRICS).default('POINTS'),
        window: z.enum(TIER_WINDOWS).default('ROLLING_MONTHS'),
        /** For ROLLING_MONTHS. */
        windowMonths: z.number().int().min(1).max(120).default(12),
        /** Days a customer keeps a tier after no longer qualifying; 0 downgrades at once. */
        downgradeGraceDays: z.number().int().min(0).max(3_650).default(30),
        /** Ascending thresholds; the first tier may have threshold 0 (everyone starts there). */
        levels: z.array(tierSchema).max(20).default([]),
      })
      .default({ metric: 'POINTS', window: 'ROLLING_MONTHS', windowMonths: 12, downgradeGraceDays: 30, levels: [] }),
    expiry: z
      .object({
        /** Points expire this many months after they were earned; null: never. */
        months: z.number().int().min(1).max(120).nullable().default(null),
        /** A points.expiring event is emitted this many days before. */
        warnDays: z.number().int().min(0).max(365).default(30),
      })
      .default({ months: null, warnDays: 30 }),
    referrals: z
      .object({
        enabled: z.boolean().default(false),
        /** Points for the new customer on their first order. */
        refereePoints: z.number().int().min(0).max(1_000_000).default(0),
        /** Points for the referrer once that order is past the return window. */
        referrerPoints: z.number().int().min(0).max(1_000_000).default(0),
        returnWindowDays: z.number().int().min(0).max(365).default(30),
      })
      .default({ enabled: false, refereePoints: 0, referrerPoints: 0, returnWindowDays: 30 }),
  })
  .superRefine((rules, context) => {
    const levels = rules.tiers.levels;
    const keys = new Set<string>();
    levels.forEach((tier, index) => {
      if (keys.has(tier.key))
        context.addIssue({ code: 'custom', path: ['tiers', 'levels', index, 'key'], message: 'must be unique' });
      keys.add(tier.key);
      if (index > 0 && tier.threshold <= levels[index - 1]!.threshold)
        context.addIssue({
          code: 'custom',
          path: ['tiers', 'levels', index, 'threshold'],
          message: 'must be greater than the previous tier’s threshold',
        });
    });
    const actions = new Set<string>();
    rules.bonuses.forEach((bonus, index) => {
      if (actions.has(bonus.action))
        context.addIssue({ code: 'custom', path: ['bonuses', index, 'action'], message: 'must be unique' });
      actions.add(bonus.action);
    });
  });

export type ProgramRules = z.infer<typeof programRulesSchema>;
export type ProgramRulesInput = z.input<typeof programRulesSchema>;

/** A program that earns a point per currency unit and nothing else: what a new store starts with. */
export const DEFAULT_RULES: ProgramRules = programRulesSchema.parse({});

/** Parses stored or submitted rules; throws a ZodError whose issue paths name the offending field. */
export function parseProgramRules(value: unknown): ProgramRules {
  return programRulesSchema.parse(value ?? {});
}

export function bonusFor(rules: ProgramRules, action: string): Bonus | undefined {
  return rules.bonuses.find((bonus) => bonus.action === action);
}
