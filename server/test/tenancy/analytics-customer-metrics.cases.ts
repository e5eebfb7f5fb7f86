import { expect } from 'vitest';
import { recordOrders } from '../../src/modules/orders/orders.service.ts';
import type { TenancyCases } from './types.ts';

/**
 * Analytics (customer-metrics): store B's secret key against store A's figures. A has two customers
 * buying in March 2019 (one twice, on discount); B has no orders then, so B's reports over March 2019
 * must be empty while A's own are not.
 */
export const customerMetricsCases: TenancyCases = (ctx) => {
  const { app } = ctx;
  const prisma = () => app.db.prisma;
  const RANGE = { from: '2019-03-01T00:00:00.000Z', to: '2019-04-01T00:00:00.000Z' };

  let setup: Promise<void> | undefined;
  const victim = () => {
    setup ??= (async () => {
      const order = (externalId: string, customer: string, day: number, discount: number) => ({
        externalId,
        channel: 'ONLINE' as const,
        placedAt: new Date(Date.UTC(2019, 2, day, 12)),
        customer: { identities: [{ source: 'web', externalId: customer }] },
        lines: [{ sku: 'A-CM', name: 'A metrics product', quantity: 1, unitPrice: 1_000, discount }],
      });
      await recordOrders(prisma(), ctx.a.id, [
        order('A-CM-1', 'cm-victim-1', 5, 100),
        order('A-CM-2', 'cm-victim-1', 12, 100),
        order('A-CM-3', 'cm-victim-2', 20, 0),
      ]);
      // B has nothing in the range (other modules' cases record B orders "now", not in 2019).
      const inRange = { gte: new Date(RANGE.from), lt: new Date(RANGE.to) };
      expect(await prisma().order.count({ where: { storeId: ctx.b.id, placedAt: inRange } })).toBe(0);
      expect(await prisma().order.count({ where: { storeId: ctx.a.id, placedAt: inRange } })).toBe(3);
    })();
    return setup;
  };

  const asA = (query: string, variables: Record<string, unknown> = {}) =>
    app.gql(query, variables, { key: ctx.a.secretKey });
  const asB = (query: string, variables: Record<string, unknown> = {}) =>
    app.gql(query, variables, { key: ctx.b.secretKey });

  return {
    'Query.customerMetrics': async () => {
      await victim();
      const query = `query($range: DateRangeInput!) { customerMetrics(range: $range) {
        orders: total(metric: ORDERS) { value } active: total(metric: ACTIVE_CUSTOMERS) { value }
        revenue: series(metric: REVENUE) { value } clv: total(metric: HISTORIC_CLV) { value count } } }`;
      const a = await asA(query, { range: RANGE });
      expect(a.data?.customerMetrics.orders.value).toBe(3);
      const b = await asB(query, { range: RANGE });
      expect(b.errors).toBeUndefined();
      expect(b.data?.customerMetrics).toMatchObject({
        orders: { value: 0 },
        active: { value: 0 },
        revenue: [{ value: 0 }],
      });
      // B's historic CLV counts only B's customers who bought before April 2019: none.
      expect(b.data?.customerMetrics.clv).toEqual({ value: null, count: 0 });
    },
    'Query.cohortRetention': async () => {
      await victim();
      const query = `query($from: DateTime!, $to: DateTime!) { cohortRetention(from: $from, to: $to) { cohorts { cohort size } } }`;
      const a = await asA(query, RANGE);
      expect(a.data?.cohortRetention.cohorts).toEqual([{ cohort: '2019-03', size: 2 }]);
      const b = await asB(query, RANGE);
      expect(b.errors).toBeUndefined();
      expect(b.data?.cohortRetention.cohorts).toEqual([]);
    },
    'Query.discountDependence': async () => {
      await victim();
      const query = `query($range: DateRangeInput!) { discountDependence(range: $range) { orders discountedOrders repeatCustomers dependentCustomers } }`;
      const a = await asA(query, { range: RANGE });
      expect(a.data?.discountDependence).toEqual({
        orders: 3,
        discountedOrders: 2,
        repeatCustomers: 1,
        dependentCustomers: 1,
      });
      const b = await asB(query, { range: RANGE });
      expect(b.errors).toBeUndefined();
      expect(b.data?.discountDependence).toEqual({
        orders: 0,
        discountedOrders: 0,
        repeatCustomers: 0,
        dependentCustomers: 0,
      });
    },
  };
};
