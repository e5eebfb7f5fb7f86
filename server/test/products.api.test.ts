import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidInputError } from '../src/errors.ts';
import { recordOrders } from '../src/modules/orders/orders.service.ts';
import { type ProductInput, upsertProducts } from '../src/modules/products/products.service.ts';
import type { CreatedStore } from '../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from './harness.ts';

let app: TestApp;
let shop: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  shop = await app.createStore();
});
afterAll(() => app.close());

const UPSERT = `mutation($input: [ProductInput!]!) {
  upsertProducts(input: $input) {
    __typename
    ... on UpsertProductsPayload { created updated unchanged }
    ... on InvalidInputError { field message }
  }
}`;

const PRODUCT = `query($sku: String!) {
  product(sku: $sku) { sku name url imageUrl price currency categoryPath tags active inStock }
}`;

const upsert = (input: unknown[], key = shop.secretKey) => app.gql(UPSERT, { input }, { key });

describe('upsertProducts', () => {
  test('creates, updates and reports unchanged products by sku', async () => {
    const mug = {
      sku: 'MUG-1',
      name: 'Mug',
      url: 'https://shop.example/mug',
      imageUrl: 'https://cdn.example/mug.jpg',
      price: 1_250,
      currency: 'eur',
      categoryPath: ['Kitchen', 'Mugs'],
      tags: ['ceramic', 'ceramic', 'gift'],
    };
    const first = await upsert([mug, { sku: 'PLATE-1', name: 'Plate' }]);
    expect(first.data?.upsertProducts).toEqual({
      __typename: 'UpsertProductsPayload',
      created: 2,
      updated: 0,
      unchanged: 0,
    });
    expect((await app.gql(PRODUCT, { sku: 'MUG-1' }, { key: shop.secretKey })).data?.product).toEqual({
      sku: 'MUG-1',
      name: 'Mug',
      url: 'https://shop.example/mug',
      imageUrl: 'https://cdn.example/mug.jpg',
      price: 1_250,
      currency: 'EUR',
      categoryPath: ['Kitchen', 'Mugs'],
      tags: ['ceramic', 'gift'],
      active: true,
      inStock: true,
    });

    const second = await upsert([mug, { sku: 'PLATE-1', name: 'Dinner plate' }, { sku: 'BOWL-1', name: 'Bowl' }]);
    expect(second.data?.upsertProducts).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    expect(await app.db.prisma.product.count({ where: { storeId: shop.id } })).toBe(3);
  });

  test('omitted fields keep their value; null clears it', async () => {
    await upsert([
      { sku: 'KEEP-1', name: 'Keeper', imageUrl: 'https://cdn.example/k.jpg', price: 100, tags: ['a'], inStock: false },
    ]);
    const renamed = await upsert([{ sku: 'KEEP-1', name: 'Keeper 2' }]);
    expect(renamed.data?.upsertProducts).toMatchObject({ updated: 1 });
    expect((await app.gql(PRODUCT, { sku: 'KEEP-1' }, { key: shop.secretKey })).data?.product).toMatchObject({
      name: 'Keeper 2',
      imageUrl: 'https://cdn.example/k.jpg',
      price: 100,
      tags: ['a'],
      inStock: false,
    });
    await upsert([{ sku: 'KEEP-1', name: 'Keeper 2', imageUrl: null, price: null }]);
    expect((await app.gql(PRODUCT, { sku: 'KEEP-1' }, { key: shop.secretKey })).data?.product).toMatchObject({
      imageUrl: null,
      price: null,
      tags: ['a'],
    });
  });

  test('a sku listed twice counts once, with its last values', async () => {
    const result = await upsertProducts(app.db.prisma, shop.id, [
      { sku: 'TWICE', name: 'First' },
      { sku: 'TWICE', name: 'Second' },
    ]);
    expect(result).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect((await app.db.prisma.product.findFirstOrThrow({ where: { storeId: shop.id, sku: 'TWICE' } })).name).toBe(
      'Second',
    );
  });

  test.each([
    [{ sku: '', name: 'x' }, 'input.0.sku', 'must not be empty'],
    [{ sku: 'x'.repeat(101), name: 'x' }, 'input.0.sku', 'at most 100'],
    [{ sku: 'S', name: ' ' }, 'input.0.name', 'must not be empty'],
    [{ sku: 'S', name: 'x', price: -1 }, 'input.0.price', 'must not be negative'],
    [{ sku: 'S', name: 'x', url: 'ftp://files.example/x' }, 'input.0.url', 'must be an http(s) URL'],
    [{ sku: 'S', name: 'x', imageUrl: 'javascript:alert(1)' }, 'input.0.imageUrl', 'must be an http(s) URL'],
    [{ sku: 'S', name: 'x', currency: 'EURO' }, 'input.0.currency', 'ISO 4217'],
    [{ sku: 'S', name: 'x', tags: [''] }, 'input.0.tags.0', 'must not be empty'],
  ])('bad product %j is refused naming %s, and nothing is written', async (product, field, rule) => {
    const before = await app.db.prisma.product.count({ where: { storeId: shop.id } });
    const response = await upsert([{ sku: 'FINE', name: 'Fine' }, product].reverse());
    expect(response.data?.upsertProducts).toMatchObject({ __typename: 'InvalidInputError', field });
    expect(response.data?.upsertProducts.message).toContain(rule);
    expect(await app.db.prisma.product.count({ where: { storeId: shop.id } })).toBe(before);
  });

  test('1,000 products in one call; 1,001 are refused', async () => {
    const store = await app.createStore();
    const many: ProductInput[] = Array.from({ length: 1_000 }, (_, index) => ({
      sku: `SKU-${index}`,
      name: `Item ${index}`,
      price: index,
    }));
    expect(await upsertProducts(app.db.prisma, store.id, many)).toEqual({ created: 1_000, updated: 0, unchanged: 0 });
    expect(await upsertProducts(app.db.prisma, store.id, many)).toEqual({ created: 0, updated: 0, unchanged: 1_000 });
    const error = await upsertProducts(app.db.prisma, store.id, [...many, { sku: 'ONE-MORE', name: 'x' }]).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.field).toBe('products');
    expect(await app.db.prisma.product.count({ where: { storeId: store.id } })).toBe(1_000);
  });

  test('concurrent upserts of the same skus converge', async () => {
    const store = await app.createStore();
    const items = Array.from({ length: 50 }, (_, index) => ({ sku: `C-${index}`, name: `Concurrent ${index}` }));
    const results = await Promise.all([0, 1, 2, 3].map(() => upsertProducts(app.db.prisma, store.id, items)));
    expect(results.reduce((sum, result) => sum + result.created, 0)).toBe(50);
    expect(await app.db.prisma.product.count({ where: { storeId: store.id } })).toBe(50);
  });

  test('a storefront key cannot upsert products', async () => {
    const response = await upsert([{ sku: 'X', name: 'X' }], shop.publishableKey);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('reading the catalogue', () => {
  let store: CreatedStore;
  beforeAll(async () => {
    store = await app.createStore();
    await upsertProducts(app.db.prisma, store.id, [
      { sku: 'A-MUG', name: 'Blue mug', categoryPath: ['Kitchen', 'Mugs'], tags: ['blue'] },
      { sku: 'B-MUG', name: 'Red mug', categoryPath: ['Kitchen', 'Mugs'], tags: ['red'], active: false },
      { sku: 'C-LAMP', name: 'Desk lamp', categoryPath: ['Living', 'Lamps'], tags: ['blue'] },
    ]);
  });

  const PRODUCTS = `query($filter: ProductFilter, $after: String) {
    products(first: 2, filter: $filter, after: $after) { pageInfo { hasNextPage endCursor } edges { node { sku } } }
  }`;
  const skus = async (filter: Record<string, unknown> | null, after?: string) => {
    const response = await app.gql(PRODUCTS, { filter, after }, { key: store.secretKey });
    expect(response.errors).toBeUndefined();
    return response.data?.products;
  };

  test('pages by sku and filters by search, category, tag and active', async () => {
    const first = await skus(null);
    expect(first.edges.map((edge: any) => edge.node.sku)).toEqual(['A-MUG', 'B-MUG']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect((await skus(null, first.pageInfo.endCursor)).edges.map((edge: any) => edge.node.sku)).toEqual(['C-LAMP']);
    const list = async (filter: Record<string, unknown>) =>
      (await skus(filter)).edges.map((edge: any) => edge.node.sku);
    expect(await list({ search: 'MUG' })).toEqual(['A-MUG', 'B-MUG']);
    expect(await list({ search: 'lamp' })).toEqual(['C-LAMP']);
    expect(await list({ category: 'Mugs' })).toEqual(['A-MUG', 'B-MUG']);
    expect(await list({ tag: 'blue' })).toEqual(['A-MUG', 'C-LAMP']);
    expect(await list({ active: false })).toEqual(['B-MUG']);
    expect(await list({ active: true, category: 'Kitchen' })).toEqual(['A-MUG']);
  });

  test('product(sku) is null for an unknown sku', async () => {
    expect((await app.gql(PRODUCT, { sku: 'NOPE' }, { key: store.secretKey })).data?.product).toBeNull();
  });

  test('a storefront key reads active products only, without the secret-key fields', async () => {
    const SHOPPER = 'query($sku: String!) { product(sku: $sku) { sku name categoryPath inStock } }';
    const active = await app.gql(SHOPPER, { sku: 'A-MUG' }, { key: store.publishableKey });
    expect(active.errors).toBeUndefined();
    expect(active.data?.product).toEqual({
      sku: 'A-MUG',
      name: 'Blue mug',
      categoryPath: ['Kitchen', 'Mugs'],
      inStock: true,
    });
    // An inactive product is not there for shoppers; a secret key still sees it.
    const inactive = await app.gql(SHOPPER, { sku: 'B-MUG' }, { key: store.publishableKey });
    expect(inactive.errors).toBeUndefined();
    expect(inactive.data?.product).toBeNull();
    expect((await app.gql(PRODUCT, { sku: 'B-MUG' }, { key: store.secretKey })).data?.product).toMatchObject({
      sku: 'B-MUG',
      active: false,
      tags: ['red'],
    });
    for (const field of ['tags', 'active', 'createdAt', 'updatedAt']) {
      const refused = await app.gql(`{ product(sku: "A-MUG") { sku ${field} } }`, {}, { key: store.publishableKey });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(refused.errors?.[0]?.message).toContain(`Product.${field}`);
    }
  });

  test('the catalogue list stays for secret keys', async () => {
    const response = await app.gql(
      '{ products(first: 1) { edges { node { sku } } } }',
      {},
      { key: store.publishableKey },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test('order lines link to the product with their sku, when the catalogue has it', async () => {
    await recordOrders(app.db.prisma, store.id, [
      {
        externalId: 'LINKED',
        channel: 'STORE',
        placedAt: new Date('2026-04-01T10:00:00Z'),
        lines: [
          { sku: 'A-MUG', name: 'Blue mug', quantity: 1, unitPrice: 900 },
          { sku: 'UNKNOWN', name: 'Mystery', quantity: 1, unitPrice: 100 },
        ],
      },
    ]);
    const response = await app.gql(
      '{ orderByExternalId(externalId: "LINKED") { lines { sku product { name categoryPath } } } }',
      {},
      { key: store.secretKey },
    );
    expect(response.data?.orderByExternalId.lines).toEqual([
      { sku: 'A-MUG', product: { name: 'Blue mug', categoryPath: ['Kitchen', 'Mugs'] } },
      { sku: 'UNKNOWN', product: null },
    ]);
  });
});
