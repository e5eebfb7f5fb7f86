import { builder } from '../../builder.ts';
import { storeIdOf } from '../../context.ts';
import { InvalidInputError } from '../../errors.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { type ProductInput, upsertProducts } from './products.service.ts';
import { MAX_PRODUCTS_PER_CALL } from './products.validation.ts';

/** Catalogue fields a shopper must not see (merchandising tags, the active flag, timestamps). */
const adminOnly = { authScopes: { admin: true } } as const;

builder.prismaObject('Product', {
  description:
    'A catalogue entry. Orders may name skus the catalogue does not know yet. Publishable keys read active products through `product(sku)`; `tags`, `active`, `createdAt` and `updatedAt` are for secret keys.',
  fields: (t) => ({
    id: t.exposeID('id'),
    sku: t.exposeString('sku'),
    name: t.exposeString('name'),
    url: t.exposeString('url', { nullable: true }),
    imageUrl: t.exposeString('imageUrl', { nullable: true }),
    price: t.exposeInt('price', { nullable: true, description: 'Minor units of `currency`.' }),
    currency: t.string({
      nullable: true,
      select: { currency: true },
      resolve: (product) => product.currency?.trim() ?? null,
    }),
    categoryPath: t.exposeStringList('categoryPath', { description: 'From the top, e.g. ["Kitchen", "Mugs"].' }),
    tags: t.exposeStringList('tags', { ...adminOnly }),
    active: t.exposeBoolean('active', { ...adminOnly }),
    inStock: t.exposeBoolean('inStock'),
    createdAt: t.expose('createdAt', { type: 'DateTime', ...adminOnly }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', ...adminOnly }),
  }),
});

const ProductFilterInput = builder.inputType('ProductFilter', {
  fields: (t) => ({
    search: t.string({ description: 'Part of the sku or name, any case.' }),
    category: t.string({ description: 'Products with this category anywhere in their path.' }),
    tag: t.string(),
    active: t.boolean(),
  }),
});

const ProductInputType = builder.inputType('ProductInput', {
  description: 'Omitted optional fields keep their stored value; null clears them.',
  fields: (t) => ({
    sku: t.string({ required: true }),
    name: t.string({ required: true }),
    url: t.string({ description: 'http(s).' }),
    imageUrl: t.string({ description: 'http(s).' }),
    price: t.int({ description: 'Minor units, ≥ 0.' }),
    currency: t.string({ description: 'ISO 4217.' }),
    categoryPath: t.stringList(),
    tags: t.stringList(),
    active: t.boolean(),
    inStock: t.boolean(),
  }),
});

const UpsertProductsPayload = builder
  .objectRef<{ created: number; updated: number; unchanged: number }>('UpsertProductsPayload')
  .implement({
    fields: (t) => ({
      created: t.exposeInt('created'),
      updated: t.exposeInt('updated'),
      unchanged: t.exposeInt('unchanged', { description: 'Already held exactly these values.' }),
    }),
  });

/** GraphQL sends null for a list or flag it cannot omit per item; null there means "keep". */
function toProductInput(input: typeof ProductInputType.$inferInput): ProductInput {
  const product: ProductInput = { sku: input.sku, name: input.name };
  for (const key of ['url', 'imageUrl', 'price', 'currency'] as const)
    if (input[key] !== undefined) (product as unknown as Record<string, unknown>)[key] = input[key];
  if (input.categoryPath != null) product.categoryPath = input.categoryPath;
  if (input.tags != null) product.tags = input.tags;
  if (input.active != null) product.active = input.active;
  if (input.inStock != null) product.inStock = input.inStock;
  return product;
}

builder.queryFields((t) => ({
  products: t.prismaConnection({
    type: 'Product',
    cursor: 'id',
    authScopes: { admin: true },
    description: 'The catalogue, by sku.',
    args: { filter: t.arg({ type: ProductFilterInput }) },
    resolve: (query, _root, { filter }, context) => {
      const where: Prisma.ProductWhereInput = { storeId: storeIdOf(context) };
      if (filter?.search)
        where.OR = [
          { sku: { contains: filter.search, mode: 'insensitive' } },
          { name: { contains: filter.search, mode: 'insensitive' } },
        ];
      if (filter?.category) where.categoryPath = { has: filter.category };
      if (filter?.tag) where.tags = { has: filter.tag };
      if (filter?.active != null) where.active = filter.active;
      return context.prisma.product.findMany({ ...query, where, orderBy: [{ sku: 'asc' }, { id: 'asc' }] });
    },
  }),
  product: t.prismaField({
    type: 'Product',
    nullable: true,
    authScopes: { store: true },
    description:
      'One product by sku (any key), e.g. for a product page with its `rating`, `reviews` and `jsonLd`. Publishable keys see active products only; null when the catalogue does not know the sku (or, for publishable keys, the product is inactive).',
    args: { sku: t.arg.string({ required: true }) },
    resolve: (query, _root, { sku }, context) =>
      context.prisma.product.findUnique({
        ...query,
        where: {
          storeId_sku: { storeId: storeIdOf(context), sku },
          ...(context.principal?.kind === 'admin' ? {} : { active: true }),
        },
      }),
  }),
}));

builder.mutationField('upsertProducts', (t) =>
  t.field({
    type: UpsertProductsPayload,
    authScopes: { admin: true },
    description: `Creates or updates up to ${MAX_PRODUCTS_PER_CALL.toLocaleString('en')} products by sku.`,
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: [ProductInputType], required: true }) },
    resolve: async (_root, { input }, context) => {
      try {
        return await upsertProducts(context.prisma, storeIdOf(context), input.map(toProductInput));
      } catch (error) {
        if (error instanceof InvalidInputError && error.field.startsWith('products'))
          throw new InvalidInputError(`input${error.field.slice('products'.length)}`, error.rule);
        throw error;
      }
    },
  }),
);
