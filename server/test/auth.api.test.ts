import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { customerTokenKey } from '../src/auth/sign-customer-token.ts';
import type { CreatedStore } from '../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from './harness.ts';

let app: TestApp;
let shop: CreatedStore;
let other: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  shop = await app.createStore('Kahvila Aalto');
  other = await app.createStore('Other shop');
});
afterAll(() => app.close());

const VIEWER = '{ viewer { kind customerExternalId } }';

describe('API keys', () => {
  test('a secret key acts as its store', async () => {
    const response = await app.gql('{ store { id name } viewer { kind } }', {}, { key: shop.secretKey });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ store: { id: shop.id, name: 'Kahvila Aalto' }, viewer: { kind: 'ADMIN' } });
  });

  test('without a key every field is refused with a message that says what to send', async () => {
    const response = await app.gql('{ storefront { name } }');
    expect(response.data).toBeNull();
    expect(response.errors?.[0]?.message).toMatch(/needs an API key in "Authorization: Bearer <key>"/);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test.each([
    ['a malformed header', 'Basic abc', /Authorization must be "Bearer <key>"/],
    ['a key of the wrong shape', 'Bearer sk_short', /expected a pk_ or sk_ key/],
    ['an unknown key', `Bearer sk_${'A'.repeat(32)}`, /no such key/],
  ])('%s is answered with 401 and no data', async (_name, authorization, message) => {
    const response = await app.gql(VIEWER, {}, { headers: { authorization } });
    expect(response.status).toBe(401);
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0]?.message).toMatch(message);
  });

  test('a publishable key sees the storefront but not the admin API', async () => {
    const allowed = await app.gql(
      '{ storefront { name defaultCurrency } viewer { kind } }',
      {},
      { key: shop.publishableKey },
    );
    expect(allowed.data).toEqual({
      storefront: { name: 'Kahvila Aalto', defaultCurrency: 'EUR' },
      viewer: { kind: 'STOREFRONT' },
    });

    const refused = await app.gql('{ store { id name } }', {}, { key: shop.publishableKey });
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]?.message).toBe('Not authorized: "Query.store" is not available to a storefront key');
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test('a revoked key is refused from the next request on, and lastUsedAt records use', async () => {
    const created = await app.gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      'mutation { createApiKey(input: { kind: SECRET, name: "POS" }) { ... on CreatedApiKey { key apiKey { id } } } }',
      {},
      { key: shop.secretKey },
    );
    const key = created.data!.createApiKey.key;
    expect((await app.gql(VIEWER, {}, { key })).data?.viewer.kind).toBe('ADMIN');
    await expect
      .poll(
        async () =>
          (await app.db.prisma.apiKey.findUnique({ where: { id: created.data!.createApiKey.apiKey.id } }))?.lastUsedAt,
      )
      .not.toBeNull();

    const revoked = await app.gql(
      'mutation($id: ID!) { revokeApiKey(id: $id) { ... on ApiKey { revokedAt } } }',
      { id: created.data!.createApiKey.apiKey.id },
      { key: shop.secretKey },
    );
    expect(revoked.data?.revokeApiKey.revokedAt).toBeTruthy();
    const after = await app.gql(VIEWER, {}, { key });
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.message).toMatch(/revoked/);
  });
});

describe('customer tokens', () => {
  test('a token signed with the store secret identifies the shopper', async () => {
    const token = await app.customerToken(shop.secretKey, 'web:123');
    const response = await app.gql(VIEWER, {}, { key: shop.publishableKey, customerToken: token });
    expect(response.data?.viewer).toEqual({ kind: 'CUSTOMER', customerExternalId: 'web:123' });
  });

  async function token(options: {
    key?: Uint8Array;
    kid?: string;
    expiresIn?: number;
    issuedAt?: number;
    alg?: string;
    sub?: string | null;
  }) {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({}).setProtectedHeader({
      alg: options.alg ?? 'HS256',
      kid: options.kid ?? shop.secretKey.slice(0, 11),
    });
    if (options.sub !== null) jwt.setSubject(options.sub ?? 'web:1');
    jwt.setIssuedAt(options.issuedAt ?? now);
    if (options.expiresIn !== undefined) jwt.setExpirationTime(now + options.expiresIn);
    const key = options.key ?? customerTokenKey(shop.secretKey);
    return jwt.sign(options.alg === 'HS512' ? new Uint8Array([...key, ...key]) : key);
  }

  test.each([
    ['expired', () => token({ expiresIn: -60, issuedAt: Math.floor(Date.now() / 1000) - 600 }), /expired/],
    ['valid for more than 15 minutes', () => token({ expiresIn: 3600 }), /within 15 minutes/],
    ['without exp', () => token({}), /"exp" claim/],
    ['without sub', () => token({ expiresIn: 60, sub: null }), /"sub" claim/],
    [
      'signed by another store',
      () => token({ expiresIn: 60, key: customerTokenKey(other.secretKey), kid: other.secretKey.slice(0, 11) }),
      /signature does not match/,
    ],
    [
      'forged with a wrong key',
      () => token({ expiresIn: 60, key: new Uint8Array(32).fill(7) }),
      /signature does not match/,
    ],
    ['using another algorithm', () => token({ expiresIn: 60, alg: 'HS512' }), /only HS256/],
    [
      'unsigned (alg none)',
      async () => new UnsecuredJWT({ sub: 'web:1' }).setExpirationTime('5m').encode(),
      /only HS256/,
    ],
    ['not a JWT', async () => 'hello', /not a JWT/],
  ])('a token %s is refused with 401', async (_name, make, message) => {
    const response = await app.gql(VIEWER, {}, { key: shop.publishableKey, customerToken: await make() });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.message).toMatch(message);
  });

  test('a customer token is refused next to a secret key or without any key', async () => {
    const customerToken = await app.customerToken(shop.secretKey, 'web:1');
    expect((await app.gql(VIEWER, {}, { key: shop.secretKey, customerToken })).status).toBe(401);
    expect((await app.gql(VIEWER, {}, { customerToken })).status).toBe(401);
  });

  test('revoking the secret key invalidates the tokens it signed', async () => {
    const created = await app.gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      'mutation { createApiKey(input: { kind: SECRET }) { ... on CreatedApiKey { key apiKey { id } } } }',
      {},
      { key: shop.secretKey },
    );
    const customerToken = await app.customerToken(created.data!.createApiKey.key, 'web:9');
    expect((await app.gql(VIEWER, {}, { key: shop.publishableKey, customerToken })).data?.viewer.kind).toBe('CUSTOMER');
    await app.gql(
      'mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }',
      { id: created.data!.createApiKey.apiKey.id },
      { key: shop.secretKey },
    );
    expect((await app.gql(VIEWER, {}, { key: shop.publishableKey, customerToken })).status).toBe(401);
  });
});
