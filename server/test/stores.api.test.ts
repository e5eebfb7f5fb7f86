import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CreatedStore } from '../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from './harness.ts';

let app: TestApp;
let shop: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  shop = await app.createStore('Kirjakauppa');
});
afterAll(() => app.close());

const UPDATE = `mutation($input: UpdateStoreInput!) {
  updateStore(input: $input) {
    __typename
    ... on Store { name defaultCurrency defaultLocale timezone allowedOrigins }
    ... on InvalidInputError { field message code }
  }
}`;

test('the admin updates the store settings, with values normalised', async () => {
  const response = await app.gql(
    UPDATE,
    {
      input: {
        name: '  Kirjakauppa Oy ',
        defaultCurrency: 'sek',
        defaultLocale: 'hy-am',
        timezone: 'Europe/Helsinki',
        allowedOrigins: ['https://kauppa.fi/', 'https://kauppa.fi', 'http://localhost:3000'],
      },
    },
    { key: shop.secretKey },
  );
  expect(response.data?.updateStore).toEqual({
    __typename: 'Store',
    name: 'Kirjakauppa Oy',
    defaultCurrency: 'SEK',
    defaultLocale: 'hy-AM',
    timezone: 'Europe/Helsinki',
    allowedOrigins: ['https://kauppa.fi', 'http://localhost:3000'],
  });
});

test.each([
  [{ name: '' }, 'name', 'must not be empty'],
  [{ defaultCurrency: 'EURO' }, 'defaultCurrency', 'must be an ISO 4217 currency code such as EUR'],
  [{ defaultLocale: 'not a locale!' }, 'defaultLocale', 'must be a BCP 47 language tag such as fi or hy-AM'],
  [{ timezone: 'Mars/Olympus' }, 'timezone', 'must be an IANA time zone such as Europe/Helsinki'],
  [
    { allowedOrigins: ['ftp://files.example'] },
    'allowedOrigins.0',
    'must be an http(s) origin such as https://shop.example',
  ],
  [
    { allowedOrigins: ['https://shop.example/path'] },
    'allowedOrigins.0',
    'must be an origin only: no path, query or credentials',
  ],
])('bad input %j names the field and the rule and changes nothing', async (input, field, rule) => {
  const before = await app.db.prisma.store.findUniqueOrThrow({ where: { id: shop.id } });
  const response = await app.gql(UPDATE, { input }, { key: shop.secretKey });
  expect(response.data?.updateStore).toEqual({
    __typename: 'InvalidInputError',
    field,
    message: `${field}: ${rule}`,
    code: 'INVALID_INPUT',
  });
  expect(await app.db.prisma.store.findUniqueOrThrow({ where: { id: shop.id } })).toEqual(before);
});

test('a new key is shown once; listing shows secret keys by prefix only', async () => {
  const created = await app.gql(
    'mutation { createApiKey(input: { kind: PUBLISHABLE, name: "Theme" }) { ... on CreatedApiKey { key apiKey { kind name prefix publishableKey } } } }',
    {},
    { key: shop.secretKey },
  );
  const { key, apiKey } = created.data!.createApiKey;
  expect(key).toMatch(/^pk_[0-9A-Za-z]{32}$/);
  expect(apiKey).toEqual({ kind: 'PUBLISHABLE', name: 'Theme', prefix: key.slice(0, 11), publishableKey: key });

  const list = await app.gql(
    '{ store { apiKeys(first: 10) { edges { node { kind prefix publishableKey } } } } }',
    {},
    { key: shop.secretKey },
  );
  const secrets = list.data?.store.apiKeys.edges.filter(
    (edge: { node: { kind: string } }) => edge.node.kind === 'SECRET',
  );
  expect(secrets.length).toBeGreaterThan(0);
  for (const edge of secrets) expect(edge.node.publishableKey).toBeNull();
  const stored = await app.db.prisma.apiKey.findMany({ where: { storeId: shop.id, kind: 'SECRET' } });
  for (const row of stored) expect(JSON.stringify(row)).not.toContain(shop.secretKey);
});

test('a key name that is too long is refused', async () => {
  const response = await app.gql(
    'mutation($name: String) { createApiKey(input: { kind: SECRET, name: $name }) { __typename ... on InvalidInputError { field } } }',
    { name: 'x'.repeat(101) },
    { key: shop.secretKey },
  );
  expect(response.data?.createApiKey).toEqual({ __typename: 'InvalidInputError', field: 'name' });
});

test('revoking an unknown key is a NotFoundError', async () => {
  for (const id of ['not-a-uuid', '01900000-0000-7000-8000-000000000000']) {
    const response = await app.gql(
      'mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }',
      { id },
      { key: shop.secretKey },
    );
    expect(response.data?.revokeApiKey.__typename).toBe('NotFoundError');
  }
});

test('listing keys takes a fixed number of statements whatever the page size', async () => {
  for (let index = 0; index < 5; index++) {
    await app.gql('mutation { createApiKey(input: { kind: SECRET }) { __typename } }', {}, { key: shop.secretKey });
  }
  const query = (first: number) =>
    app.gql(`{ store { apiKeys(first: ${first}) { edges { node { id } } } } }`, {}, { key: shop.secretKey });
  await query(1); // warm up lastUsedAt bookkeeping
  const small = await app.countQueries(() => query(1));
  const large = await app.countQueries(() => query(8));
  expect(large.count).toBe(small.count);
});
