import { z } from 'zod';
import { InvalidInputError } from '../../errors.ts';
import type { RewardKind } from '../../generated/prisma/client.ts';
import { currencyCode, firstIssue, localeTag } from '../stores/stores.validation.ts';

/** What the retailer edits about a catalogue reward. */
export interface RewardInput {
  name: string;
  description?: string | null;
  /** Per-locale texts: {"fi": {"name": "…", "description": "…"}}. */
  translations?: Record<string, { name?: string | null; description?: string | null }> | null;
  kind: RewardKind;
  /** FIXED_DISCOUNT: minor units (> 0); PERCENT_DISCOUNT: percent (1–100); other kinds: ignored. */
  value?: number | null;
  /** Required for FIXED_DISCOUNT; optional otherwise (the currency of `minimumOrder`). */
  currency?: string | null;
  /** Required for FREE_PRODUCT; ignored for other kinds. */
  productSku?: string | null;
  pointsCost: number;
  /** Codes left to issue; null: unlimited. */
  stock?: number | null;
  /** Codes one customer may hold or have used at once (cancelled and expired ones do not count); null: no limit. */
  perCustomerLimit?: number | null;
  /** Smallest order the code applies to, in minor units. */
  minimumOrder?: number | null;
  availableFrom?: Date | null;
  availableUntil?: Date | null;
  /** Issued codes expire this many days after issue; null: never. */
  codeValidDays?: number | null;
  active?: boolean | null;
}

const INT_MAX = 2_147_483_647;

const int = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

/** Empty text means "no value". */
const optionalText = (max: number) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? null : value), text(max).nullish());

const date = z.date({ error: 'must be a date' }).refine((value) => !Number.isNaN(value.getTime()), 'must be a date');

const translation = z.object(
  {
    name: optionalText(200),
    description: optionalText(2_000),
  },
  { error: 'must be an object with name and description' },
);

const translations = z
  .record(z.string(), translation, { error: 'must be an object keyed by locale' })
  .transform((record, context) => {
    const result: Record<string, { name?: string; description?: string }> = {};
    for (const [key, value] of Object.entries(record)) {
      const locale = localeTag.safeParse(key);
      if (!locale.success) {
        context.addIssue({ code: 'custom', path: [key], message: 'must be keyed by BCP 47 language tags such as fi' });
        return z.NEVER;
      }
      const entry: { name?: string; description?: string } = {};
      if (value.name) entry.name = value.name;
      if (value.description) entry.description = value.description;
      if (entry.name || entry.description) result[locale.data] = entry;
    }
    if (Object.keys(result).length > 50) {
      context.addIssue({ code: 'custom', message: 'must list at most 50 locales' });
      return z.NEVER;
    }
    return result;
  });

export const REWARD_KINDS = ['FIXED_DISCOUNT', 'PERCENT_DISCOUNT', 'FREE_PRODUCT', 'FREE_SHIPPING', 'CUSTOM'] as const;

export const rewardInputSchema = z
  .object({
    name: z
      .string({ error: 'is required' })
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters'),
    description: optionalText(2_000),
    translations: translations.nullish(),
    kind: z.enum(REWARD_KINDS, { error: `must be one of ${REWARD_KINDS.join(', ')}` }),
    value: int(0, INT_MAX).nullish(),
    currency: currencyCode.nullish(),
    productSku: optionalText(100),
    pointsCost: int(1, 100_000_000),
    stock: int(0, INT_MAX).nullish(),
    perCustomerLimit: int(1, 1_000_000).nullish(),
    minimumOrder: int(0, INT_MAX).nullish(),
    availableFrom: date.nullish(),
    availableUntil: date.nullish(),
    codeValidDays: int(1, 3_650).nullish(),
    active: z.boolean({ error: 'must be true or false' }).nullish(),
  })
  .superRefine((input, context) => {
    const issue = (path: string, message: string) => context.addIssue({ code: 'custom', path: [path], message });
    if (input.kind === 'FIXED_DISCOUNT') {
      if (input.value == null || input.value <= 0) issue('value', 'must be greater than 0 for a FIXED_DISCOUNT');
      if (input.currency == null) issue('currency', 'is required for a FIXED_DISCOUNT');
    }
    if (input.kind === 'PERCENT_DISCOUNT' && (input.value == null || input.value < 1 || input.value > 100))
      issue('value', 'must be a percentage from 1 to 100 for a PERCENT_DISCOUNT');
    if (input.kind === 'FREE_PRODUCT' && !input.productSku) issue('productSku', 'is required for a FREE_PRODUCT');
    if (input.availableFrom && input.availableUntil && input.availableUntil <= input.availableFrom)
      issue('availableUntil', 'must be after availableFrom');
  })
  .transform((input) => ({
    name: input.name,
    description: input.description ?? null,
    translations: input.translations ?? {},
    kind: input.kind,
    // Fields a kind does not use are stored empty, so switching kinds never leaves stale values.
    value: input.kind === 'FIXED_DISCOUNT' || input.kind === 'PERCENT_DISCOUNT' ? (input.value ?? null) : null,
    currency: input.currency ?? null,
    productSku: input.kind === 'FREE_PRODUCT' ? (input.productSku ?? null) : null,
    pointsCost: input.pointsCost,
    stock: input.stock ?? null,
    perCustomerLimit: input.perCustomerLimit ?? null,
    minimumOrder: input.minimumOrder ?? null,
    availableFrom: input.availableFrom ?? null,
    availableUntil: input.availableUntil ?? null,
    codeValidDays: input.codeValidDays ?? null,
    active: input.active ?? true,
  }));

export type ValidRewardInput = z.output<typeof rewardInputSchema>;

/** Validates a whole reward; throws InvalidInputError(field, rule) naming the first offending field. */
export function parseRewardInput(input: unknown): ValidRewardInput {
  if (input === null || typeof input !== 'object') throw new InvalidInputError('input', 'must be an object');
  const parsed = rewardInputSchema.safeParse(input);
  if (!parsed.success) {
    const { field, rule } = firstIssue(parsed.error);
    throw new InvalidInputError(field, rule);
  }
  return parsed.data;
}

/** A client's idempotency key: 1–200 printable characters. */
export function parseIdempotencyKey(key: unknown): string {
  if (typeof key !== 'string') throw new InvalidInputError('idempotencyKey', 'is required');
  const trimmed = key.trim();
  if (trimmed.length === 0) throw new InvalidInputError('idempotencyKey', 'must not be empty');
  if (trimmed.length > 200) throw new InvalidInputError('idempotencyKey', 'must be at most 200 characters');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(trimmed))
    throw new InvalidInputError('idempotencyKey', 'must not contain control characters');
  return trimmed;
}

/** Reward codes are shown upper-case; what a cashier types is normalised the same way. */
export function normaliseRewardCode(code: string): string {
  return code.trim().toUpperCase();
}
