import type { PrismaClient } from '../../db/database.ts';
import { uuidv7 } from '../../db/uuid7.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import { firstIssue } from '../stores/stores.validation.ts';
import { MAX_PRODUCTS_PER_CALL, productsInput } from './products.validation.ts';

export interface ProductInput {
  sku: string;
  name: string;
  url?: string | null;
  imageUrl?: string | null;
  price?: number | null;
  currency?: string | null;
  categoryPath?: string[];
  tags?: string[];
  active?: boolean;
  inStock?: boolean;
}

export interface UpsertProductsResult {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Creates or updates up to 1,000 products by (store, sku) in one statement. A sku listed twice counts
 * once, with its last values. `unchanged` counts existing products whose values were already those given.
 */
export async function upsertProducts(
  prisma: PrismaClient,
  storeId: string,
  inputs: ProductInput[],
): Promise<UpsertProductsResult> {
  if (!Array.isArray(inputs)) throw new InvalidInputError('products', 'must be a list of products');
  if (inputs.length > MAX_PRODUCTS_PER_CALL)
    throw new InvalidInputError(
      'products',
      `must list at most ${MAX_PRODUCTS_PER_CALL.toLocaleString('en')} products per call`,
    );
  const parsed = productsInput.safeParse(inputs);
  if (!parsed.success) {
    const { field, rule } = firstIssue(parsed.error);
    throw new InvalidInputError(`products.${field}`, rule);
  }
  const bySku = new Map(parsed.data.map((product) => [product.sku, product]));
  if (bySku.size === 0) return { created: 0, updated: 0, unchanged: 0 };
  const store = await prisma.store.findUnique({ where: { id: storeId }, select: { id: true } });
  if (!store) throw new NotFoundError('Store');

  // Keys present in each element say which fields were given: absent ones keep the stored value.
  const rows = [...bySku.values()].map((product) => ({ ...product, id: uuidv7() }));
  const changed = await prisma.$queryRawUnsafe<{ inserted: boolean }[]>(
    `INSERT INTO "Product" AS p (id, "storeId", sku, name, url, "imageUrl", price, currency, "categoryPath", tags,
                                 active, "inStock", "createdAt", "updatedAt")
     SELECT (x->>'id')::uuid, $2::uuid, x->>'sku', x->>'name',
       CASE WHEN x ? 'url' THEN x->>'url' ELSE old.url END,
       CASE WHEN x ? 'imageUrl' THEN x->>'imageUrl' ELSE old."imageUrl" END,
       CASE WHEN x ? 'price' THEN (x->>'price')::int ELSE old.price END,
       CASE WHEN x ? 'currency' THEN x->>'currency' ELSE old.currency END,
       CASE WHEN x ? 'categoryPath' THEN ARRAY(SELECT jsonb_array_elements_text(x->'categoryPath'))
            ELSE COALESCE(old."categoryPath", ARRAY[]::text[]) END,
       CASE WHEN x ? 'tags' THEN ARRAY(SELECT jsonb_array_elements_text(x->'tags'))
            ELSE COALESCE(old.tags, ARRAY[]::text[]) END,
       CASE WHEN x ? 'active' THEN (x->>'active')::boolean ELSE COALESCE(old.active, true) END,
       CASE WHEN x ? 'inStock' THEN (x->>'inStock')::boolean ELSE COALESCE(old."inStock", true) END,
       now(), now()
     FROM jsonb_array_elements($1::jsonb) AS x
     LEFT JOIN "Product" AS old ON old."storeId" = $2::uuid AND old.sku = x->>'sku'
     ORDER BY x->>'sku'
     ON CONFLICT ("storeId", sku) DO UPDATE SET
       name = EXCLUDED.name, url = EXCLUDED.url, "imageUrl" = EXCLUDED."imageUrl", price = EXCLUDED.price,
       currency = EXCLUDED.currency, "categoryPath" = EXCLUDED."categoryPath", tags = EXCLUDED.tags,
       active = EXCLUDED.active, "inStock" = EXCLUDED."inStock", "updatedAt" = now()
     WHERE (p.name, p.url, p."imageUrl", p.price, p.currency, p."categoryPath", p.tags, p.active, p."inStock")
       IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.url, EXCLUDED."imageUrl", EXCLUDED.price, EXCLUDED.currency,
                         EXCLUDED."categoryPath", EXCLUDED.tags, EXCLUDED.active, EXCLUDED."inStock")
     RETURNING (xmax = 0) AS inserted`,
    JSON.stringify(rows),
    storeId,
  );
  const created = changed.filter((row) => row.inserted).length;
  const updated = changed.length - created;
  return { created, updated, unchanged: rows.length - changed.length };
}
