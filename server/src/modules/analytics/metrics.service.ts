import { InvalidInputError } from '../../errors.ts';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import { caseMetricSeries } from './cases-metrics.service.ts';
import { customerMetricSeries } from './customer-metrics.service.ts';
import type { AnalyticsMetric, SeriesPoint } from './metrics.ts';
import type { DateRange, Granularity } from './periods.ts';
import { responseCountSeries, satisfactionSeries } from './satisfaction.service.ts';

type Db = PrismaClient | Prisma.TransactionClient;

export interface MetricQuery {
  range: DateRange;
  granularity: Granularity;
  /** CASES_RESOLVED_IN_TIME: how soon a case must be closed (default 48 h). */
  withinHours?: number | undefined;
  /** Evaluation instant for metrics that depend on it (open cases); default now. */
  now?: Date | undefined;
}

export interface MetricResult {
  points: SeriesPoint[];
  /** The metric over the whole range. */
  total: SeriesPoint;
}

export type MetricSeriesFn = (
  db: Db,
  storeId: string,
  metric: AnalyticsMetric,
  query: MetricQuery,
) => Promise<MetricResult>;

/**
 * Any metric by name, as a chart series: the one entry point targets, `metricSeries` and the dashboard
 * use. Each family computes its figures in SQL (satisfaction, follow-up cases, customers and sales).
 */
export const metricSeries: MetricSeriesFn = async (db, storeId, metric, query) => {
  switch (metric) {
    case 'NPS':
    case 'CSAT':
    case 'CES':
      return satisfactionSeries(db, storeId, { type: metric, range: query.range, granularity: query.granularity });
    case 'RESPONSES':
      return responseCountSeries(db, storeId, { range: query.range, granularity: query.granularity });
    case 'CASES_RESOLVED_IN_TIME':
    case 'CASE_RESOLUTION_HOURS':
      return caseMetricSeries(db, storeId, {
        metric,
        range: query.range,
        granularity: query.granularity,
        withinHours: query.withinHours ?? 48,
        now: query.now ?? new Date(),
      });
    default: {
      const report = await customerMetricSeries(db, storeId, { range: query.range, granularity: query.granularity });
      const points = report.values[metric];
      const total = report.total[metric];
      if (!points || !total) throw new InvalidInputError('metric', `${metric} is not a known metric`);
      return { points, total };
    }
  }
};
