import { builder } from '../../builder.ts';
import { storeIdOf } from '../../context.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import { createApiKey, revokeApiKey, updateStore } from './stores.service.ts';

export const ApiKeyKindEnum = builder.enumType('ApiKeyKind', {
  values: {
    PUBLISHABLE: { description: 'pk_…: for storefront pages; public and shopper operations only.' },
    SECRET: { description: "sk_…: for the retailer's back end; full access to its store." },
  } as const,
});

builder.prismaObject('Store', {
  description: 'A tenant: one retailer. Every key belongs to exactly one store and sees only its data.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    defaultCurrency: t.exposeString('defaultCurrency', { description: 'ISO 4217 code, e.g. EUR.' }),
    defaultLocale: t.exposeString('defaultLocale', { description: 'BCP 47 tag, e.g. fi.' }),
    timezone: t.exposeString('timezone', { description: 'IANA time zone, e.g. Europe/Helsinki.' }),
    allowedOrigins: t.exposeStringList('allowedOrigins', {
      description: 'Origins whose pages may use the publishable key (CORS).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    apiKeys: t.relatedConnection('apiKeys', {
      cursor: 'id',
      description: "The store's API keys, newest first, revoked ones included.",
      query: () => ({ orderBy: { id: 'desc' } }),
    }),
  }),
});

builder.prismaObject('ApiKey', {
  description: 'An API key. Secret keys are stored only as a hash and shown once, when created.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.expose('kind', { type: ApiKeyKindEnum }),
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, to recognise it.' }),
    publishableKey: t.exposeString('publicValue', {
      nullable: true,
      description: 'The whole key for publishable keys; null for secret keys.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const Storefront = builder.objectRef<{ name: string; defaultLocale: string; defaultCurrency: string }>('Storefront');
Storefront.implement({
  description: 'What a storefront page may know about the store.',
  fields: (t) => ({
    name: t.exposeString('name'),
    defaultLocale: t.exposeString('defaultLocale'),
    defaultCurrency: t.exposeString('defaultCurrency'),
  }),
});

builder.queryFields((t) => ({
  store: t.prismaField({
    type: 'Store',
    description: 'The store of the calling secret key.',
    authScopes: { admin: true },
    resolve: (query, _root, _args, context) =>
      context.prisma.store.findUniqueOrThrow({ ...query, where: { id: storeIdOf(context) } }),
  }),
  storefront: t.field({
    type: Storefront,
    description: "The public face of the calling key's store; available to publishable keys.",
    resolve: (_root, _args, context) =>
      context.prisma.store.findUniqueOrThrow({
        where: { id: storeIdOf(context) },
        select: { name: true, defaultLocale: true, defaultCurrency: true },
      }),
  }),
}));

const UpdateStoreInput = builder.inputType('UpdateStoreInput', {
  description: 'Fields to change; omitted fields stay as they are.',
  fields: (t) => ({
    name: t.string({ required: false }),
    defaultCurrency: t.string({ required: false, description: 'ISO 4217 code.' }),
    defaultLocale: t.string({ required: false, description: 'BCP 47 tag.' }),
    timezone: t.string({ required: false, description: 'IANA time zone.' }),
    allowedOrigins: t.stringList({ required: false, description: 'Replaces the whole list.' }),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    kind: t.field({ type: ApiKeyKindEnum, required: true }),
    name: t.string({ required: false, description: 'A label, e.g. "POS integration".' }),
  }),
});

const CreatedApiKey = builder.objectRef<{ id: string; key: string }>('CreatedApiKey');
CreatedApiKey.implement({
  fields: (t) => ({
    apiKey: t.prismaField({
      type: 'ApiKey',
      resolve: (query, created, _args, context) =>
        context.prisma.apiKey.findUniqueOrThrow({ ...query, where: { id: created.id } }),
    }),
    key: t.exposeString('key', { description: 'The whole key. Shown only here: store it now.' }),
  }),
});

builder.mutationFields((t) => ({
  updateStore: t.prismaField({
    type: 'Store',
    authScopes: { admin: true },
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: UpdateStoreInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const id = await updateStore(context.prisma, storeIdOf(context), input);
      return context.prisma.store.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  createApiKey: t.field({
    type: CreatedApiKey,
    authScopes: { admin: true },
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: (_root, { input }, context) => createApiKey(context.prisma, storeIdOf(context), input),
  }),
  revokeApiKey: t.prismaField({
    type: 'ApiKey',
    description: 'Revokes a key at once; requests with it are refused from then on.',
    authScopes: { admin: true },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, { id }, context) => {
      const revoked = await revokeApiKey(context.prisma, storeIdOf(context), String(id));
      return context.prisma.apiKey.findUniqueOrThrow({ ...query, where: { id: revoked } });
    },
  }),
}));

const PrincipalKindEnum = builder.enumType('PrincipalKind', {
  values: {
    ADMIN: { description: 'A secret key.' },
    STOREFRONT: { description: 'A publishable key without a signed-in shopper.' },
    CUSTOMER: { description: 'A publishable key with a valid customer token.' },
  } as const,
});

const Viewer = builder.objectRef<{ kind: 'ADMIN' | 'STOREFRONT' | 'CUSTOMER'; customerExternalId: string | null }>(
  'Viewer',
);
Viewer.implement({
  description: 'Who the API thinks is calling: handy to check a key or a customer token.',
  fields: (t) => ({
    kind: t.expose('kind', { type: PrincipalKindEnum }),
    customerExternalId: t.exposeString('customerExternalId', {
      nullable: true,
      description: "The signed-in shopper's id (the token's sub), for customer principals.",
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: Viewer,
    resolve: (_root, _args, context) => {
      const principal = context.principal!;
      const kinds = { admin: 'ADMIN', storefront: 'STOREFRONT', customer: 'CUSTOMER' } as const;
      return {
        kind: kinds[principal.kind],
        customerExternalId: principal.kind === 'customer' ? principal.customerExternalId : null,
      };
    },
  }),
);
