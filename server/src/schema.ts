import { builder } from './builder.ts';
import './errors.schema.ts';
import './modules/stores/stores.schema.ts';
import './modules/customers/customers.schema.ts';
import './modules/products/products.schema.ts';
import './modules/orders/orders.schema.ts';
import './modules/webhooks/webhooks.schema.ts';

export const schema = builder.toSchema();
