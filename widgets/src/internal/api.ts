import type { Client, CombinedError, OperationResult } from '@urql/core';
import { asDocument, type KantaOperation } from './operation.ts';

/** Operation variables: a plain JSON object. */
export type Variables = Record<string, unknown>;

/**
 * What widgets use to talk to Kanta: persisted operations only (see
 * scripts/operations.mjs), over the page's shared urql client.
 *
 * Every method rejects (or calls `onError`) with a `KantaApiError` on network
 * failures, HTTP errors and GraphQL errors; union results such as
 * `InvalidInputError` are data and reach the widget as such.
 */
export class KantaApi {
  constructor(readonly client: Client) {}

  /** Runs a query; aborting `signal` cancels the HTTP request and rejects with `signal.reason`. */
  query<Data>(operation: KantaOperation, variables: Variables, signal?: AbortSignal): Promise<Data> {
    return this.once<Data>(operation, variables, signal);
  }

  /** Runs a mutation (never deduplicated or cached). */
  mutate<Data>(operation: KantaOperation, variables: Variables, signal?: AbortSignal): Promise<Data> {
    return this.once<Data>(operation, variables, signal);
  }

  /**
   * Subscribes over Server-Sent Events; `onData` gets every event. Returns
   * the function that ends the subscription. An error ends it too.
   */
  subscribe<Data>(
    operation: KantaOperation,
    variables: Variables,
    onData: (data: Data) => void,
    onError: (error: KantaApiError) => void = () => {},
  ): () => void {
    const source = this.client.subscription(asDocument<Data>(operation), variables);
    const { unsubscribe } = source.subscribe((result) => {
      if (result.error) onError(toApiError(result.error));
      else if (result.data !== undefined && result.data !== null) onData(result.data as Data);
    });
    return unsubscribe;
  }

  private once<Data>(operation: KantaOperation, variables: Variables, signal?: AbortSignal): Promise<Data> {
    return new Promise<Data>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      let settled = false;
      let subscription: { unsubscribe(): void } | undefined;
      const settle = () => {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        // Unsubscribing tears the operation down, which aborts its fetch.
        subscription?.unsubscribe();
      };
      const onAbort = () => {
        if (settled) return;
        settle();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort);
      const document = asDocument<Data>(operation);
      const source =
        operation.operation === 'mutation'
          ? this.client.mutation(document, variables, { requestPolicy: 'network-only' })
          : this.client.query(document, variables, { requestPolicy: 'network-only' });
      subscription = source.subscribe((result: OperationResult<Data>) => {
        if (settled) return;
        settle();
        if (result.error) reject(toApiError(result.error));
        else if (result.data === undefined || result.data === null)
          reject(new KantaApiError('Kanta API returned no data'));
        else resolve(result.data);
      });
      // A synchronous result (no network involved) arrives before `subscription` is assigned.
      if (settled) subscription.unsubscribe();
    });
  }
}

/** A failed request: `network` when the server was not reached (offline, CORS, 5xx without a body). */
export class KantaApiError extends Error {
  override name = 'KantaApiError';
  constructor(
    message: string,
    readonly network = false,
    /** GraphQL error codes (`extensions.code`), e.g. FORBIDDEN, PERSISTED_DOCUMENT_NOT_FOUND. */
    readonly codes: readonly string[] = [],
  ) {
    super(message);
  }
}

function toApiError(error: CombinedError): KantaApiError {
  const codes = error.graphQLErrors
    .map((graphQLError) => graphQLError.extensions?.code)
    .filter((code): code is string => typeof code === 'string');
  return new KantaApiError(error.message, Boolean(error.networkError), codes);
}
