import { expect } from 'vitest';
import { type OrderInput, recordOrders } from '../../src/modules/orders/orders.service.ts';
import { rebuildRecommendations } from '../../src/modules/recommendations/build.service.ts';
import type { TenancyCases } from './types.ts';

/** Recommendation builds: store B's secret key against store A's models and build history. */
export const recommendationBuildsCases: TenancyCases = (ctx) => {
  const { app } = ctx;
  const prisma = () => app.db.prisma;

  /** Store A: a few co-purchases, built once. */
  let setup: Promise<{ buildId: string }> | undefined;
  const victim = () => {
    setup ??= (async () => {
      const orders: OrderInput[] = [];
      for (let i = 0; i < 6; i++)
        orders.push({
          externalId: `A-RECS-BUILD-${i}`,
          channel: 'ONLINE',
          placedAt: new Date(Date.now() - (i + 1) * 86_400_000),
          customer: { identities: [{ source: 'web', externalId: `recs-build-victim-${i}` }] },
          lines: [
            { sku: 'A-BUILD-1', name: 'A one', quantity: 1, unitPrice: 1_000 },
            { sku: `A-BUILD-${2 + (i % 3)}`, name: 'A other', quantity: 1, unitPrice: 1_000 },
          ],
        });
      await recordOrders(prisma(), ctx.a.id, orders);
      const build = await rebuildRecommendations(prisma(), ctx.a.id, { full: true });
      return { buildId: build.id };
    })();
    return setup;
  };
  const asB = (query: string, variables: Record<string, unknown> = {}) =>
    app.gql(query, variables, { key: ctx.b.secretKey });
  const snapshot = async () => ({
    builds: await prisma().recommendationBuild.findMany({ where: { storeId: ctx.a.id }, orderBy: { id: 'asc' } }),
    neighbours: await prisma().productNeighbour.findMany({
      where: { storeId: ctx.a.id },
      orderBy: [{ kind: 'asc' }, { sku: 'asc' }, { neighbourSku: 'asc' }],
    }),
    popularity: await prisma().productPopularity.findMany({
      where: { storeId: ctx.a.id },
      orderBy: [{ scope: 'asc' }, { sku: 'asc' }],
    }),
  });

  return {
    'Query.recommendationBuilds': async () => {
      const { buildId } = await victim();
      const response = await asB('{ recommendationBuilds(first: 100) { id } }');
      const ids: string[] = response.data?.recommendationBuilds.map((build: { id: string }) => build.id);
      expect(ids).not.toContain(buildId);
      const own = await prisma().recommendationBuild.findMany({ where: { storeId: ctx.b.id }, select: { id: true } });
      expect(ids.sort()).toEqual(own.map((build) => build.id).sort());
      const a = await app.gql('{ recommendationBuilds { id } }', {}, { key: ctx.a.secretKey });
      expect(a.data?.recommendationBuilds.map((build: { id: string }) => build.id)).toContain(buildId);
    },
    'Mutation.rebuildRecommendations': async () => {
      await victim();
      const before = await snapshot();
      expect(before.neighbours.length).toBeGreaterThan(0);
      const response = await asB('mutation { rebuildRecommendations(full: true) { id kind products } }');
      const build = await prisma().recommendationBuild.findUniqueOrThrow({
        where: { id: response.data?.rebuildRecommendations.id },
      });
      expect(build.storeId).toBe(ctx.b.id);
      // B's models never hold A's products, and A's models and builds are untouched.
      const bSkus = await prisma().productNeighbour.findMany({ where: { storeId: ctx.b.id }, select: { sku: true } });
      expect(bSkus.filter((row) => row.sku.startsWith('A-BUILD-'))).toEqual([]);
      expect(await snapshot()).toEqual(before);
    },
  };
};
