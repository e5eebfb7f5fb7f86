import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadPersistedOperations } from '../src/http/trusted-documents.ts';
import { schema } from '../src/schema.ts';
import { createTestApp, type TestApp } from './harness.ts';

const operations = loadPersistedOperations();
const storefrontId = [...operations.keys()].find((id) => id.startsWith('KantaStorefront:'))!;

describe('persisted widget operations', () => {
  test('schema/persisted-operations.json is up to date with schema/operations/', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const output = execFileSync(process.execPath, ['scripts/operations.mjs', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(output).toMatch(/persisted operations up to date/);
  });

  test('every persisted operation is valid against the schema and named as its id says', () => {
    expect(operations.size).toBeGreaterThan(0);
    for (const [id, text] of operations) {
      const document = parse(text);
      expect(validate(schema, document).map((error) => `${id}: ${error.message}`)).toEqual([]);
      const names = document.definitions.flatMap((definition) =>
        definition.kind === 'OperationDefinition' ? [definition.name?.value] : [],
      );
      expect(names).toEqual([id.split(':')[0]]);
    }
  });
});

describe.each([
  ['persisted', true],
  ['any', false],
] as const)('KANTA_STOREFRONT_OPERATIONS=%s', (mode, enforced) => {
  let app: TestApp;
  let keys: { publishableKey: string; secretKey: string };
  beforeAll(async () => {
    app = await createTestApp({ config: { storefrontOperations: mode } });
    keys = await app.createStore('Trusted Shop');
  });
  afterAll(() => app.close());

  async function post(body: Record<string, unknown>, key: string, customerToken?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
    if (customerToken) headers['x-kanta-customer'] = customerToken;
    const response = await app.fetch('/graphql', { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
  }

  test('a publishable key runs a persisted operation by documentId', async () => {
    const result = await post({ documentId: storefrontId }, keys.publishableKey);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ data: { storefront: { name: 'Trusted Shop', defaultLocale: 'en' } } });
  });

  test(`a publishable key's own document is ${enforced ? 'refused (403, PERSISTED_DOCUMENT_REQUIRED)' : 'run'}`, async () => {
    const result = await post({ query: '{ storefront { name } }' }, keys.publishableKey);
    if (enforced) {
      expect(result.status).toBe(403);
      expect(result.body.data).toBeUndefined();
      expect(result.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_DOCUMENT_REQUIRED');
      expect(result.body.errors?.[0]?.message).toMatch(/persisted widget operations/);
    } else {
      expect(result.body).toEqual({ data: { storefront: { name: 'Trusted Shop' } } });
    }
  });

  test('a signed-in shopper is a storefront caller too', async () => {
    const token = await app.customerToken(keys.secretKey, 'web:trusted-1');
    const result = await post({ query: '{ me { externalId } }' }, keys.publishableKey, token);
    if (enforced) expect(result.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_DOCUMENT_REQUIRED');
    else expect(result.body.data).toEqual({ me: { externalId: 'trusted-1' } });
  });

  test('a secret key may send any document, and persisted ones', async () => {
    expect((await post({ query: '{ store { name } }' }, keys.secretKey)).body).toEqual({
      data: { store: { name: 'Trusted Shop' } },
    });
    expect((await post({ documentId: storefrontId }, keys.secretKey)).body.data.storefront.name).toBe('Trusted Shop');
  });

  test('an unknown documentId is a 400 naming it; documentId with a different query is refused', async () => {
    const unknown = await post({ documentId: 'Nope:0123456789abcdef' }, keys.publishableKey);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_DOCUMENT_NOT_FOUND');
    expect(unknown.body.errors?.[0]?.message).toContain('Nope:0123456789abcdef');
    const both = await post({ documentId: storefrontId, query: '{ store { id } }' }, keys.secretKey);
    expect(both.status).toBe(400);
    expect(both.body.errors?.[0]?.message).toMatch(/either documentId or query/);
  });
});
