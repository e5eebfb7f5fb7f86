import { Client, fetchExchange } from '@urql/core';

export interface KantaClientOptions {
  /** Absolute or page-relative URL of the Kanta GraphQL endpoint. */
  endpoint: string;
  /** The store's publishable key (`pk_...`); safe to embed in public pages. */
  publishableKey: string;
  /**
   * Signed token identifying the signed-in customer, or a function returning
   * it. A function is read on every request, so a token set later (after
   * login) applies without creating a new client.
   */
  customerToken?: string | (() => string | undefined);
  /** Replacement for `globalThis.fetch`, e.g. a stub in tests. */
  fetch?: typeof fetch;
}

/**
 * Creates the GraphQL client every Kanta widget uses.
 *
 * Requests are plain `fetch` POSTs; subscriptions stream over the same fetch
 * as Server-Sent Events (`Accept: text/event-stream`), which graphql-yoga speaks.
 */
export function createKantaClient(options: KantaClientOptions): Client {
  const { endpoint, publishableKey, customerToken } = options;
  return new Client({
    url: endpoint,
    // No document cache: results may depend on the customer token, which can
    // change at any time, and a badge loads its data once. Concurrent identical
    // queries are still deduplicated by the client itself.
    exchanges: [fetchExchange],
    // Always POST: every request carries an Authorization header (so CORS
    // preflights anyway), and POST keeps keys out of URLs and server logs.
    preferGetMethod: false,
    fetchSubscriptions: true,
    fetch: cancellable(options.fetch),
    fetchOptions: () => {
      const headers: Record<string, string> = { authorization: `Bearer ${publishableKey}` };
      const token = typeof customerToken === 'function' ? customerToken() : customerToken;
      if (token) headers['x-kanta-customer'] = token;
      // Keys are bearer credentials, never cookies: widgets run on third-party
      // storefronts and must not ride on the visitor's Kanta session.
      return { headers, credentials: 'omit' };
    },
  });
}

/**
 * urql cancels a request whose result nobody waits for any more (a widget
 * removed mid-load, a superseded load) by aborting its fetch, and when that
 * happens between two steps of reading the response it rethrows the
 * AbortError where no one catches it: an "Uncaught (in promise)" on the
 * storefront's console. Requests are therefore aborted with one marked
 * reason, and only that reason's unhandled rejections are silenced.
 */
const CANCELLED = new DOMException('Kanta request cancelled', 'AbortError');
let listening = false;

function cancellable(base: typeof fetch | undefined): typeof fetch {
  if (!listening && typeof addEventListener === 'function') {
    listening = true;
    addEventListener('unhandledrejection', (event) => {
      if (event.reason === CANCELLED) event.preventDefault();
    });
  }
  return (input, init = {}) => {
    const doFetch = base ?? globalThis.fetch;
    const outer = init.signal;
    if (!outer) return doFetch(input, init);
    const inner = new AbortController();
    const abort = () => inner.abort(CANCELLED);
    if (outer.aborted) abort();
    else outer.addEventListener('abort', abort, { once: true });
    return doFetch(input, { ...init, signal: inner.signal });
  };
}
