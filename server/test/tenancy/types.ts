import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import type { TestApp } from '../harness.ts';

export interface TenancyContext {
  app: TestApp;
  /** The victim: its data must stay invisible and unchanged. */
  a: CreatedStore;
  /** The attacker: every request uses store B's keys. */
  b: CreatedStore;
}

/**
 * One case per root field, keyed "Query.field" / "Mutation.field"; each asserts B never reaches A.
 * Cases are built before the stores exist: read `context.a` / `context.b` inside each case, never at the top.
 */
export type TenancyCases = (context: TenancyContext) => Record<string, () => Promise<void>>;
