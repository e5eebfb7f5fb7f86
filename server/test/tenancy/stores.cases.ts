import { expect } from 'vitest';
import type { TenancyCases } from './types.ts';

/** Stores and keys: store B's keys against store A. */
export const storeCases: TenancyCases = (ctx) => {
  // ctx.a and ctx.b exist only once the test file's beforeAll ran: read them inside each case.
  const { app } = ctx;
  const aKeyIds = () =>
    app.db.prisma.apiKey.findMany({
      where: { storeId: ctx.a.id },
      select: { id: true, revokedAt: true },
      orderBy: { id: 'asc' },
    });

  return {
    'Query.store': async () => {
      const response = await app.gql(
        '{ store { id name apiKeys(first: 50) { edges { node { id } } } } }',
        {},
        { key: ctx.b.secretKey },
      );
      expect(response.data?.store.id).toBe(ctx.b.id);
      const ids = response.data?.store.apiKeys.edges.map((edge: { node: { id: string } }) => edge.node.id);
      for (const key of await aKeyIds()) expect(ids).not.toContain(key.id);
    },
    'Query.storefront': async () => {
      const response = await app.gql('{ storefront { name } }', {}, { key: ctx.b.publishableKey });
      expect(response.data?.storefront.name).toBe('Store B');
    },
    'Query.viewer': async () => {
      const token = await app.customerToken(ctx.a.secretKey, 'shopper-of-a');
      // A token of store A is worthless with store B's publishable key.
      const response = await app.gql('{ viewer { kind } }', {}, { key: ctx.b.publishableKey, customerToken: token });
      expect(response.status).toBe(401);
    },
    'Mutation.updateStore': async () => {
      const response = await app.gql(
        'mutation { updateStore(input: { name: "Renamed B" }) { ... on Store { id name } } }',
        {},
        { key: ctx.b.secretKey },
      );
      expect(response.data?.updateStore).toEqual({ id: ctx.b.id, name: 'Renamed B' });
      expect((await app.db.prisma.store.findUnique({ where: { id: ctx.a.id } }))?.name).toBe('Store A');
    },
    'Mutation.createApiKey': async () => {
      const before = await aKeyIds();
      const response = await app.gql(
        'mutation { createApiKey(input: { kind: SECRET }) { ... on CreatedApiKey { apiKey { id } } } }',
        {},
        { key: ctx.b.secretKey },
      );
      const created = await app.db.prisma.apiKey.findUnique({ where: { id: response.data?.createApiKey.apiKey.id } });
      expect(created?.storeId).toBe(ctx.b.id);
      expect(await aKeyIds()).toEqual(before);
    },
    'Mutation.revokeApiKey': async () => {
      const [target] = await aKeyIds();
      const response = await app.gql(
        'mutation($id: ID!) { revokeApiKey(id: $id) { __typename ... on Error { code message } } }',
        { id: target!.id },
        { key: ctx.b.secretKey },
      );
      expect(response.data?.revokeApiKey).toEqual({
        __typename: 'NotFoundError',
        code: 'NOT_FOUND',
        message: 'API key was not found',
      });
      expect((await app.db.prisma.apiKey.findUnique({ where: { id: target!.id } }))?.revokedAt).toBeNull();
    },
  };
};
