import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CreatedStore } from '../src/modules/stores/stores.service.ts';
import { schema } from '../src/schema.ts';
import { createTestApp, type TestApp } from './harness.ts';
import { clvCases } from './tenancy/analytics-clv.cases.ts';
import { customerMetricsCases } from './tenancy/analytics-customer-metrics.cases.ts';
import { dashboardCases } from './tenancy/analytics-dashboard.cases.ts';
import { satisfactionCases } from './tenancy/analytics-satisfaction.cases.ts';
import { segmentsCases } from './tenancy/analytics-segments.cases.ts';
import { targetsCases } from './tenancy/analytics-targets.cases.ts';
import { customerCases } from './tenancy/customers.cases.ts';
import { feedbackCases } from './tenancy/feedback.cases.ts';
import { loyaltyCases } from './tenancy/loyalty.cases.ts';
import { orderCases } from './tenancy/orders.cases.ts';
import { productCases } from './tenancy/products.cases.ts';
import { recommendationBuildsCases } from './tenancy/recommendation-builds.cases.ts';
import { recommendationEventsCases } from './tenancy/recommendation-events.cases.ts';
import { recommendationsCases } from './tenancy/recommendations.cases.ts';
import { storeCases } from './tenancy/stores.cases.ts';
import type { TenancyCases } from './tenancy/types.ts';
import { webhookCases } from './tenancy/webhooks.cases.ts';

/** Every module's isolation cases; a module adding root fields adds its cases file here. */
const moduleCases: TenancyCases[] = [
  storeCases,
  customerCases,
  orderCases,
  productCases,
  webhookCases,
  loyaltyCases,
  feedbackCases,
  satisfactionCases,
  customerMetricsCases,
  clvCases,
  segmentsCases,
  targetsCases,
  dashboardCases,
  recommendationsCases,
  recommendationEventsCases,
  recommendationBuildsCases,
];

/**
 * Tenant isolation, field by field: for every root field, a key of store B tries to read or change
 * store A's data. A new root field without a case here fails the completeness test below.
 */
let app: TestApp;
let a: CreatedStore;
let b: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  a = await app.createStore('Store A');
  b = await app.createStore('Store B');
});
afterAll(() => app.close());

const cases: Record<string, () => Promise<void>> = {};
for (const moduleCase of moduleCases) {
  Object.assign(
    cases,
    moduleCase({
      app: new Proxy({} as TestApp, { get: (_target, property) => app[property as keyof TestApp] }),
      get a() {
        return a;
      },
      get b() {
        return b;
      },
    }),
  );
}

describe('a key of store B never reaches store A', () => {
  test('every root field has an isolation case', () => {
    const rootFields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
      .filter((type) => type != null)
      .flatMap((type) => Object.keys(type.getFields()).map((field) => `${type.name}.${field}`));
    expect(rootFields.filter((field) => !(field in cases))).toEqual([]);
  });

  for (const [field, run] of Object.entries(cases)) test(field, run);
});
