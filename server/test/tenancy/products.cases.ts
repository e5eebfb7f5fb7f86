import { expect } from 'vitest';
import { upsertProducts } from '../../src/modules/products/products.service.ts';
import type { TenancyCases } from './types.ts';

/** The catalogue: store B's keys against store A's products. */
export const productCases: TenancyCases = (ctx) => {
  const { app } = ctx;
  const seed = () => upsertProducts(app.db.prisma, ctx.a.id, [{ sku: 'A-SKU', name: 'A product', price: 500 }]);
  const aProduct = () =>
    app.db.prisma.product.findUniqueOrThrow({
      where: { storeId_sku: { storeId: ctx.a.id, sku: 'A-SKU' } },
      select: { name: true, price: true },
    });

  return {
    'Query.products': async () => {
      await seed();
      const response = await app.gql(
        '{ products(first: 50, filter: { search: "A-SKU" }) { edges { node { sku } } } }',
        {},
        { key: ctx.b.secretKey },
      );
      expect(response.data?.products.edges).toEqual([]);
    },
    'Query.product': async () => {
      await seed();
      // Any key may read a product page: B's secret and publishable keys both find nothing of A's.
      for (const key of [ctx.b.secretKey, ctx.b.publishableKey]) {
        const response = await app.gql('{ product(sku: "A-SKU") { sku rating { count } jsonLd } }', {}, { key });
        expect(response.errors).toBeUndefined();
        expect(response.data?.product).toBeNull();
      }
    },
    'Mutation.upsertProducts': async () => {
      await seed();
      const response = await app.gql(
        'mutation { upsertProducts(input: [{ sku: "A-SKU", name: "Hijacked", price: 1 }]) { ... on UpsertProductsPayload { created updated } } }',
        {},
        { key: ctx.b.secretKey },
      );
      // B gets its own product with that sku; A's is untouched.
      expect(response.data?.upsertProducts).toEqual({ created: 1, updated: 0 });
      expect(await aProduct()).toEqual({ name: 'A product', price: 500 });
    },
  };
};
