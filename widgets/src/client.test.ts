import type { Client } from '@urql/core';
import { describe, expect, test } from 'vitest';
import { createKantaClient } from './client.ts';
import { KantaStorefront } from './generated/operations.ts';
import { KantaApi, KantaApiError } from './internal/api.ts';
import { abortable, deferred, fakeFetch, graphqlResponse } from './testing/widget-testing.ts';

// Widgets send persisted operations only: an id, never GraphQL text.
const query = KantaStorefront;
const runQuery = (client: Client, operation: typeof query, variables: Record<string, unknown>, signal: AbortSignal) =>
  new KantaApi(client).query(operation, variables, signal);
const ok = () => graphqlResponse({ data: { storefront: { name: 'Shop', defaultLocale: 'en' } } });

describe('createKantaClient', () => {
  test('POSTs to the endpoint with the publishable key as a bearer token and no cookies', async () => {
    const api = fakeFetch(ok);
    const client = createKantaClient({
      endpoint: 'https://kanta.test/graphql',
      publishableKey: 'pk_live_1',
      fetch: api.fetch,
    });

    const data = await runQuery(client, query, {}, new AbortController().signal);

    expect(data).toEqual({ storefront: { name: 'Shop', defaultLocale: 'en' } });
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request?.url).toBe('https://kanta.test/graphql');
    expect(request?.headers.get('authorization')).toBe('Bearer pk_live_1');
    expect(request?.headers.get('content-type')).toBe('application/json');
    expect(request?.headers.has('x-kanta-customer')).toBe(false);
    expect(request?.body.query).toBeUndefined();
    expect(request?.body.documentId).toBe(KantaStorefront.documentId);
  });

  test('sends X-Kanta-Customer when a customer token is set', async () => {
    const api = fakeFetch(ok);
    const client = createKantaClient({
      endpoint: '/graphql',
      publishableKey: 'pk',
      customerToken: 'ct_abc',
      fetch: api.fetch,
    });

    await runQuery(client, query, {}, new AbortController().signal);

    expect(api.requests[0]?.headers.get('x-kanta-customer')).toBe('ct_abc');
  });

  test('reads a customer token function on every request (sign-in after page load)', async () => {
    const api = fakeFetch(ok);
    let token: string | undefined;
    const client = createKantaClient({
      endpoint: '/graphql',
      publishableKey: 'pk',
      customerToken: () => token,
      fetch: api.fetch,
    });

    await runQuery(client, query, {}, new AbortController().signal);
    token = 'ct_after_login';
    await runQuery(client, query, {}, new AbortController().signal);

    expect(api.requests.map((request) => request.headers.get('x-kanta-customer'))).toEqual([null, 'ct_after_login']);
  });
});

describe('KantaApi', () => {
  test('rejects with a KantaApiError carrying the GraphQL message and codes', async () => {
    const api = fakeFetch(() =>
      graphqlResponse(
        { errors: [{ message: 'Unknown publishable key', extensions: { code: 'UNAUTHENTICATED' } }] },
        401,
      ),
    );
    const client = createKantaClient({ endpoint: '/graphql', publishableKey: 'pk', fetch: api.fetch });

    const error = (await runQuery(client, query, {}, new AbortController().signal).catch(
      (caught: unknown) => caught,
    )) as KantaApiError;
    expect(error).toBeInstanceOf(KantaApiError);
    expect(error.message).toContain('Unknown publishable key');
    expect(error.codes).toEqual(['UNAUTHENTICATED']);
    expect(error.network).toBe(false);
  });

  test('a network failure is a KantaApiError with network set', async () => {
    const api = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const client = createKantaClient({ endpoint: '/graphql', publishableKey: 'pk', fetch: api.fetch });
    const error = (await runQuery(client, query, {}, new AbortController().signal).catch(
      (caught: unknown) => caught,
    )) as KantaApiError;
    expect(error).toBeInstanceOf(KantaApiError);
    expect(error.network).toBe(true);
  });

  test('aborting rejects at once and cancels the HTTP request', async () => {
    const api = fakeFetch((request) => abortable(deferred<Response>().promise, request.signal));
    const client = createKantaClient({ endpoint: '/graphql', publishableKey: 'pk', fetch: api.fetch });
    const abortController = new AbortController();

    const result = runQuery(client, query, {}, abortController.signal);
    await expect.poll(() => api.requests.length).toBe(1);
    abortController.abort(new Error('widget removed'));

    await expect(result).rejects.toThrow('widget removed');
    expect(api.requests[0]?.signal?.aborted).toBe(true);
  });

  test('an already aborted signal sends nothing', async () => {
    const api = fakeFetch(ok);
    const client = createKantaClient({ endpoint: '/graphql', publishableKey: 'pk', fetch: api.fetch });

    await expect(runQuery(client, query, {}, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(api.requests).toHaveLength(0);
  });
});
