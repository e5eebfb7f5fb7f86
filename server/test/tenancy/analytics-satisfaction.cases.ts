import { expect } from 'vitest';
import { createSegment } from '../../src/modules/customers/customers.service.ts';
import { createSurvey } from '../../src/modules/feedback/surveys.service.ts';
import type { TenancyCases } from './types.ts';

/**
 * Analytics (satisfaction): store B's secret key against store A's figures. A has NPS answers from
 * January 2026, an overdue follow-up case and a segment; B's reports must count only B's own rows
 * (other modules' cases may give B rows of its own, so B's figures are compared with B's rows).
 */
export const satisfactionCases: TenancyCases = (ctx) => {
  const { app } = ctx;
  const prisma = () => app.db.prisma;
  const RANGE = { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };
  const inRange = { gte: new Date(RANGE.from), lt: new Date(RANGE.to) };

  let setup: Promise<{ segmentId: string }> | undefined;
  const victim = () => {
    setup ??= (async () => {
      const storeId = ctx.a.id;
      const survey = await createSurvey(prisma(), storeId, {
        name: 'A satisfaction',
        type: 'NPS',
        trigger: 'ALWAYS_ON',
      });
      const customer = await prisma().customer.create({ data: { storeId, tags: ['a-vip'] } });
      const responses = [];
      for (const [score, day] of [
        [10, 10],
        [2, 11],
      ] as const)
        responses.push(
          await prisma().surveyResponse.create({
            data: {
              storeId,
              surveyId: survey.id,
              type: 'NPS',
              score,
              customerId: customer.id,
              channel: 'ONLINE',
              via: 'ADMIN',
              createdAt: new Date(Date.UTC(2026, 0, day, 12)),
            },
          }),
        );
      await prisma().followUpCase.create({
        data: {
          storeId,
          responseId: responses[1]!.id,
          customerId: customer.id,
          createdAt: new Date(Date.UTC(2026, 0, 11, 12)),
          dueAt: new Date(Date.UTC(2026, 0, 12, 12)),
        },
      });
      const segmentId = await createSegment(prisma(), storeId, {
        name: 'A satisfaction VIP',
        filter: { tags: ['a-vip'] },
      });
      return { segmentId };
    })();
    return setup;
  };

  const asA = (query: string, variables: Record<string, unknown> = {}) =>
    app.gql(query, variables, { key: ctx.a.secretKey });
  const asB = (query: string, variables: Record<string, unknown> = {}) =>
    app.gql(query, variables, { key: ctx.b.secretKey });

  const SATISFACTION = `
    query($range: DateRangeInput!, $filter: SatisfactionFilterInput) {
      satisfaction(type: NPS, range: $range, filter: $filter) {
        total { count }
        series { count }
        breakdown(by: SURVEY) { key count }
      }
    }`;
  const FOLLOW_UP = `
    query($range: DateRangeInput!) {
      followUpMetrics(range: $range) {
        opened open overdue
        resolvedInTime { total { count } }
      }
    }`;

  return {
    'Query.satisfaction': async () => {
      const { segmentId } = await victim();
      const aReport = await asA(SATISFACTION, { range: RANGE });
      expect(aReport.data?.satisfaction.total.count).toBeGreaterThanOrEqual(2);
      const bOwn = await prisma().surveyResponse.count({
        where: { storeId: ctx.b.id, type: 'NPS', createdAt: inRange },
      });
      const bReport = await asB(SATISFACTION, { range: RANGE });
      expect(bReport.errors).toBeUndefined();
      expect(bReport.data?.satisfaction.total.count).toBe(bOwn);
      expect(bReport.data?.satisfaction.series[0].count).toBe(bOwn);
      const aSurveys = await prisma().survey.findMany({ where: { storeId: ctx.a.id }, select: { id: true } });
      for (const row of bReport.data?.satisfaction.breakdown ?? [])
        expect(aSurveys.map((survey) => survey.id)).not.toContain(row.key);
      // A's segment cannot be used as a filter by B.
      const bySegment = await asB(SATISFACTION, { range: RANGE, filter: { segmentId } });
      expect(bySegment.data?.satisfaction ?? null).toBeNull();
      expect(bySegment.errors?.[0]?.extensions?.issues?.[0]?.field).toBe('filter.segmentId');
    },
    'Query.followUpMetrics': async () => {
      await victim();
      const aMetrics = await asA(FOLLOW_UP, { range: RANGE });
      expect(aMetrics.data?.followUpMetrics.opened).toBeGreaterThanOrEqual(1);
      expect(aMetrics.data?.followUpMetrics.overdue).toBeGreaterThanOrEqual(1);
      const bMetrics = await asB(FOLLOW_UP, { range: RANGE });
      expect(bMetrics.errors).toBeUndefined();
      const bOpened = await prisma().followUpCase.count({ where: { storeId: ctx.b.id, createdAt: inRange } });
      const bOpen = await prisma().followUpCase.count({
        where: { storeId: ctx.b.id, status: { in: ['OPEN', 'IN_PROGRESS'] } },
      });
      const bOverdue = await prisma().followUpCase.count({
        where: { storeId: ctx.b.id, status: { in: ['OPEN', 'IN_PROGRESS'] }, dueAt: { lt: new Date() } },
      });
      expect(bMetrics.data?.followUpMetrics).toMatchObject({ opened: bOpened, open: bOpen, overdue: bOverdue });
      expect(bMetrics.data?.followUpMetrics.resolvedInTime.total.count).toBe(bOpened);
    },
  };
};
