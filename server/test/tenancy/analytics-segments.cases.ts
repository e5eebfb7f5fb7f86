import { expect } from 'vitest';
import { recomputeRfm } from '../../src/modules/analytics/rfm.service.ts';
import { recordOrders } from '../../src/modules/orders/orders.service.ts';
import type { TenancyCases } from './types.ts';

/** Analytics (segments): store B's secret key against store A's figures. */
export const segmentsCases: TenancyCases = (ctx) => {
  const prisma = () => ctx.app.db.prisma;
  const computedAt = new Date('2026-01-15T00:00:00Z');

  /** Store A: two customers with purchases, scored as of `computedAt`. */
  let setup: Promise<{ customerIds: string[] }> | undefined;
  const victim = () => {
    setup ??= (async () => {
      await recordOrders(
        prisma(),
        ctx.a.id,
        ['rfm-a1', 'rfm-a2'].map((key, index) => ({
          externalId: `A-RFM-${index}`,
          channel: 'ONLINE' as const,
          placedAt: new Date(computedAt.getTime() - (index + 1) * 86_400_000),
          customer: { identities: [{ source: 'web', externalId: key }] },
          lines: [{ sku: 'A-RFM', name: 'A thing', quantity: 1, unitPrice: 1_000 * (index + 1) }],
        })),
      );
      await recomputeRfm(prisma(), ctx.a.id, { now: computedAt });
      const rows = await prisma().customerRfm.findMany({ where: { storeId: ctx.a.id }, select: { customerId: true } });
      expect(rows.length).toBeGreaterThanOrEqual(2);
      return { customerIds: rows.map((row) => row.customerId) };
    })();
    return setup;
  };

  /** A's scores are exactly as the setup left them. */
  const unchanged = async () => {
    const { customerIds } = await victim();
    const rows = await prisma().customerRfm.findMany({ where: { storeId: ctx.a.id } });
    expect(rows.map((row) => row.customerId).sort()).toEqual([...customerIds].sort());
    for (const row of rows) expect(row.computedAt).toEqual(computedAt);
  };

  const asB = (query: string, variables: Record<string, unknown> = {}) =>
    ctx.app.gql(query, variables, { key: ctx.b.secretKey });

  return {
    'Query.rfmSegments': async () => {
      const { customerIds } = await victim();
      const response = await asB('{ rfmSegments { customers segments { customers } } }');
      expect(response.errors).toBeUndefined();
      const bScored = await prisma().customerRfm.count({ where: { storeId: ctx.b.id } });
      expect(response.data?.rfmSegments.customers).toBe(bScored);
      expect(bScored).toBe(0);
      // B's customer list filtered by segment never shows A's scored customers either.
      const listed = await asB(
        '{ customers(first: 100, filter: { rfmSegment: CHAMPIONS }) { edges { node { id } } } }',
      );
      for (const id of customerIds) expect(JSON.stringify(listed.data)).not.toContain(id);
    },
    'Mutation.recomputeRfm': async () => {
      await victim();
      const response = await asB('mutation { recomputeRfm { customers } }');
      expect(response.errors).toBeUndefined();
      expect(response.data?.recomputeRfm.customers).toBe(
        await prisma().customerRfm.count({ where: { storeId: ctx.b.id } }),
      );
      await unchanged();
    },
  };
};
