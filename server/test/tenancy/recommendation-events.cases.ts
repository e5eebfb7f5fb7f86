import { expect } from 'vitest';
import { recordOrders } from '../../src/modules/orders/orders.service.ts';
import { upsertProducts } from '../../src/modules/products/products.service.ts';
import { newListId } from '../../src/modules/recommendations/list-id.ts';
import { trackRecommendationEvent } from '../../src/modules/recommendations/tracking.service.ts';
import type { TenancyCases } from './types.ts';

/** Recommendation tracking and performance: store B's keys against store A's products, events and credits. */
export const recommendationEventsCases: TenancyCases = (ctx) => {
  const { app } = ctx;
  const prisma = () => app.db.prisma;
  const HOUR = 3_600_000;

  /** Store A: a product only A has, one both have, a customer's click and the order credited to it. */
  let setup: Promise<{ customerId: string }> | undefined;
  const victim = () => {
    setup ??= (async () => {
      await upsertProducts(prisma(), ctx.a.id, [
        { sku: 'REC-A-ONLY', name: 'Only in A', price: 1000 },
        { sku: 'REC-SHARED', name: 'In both', price: 2000 },
      ]);
      await upsertProducts(prisma(), ctx.b.id, [{ sku: 'REC-SHARED', name: 'In both', price: 2000 }]);
      await recordOrders(prisma(), ctx.a.id, [
        {
          externalId: 'A-REC-EVENTS-0',
          channel: 'ONLINE',
          placedAt: new Date(Date.now() - 30 * 24 * HOUR),
          customer: { identities: [{ source: 'web', externalId: 'rec-victim' }] },
          lines: [{ sku: 'REC-SHARED', name: 'In both', quantity: 1, unitPrice: 2000 }],
        },
      ]);
      const { customerId } = await prisma().customerIdentity.findFirstOrThrow({
        where: { storeId: ctx.a.id, source: 'web', externalId: 'rec-victim' },
      });
      await trackRecommendationEvent(
        prisma(),
        ctx.a.id,
        { listId: newListId('ALSO_BOUGHT'), kind: 'IMPRESSION', skus: ['REC-A-ONLY', 'REC-SHARED'], position: 1 },
        { customerId },
      );
      await trackRecommendationEvent(
        prisma(),
        ctx.a.id,
        { listId: newListId('ALSO_BOUGHT'), kind: 'CLICK', skus: ['REC-A-ONLY'], position: 1 },
        { customerId },
      );
      await recordOrders(prisma(), ctx.a.id, [
        {
          externalId: 'A-REC-EVENTS-1',
          channel: 'ONLINE',
          placedAt: new Date(Date.now() + HOUR),
          customer: { identities: [{ source: 'web', externalId: 'rec-victim' }] },
          lines: [{ sku: 'REC-A-ONLY', name: 'Only in A', quantity: 1, unitPrice: 1000 }],
        },
      ]);
      await app.events.drain();
      expect(await prisma().recommendationAttribution.count({ where: { storeId: ctx.a.id } })).toBe(1);
      return { customerId };
    })();
    return setup;
  };
  const aSnapshot = async () => ({
    events: await prisma().recommendationEvent.findMany({ where: { storeId: ctx.a.id }, orderBy: { id: 'asc' } }),
    attributions: await prisma().recommendationAttribution.findMany({
      where: { storeId: ctx.a.id },
      orderBy: { id: 'asc' },
    }),
  });
  const TRACK = `mutation($input: TrackRecommendationEventInput!) { trackRecommendationEvent(input: $input) {
    __typename ... on TrackRecommendationEventPayload { recorded } ... on InvalidInputError { field } } }`;

  return {
    'Mutation.trackRecommendationEvent': async () => {
      const { customerId } = await victim();
      const before = await aSnapshot();
      // A's product is unknown to B, whichever key B uses.
      for (const key of [ctx.b.publishableKey, ctx.b.secretKey]) {
        const response = await app.gql(
          TRACK,
          { input: { listId: newListId('POPULAR'), kind: 'CLICK', skus: ['REC-A-ONLY'] } },
          { key },
        );
        expect(response.data?.trackRecommendationEvent).toEqual({
          __typename: 'InvalidInputError',
          field: 'input.skus.0',
        });
      }
      // The same sku in both stores: B's report lands in B, and a token naming A's shopper is not A's customer.
      const token = await app.customerToken(ctx.b.secretKey, 'rec-victim');
      const listId = newListId('POPULAR');
      const shared = await app.gql(
        TRACK,
        { input: { listId, kind: 'CLICK', skus: ['REC-SHARED'] } },
        { key: ctx.b.publishableKey, customerToken: token },
      );
      expect(shared.data?.trackRecommendationEvent).toEqual({
        __typename: 'TrackRecommendationEventPayload',
        recorded: 1,
      });
      const event = await prisma().recommendationEvent.findFirstOrThrow({ where: { listId } });
      expect(event.storeId).toBe(ctx.b.id);
      expect(event.customerId).not.toBe(customerId);
      // A token signed by A's key does not work with B's publishable key.
      const aToken = await app.customerToken(ctx.a.secretKey, 'rec-victim');
      const crossed = await app.gql(
        TRACK,
        { input: { listId: newListId('POPULAR'), kind: 'CLICK', skus: ['REC-SHARED'] } },
        { key: ctx.b.publishableKey, customerToken: aToken },
      );
      expect(crossed.data?.trackRecommendationEvent?.recorded).not.toBe(1);
      expect(await aSnapshot()).toEqual(before);
    },
    'Query.recommendationPerformance': async () => {
      await victim();
      const range = {
        from: new Date(Date.now() - 24 * HOUR).toISOString(),
        to: new Date(Date.now() + 24 * HOUR).toISOString(),
      };
      const query = `query($range: DateRangeInput!) { recommendationPerformance(range: $range) {
        impressions clicks attributedOrders attributedRevenue byStrategy { strategy impressions clicks attributedOrders } } }`;
      const own = await app.gql(query, { range }, { key: ctx.a.secretKey });
      expect(own.data?.recommendationPerformance).toMatchObject({
        impressions: 2,
        clicks: 1,
        attributedOrders: 1,
        attributedRevenue: 1000,
      });
      const response = await app.gql(query, { range }, { key: ctx.b.secretKey });
      expect(response.errors).toBeUndefined();
      const b = response.data!.recommendationPerformance;
      // B sees its own reports only (the Mutation case may have added one click), never A's.
      expect(b.impressions).toBe(0);
      expect(b.attributedOrders).toBe(0);
      expect(b.attributedRevenue).toBe(0);
      expect(b.byStrategy.every((row: { strategy: string }) => row.strategy !== 'ALSO_BOUGHT')).toBe(true);
    },
  };
};
