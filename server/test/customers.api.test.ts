import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CreatedStore } from '../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from './harness.ts';

let app: TestApp;
let store: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  store = await app.createStore('Customers');
});
afterAll(() => app.close());

const UPSERT = `mutation($input: CustomerInput!) { upsertCustomer(input: $input) {
  __typename
  ... on UpsertCustomerPayload { created customer { id email phone name identities { source externalId } tags } }
  ... on InvalidInputError { field message } } }`;

async function upsert(input: Record<string, unknown>, key = store.secretKey) {
  const response = await app.gql(UPSERT, { input }, { key });
  expect(response.errors).toBeUndefined();
  return response.data!.upsertCustomer;
}

describe('identity resolution', () => {
  test('identity, email and phone hits, with normalisation', async () => {
    const first = await upsert({
      identities: [{ source: 'POS', externalId: ' CARD-889 ' }],
      email: '  Foo@Example.COM ',
      phone: '+358 40 123 4567',
      firstName: 'Aino',
      lastName: 'Virtanen',
    });
    expect(first.created).toBe(true);
    expect(first.customer).toMatchObject({
      email: 'foo@example.com',
      phone: '+358401234567',
      name: 'Aino Virtanen',
      identities: [{ source: 'pos', externalId: 'CARD-889' }],
    });
    const id = first.customer.id;
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['identity hit', { identities: [{ source: 'pos', externalId: 'CARD-889' }] }, ['pos:CARD-889']],
      [
        'email hit links the new identity',
        { identities: [{ source: 'web', externalId: '123' }], email: 'FOO@example.com' },
        ['pos:CARD-889', 'web:123'],
      ],
      ['phone hit with 00 prefix', { phone: '00358401234567' }, ['pos:CARD-889', 'web:123']],
      ['phone hit with punctuation', { phone: '+358 (40) 123-45.67' }, ['pos:CARD-889', 'web:123']],
    ];
    for (const [name, input, identities] of cases) {
      const result = await upsert(input);
      expect({ name, created: result.created, id: result.customer.id }).toEqual({ name, created: false, id });
      expect(
        result.customer.identities.map((identity: any) => `${identity.source}:${identity.externalId}`).sort(),
      ).toEqual(identities);
    }
    expect(await app.db.prisma.customer.count({ where: { storeId: store.id } })).toBe(1);
  });

  test('an identity wins over an email that belongs to someone else, and the email is not moved', async () => {
    const x = await upsert({ identities: [{ source: 'app', externalId: 'u-1' }], email: 'x@example.com' });
    const y = await upsert({ email: 'y@example.com' });
    const result = await upsert({ identities: [{ source: 'app', externalId: 'u-1' }], email: 'y@example.com' });
    expect(result.customer.id).toBe(x.customer.id);
    expect(result.customer.email).toBe('x@example.com');
    const yNow = await app.db.prisma.customer.findUnique({ where: { id: y.customer.id } });
    expect(yNow?.email).toBe('y@example.com');
  });

  test('20 concurrent upserts of the same new email make one customer', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        upsert({ email: 'race@example.com', identities: [{ source: 'web', externalId: `race-${index}` }] }),
      ),
    );
    const ids = new Set(results.map((result) => result.customer.id));
    expect(ids.size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    const rows = await app.db.prisma.customer.findMany({
      where: { storeId: store.id, email: 'race@example.com' },
      include: { identities: true },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.identities).toHaveLength(20);
    const created = await app.db.prisma.outboxEvent.count({
      where: { type: 'customer.created', payload: { path: ['customerId'], equals: rows[0]!.id } },
    });
    expect(created).toBe(1);
  });

  test('bad input names the field and changes nothing', async () => {
    const before = await app.db.prisma.customer.count();
    for (const [input, field] of [
      [{ email: 'not-an-email' }, 'email'],
      [{ phone: '+358 abc' }, 'phone'],
      [{ identities: [{ source: 'Point Of Sale!', externalId: '1' }] }, 'identities.0.source'],
      [{ email: 'ok@example.com', birthday: '1990-02-30' }, 'birthday'],
      [{ email: 'ok@example.com', attributes: { nested: { a: 1 } } }, 'attributes.nested'],
    ] as const) {
      const result = await upsert(input);
      expect(result.__typename).toBe('InvalidInputError');
      expect(result.field).toBe(field);
    }
    expect(await app.db.prisma.customer.count()).toBe(before);
  });
});

describe('updateCustomer', () => {
  test('partial update, identities added and removed, email of another customer refused', async () => {
    const a = await upsert({ email: 'upd-a@example.com', identities: [{ source: 'web', externalId: 'upd-1' }] });
    await upsert({ email: 'upd-b@example.com' });
    const MUTATION = `mutation($id: ID!, $input: CustomerInput!, $remove: [CustomerIdentityInput!]) {
      updateCustomer(id: $id, input: $input, removeIdentities: $remove) {
        __typename ... on Customer { firstName email birthday tags identities { source externalId } }
        ... on InvalidInputError { field } } }`;
    const ok = await app.gql(
      MUTATION,
      {
        id: a.customer.id,
        input: {
          firstName: 'Eero',
          birthday: '1980-05-17',
          tags: ['vip'],
          identities: [{ source: 'pos', externalId: 'P1' }],
        },
        remove: [{ source: 'web', externalId: 'upd-1' }],
      },
      { key: store.secretKey },
    );
    expect(ok.data?.updateCustomer).toEqual({
      __typename: 'Customer',
      firstName: 'Eero',
      email: 'upd-a@example.com',
      birthday: '1980-05-17',
      tags: ['vip'],
      identities: [{ source: 'pos', externalId: 'P1' }],
    });
    const refused = await app.gql(
      MUTATION,
      { id: a.customer.id, input: { email: 'UPD-B@example.com', firstName: 'Changed' } },
      { key: store.secretKey },
    );
    expect(refused.data?.updateCustomer).toEqual({ __typename: 'InvalidInputError', field: 'input.email' });
    expect((await app.db.prisma.customer.findUnique({ where: { id: a.customer.id } }))?.firstName).toBe('Eero');
  });
});

describe('customers list', () => {
  let listStore: CreatedStore;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    listStore = await app.createStore('Lists');
    const people = [
      ['anna', 'Anna', 'Aalto', ['vip', 'north'], 5000, '2026-01-10T10:00:00Z', 'STORE'],
      ['bert', 'Bert', 'Berg', ['vip'], 5000, '2026-03-01T10:00:00Z', 'ONLINE'],
      ['cecilia', 'Cecilia', 'Berg', ['north'], 12000, '2026-02-01T10:00:00Z', 'ONLINE'],
      ['dan', 'Dan', null, [], 0, null, null],
      ['eve', null, null, [], 5000, '2026-03-01T10:00:00Z', 'APP'],
    ] as const;
    for (const [key, firstName, lastName, tags, spent, lastOrderAt, channel] of people) {
      const customer = await app.db.prisma.customer.create({
        data: {
          storeId: listStore.id,
          firstName,
          lastName,
          email: `${key}@example.com`,
          tags: [...tags],
          totalSpent: BigInt(spent),
          orderCount: lastOrderAt ? 1 : 0,
          lastOrderAt: lastOrderAt ? new Date(lastOrderAt) : null,
          firstOrderAt: lastOrderAt ? new Date(lastOrderAt) : null,
          identities: { create: [{ storeId: listStore.id, source: 'web', externalId: `W-${key}` }] },
        },
      });
      ids[key] = customer.id;
      if (channel)
        await app.db.prisma.order.create({
          data: {
            storeId: listStore.id,
            externalId: `o-${key}`,
            customerId: customer.id,
            channel,
            placedAt: new Date(lastOrderAt!),
            currency: 'EUR',
            subtotal: BigInt(spent),
            discountTotal: 0n,
            total: BigInt(spent),
            netTotal: BigInt(spent),
            itemCount: 1,
          },
        });
    }
  });

  const LIST = `query($first: Int, $after: String, $filter: CustomerFilter, $orderBy: CustomerOrderBy) {
    customers(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount edges { cursor node { id email identities { source externalId } } }
      pageInfo { hasNextPage endCursor } } }`;
  async function list(variables: Record<string, unknown>) {
    const response = await app.gql(LIST, variables, { key: listStore.secretKey });
    expect(response.errors).toBeUndefined();
    return response.data!.customers;
  }
  const names = (connection: any) =>
    connection.edges.map((edge: any) => Object.keys(ids).find((key) => ids[key] === edge.node.id));

  test('filters', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ search: 'berg' }, ['bert', 'cecilia']],
      [{ search: 'CECILIA berg' }, ['cecilia']],
      [{ search: 'w-dan' }, ['dan']],
      [{ search: 'EVE@example' }, ['eve']],
      [{ tags: ['vip', 'north'] }, ['anna']],
      [{ tags: ['north'] }, ['anna', 'cecilia']],
      [{ channel: 'ONLINE' }, ['bert', 'cecilia']],
      [{ lastOrderBefore: '2026-02-01T10:00:00Z' }, ['anna']],
      [{ lastOrderAfter: '2026-02-01T10:00:00Z' }, ['bert', 'eve']],
      [{ totalSpentMin: 5000, totalSpentMax: 6000 }, ['anna', 'bert', 'eve']],
      [{ hasOrders: false }, ['dan']],
    ];
    for (const [filter, expected] of cases) {
      const connection = await list({ first: 10, filter, orderBy: { field: 'NAME', direction: 'ASC' } });
      expect({ filter, got: [...names(connection)].sort() }).toEqual({ filter, got: expected });
      expect(connection.totalCount).toBe(expected.length);
    }
  });

  test('ordering with ties pages without gaps or repeats', async () => {
    const orders: [Record<string, unknown>, string[]][] = [
      [
        { field: 'TOTAL_SPENT', direction: 'DESC' },
        ['cecilia', ...['anna', 'bert', 'eve'].sort((a, b) => (ids[b]! < ids[a]! ? -1 : 1)), 'dan'],
      ],
      [
        { field: 'LAST_ORDER_AT', direction: 'ASC' },
        ['anna', 'cecilia', ...['bert', 'eve'].sort((a, b) => (ids[a]! < ids[b]! ? -1 : 1)), 'dan'],
      ],
      [{ field: 'NAME', direction: 'ASC' }, ['anna', 'bert', 'cecilia', 'dan', 'eve']],
      [{ field: 'CREATED_AT', direction: 'DESC' }, ['eve', 'dan', 'cecilia', 'bert', 'anna']],
    ];
    for (const [orderBy, expected] of orders) {
      const all = await list({ first: 10, orderBy });
      expect({ orderBy, got: names(all) }).toEqual({ orderBy, got: expected });
      const paged: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 5; page++) {
        const connection = await list({ first: 2, after, orderBy });
        paged.push(...names(connection));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect({ orderBy, paged }).toEqual({ orderBy, paged: expected });
    }
  });

  test('segments filter the list', async () => {
    const created = await app.gql(
      `mutation { createSegment(input: { name: "Northern VIPs", filter: { tags: ["north"], totalSpentMin: 10000 } }) {
        ... on Segment { id name filter } } }`,
      {},
      { key: listStore.secretKey },
    );
    const segment = created.data?.createSegment;
    expect(segment.filter).toEqual({ tags: ['north'], totalSpentMin: 10000 });
    expect(names(await list({ first: 10, filter: { segmentId: segment.id } }))).toEqual(['cecilia']);
    const segments = await app.gql(
      '{ segments(first: 10) { edges { node { name } } } }',
      {},
      { key: listStore.secretKey },
    );
    expect(segments.data?.segments.edges).toEqual([{ node: { name: 'Northern VIPs' } }]);
    const deleted = await app.gql(
      'mutation($id: ID!) { deleteSegment(id: $id) { ... on DeletedSegment { id } } }',
      { id: segment.id },
      { key: listStore.secretKey },
    );
    expect(deleted.data?.deleteSegment.id).toBe(segment.id);
    const gone = await app.gql(LIST, { filter: { segmentId: segment.id } }, { key: listStore.secretKey });
    expect(gone.errors?.[0]?.message).toContain('filter.segmentId');
  });

  test('a page of customers with identities costs a fixed number of queries', async () => {
    const { count, result } = await app.countQueries(() => list({ first: 5 }));
    expect(result.edges).toHaveLength(5);
    expect(result.edges.every((edge: any) => edge.node.identities.length === 1)).toBe(true);
    // page + identities + count (auth adds a couple); independent of the page size.
    const { count: smaller } = await app.countQueries(() => list({ first: 1 }));
    expect(count).toBe(smaller);
    expect(count).toBeLessThanOrEqual(6);
  });

  test('customer and customerByIdentity', async () => {
    const response = await app.gql(
      `query($id: ID!) { customer(id: $id) { id name email totalSpent orderCount marketingConsent { granted } }
        byIdentity: customerByIdentity(source: "WEB", externalId: "W-anna") { id }
        missing: customer(id: "not-a-uuid") { id } }`,
      { id: ids.anna },
      { key: listStore.secretKey },
    );
    expect(response.data).toEqual({
      customer: {
        id: ids.anna,
        name: 'Anna Aalto',
        email: 'anna@example.com',
        totalSpent: 5000,
        orderCount: 1,
        marketingConsent: { granted: false },
      },
      byIdentity: { id: ids.anna },
      missing: null,
    });
  });
});
