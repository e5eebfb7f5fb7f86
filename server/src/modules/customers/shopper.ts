import type { Principal } from '../../context.ts';
import type { PrismaClient } from '../../db/database.ts';
import type { Prisma } from '../../generated/prisma/client.ts';

/**
 * The signed-in shopper. A customer token's `sub` is "<source>:<externalId>" (e.g. "web:12345"),
 * naming one of the store's customer identities; a sub without a colon is a "web" identity.
 */
export interface ShopperIdentity {
  source: string;
  externalId: string;
}

export const DEFAULT_SHOPPER_SOURCE = 'web';

/** Splits a token subject at its first colon: "pos:CARD:1" is source "pos", externalId "CARD:1". */
export function parseShopperSub(sub: string): ShopperIdentity {
  const colon = sub.indexOf(':');
  if (colon <= 0) return { source: DEFAULT_SHOPPER_SOURCE, externalId: colon === 0 ? sub.slice(1) : sub };
  return { source: sub.slice(0, colon), externalId: sub.slice(colon + 1) };
}

/** The shopper's identity, or null for a principal without a customer token. */
export function shopperIdentityOf(principal: Principal | null): ShopperIdentity | null {
  return principal?.kind === 'customer' ? parseShopperSub(principal.customerExternalId) : null;
}

/**
 * The id of the signed-in shopper's customer record in the principal's store; null for other
 * principals and for a shopper the store does not know yet (no identity with that id).
 */
export async function resolveShopper(
  prisma: PrismaClient | Prisma.TransactionClient,
  principal: Principal | null,
): Promise<string | null> {
  const identity = shopperIdentityOf(principal);
  if (!principal || !identity || identity.externalId === '') return null;
  const row = await prisma.customerIdentity.findUnique({
    where: {
      storeId_source_externalId: {
        storeId: principal.storeId,
        source: identity.source,
        externalId: identity.externalId,
      },
    },
    select: { customerId: true },
  });
  return row?.customerId ?? null;
}
