import { expect } from 'vitest';
import { fitCustomerModels, latestFit } from '../../src/modules/analytics/clv/clv.service.ts';
import { type OrderInput, recordOrders } from '../../src/modules/orders/orders.service.ts';
import type { TenancyCases } from './types.ts';

/** Analytics (clv): store B's secret key against store A's model fit and predictions. */
export const clvCases: TenancyCases = (ctx) => {
  const { app } = ctx;
  const prisma = () => app.db.prisma;
  const DAY = 86_400_000;

  /** Store A: 25 customers with repeat purchases, fitted. */
  let setup: Promise<{ fitId: string; customerId: string }> | undefined;
  const victim = () => {
    setup ??= (async () => {
      const start = Date.now() - 200 * DAY;
      const orders: OrderInput[] = [];
      for (let i = 0; i < 25; i++)
        for (let k = 0; k < 2 + (i % 3); k++)
          orders.push({
            externalId: `A-CLV-${i}-${k}`,
            channel: 'ONLINE',
            placedAt: new Date(start + (i + k * (10 + i)) * DAY),
            customer: { identities: [{ source: 'web', externalId: `clv-victim-${i}` }] },
            lines: [{ sku: 'A-CLV', name: 'A thing', quantity: 1, unitPrice: 1000 + 10 * i + k }],
          });
      await recordOrders(prisma(), ctx.a.id, orders);
      const fit = await fitCustomerModels(prisma(), ctx.a.id);
      const identity = await prisma().customerIdentity.findFirstOrThrow({
        where: { storeId: ctx.a.id, source: 'web', externalId: 'clv-victim-0' },
      });
      return { fitId: fit.id, customerId: identity.customerId };
    })();
    return setup;
  };
  const asB = (query: string, variables: Record<string, unknown> = {}) =>
    app.gql(query, variables, { key: ctx.b.secretKey });

  return {
    'Query.customerModel': async () => {
      const { fitId, customerId } = await victim();
      const response = await asB('{ customerModel { id customers } }');
      const own = await latestFit(prisma(), ctx.b.id);
      expect(response.data?.customerModel?.id ?? null).toBe(own?.id ?? null);
      expect(response.data?.customerModel?.id).not.toBe(fitId);
      // A's customer (and so its prediction) is not reachable through B.
      const prediction = await asB('query($id: ID!) { customer(id: $id) { prediction { probabilityAlive } } }', {
        id: customerId,
      });
      expect(prediction.data?.customer).toBeNull();
      const a = await app.gql('{ customerModel { id } }', {}, { key: ctx.a.secretKey });
      expect(a.data?.customerModel.id).toBe(fitId);
    },
    'Mutation.fitCustomerModels': async () => {
      const { fitId } = await victim();
      const fits = await prisma().customerModelFit.count({ where: { storeId: ctx.a.id } });
      const before = await prisma().customerPrediction.findMany({
        where: { storeId: ctx.a.id },
        orderBy: { customerId: 'asc' },
      });
      const response = await asB(
        'mutation { fitCustomerModels { __typename ... on CustomerModelFit { id customers } ... on InvalidInputError { field } } }',
      );
      const result = response.data?.fitCustomerModels;
      if (result.__typename === 'CustomerModelFit') {
        // B's own customers only.
        const fit = await prisma().customerModelFit.findUniqueOrThrow({ where: { id: result.id } });
        expect(fit.storeId).toBe(ctx.b.id);
        expect(result.customers).toBeLessThan(25);
      } else expect(result).toEqual({ __typename: 'InvalidInputError', field: 'store' });
      // A's fit and predictions are untouched.
      expect((await latestFit(prisma(), ctx.a.id))?.id).toBe(fitId);
      expect(await prisma().customerModelFit.count({ where: { storeId: ctx.a.id } })).toBe(fits);
      const after = await prisma().customerPrediction.findMany({
        where: { storeId: ctx.a.id },
        orderBy: { customerId: 'asc' },
      });
      expect(after).toEqual(before);
      expect(before.length).toBeGreaterThanOrEqual(25);
    },
  };
};
