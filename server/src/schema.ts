import { builder } from './builder.ts';
import './errors.schema.ts';
import './modules/stores/stores.schema.ts';
import './modules/customers/customers.schema.ts';
import './modules/products/products.schema.ts';
import './modules/orders/orders.schema.ts';
import './modules/webhooks/webhooks.schema.ts';
import './modules/customers/me.schema.ts';
import './modules/loyalty/loyalty.schema.ts';
import './modules/feedback/feedback.schema.ts';
import './modules/feedback/review-eligibility.schema.ts';
import './modules/analytics/analytics.types.schema.ts';
import './modules/analytics/satisfaction.schema.ts';
import './modules/analytics/customer-metrics.schema.ts';
import './modules/analytics/clv.schema.ts';
import './modules/analytics/segments.schema.ts';
import './modules/analytics/targets.schema.ts';
import './modules/analytics/analytics.schema.ts';
import './modules/recommendations/recommendations.schema.ts';
import './modules/recommendations/recommendation-events.schema.ts';
import './modules/recommendations/recommendation-builds.schema.ts';

// Live updates (over SSE); like the other roots, every field needs a key unless it says otherwise.
builder.subscriptionType({ authScopes: { store: true } });

export const schema = builder.toSchema();
