import { builder } from './builder.ts';
import './errors.schema.ts';
import './modules/stores/stores.schema.ts';

export const schema = builder.toSchema();
