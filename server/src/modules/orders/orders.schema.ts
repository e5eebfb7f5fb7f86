import { builder } from '../../builder.ts';
import { storeIdOf } from '../../context.ts';
import { InvalidInputError, isUuid, NotFoundError } from '../../errors.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { OrderChannelEnum } from '../customers/customers.schema.ts';
import type { CustomerInput } from '../customers/customers.validation.ts';
import { cancelOrder, type OrderInput, recordOrders } from './orders.service.ts';
import { MAX_ORDERS_PER_CALL } from './orders.validation.ts';

export const OrderKindEnum = builder.enumType('OrderKind', {
  values: {
    SALE: { description: 'A purchase; negative lines inside it (an exchange) reduce its value.' },
    RETURN: { description: 'Only negative lines: goods coming back, optionally naming the original order.' },
  } as const,
});

export const OrderStatusEnum = builder.enumType('OrderStatus', {
  values: ['PLACED', 'PAID', 'FULFILLED', 'CANCELLED'] as const,
});

const OrderInputStatusEnum = builder.enumType('OrderInputStatus', {
  description: 'The status an order is recorded with; cancel with `cancelOrder`.',
  values: ['PLACED', 'PAID', 'FULFILLED'] as const,
});

export const OrderLineKindEnum = builder.enumType('OrderLineKind', {
  values: {
    PRODUCT: { description: 'Goods; counted in itemCount and product analytics.' },
    SHIPPING: {},
    FEE: {},
    ADJUSTMENT: { description: 'A manual correction.' },
  } as const,
});

/** Money columns are bigint; GraphQL Int is 32-bit, which covers the amounts of a small retailer's order. */
const money = (value: bigint) => Number(value);

builder.prismaObject('Order', {
  description: 'A sale or a return, in any channel. Money is in minor units of `currency`.',
  fields: (t) => ({
    id: t.exposeID('id'),
    externalId: t.exposeString('externalId', { description: 'The id in the system it came from.' }),
    kind: t.expose('kind', { type: OrderKindEnum }),
    channel: t.expose('channel', { type: OrderChannelEnum }),
    location: t.exposeString('location', { nullable: true, description: 'A shop, till or warehouse id.' }),
    placedAt: t.expose('placedAt', { type: 'DateTime' }),
    timeZone: t.exposeString('timeZone', { nullable: true, description: 'IANA zone the order was placed in.' }),
    currency: t.string({ select: { currency: true }, resolve: (order) => order.currency.trim() }),
    status: t.expose('status', { type: OrderStatusEnum }),
    subtotal: t.int({
      description: 'Σ quantity × unit price, negative lines included.',
      select: { subtotal: true },
      resolve: (order) => money(order.subtotal),
    }),
    discountTotal: t.int({
      description: 'Line discounts (signed like their line) plus the order discount (signed like the order).',
      select: { discountTotal: true },
      resolve: (order) => money(order.discountTotal),
    }),
    orderDiscount: t.int({ select: { orderDiscount: true }, resolve: (order) => money(order.orderDiscount) }),
    total: t.int({
      description: 'subtotal − discountTotal; negative for a return.',
      select: { total: true },
      resolve: (order) => money(order.total),
    }),
    returnedTotal: t.int({
      description: 'Value of later returns that name this order (positive).',
      select: { returnedTotal: true },
      resolve: (order) => money(order.returnedTotal),
    }),
    netTotal: t.int({
      description:
        'What the order is worth now: total − returnedTotal; 0 for a cancelled order and for a return linked to its original.',
      select: { netTotal: true },
      resolve: (order) => money(order.netTotal),
    }),
    itemCount: t.exposeInt('itemCount', { description: 'Σ |quantity| over product lines.' }),
    source: t.exposeString('source', { description: 'Where it came from: "api", "import", "webhook:shopify".' }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true }),
    cancelReason: t.exposeString('cancelReason', { nullable: true }),
    customer: t.relation('customer', { nullable: true, description: 'Null for guest orders.' }),
    returnOf: t.relation('returnOf', { nullable: true, description: 'For returns: the original order.' }),
    returns: t.relation('returns', {
      description: 'Returns that name this order, oldest first.',
      query: { orderBy: [{ placedAt: 'asc' }, { id: 'asc' }] },
    }),
    lines: t.relation('lines', { query: { orderBy: { lineNumber: 'asc' } } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('OrderLine', {
  fields: (t) => ({
    lineNumber: t.exposeInt('lineNumber', { description: 'From 1, in the order given.' }),
    kind: t.expose('kind', { type: OrderLineKindEnum }),
    sku: t.exposeString('sku', { nullable: true }),
    name: t.exposeString('name'),
    quantity: t.exposeInt('quantity', { description: 'Negative for returned items.' }),
    unitPrice: t.exposeInt('unitPrice'),
    discount: t.exposeInt('discount', { description: 'On the whole line, positive.' }),
    total: t.int({
      description: 'quantity × unitPrice − discount; a returned line: −(|quantity| × unitPrice − discount).',
      select: { total: true },
      resolve: (line) => money(line.total),
    }),
    product: t.relation('product', { nullable: true, description: 'The catalogue entry with this sku, if any.' }),
  }),
});

builder.prismaObjectField('Customer', 'orders', (t) =>
  t.relatedConnection('orders', {
    cursor: 'id',
    authScopes: { admin: true },
    description: "The customer's orders and returns, newest first.",
    query: () => ({ orderBy: [{ placedAt: 'desc' }, { id: 'desc' }] }),
  }),
);

const OrderFilterInput = builder.inputType('OrderFilter', {
  fields: (t) => ({
    customerId: t.id(),
    channel: t.field({ type: OrderChannelEnum }),
    placedAfter: t.field({ type: 'DateTime', description: 'Inclusive.' }),
    placedBefore: t.field({ type: 'DateTime', description: 'Exclusive.' }),
    kind: t.field({ type: OrderKindEnum }),
    status: t.field({ type: OrderStatusEnum }),
  }),
});

const OrderCustomerIdentityInput = builder.inputType('OrderCustomerIdentityInput', {
  fields: (t) => ({
    source: t.string({ required: true, description: 'Lower-case a-z, 0-9, _ and -, e.g. "pos".' }),
    externalId: t.string({ required: true }),
  }),
});

const OrderCustomerInput = builder.inputType('OrderCustomerInput', {
  description: 'Who bought: resolved to a customer by any identity, else email, else phone (created if new).',
  fields: (t) => ({
    identities: t.field({ type: [OrderCustomerIdentityInput] }),
    email: t.string(),
    phone: t.string(),
    firstName: t.string(),
    lastName: t.string(),
  }),
});

const OrderLineInputType = builder.inputType('OrderLineInput', {
  fields: (t) => ({
    sku: t.string({ description: 'Links the line to the catalogue product with this sku, when there is one.' }),
    name: t.string({ required: true }),
    quantity: t.int({ required: true, description: 'Non-zero; negative for returned items.' }),
    unitPrice: t.int({ required: true, description: 'Minor units, ≥ 0.' }),
    discount: t.int({ description: 'On the whole line, minor units, 0 … quantity × unitPrice. Default 0.' }),
    kind: t.field({ type: OrderLineKindEnum, description: 'Default PRODUCT.' }),
  }),
});

const OrderInputType = builder.inputType('OrderInput', {
  fields: (t) => ({
    externalId: t.string({ required: true, description: 'Unique per store: recording it again changes nothing.' }),
    customer: t.field({ type: OrderCustomerInput, description: 'Omit for a guest order.' }),
    channel: t.field({ type: OrderChannelEnum, required: true }),
    location: t.string(),
    placedAt: t.field({ type: 'DateTime', required: true }),
    timeZone: t.string({ description: 'IANA zone, e.g. Europe/Helsinki.' }),
    currency: t.string({ description: "ISO 4217; defaults to the store's currency." }),
    status: t.field({ type: OrderInputStatusEnum, description: 'Default PLACED.' }),
    lines: t.field({ type: [OrderLineInputType], required: true }),
    orderDiscount: t.int({ description: 'Minor units, on the whole order. Default 0.' }),
    returnOfExternalId: t.string({ description: 'For a return (every line negative): the order it returns.' }),
  }),
});

type OrderInputShape = typeof OrderInputType.$inferInput;

const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

function toCustomerInput(customer: NonNullable<OrderInputShape['customer']>): CustomerInput {
  return {
    identities: customer.identities?.map((identity) => ({ source: identity.source, externalId: identity.externalId })),
    email: customer.email,
    phone: customer.phone,
    firstName: customer.firstName,
    lastName: customer.lastName,
  };
}

function toOrderInput(input: OrderInputShape): OrderInput {
  return {
    externalId: input.externalId,
    customer: input.customer ? toCustomerInput(input.customer) : null,
    channel: input.channel,
    location: input.location,
    placedAt: input.placedAt,
    timeZone: input.timeZone,
    currency: input.currency,
    status: input.status,
    lines: input.lines.map((line) => ({
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      discount: orUndefined(line.discount),
      kind: orUndefined(line.kind),
    })),
    orderDiscount: orUndefined(input.orderDiscount),
    returnOfExternalId: input.returnOfExternalId,
  };
}

/** The service names fields from its own point of view ("orders.3.lines.0.quantity"); callers sent `input`. */
function renameField<T>(action: () => Promise<T>, single: boolean): Promise<T> {
  return action().catch((error: unknown) => {
    if (error instanceof InvalidInputError && (error.field === 'orders' || error.field.startsWith('orders.'))) {
      const rest = error.field.slice('orders'.length);
      const field = single ? `input${rest.replace(/^\.0(?=\.|$)/, '')}` : `input${rest}`;
      throw new InvalidInputError(field, error.rule);
    }
    throw error;
  });
}

interface RecordOrderPayloadShape {
  orderId: string;
  created: boolean;
}

const RecordOrderPayload = builder.objectRef<RecordOrderPayloadShape>('RecordOrderPayload').implement({
  fields: (t) => ({
    // findUnique calls in one tick are batched by Prisma into one query, so a page of results is not N+1.
    order: t.prismaField({
      type: 'Order',
      resolve: (query, result, _args, context) =>
        context.prisma.order.findUniqueOrThrow({ ...query, where: { id: result.orderId } }),
    }),
    created: t.exposeBoolean('created', { description: 'False when the order was recorded before (a replay).' }),
  }),
});

const RecordOrdersPayload = builder.objectRef<{ results: RecordOrderPayloadShape[] }>('RecordOrdersPayload').implement({
  fields: (t) => ({
    results: t.field({
      type: [RecordOrderPayload],
      description: 'One per input, in input order.',
      resolve: (p) => p.results,
    }),
    createdCount: t.int({ resolve: (p) => p.results.filter((result) => result.created).length }),
    replayedCount: t.int({
      description: 'Inputs whose externalId was already recorded (or repeated in this call).',
      resolve: (p) => p.results.filter((result) => !result.created).length,
    }),
  }),
});

builder.queryFields((t) => ({
  order: t.prismaField({
    type: 'Order',
    nullable: true,
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, context) =>
      isUuid(String(id))
        ? context.prisma.order.findFirst({ ...query, where: { id: String(id), storeId: storeIdOf(context) } })
        : null,
  }),
  orderByExternalId: t.prismaField({
    type: 'Order',
    nullable: true,
    authScopes: { admin: true },
    args: { externalId: t.arg.string({ required: true }) },
    resolve: (query, _root, { externalId }, context) =>
      context.prisma.order.findUnique({
        ...query,
        where: { storeId_externalId: { storeId: storeIdOf(context), externalId } },
      }),
  }),
  orders: t.prismaConnection({
    type: 'Order',
    cursor: 'id',
    authScopes: { admin: true },
    description: 'Orders and returns, newest first.',
    args: { filter: t.arg({ type: OrderFilterInput }) },
    resolve: (query, _root, { filter }, context) => {
      const where: Prisma.OrderWhereInput = { storeId: storeIdOf(context) };
      if (filter?.customerId != null)
        where.customerId = isUuid(String(filter.customerId))
          ? String(filter.customerId)
          : '00000000-0000-0000-0000-000000000000';
      if (filter?.channel) where.channel = filter.channel;
      if (filter?.kind) where.kind = filter.kind;
      if (filter?.status) where.status = filter.status;
      if (filter?.placedAfter || filter?.placedBefore)
        where.placedAt = { gte: filter.placedAfter ?? undefined, lt: filter.placedBefore ?? undefined };
      return context.prisma.order.findMany({ ...query, where, orderBy: [{ placedAt: 'desc' }, { id: 'desc' }] });
    },
  }),
}));

builder.mutationFields((t) => ({
  recordOrder: t.field({
    type: RecordOrderPayload,
    authScopes: { admin: true },
    description: 'Records one order; recording the same externalId again returns the existing order, unchanged.',
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: OrderInputType, required: true }) },
    resolve: async (_root, { input }, context) => {
      const [result] = await renameField(
        () => recordOrders(context.prisma, storeIdOf(context), [toOrderInput(input)]),
        true,
      );
      context.events.kick();
      return result!;
    },
  }),
  recordOrders: t.field({
    type: RecordOrdersPayload,
    authScopes: { admin: true },
    description: `Records up to ${MAX_ORDERS_PER_CALL.toLocaleString('en')} orders in one transaction: all or nothing.`,
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: [OrderInputType], required: true }) },
    resolve: async (_root, { input }, context) => {
      if (input.length > MAX_ORDERS_PER_CALL)
        throw new InvalidInputError(
          'input',
          `must list at most ${MAX_ORDERS_PER_CALL.toLocaleString('en')} orders per call`,
        );
      const results = await renameField(
        () => recordOrders(context.prisma, storeIdOf(context), input.map(toOrderInput)),
        false,
      );
      context.events.kick();
      return { results };
    },
  }),
  cancelOrder: t.prismaField({
    type: 'Order',
    authScopes: { admin: true },
    description: 'Cancels an order: its net value goes to 0. Cancelling twice changes nothing.',
    errors: { types: [InvalidInputError, NotFoundError] },
    args: {
      externalId: t.arg.string({ required: true }),
      reason: t.arg.string(),
      cancelledAt: t.arg({ type: 'DateTime', description: 'Default: now.' }),
    },
    resolve: async (query, _root, args, context) => {
      const { orderId } = await cancelOrder(context.prisma, storeIdOf(context), args.externalId, {
        reason: args.reason,
        cancelledAt: args.cancelledAt,
      });
      context.events.kick();
      return context.prisma.order.findUniqueOrThrow({ ...query, where: { id: orderId } });
    },
  }),
}));
