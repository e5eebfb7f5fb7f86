import { expect } from 'vitest';
import { type OrderInput, recordOrders } from '../../src/modules/orders/orders.service.ts';
import { upsertProducts } from '../../src/modules/products/products.service.ts';
import { rebuildRecommendations } from '../../src/modules/recommendations/build.service.ts';
import {
  recommendationSettings,
  updateRecommendationSettings,
} from '../../src/modules/recommendations/settings.service.ts';
import type { TenancyCases } from './types.ts';

/** Recommendations (serving, settings): store B's keys against store A's lists, products and settings. */
export const recommendationsCases: TenancyCases = (ctx) => {
  const { app } = ctx;
  const prisma = () => app.db.prisma;
  const DAY = 86_400_000;

  /** Store A: three products bought together by a few customers, models built, settings changed. */
  let setup: Promise<{ productIds: Set<string> }> | undefined;
  const victim = () => {
    setup ??= (async () => {
      const skus = ['A-REC-1', 'A-REC-2', 'A-REC-3'];
      await upsertProducts(
        prisma(),
        ctx.a.id,
        skus.map((sku) => ({ sku, name: `Victim ${sku}`, price: 1_000, currency: 'EUR', categoryPath: ['Victim'] })),
      );
      const orders: OrderInput[] = [];
      for (let i = 0; i < 4; i++)
        orders.push({
          externalId: `A-REC-${i}`,
          channel: 'ONLINE',
          placedAt: new Date(Date.now() - (i + 1) * DAY),
          customer: { identities: [{ source: 'web', externalId: `rec-victim-${i}` }] },
          lines: skus.map((sku) => ({ sku, name: sku, quantity: 1, unitPrice: 1_000 })),
        });
      await recordOrders(prisma(), ctx.a.id, orders);
      await app.events.drain();
      await rebuildRecommendations(prisma(), ctx.a.id, { full: true });
      await updateRecommendationSettings(prisma(), ctx.a.id, { pinnedSkus: ['A-REC-3'], boostTags: ['victim'] });
      const products = await prisma().product.findMany({ where: { storeId: ctx.a.id }, select: { id: true } });
      return { productIds: new Set(products.map((product) => product.id)) };
    })();
    return setup;
  };
  const LIST = 'id strategy items { product { id sku name } }';

  return {
    'Query.recommendations': async () => {
      const { productIds } = await victim();
      const token = await app.customerToken(ctx.b.secretKey, 'rec-victim-0');
      const asks = [
        app.gql(`{ recommendations(skus: ["A-REC-1"], first: 50) { ${LIST} } }`, {}, { key: ctx.b.publishableKey }),
        app.gql(
          `{ recommendations(skus: ["A-REC-1", "A-REC-2"], first: 50) { ${LIST} } }`,
          {},
          { key: ctx.b.secretKey },
        ),
        // B's token naming A's customer is B's (unknown) shopper, not A's.
        app.gql(
          `{ recommendations(skus: [], first: 50) { ${LIST} } me { recommendations(first: 50) { ${LIST} } } }`,
          {},
          { key: ctx.b.publishableKey, customerToken: token },
        ),
      ];
      for (const response of await Promise.all(asks)) {
        expect(response.errors).toBeUndefined();
        const lists = [response.data?.recommendations, response.data?.me?.recommendations].filter(Boolean);
        for (const list of lists)
          for (const item of list.items) {
            expect(productIds.has(item.product.id)).toBe(false);
            expect(item.product.name.startsWith('Victim')).toBe(false);
          }
      }
      // A's product page is not reachable through B's key; A's own key sees its lists.
      const page = await app.gql(
        `{ product(sku: "A-REC-1") { recommendations { ${LIST} } } }`,
        {},
        { key: ctx.b.publishableKey },
      );
      expect(page.data?.product ?? null).toBeNull();
      const own = await app.gql(
        `{ recommendations(skus: ["A-REC-1"]) { ${LIST} } }`,
        {},
        { key: ctx.a.publishableKey },
      );
      expect(own.data?.recommendations.items.map((item: { product: { sku: string } }) => item.product.sku)).toContain(
        'A-REC-2',
      );
    },
    'Query.recommendationSettings': async () => {
      await victim();
      const response = await app.gql(
        '{ recommendationSettings { pinnedSkus boostTags } }',
        {},
        { key: ctx.b.secretKey },
      );
      const own = await recommendationSettings(prisma(), ctx.b.id);
      expect(response.data?.recommendationSettings).toEqual({ pinnedSkus: own.pinnedSkus, boostTags: own.boostTags });
      expect(response.data?.recommendationSettings.pinnedSkus).not.toContain('A-REC-3');
    },
    'Mutation.updateRecommendationSettings': async () => {
      await victim();
      const before = await recommendationSettings(prisma(), ctx.a.id);
      const response = await app.gql(
        `mutation { updateRecommendationSettings(input: { pinnedSkus: ["A-REC-1"], boostTags: [], maxPerCategory: 1 }) {
          __typename ... on RecommendationSettings { pinnedSkus } } }`,
        {},
        { key: ctx.b.secretKey },
      );
      expect(response.data?.updateRecommendationSettings).toEqual({
        __typename: 'RecommendationSettings',
        pinnedSkus: ['A-REC-1'],
      });
      expect(await recommendationSettings(prisma(), ctx.a.id)).toEqual(before);
      expect(before).toMatchObject({ pinnedSkus: ['A-REC-3'], boostTags: ['victim'], maxPerCategory: 3 });
      expect((await recommendationSettings(prisma(), ctx.b.id)).maxPerCategory).toBe(1);
      await updateRecommendationSettings(prisma(), ctx.b.id, { pinnedSkus: [], maxPerCategory: 3 });
    },
  };
};
