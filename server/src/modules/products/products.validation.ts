import { z } from 'zod';
import { currencyCode } from '../stores/stores.validation.ts';

export const MAX_PRODUCTS_PER_CALL = 1_000;

const httpUrl = z
  .string()
  .trim()
  .max(2_000, 'must be at most 2000 characters')
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

const label = (what: string) =>
  z.string().trim().min(1, `${what} must not be empty`).max(100, `${what} must be at most 100 characters`);

/**
 * An omitted optional field keeps what the catalogue holds (so an import without an image column does
 * not wipe images); an explicit null clears it.
 */
export const productInput = z.object({
  sku: z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  name: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'must not be empty')
    .max(500, 'must be at most 500 characters'),
  url: httpUrl.nullish(),
  imageUrl: httpUrl.nullish(),
  price: z
    .number({ error: 'must be a number of minor units' })
    .int('must be a whole number of minor units')
    .min(0, 'must not be negative')
    .max(2_147_483_647, 'must be at most 2147483647')
    .nullish(),
  currency: currencyCode.nullish(),
  categoryPath: z
    .array(label('a category'), 'must be a list of categories')
    .max(20, 'must list at most 20 levels')
    .optional(),
  tags: z
    .array(label('a tag'), 'must be a list of tags')
    .max(100, 'must list at most 100 tags')
    .transform((tags) => [...new Set(tags)])
    .optional(),
  active: z.boolean().optional(),
  inStock: z.boolean().optional(),
});

export type ValidProductInput = z.output<typeof productInput>;

export const productsInput = z
  .array(productInput, 'must be a list of products')
  .max(MAX_PRODUCTS_PER_CALL, `must list at most ${MAX_PRODUCTS_PER_CALL.toLocaleString('en')} products per call`);
