import { builder } from '../../builder.ts';
import type { KantaContext } from '../../context.ts';
import { shopperIdentityOf } from './shopper.ts';

/** The signed-in shopper as `me` sees them; `customer` is null until the store knows them. */
export interface ShopperShape {
  storeId: string;
  /** The customer token's subject. */
  sub: string;
  source: string;
  externalId: string;
  customerId: string | null;
  customer: { firstName: string | null; email: string | null; locale: string | null } | null;
  defaultLocale: string;
}

export const ShopperRef = builder.objectRef<ShopperShape>('Shopper').implement({
  description:
    'The signed-in shopper (a publishable key with a customer token): their own data only. A shopper the store does not know yet has a null id and an empty loyalty account.',
  fields: (t) => ({
    id: t.id({
      nullable: true,
      description: 'The customer id; null while the store has no customer with this identity.',
      resolve: (shopper) => shopper.customerId,
    }),
    source: t.exposeString('source', { description: 'The identity source of the token subject, e.g. "web".' }),
    externalId: t.exposeString('externalId', { description: 'The id the store gave the shopper (the token subject).' }),
    firstName: t.string({ nullable: true, resolve: (shopper) => shopper.customer?.firstName ?? null }),
    email: t.string({ nullable: true, resolve: (shopper) => shopper.customer?.email ?? null }),
    locale: t.string({
      description: "The shopper's locale, else the store's default locale.",
      resolve: (shopper) => shopper.customer?.locale ?? shopper.defaultLocale,
    }),
  }),
});

/** Loads the signed-in shopper of the context's principal (which scope-auth checked is a customer). */
export async function loadShopper(context: Pick<KantaContext, 'prisma' | 'principal'>): Promise<ShopperShape> {
  const principal = context.principal;
  const identity = shopperIdentityOf(principal);
  if (principal?.kind !== 'customer' || !identity)
    throw new Error('loadShopper called without a customer principal; check the field authScopes');
  // One query for the identity and its customer, one for the store, side by side.
  const [row, store] = await Promise.all([
    identity.externalId === ''
      ? null
      : context.prisma.customerIdentity.findUnique({
          where: {
            storeId_source_externalId: {
              storeId: principal.storeId,
              source: identity.source,
              externalId: identity.externalId,
            },
          },
          select: { customer: { select: { id: true, firstName: true, email: true, locale: true } } },
        }),
    context.prisma.store.findUniqueOrThrow({ where: { id: principal.storeId }, select: { defaultLocale: true } }),
  ]);
  const customer = row?.customer ?? null;
  return {
    storeId: principal.storeId,
    sub: principal.customerExternalId,
    source: identity.source,
    externalId: identity.externalId,
    customerId: customer?.id ?? null,
    customer: customer && { firstName: customer.firstName, email: customer.email, locale: customer.locale },
    defaultLocale: store.defaultLocale,
  };
}

builder.queryField('me', (t) =>
  t.field({
    type: ShopperRef,
    authScopes: { customer: true },
    description:
      'The signed-in shopper: needs a publishable key and a customer token (`x-kanta-customer`); other keys get FORBIDDEN.',
    resolve: (_root, _args, context) => loadShopper(context),
  }),
);
