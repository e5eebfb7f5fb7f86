import { expect } from 'vitest';
import { recordOrders } from '../../src/modules/orders/orders.service.ts';
import type { TenancyCases } from './types.ts';

/** Analytics (dashboard, metricSeries): store B's secret key never sees store A's figures. */
export const dashboardCases: TenancyCases = (ctx) => {
  const range = { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };
  let setup: Promise<unknown> | undefined;
  // Store A sold 12 345 in March 2026 to a registered customer.
  const victim = () =>
    (setup ??= recordOrders(ctx.app.db.prisma, ctx.a.id, [
      {
        externalId: 'A-DASH-1',
        customer: { email: 'dash-victim@example.com' },
        channel: 'ONLINE',
        placedAt: new Date('2026-03-10T12:00:00Z'),
        currency: 'EUR',
        lines: [{ sku: 'A-DASH', name: 'A dashboard product', quantity: 1, unitPrice: 12_345 }],
      },
    ]));

  return {
    'Query.dashboard': async () => {
      await victim();
      const { data, errors } = await ctx.app.gql(
        'query ($range: DateRangeInput) { dashboard(range: $range, fresh: true) { kpis { metric value count } segments { customers } } }',
        { range },
        { key: ctx.b.secretKey },
      );
      expect(errors).toBeUndefined();
      const kpis = data!.dashboard.kpis as { metric: string; value: number | null; count: number }[];
      expect(kpis.find((kpi) => kpi.metric === 'REVENUE')?.value ?? 0).toBe(0);
      expect(kpis.find((kpi) => kpi.metric === 'ACTIVE_CUSTOMERS')?.value ?? 0).toBe(0);
      expect(data!.dashboard.segments).toEqual([]);
    },
    'Query.metricSeries': async () => {
      await victim();
      const { data, errors } = await ctx.app.gql(
        'query ($range: DateRangeInput!) { metricSeries(metric: REVENUE, range: $range) { total { value count } } }',
        { range },
        { key: ctx.b.secretKey },
      );
      expect(errors).toBeUndefined();
      expect(data!.metricSeries.total.value ?? 0).toBe(0);
      expect(data!.metricSeries.total.count).toBe(0);
    },
  };
};
