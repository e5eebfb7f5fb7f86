import { queryFromInfo } from '@pothos/plugin-prisma';
import { GraphQLError } from 'graphql';
import { builder } from '../../builder.ts';
import { storeIdOf } from '../../context.ts';
import { InvalidInputError, isUuid, NotFoundError } from '../../errors.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { ChurnRiskEnum, RfmSegmentEnum } from '../analytics/analytics.types.schema.ts';
import {
  afterCursorWhere,
  CHANNELS,
  type CustomerSortField,
  customerOrderBy,
  decodeCursor,
  encodeCursor,
  type SortDirection,
} from './customer-filter.ts';
import {
  createSegment,
  customerListWhere,
  deleteSegment,
  updateCustomer,
  upsertCustomer,
} from './customers.service.ts';
import { identityInput } from './customers.validation.ts';
import { mergeCustomers } from './merge.service.ts';
import { eraseCustomer, exportCustomerData } from './privacy.service.ts';
import { RECORDABLE_TYPES, recordInteraction } from './timeline.service.ts';

// Shared with the orders module, which imports it from here.
export const OrderChannelEnum = builder.enumType('OrderChannel', {
  description: 'Where an order was placed.',
  values: CHANNELS,
});

export const InteractionTypeEnum = builder.enumType('InteractionType', {
  description: 'What happened on a customer timeline.',
  values: [
    'ORDER_PLACED',
    'ORDER_RETURNED',
    'ORDER_CANCELLED',
    'SUPPORT_CONTACT',
    'EMAIL_SENT',
    'EMAIL_OPENED',
    'SURVEY_ANSWERED',
    'REVIEW_WRITTEN',
    'POINTS_CHANGED',
    'CUSTOM',
  ] as const,
});

const MarketingConsent = builder
  .objectRef<{ granted: boolean; at: Date | null; source: string | null }>('MarketingConsent')
  .implement({
    description: 'The latest marketing consent decision.',
    fields: (t) => ({
      granted: t.exposeBoolean('granted'),
      at: t.expose('at', { type: 'DateTime', nullable: true, description: 'When it was given or withdrawn.' }),
      source: t.exposeString('source', { nullable: true, description: 'Where, e.g. "pos" or "checkout".' }),
    }),
  });

builder.prismaObject('CustomerIdentity', {
  description: 'How one channel knows the customer, e.g. source "pos", externalId "CARD-889".',
  fields: (t) => ({
    source: t.exposeString('source'),
    externalId: t.exposeString('externalId'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('Interaction', {
  description: 'One entry of a customer timeline. Entries are never changed.',
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.expose('type', { type: InteractionTypeEnum }),
    channel: t.expose('channel', { type: OrderChannelEnum, nullable: true }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    payload: t.expose('payload', { type: 'JSON' }),
    sourceRef: t.exposeString('sourceRef', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const CustomerRef = builder.prismaObject('Customer', {
  description: 'One person across every channel the store sells through.',
  fields: (t) => ({
    id: t.exposeID('id'),
    firstName: t.exposeString('firstName', { nullable: true }),
    lastName: t.exposeString('lastName', { nullable: true }),
    name: t.string({
      nullable: true,
      description: 'First and last name joined; null when both are unknown.',
      select: { firstName: true, lastName: true },
      resolve: (customer) => [customer.firstName, customer.lastName].filter(Boolean).join(' ') || null,
    }),
    email: t.exposeString('email', { nullable: true, description: 'Lower-cased.' }),
    phone: t.exposeString('phone', { nullable: true, description: '"+" and digits.' }),
    locale: t.exposeString('locale', { nullable: true }),
    birthday: t.string({
      nullable: true,
      description: 'YYYY-MM-DD.',
      select: { birthday: true },
      resolve: (customer) => customer.birthday?.toISOString().slice(0, 10) ?? null,
    }),
    marketingConsent: t.field({
      type: MarketingConsent,
      select: { marketingConsent: true, marketingConsentAt: true, marketingConsentSource: true },
      resolve: (customer) => ({
        granted: customer.marketingConsent,
        at: customer.marketingConsentAt,
        source: customer.marketingConsentSource,
      }),
    }),
    tags: t.exposeStringList('tags'),
    attributes: t.expose('attributes', { type: 'JSON', description: 'The store’s own fields.' }),
    identities: t.relation('identities', { query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
    orderCount: t.exposeInt('orderCount', { description: 'Sales that were not cancelled.' }),
    totalSpent: t.int({
      description: 'Net of returns and cancellations, in minor units of the store currency.',
      select: { totalSpent: true },
      resolve: (customer) => Number(customer.totalSpent),
    }),
    firstOrderAt: t.expose('firstOrderAt', { type: 'DateTime', nullable: true }),
    lastOrderAt: t.expose('lastOrderAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    timeline: t.relatedConnection('interactions', {
      cursor: 'id',
      description: 'What happened with this customer, newest first.',
      args: { types: t.arg({ type: [InteractionTypeEnum], required: false, description: 'Only these types.' }) },
      query: (args) => ({
        where: args.types?.length ? { type: { in: args.types } } : {},
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      }),
    }),
  }),
});

builder.prismaObject('Segment', {
  description: 'A saved customer filter; list its members with `customers(filter: { segmentId })`.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    filter: t.expose('filter', { type: 'JSON', description: 'The CustomerFilter, as JSON.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('CustomerErasure', {
  description: 'Proof that a customer was erased; holds no personal data.',
  fields: (t) => ({
    id: t.exposeID('id'),
    customerId: t.exposeID('customerId', { description: 'The former id; no customer has it any more.' }),
    reason: t.exposeString('reason', { nullable: true }),
    erasedAt: t.expose('erasedAt', { type: 'DateTime' }),
    summary: t.expose('summary', { type: 'JSON', description: 'What was removed or unlinked, as counts.' }),
  }),
});

const CustomerFilterInput = builder.inputType('CustomerFilter', {
  description: 'All given conditions must hold.',
  fields: (t) => ({
    search: t.string({ description: 'Words matched in name, email, phone or identity ids, case-insensitively.' }),
    tags: t.stringList({ description: 'Has all of these tags.' }),
    segmentId: t.id({ description: 'Is in this segment.' }),
    channel: t.field({ type: OrderChannelEnum, description: 'Has an order in this channel.' }),
    lastOrderBefore: t.field({ type: 'DateTime', description: 'Last order strictly before.' }),
    lastOrderAfter: t.field({ type: 'DateTime', description: 'Last order strictly after.' }),
    totalSpentMin: t.int({ description: 'Minor units, inclusive.' }),
    totalSpentMax: t.int({ description: 'Minor units, inclusive.' }),
    hasOrders: t.boolean({ description: 'Has (true) or has no (false) non-cancelled sale.' }),
    rfmSegment: t.field({
      type: RfmSegmentEnum,
      description: 'Is in this RFM segment, as last computed (`recomputeRfm`); unscored customers match none.',
    }),
    churnRisk: t.field({
      type: ChurnRiskEnum,
      description: 'Has this churn risk in the latest predictions; customers without a prediction match none.',
    }),
  }),
});

const CustomerSortFieldEnum = builder.enumType('CustomerSortField', {
  values: ['CREATED_AT', 'LAST_ORDER_AT', 'TOTAL_SPENT', 'NAME'] as const,
});
const SortDirectionEnum = builder.enumType('SortDirection', { values: ['ASC', 'DESC'] as const });
const CustomerOrderByInput = builder.inputType('CustomerOrderBy', {
  description: 'Nulls (no orders, no name) sort last either way; ties are broken by id.',
  fields: (t) => ({
    field: t.field({ type: CustomerSortFieldEnum, required: true }),
    direction: t.field({ type: SortDirectionEnum, defaultValue: 'DESC' }),
  }),
});

const IdentityInput = builder.inputType('CustomerIdentityInput', {
  fields: (t) => ({
    source: t.string({ required: true, description: 'Lower-case a-z, 0-9, _ and -, e.g. "pos".' }),
    externalId: t.string({ required: true }),
  }),
});
const ConsentInput = builder.inputType('MarketingConsentInput', {
  fields: (t) => ({
    granted: t.boolean({ required: true }),
    at: t.field({ type: 'DateTime', description: 'Defaults to now.' }),
    source: t.string({ description: 'Where it was given, e.g. "checkout".' }),
  }),
});
const CustomerInputType = builder.inputType('CustomerInput', {
  fields: (t) => ({
    identities: t.field({ type: [IdentityInput] }),
    email: t.string(),
    phone: t.string(),
    firstName: t.string(),
    lastName: t.string(),
    locale: t.string({ description: 'BCP 47 tag.' }),
    birthday: t.string({ description: 'YYYY-MM-DD.' }),
    marketingConsent: t.field({ type: ConsentInput }),
    tags: t.stringList(),
    attributes: t.field({ type: 'JSON', description: 'An object of string, number, boolean or null values.' }),
  }),
});

const RecordableInteractionTypeEnum = builder.enumType('RecordableInteractionType', {
  description: 'Timeline entries other systems may record (order entries come from orders).',
  values: RECORDABLE_TYPES,
});
const InteractionInput = builder.inputType('InteractionInput', {
  fields: (t) => ({
    type: t.field({ type: RecordableInteractionTypeEnum, required: true }),
    channel: t.field({ type: OrderChannelEnum }),
    occurredAt: t.field({ type: 'DateTime', description: 'Defaults to now.' }),
    payload: t.field({ type: 'JSON', description: 'A JSON object, at most 10,000 characters.' }),
    sourceRef: t.string({ description: 'Your id for the event; recording it again adds nothing.' }),
  }),
});
const SegmentInput = builder.inputType('CreateSegmentInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    filter: t.field({ type: CustomerFilterInput, required: true }),
  }),
});

/** GraphQL leaves absent input fields undefined; the services treat undefined as "not given". */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

function toCustomerInput(input: Record<string, unknown>): Record<string, unknown> {
  const out = compact(input);
  if (out.marketingConsent) out.marketingConsent = compact(out.marketingConsent as object);
  return out;
}

builder.queryFields((t) => ({
  customer: t.prismaField({
    type: 'Customer',
    nullable: true,
    authScopes: { admin: true },
    description: 'A customer of the calling store; null for unknown ids.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, context) =>
      isUuid(String(id))
        ? context.prisma.customer.findFirst({ ...query, where: { id: String(id), storeId: storeIdOf(context) } })
        : null,
  }),
  customerByIdentity: t.prismaField({
    type: 'Customer',
    nullable: true,
    authScopes: { admin: true },
    description: 'The customer a channel knows by this id, e.g. ("pos", "CARD-889").',
    args: { source: t.arg.string({ required: true }), externalId: t.arg.string({ required: true }) },
    resolve: (query, _root, args, context) => {
      const identity = identityInput.safeParse(args);
      if (!identity.success) return null;
      return context.prisma.customer.findFirst({
        ...query,
        where: { storeId: storeIdOf(context), identities: { some: identity.data } },
      });
    },
  }),
  customers: t.connection(
    {
      type: CustomerRef,
      authScopes: { admin: true },
      description: 'Customers matching the filter, newest first unless `orderBy` says otherwise.',
      args: {
        filter: t.arg({ type: CustomerFilterInput, required: false }),
        orderBy: t.arg({ type: CustomerOrderByInput, required: false }),
      },
      resolve: async (_root, args, context, info) => {
        if (args.last != null || args.before != null)
          throw new GraphQLError('customers pages forward only: use first and after', {
            extensions: { code: 'BAD_USER_INPUT' },
          });
        const storeId = storeIdOf(context);
        const field: CustomerSortField = args.orderBy?.field ?? 'CREATED_AT';
        const direction: SortDirection = args.orderBy?.direction ?? 'DESC';
        let where: Prisma.CustomerWhereInput;
        try {
          where = await customerListWhere(context.prisma, storeId, compact(args.filter ?? {}));
        } catch (error) {
          if (error instanceof InvalidInputError)
            throw new GraphQLError(`Invalid input: ${error.message}`, {
              extensions: { code: 'BAD_USER_INPUT', issues: [{ field: error.field, message: error.rule }] },
            });
          throw error;
        }
        let pageWhere = where;
        if (args.after) {
          const values = decodeCursor(field, args.after);
          if (!values)
            throw new GraphQLError('after: not a cursor of this list and order', {
              extensions: { code: 'BAD_USER_INPUT' },
            });
          pageWhere = { AND: [where, afterCursorWhere(field, direction, values)] };
        }
        const first = args.first ?? 20;
        const query = queryFromInfo({ context, info, path: ['edges', 'node'], typeName: 'Customer' }) as {
          select?: Record<string, unknown>;
          include?: Record<string, unknown>;
        };
        // The cursor needs the sort keys whatever the client selected.
        const sortSelect = {
          id: true,
          createdAt: true,
          lastOrderAt: true,
          totalSpent: true,
          lastName: true,
          firstName: true,
        };
        const rows = (await context.prisma.customer.findMany({
          ...(query.select ? { select: { ...query.select, ...sortSelect } } : {}),
          ...(query.include ? { include: query.include } : {}),
          where: pageWhere,
          orderBy: customerOrderBy(field, direction),
          take: first + 1,
        })) as (Record<string, unknown> & { id: string })[];
        const page = rows.slice(0, first);
        const edges = page.map((row) => ({ cursor: encodeCursor(field, row as never), node: row }));
        return {
          edges,
          pageInfo: {
            hasNextPage: rows.length > first,
            hasPreviousPage: args.after != null,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
          totalCount: () => context.prisma.customer.count({ where }),
        } as never;
      },
    },
    {
      fields: (connection) => ({
        totalCount: connection.int({
          description: 'How many customers match the filter (all pages).',
          resolve: (parent) => (parent as unknown as { totalCount: () => Promise<number> }).totalCount(),
        }),
      }),
    },
  ),
  segments: t.prismaConnection({
    type: 'Segment',
    cursor: 'id',
    authScopes: { admin: true },
    description: 'Saved customer filters, by name.',
    resolve: (query, _root, _args, context) =>
      context.prisma.segment.findMany({ ...query, where: { storeId: storeIdOf(context) }, orderBy: { id: 'asc' } }),
  }),
}));

const UpsertCustomerPayload = builder.objectRef<{ customerId: string; created: boolean }>('UpsertCustomerPayload');
UpsertCustomerPayload.implement({
  fields: (t) => ({
    customer: t.prismaField({
      type: 'Customer',
      resolve: (query, payload, _args, context) =>
        context.prisma.customer.findUniqueOrThrow({ ...query, where: { id: payload.customerId } }),
    }),
    created: t.exposeBoolean('created', { description: 'False when an existing customer was found and updated.' }),
  }),
});

const CustomerDataExport = builder.objectRef<{ data: unknown }>('CustomerDataExport');
CustomerDataExport.implement({
  description: 'Everything Kanta holds about one person.',
  fields: (t) => ({ data: t.expose('data', { type: 'JSON' }) }),
});

const DeletedSegment = builder.objectRef<{ id: string }>('DeletedSegment');
DeletedSegment.implement({ fields: (t) => ({ id: t.exposeID('id') }) });

builder.mutationFields((t) => ({
  upsertCustomer: t.field({
    type: UpsertCustomerPayload,
    authScopes: { admin: true },
    description: 'Finds the customer by any identity, else email, else phone, and updates it; or creates one.',
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: CustomerInputType, required: true }) },
    resolve: async (_root, { input }, context) => {
      const result = await upsertCustomer(context.prisma, storeIdOf(context), toCustomerInput(input) as never, {
        source: 'api',
      });
      context.events.kick();
      return result;
    },
  }),
  updateCustomer: t.prismaField({
    type: 'Customer',
    authScopes: { admin: true },
    description: 'Changes the given fields (null clears one); identities are added, or removed by `removeIdentities`.',
    errors: { types: [NotFoundError, InvalidInputError] },
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: CustomerInputType, required: true }),
      removeIdentities: t.arg({ type: [IdentityInput], required: false }),
    },
    resolve: async (query, _root, args, context) => {
      const id = await updateCustomer(
        context.prisma,
        storeIdOf(context),
        String(args.id),
        toCustomerInput(args.input) as never,
        args.removeIdentities ?? [],
      );
      return context.prisma.customer.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  mergeCustomers: t.prismaField({
    type: 'Customer',
    authScopes: { admin: true },
    description: 'Moves everything of `mergeId` to `keepId` and deletes `mergeId`; returns the kept customer.',
    errors: { types: [NotFoundError, InvalidInputError] },
    args: { keepId: t.arg.id({ required: true }), mergeId: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, context) => {
      const principal = context.principal;
      const id = await mergeCustomers(context.prisma, storeIdOf(context), String(args.keepId), String(args.mergeId), {
        mergedBy: principal && 'apiKeyId' in principal ? `apiKey:${principal.apiKeyId}` : undefined,
      } as { mergedBy?: string });
      context.events.kick();
      return context.prisma.customer.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  createSegment: t.prismaField({
    type: 'Segment',
    authScopes: { admin: true },
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: SegmentInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const id = await createSegment(context.prisma, storeIdOf(context), {
        ...compact(input),
        filter: compact(input.filter),
      });
      return context.prisma.segment.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  deleteSegment: t.field({
    type: DeletedSegment,
    authScopes: { admin: true },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, context) => ({
      id: await deleteSegment(context.prisma, storeIdOf(context), String(id)),
    }),
  }),
  recordInteraction: t.prismaField({
    type: 'Interaction',
    authScopes: { admin: true },
    description: 'Adds a support contact, email sent or opened… to the timeline; idempotent by `sourceRef`.',
    errors: { types: [NotFoundError, InvalidInputError] },
    args: { customerId: t.arg.id({ required: true }), input: t.arg({ type: InteractionInput, required: true }) },
    resolve: async (query, _root, args, context) => {
      const id = await recordInteraction(
        context.prisma,
        storeIdOf(context),
        String(args.customerId),
        compact(args.input),
      );
      return context.prisma.interaction.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  exportCustomerData: t.field({
    type: CustomerDataExport,
    authScopes: { admin: true },
    description: 'Everything Kanta holds about the person (GDPR access / portability), as JSON.',
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, context) => ({
      data: await exportCustomerData(context.prisma, storeIdOf(context), String(id)),
    }),
  }),
  eraseCustomer: t.prismaField({
    type: 'CustomerErasure',
    authScopes: { admin: true },
    description:
      'Erases the person (GDPR): profile, identities and timeline go; orders stay, unlinked, for anonymous totals.',
    errors: { types: [NotFoundError, InvalidInputError] },
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: false }) },
    resolve: async (query, _root, args, context) => {
      const erasureId = await eraseCustomer(context.prisma, storeIdOf(context), String(args.id), args.reason);
      context.events.kick();
      return context.prisma.customerErasure.findUniqueOrThrow({ ...query, where: { id: erasureId } });
    },
  }),
}));
