/**
 * Widget tests against a real Kanta server (started by test/global-setup.ts): each test file makes
 * its own store, seeds it through the real GraphQL API with the store's secret key, and points the
 * widgets at it with the publishable key. Never imported by index.ts.
 */
import { inject } from 'vitest';
import { configure, resetConfig, setCustomerToken } from '../internal/config.ts';

export interface RealStore {
  storeId: string;
  publishableKey: string;
  secretKey: string;
  endpoint: string;
  /** Runs any GraphQL document with the store's secret key; throws on GraphQL errors. */
  admin<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Runs a document as a storefront (publishable key, optional customer token): raw, no throw. */
  storefront(
    body: Record<string, unknown>,
    customerToken?: string,
  ): Promise<{ status: number; data?: any; errors?: { message: string; extensions?: Record<string, any> }[] }>;
  /** A signed customer token for the shopper with this identity (`web:<externalId>` by convention). */
  token(sub: string): Promise<string>;
  /** Delivers pending domain events (points for orders, live updates, attributions) now. */
  drain(): Promise<void>;
  /** A signed survey invitation link token. */
  surveyLink(input: {
    surveyId: string;
    customerId: string;
    orderId?: string;
    expiresInSeconds?: number;
  }): Promise<string>;
  /** Builds the recommendation models from the store's orders. */
  rebuildRecommendations(): Promise<void>;
  /** Makes this store the page-wide configuration of every widget (and signs `shopper` in, if given). */
  use(shopper?: string): Promise<void>;
}

async function call<T>(action: string, body: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${inject('kanta').control}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const result = await response.json();
  if (!response.ok) throw new Error(`control ${action} failed: ${result.error}`);
  return result as T;
}

/** A new, empty store on the test server. */
export async function createRealStore(name?: string): Promise<RealStore> {
  const { endpoint } = inject('kanta');
  const keys = await call<{ storeId: string; publishableKey: string; secretKey: string }>('store', { name });
  const store: RealStore = {
    ...keys,
    endpoint,
    async admin(query, variables = {}) {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.secretKey}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = await response.json();
      if (body.errors?.length) throw new Error(`admin query failed: ${JSON.stringify(body.errors)}`);
      return body.data;
    },
    async storefront(body, customerToken) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        authorization: `Bearer ${keys.publishableKey}`,
      };
      if (customerToken) headers['x-kanta-customer'] = customerToken;
      const response = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: response.status, ...(await response.json()) };
    },
    async token(sub) {
      return (await call<{ token: string }>('token', { secretKey: keys.secretKey, sub })).token;
    },
    async drain() {
      await call('drain', {});
    },
    async surveyLink(input) {
      return (await call<{ token: string }>('surveyLink', { storeId: keys.storeId, ...input })).token;
    },
    async rebuildRecommendations() {
      await call('rebuildRecommendations', { storeId: keys.storeId });
    },
    async use(shopper) {
      resetConfig();
      configure({ endpoint, key: keys.publishableKey });
      if (shopper) setCustomerToken(await this.token(shopper));
    },
  };
  return store;
}

/** An endpoint where nothing listens: for "the API is down" states. */
export const UNREACHABLE_ENDPOINT = 'http://127.0.0.1:9/graphql';
