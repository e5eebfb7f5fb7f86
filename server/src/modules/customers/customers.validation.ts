import { z } from 'zod';
import { localeTag } from '../stores/stores.validation.ts';
import { normaliseEmail, normalisePhone } from './normalise.ts';

export interface CustomerInput {
  /** How channels know the person, e.g. `{ source: 'pos', externalId: 'CARD-889' }`. */
  identities?: { source: string; externalId: string }[];
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  locale?: string | null;
  /** YYYY-MM-DD. */
  birthday?: string | null;
  marketingConsent?: { granted: boolean; at?: Date; source?: string } | null;
  tags?: string[];
  attributes?: Record<string, string | number | boolean | null>;
}

export const identitySource = z
  .string()
  .trim()
  .transform((value) => value.toLowerCase())
  .refine((value) => /^[a-z0-9_-]{1,32}$/.test(value), 'must be 1-32 characters of a-z, 0-9, _ and -');

export const identityExternalId = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

export const identityInput = z.object({ source: identitySource, externalId: identityExternalId });

/** Empty strings mean "no value", so an import column left blank never stores "". */
function blankToNull(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? null : value;
}

const email = z.preprocess(
  blankToNull,
  z
    .string()
    .transform((value, context) => {
      const normalised = normaliseEmail(value);
      if (normalised) return normalised;
      context.addIssue({ code: 'custom', message: 'must be an email address' });
      return z.NEVER;
    })
    .nullable()
    .optional(),
);

const phone = z.preprocess(
  blankToNull,
  z
    .string()
    .transform((value, context) => {
      const normalised = normalisePhone(value);
      if (normalised) return normalised;
      context.addIssue({ code: 'custom', message: 'must be a phone number of 5-15 digits, e.g. +358 40 123 4567' });
      return z.NEVER;
    })
    .nullable()
    .optional(),
);

const name = z.preprocess(
  blankToNull,
  z.string().trim().max(100, 'must be at most 100 characters').nullable().optional(),
);

const birthday = z.preprocess(
  blankToNull,
  z
    .string()
    .trim()
    .refine((value) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
      const date = new Date(`${value}T00:00:00Z`);
      return (
        !Number.isNaN(date.getTime()) &&
        date.toISOString().startsWith(value) &&
        date.getUTCFullYear() >= 1900 &&
        date.getTime() <= Date.now()
      );
    }, 'must be a past date as YYYY-MM-DD')
    .nullable()
    .optional(),
);

const attributeKey = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/,
    'must be 1-64 characters of letters, digits, _ . -, starting with a letter',
  );

export const attributesInput = z
  .record(
    attributeKey,
    z.union([z.string().max(1_000, 'must be at most 1000 characters'), z.number(), z.boolean(), z.null()], {
      error: 'must be a string, number, boolean or null',
    }),
  )
  .refine((value) => Object.keys(value).length <= 100, 'must have at most 100 keys');

export const tagsInput = z
  .array(z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters'))
  .max(100, 'must list at most 100 tags')
  .transform((tags) => [...new Set(tags)]);

export const consentInput = z
  .object({
    granted: z.boolean({ error: 'must be true or false' }),
    at: z.coerce
      .date({ error: 'must be a date' })
      .refine((date) => !Number.isNaN(date.getTime()), 'must be a date')
      .optional(),
    source: z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters').optional(),
  })
  .nullable()
  .optional();

const customerInputSchema = z.object({
  identities: z.array(identityInput).max(20, 'must list at most 20 identities').optional(),
  email,
  phone,
  firstName: name,
  lastName: name,
  locale: z.preprocess(blankToNull, localeTag.nullable().optional()),
  birthday,
  marketingConsent: consentInput,
  tags: tagsInput.optional(),
  attributes: attributesInput.optional(),
});

/**
 * Validates and normalises a customer: email trimmed and lower-cased; phone as "+" and digits ("00"
 * prefix becomes "+"); identity sources lower-cased, ids trimmed; blank strings become null.
 */
export const customerInput: z.ZodType<CustomerInput> = customerInputSchema.transform((value) => {
  const out: CustomerInput = {};
  for (const [key, field] of Object.entries(value))
    if (field !== undefined) (out as Record<string, unknown>)[key] = field;
  if (value.identities) {
    const seen = new Set<string>();
    out.identities = value.identities.filter((identity) => {
      const key = `${identity.source}\u0000${identity.externalId}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  if (value.marketingConsent) {
    const consent: { granted: boolean; at?: Date; source?: string } = { granted: value.marketingConsent.granted };
    if (value.marketingConsent.at) consent.at = value.marketingConsent.at;
    if (value.marketingConsent.source) consent.source = value.marketingConsent.source;
    out.marketingConsent = consent;
  }
  return out;
}) as z.ZodType<CustomerInput>;
