import { expect } from 'vitest';
import { createTarget } from '../../src/modules/analytics/targets.service.ts';
import type { TenancyCases } from './types.ts';

/** Analytics (targets): store B's secret key against store A's figures. */
export const targetsCases: TenancyCases = (ctx) => {
  const prisma = () => ctx.app.db.prisma;

  /** Store A: a target with one stored result. */
  let setup: Promise<{ targetId: string }> | undefined;
  const victim = () => {
    setup ??= (async () => {
      const target = await createTarget(prisma(), ctx.a.id, {
        name: 'A target',
        metric: 'NPS',
        comparator: 'AT_LEAST',
        value: 40,
        granularity: 'MONTH',
      });
      await prisma().metricTargetResult.create({
        data: {
          storeId: ctx.a.id,
          targetId: target.id,
          periodStart: new Date('2026-01-01T00:00:00Z'),
          periodEnd: new Date('2026-02-01T00:00:00Z'),
          value: 12,
          count: 5,
          status: 'OFF_TRACK',
        },
      });
      return { targetId: target.id };
    })();
    return setup;
  };

  /** A's target and its results are as the setup left them. */
  const unchanged = async () => {
    const { targetId } = await victim();
    expect(await prisma().metricTarget.findUniqueOrThrow({ where: { id: targetId } })).toMatchObject({
      storeId: ctx.a.id,
      name: 'A target',
      value: 40,
      active: true,
    });
    const results = await prisma().metricTargetResult.findMany({ where: { targetId } });
    expect(results.map((result) => [result.value, result.status])).toEqual([[12, 'OFF_TRACK']]);
  };

  const asB = (query: string, variables: Record<string, unknown> = {}) =>
    ctx.app.gql(query, variables, { key: ctx.b.secretKey });

  return {
    'Query.metricTargets': async () => {
      const { targetId } = await victim();
      const response = await asB('{ metricTargets { id name history { value } } }');
      expect(response.errors).toBeUndefined();
      expect(response.data?.metricTargets.map((target: { id: string }) => target.id)).not.toContain(targetId);
    },
    'Mutation.createMetricTarget': async () => {
      await victim();
      // Names are unique per store: B may use A's name, and gets its own target.
      const response = await asB(
        `mutation { createMetricTarget(input: { name: "A target", metric: NPS, comparator: AT_LEAST, value: 1, granularity: MONTH }) {
          __typename ... on MetricTarget { id } } }`,
      );
      expect(response.data?.createMetricTarget.__typename).toBe('MetricTarget');
      const created = await prisma().metricTarget.findUniqueOrThrow({
        where: { id: response.data?.createMetricTarget.id },
      });
      expect(created.storeId).toBe(ctx.b.id);
      await unchanged();
    },
    'Mutation.updateMetricTarget': async () => {
      const { targetId } = await victim();
      const response = await asB(
        `mutation($id: ID!) { updateMetricTarget(id: $id, input: { value: 99, active: false }) { __typename } }`,
        { id: targetId },
      );
      expect(response.data?.updateMetricTarget.__typename).toBe('NotFoundError');
      await unchanged();
    },
    'Mutation.deleteMetricTarget': async () => {
      const { targetId } = await victim();
      const response = await asB('mutation($id: ID!) { deleteMetricTarget(id: $id) { __typename } }', { id: targetId });
      expect(response.data?.deleteMetricTarget.__typename).toBe('NotFoundError');
      await unchanged();
    },
    'Mutation.evaluateMetricTargets': async () => {
      const { targetId } = await victim();
      const response = await asB('mutation { evaluateMetricTargets { targetId } }');
      expect(response.errors).toBeUndefined();
      expect(response.data?.evaluateMetricTargets.map((result: { targetId: string }) => result.targetId)).not.toContain(
        targetId,
      );
      await unchanged();
    },
  };
};
