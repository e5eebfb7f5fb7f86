import { type AnyVariables, Client, type DocumentInput, fetchExchange } from '@urql/core';

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
 * Requests are plain `fetch` POSTs; subscriptions are not supported yet.
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
    fetch: options.fetch,
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
 * Runs one query and resolves with its data. Rejects with the `CombinedError`
 * on network or GraphQL errors, and with `signal.reason` when aborted, in
 * which case the HTTP request is cancelled too.
 */
export function runQuery<Data, Variables extends AnyVariables = AnyVariables>(
  client: Client,
  query: DocumentInput<Data, Variables>,
  variables: Variables,
  signal: AbortSignal,
): Promise<Data> {
  return new Promise<Data>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let settled = false;
    let subscription: { unsubscribe(): void } | undefined;
    const settle = () => {
      settled = true;
      signal.removeEventListener('abort', onAbort);
      // Unsubscribing tears the operation down, which aborts its fetch.
      subscription?.unsubscribe();
    };
    const onAbort = () => {
      if (settled) return;
      settle();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort);
    subscription = client.query(query, variables).subscribe((result) => {
      if (settled) return;
      settle();
      if (result.error) reject(result.error);
      else if (result.data === undefined) reject(new Error('Kanta API returned no data'));
      else resolve(result.data);
    });
    // A synchronous result (no network involved) arrives before `subscription`
    // is assigned above.
    if (settled) subscription.unsubscribe();
  });
}
