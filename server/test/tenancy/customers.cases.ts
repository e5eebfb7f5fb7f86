import { expect } from 'vitest';
import type { TenancyCases } from './types.ts';

/** Customers, segments, timeline and privacy: store B's secret key against store A's customers. */
export const customerCases: TenancyCases = (ctx) => {
  const { app } = ctx;
  let counter = 0;
  /** A fresh customer of store A with an identity, a timeline entry and a segment. */
  async function victim() {
    const n = ++counter;
    const prisma = app.db.prisma;
    const customer = await prisma.customer.create({
      data: {
        storeId: ctx.a.id,
        email: `victim-${n}@example.com`,
        firstName: 'Victim',
        identities: { create: [{ storeId: ctx.a.id, source: 'pos', externalId: `A-${n}` }] },
        interactions: {
          create: [{ storeId: ctx.a.id, type: 'SUPPORT_CONTACT', occurredAt: new Date(), sourceRef: `t-${n}` }],
        },
      },
    });
    const segment = await prisma.segment.create({ data: { storeId: ctx.a.id, name: `A segment ${n}`, filter: {} } });
    return { customer, segment, n };
  }
  const unchanged = async (id: string) => {
    const row = await app.db.prisma.customer.findUnique({ where: { id }, include: { identities: true } });
    expect(row?.storeId).toBe(ctx.a.id);
    expect(row?.firstName).toBe('Victim');
    return row!;
  };
  const gql = (query: string, variables: Record<string, unknown> = {}) =>
    app.gql(query, variables, { key: ctx.b.secretKey });

  return {
    'Query.customer': async () => {
      const { customer } = await victim();
      const response = await gql('query($id: ID!) { customer(id: $id) { id } }', { id: customer.id });
      expect(response.data?.customer).toBeNull();
    },
    'Query.customerByIdentity': async () => {
      const { n } = await victim();
      const response = await gql(`{ customerByIdentity(source: "pos", externalId: "A-${n}") { id } }`);
      expect(response.data?.customerByIdentity).toBeNull();
    },
    'Query.customers': async () => {
      const { customer } = await victim();
      const response = await gql(
        `query($search: String) { customers(first: 50, filter: { search: $search }) { totalCount edges { node { id } } } }`,
        { search: 'victim' },
      );
      expect(response.data?.customers).toEqual({ totalCount: 0, edges: [] });
      const all = await gql('{ customers(first: 100) { edges { node { id } } } }');
      expect(all.data?.customers.edges.map((edge: any) => edge.node.id)).not.toContain(customer.id);
    },
    'Query.segments': async () => {
      const { segment } = await victim();
      const response = await gql('{ segments(first: 100) { edges { node { id } } } }');
      expect(response.data?.segments.edges.map((edge: any) => edge.node.id)).not.toContain(segment.id);
      // Nor can B list A's segment members through segmentId.
      const members = await gql('query($id: ID!) { customers(first: 5, filter: { segmentId: $id }) { totalCount } }', {
        id: segment.id,
      });
      expect(members.errors?.[0]?.message).toContain('filter.segmentId');
    },
    'Mutation.upsertCustomer': async () => {
      const { customer, n } = await victim();
      const response = await gql(
        `mutation($input: CustomerInput!) { upsertCustomer(input: $input) {
          ... on UpsertCustomerPayload { created customer { id } } } }`,
        {
          input: { email: customer.email, identities: [{ source: 'pos', externalId: `A-${n}` }], firstName: 'Hijack' },
        },
      );
      expect(response.data?.upsertCustomer.created).toBe(true);
      expect(response.data?.upsertCustomer.customer.id).not.toBe(customer.id);
      const row = await unchanged(customer.id);
      expect(row.identities).toHaveLength(1);
    },
    'Mutation.updateCustomer': async () => {
      const { customer } = await victim();
      const response = await gql(
        'mutation($id: ID!) { updateCustomer(id: $id, input: { firstName: "Hijack" }) { __typename } }',
        { id: customer.id },
      );
      expect(response.data?.updateCustomer.__typename).toBe('NotFoundError');
      await unchanged(customer.id);
    },
    'Mutation.mergeCustomers': async () => {
      const { customer } = await victim();
      const own = await app.db.prisma.customer.create({ data: { storeId: ctx.b.id } });
      for (const [keepId, mergeId] of [
        [own.id, customer.id],
        [customer.id, own.id],
      ]) {
        const response = await gql(
          'mutation($k: ID!, $m: ID!) { mergeCustomers(keepId: $k, mergeId: $m) { __typename } }',
          {
            k: keepId,
            m: mergeId,
          },
        );
        expect(response.data?.mergeCustomers.__typename).toBe('NotFoundError');
      }
      await unchanged(customer.id);
      expect(await app.db.prisma.customer.findUnique({ where: { id: own.id } })).not.toBeNull();
    },
    'Mutation.createSegment': async () => {
      const response = await gql(
        'mutation { createSegment(input: { name: "B segment", filter: {} }) { ... on Segment { id } } }',
      );
      const created = await app.db.prisma.segment.findUnique({ where: { id: response.data?.createSegment.id } });
      expect(created?.storeId).toBe(ctx.b.id);
    },
    'Mutation.deleteSegment': async () => {
      const { segment } = await victim();
      const response = await gql('mutation($id: ID!) { deleteSegment(id: $id) { __typename } }', { id: segment.id });
      expect(response.data?.deleteSegment.__typename).toBe('NotFoundError');
      expect(await app.db.prisma.segment.findUnique({ where: { id: segment.id } })).not.toBeNull();
    },
    'Mutation.recordInteraction': async () => {
      const { customer, n } = await victim();
      const response = await gql(
        `mutation($id: ID!) { recordInteraction(customerId: $id, input: { type: CUSTOM, sourceRef: "t-${n}" }) { __typename } }`,
        { id: customer.id },
      );
      expect(response.data?.recordInteraction.__typename).toBe('NotFoundError');
      expect(await app.db.prisma.interaction.count({ where: { customerId: customer.id } })).toBe(1);
    },
    'Mutation.exportCustomerData': async () => {
      const { customer } = await victim();
      const response = await gql('mutation($id: ID!) { exportCustomerData(id: $id) { __typename } }', {
        id: customer.id,
      });
      expect(response.data?.exportCustomerData.__typename).toBe('NotFoundError');
    },
    'Mutation.eraseCustomer': async () => {
      const { customer } = await victim();
      const response = await gql('mutation($id: ID!) { eraseCustomer(id: $id) { __typename } }', { id: customer.id });
      expect(response.data?.eraseCustomer.__typename).toBe('NotFoundError');
      await unchanged(customer.id);
      expect(await app.db.prisma.customerErasure.count({ where: { customerId: customer.id } })).toBe(0);
    },
  };
};
