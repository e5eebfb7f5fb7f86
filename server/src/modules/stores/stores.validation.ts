import { z } from 'zod';

const currencies = new Set(Intl.supportedValuesOf('currency'));
const timeZones = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

export const storeName = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

export const currencyCode = z
  .string()
  .trim()
  .transform((value) => value.toUpperCase())
  .refine(
    (value) => /^[A-Z]{3}$/.test(value) && currencies.has(value),
    'must be an ISO 4217 currency code such as EUR',
  );

export const localeTag = z
  .string()
  .trim()
  .transform((value, context) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(value);
      if (canonical) return canonical;
    } catch {}
    context.addIssue({ code: 'custom', message: 'must be a BCP 47 language tag such as fi or hy-AM' });
    return z.NEVER;
  });

export const timeZone = z
  .string()
  .trim()
  .refine((value) => timeZones.has(value), 'must be an IANA time zone such as Europe/Helsinki');

/** A storefront origin: scheme, host and optional port, nothing else (that is what browsers send). */
export const origin = z
  .string()
  .trim()
  .transform((value, context) => {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {}
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      context.addIssue({ code: 'custom', message: 'must be an http(s) origin such as https://shop.example' });
      return z.NEVER;
    }
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username) {
      context.addIssue({ code: 'custom', message: 'must be an origin only: no path, query or credentials' });
      return z.NEVER;
    }
    return url.origin;
  });

export const origins = z
  .array(origin)
  .max(50, 'must list at most 50 origins')
  .transform((list) => [...new Set(list)]);

export const createStoreInput = z.object({
  name: storeName,
  defaultCurrency: currencyCode.default('EUR'),
  defaultLocale: localeTag.default('en'),
  timezone: timeZone.default('UTC'),
  allowedOrigins: origins.default([]),
});
export type CreateStoreInput = z.input<typeof createStoreInput>;

export const updateStoreInput = z.object({
  name: storeName.optional(),
  defaultCurrency: currencyCode.optional(),
  defaultLocale: localeTag.optional(),
  timezone: timeZone.optional(),
  allowedOrigins: origins.optional(),
});

export const apiKeyName = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

/** Formats the first issue of a failed parse as "field: rule", the shape every Kanta input error has. */
export function firstIssue(error: z.ZodError): { field: string; rule: string } {
  const issue = error.issues[0]!;
  return { field: issue.path.map(String).join('.') || 'input', rule: issue.message };
}
