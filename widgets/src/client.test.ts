import { describe, expect, test } from 'vitest';
import { createKantaClient, runQuery } from './client.ts';
import { abortable, deferred, fakeFetch, graphqlResponse } from './testing/widget-testing.ts';

const query = 'query KantaStorefront { storefront { name defaultLocale } }';
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
    expect(request?.body.query).toContain('storefront');
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

describe('runQuery', () => {
  test('rejects with the GraphQL errors', async () => {
    const api = fakeFetch(() => graphqlResponse({ errors: [{ message: 'Unknown publishable key' }] }));
    const client = createKantaClient({ endpoint: '/graphql', publishableKey: 'pk', fetch: api.fetch });

    await expect(runQuery(client, query, {}, new AbortController().signal)).rejects.toThrow('Unknown publishable key');
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
