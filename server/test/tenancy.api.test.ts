import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CreatedStore } from '../src/modules/stores/stores.service.ts';
import { schema } from '../src/schema.ts';
import { createTestApp, type TestApp } from './harness.ts';

/**
 * Tenant isolation, field by field: for every root field, a key of store B tries to read or change
 * store A's data. A new root field without a case here fails the completeness test below.
 */
let app: TestApp;
let a: CreatedStore;
let b: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  a = await app.createStore('Store A');
  b = await app.createStore('Store B');
});
afterAll(() => app.close());

const aKeyIds = () =>
  app.db.prisma.apiKey.findMany({
    where: { storeId: a.id },
    select: { id: true, revokedAt: true },
    orderBy: { id: 'asc' },
  });

const cases: Record<string, () => Promise<void>> = {
  'Query.store': async () => {
    const response = await app.gql(
      '{ store { id name apiKeys(first: 50) { edges { node { id } } } } }',
      {},
      { key: b.secretKey },
    );
    expect(response.data?.store.id).toBe(b.id);
    const ids = response.data?.store.apiKeys.edges.map((edge: { node: { id: string } }) => edge.node.id);
    for (const key of await aKeyIds()) expect(ids).not.toContain(key.id);
  },
  'Query.storefront': async () => {
    const response = await app.gql('{ storefront { name } }', {}, { key: b.publishableKey });
    expect(response.data?.storefront.name).toBe('Store B');
  },
  'Query.viewer': async () => {
    const token = await app.customerToken(a.secretKey, 'shopper-of-a');
    // A token of store A is worthless with store B's publishable key.
    const response = await app.gql('{ viewer { kind } }', {}, { key: b.publishableKey, customerToken: token });
    expect(response.status).toBe(401);
  },
  'Mutation.updateStore': async () => {
    const response = await app.gql(
      'mutation { updateStore(input: { name: "Renamed B" }) { ... on Store { id name } } }',
      {},
      { key: b.secretKey },
    );
    expect(response.data?.updateStore).toEqual({ id: b.id, name: 'Renamed B' });
    expect((await app.db.prisma.store.findUnique({ where: { id: a.id } }))?.name).toBe('Store A');
  },
  'Mutation.createApiKey': async () => {
    const before = await aKeyIds();
    const response = await app.gql(
      'mutation { createApiKey(input: { kind: SECRET }) { ... on CreatedApiKey { apiKey { id } } } }',
      {},
      { key: b.secretKey },
    );
    const created = await app.db.prisma.apiKey.findUnique({ where: { id: response.data?.createApiKey.apiKey.id } });
    expect(created?.storeId).toBe(b.id);
    expect(await aKeyIds()).toEqual(before);
  },
  'Mutation.revokeApiKey': async () => {
    const [target] = await aKeyIds();
    const response = await app.gql(
      'mutation($id: ID!) { revokeApiKey(id: $id) { __typename ... on Error { code message } } }',
      { id: target!.id },
      { key: b.secretKey },
    );
    expect(response.data?.revokeApiKey).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
      message: 'API key was not found',
    });
    expect((await app.db.prisma.apiKey.findUnique({ where: { id: target!.id } }))?.revokedAt).toBeNull();
  },
};

describe('a key of store B never reaches store A', () => {
  test('every root field has an isolation case', () => {
    const rootFields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
      .filter((type) => type != null)
      .flatMap((type) => Object.keys(type.getFields()).map((field) => `${type.name}.${field}`));
    expect(rootFields.filter((field) => !(field in cases))).toEqual([]);
  });

  for (const [field, run] of Object.entries(cases)) test(field, run);
});
