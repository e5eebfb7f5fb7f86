import type { PrismaClient } from '../../db/database.ts';
import type { Prisma } from '../../generated/prisma/client.ts';

/**
 * Whether the customer may be offered a review form for `sku` on a storefront: they bought it, by
 * the same rule that makes a review a verified purchase (a PRODUCT line with that sku and a
 * positive quantity in one of their SALE orders that is not cancelled, in any channel). Submitting
 * stays open to others where the store allows it; this only decides where widgets show the button.
 */
export async function canReviewSku(
  prisma: PrismaClient | Prisma.TransactionClient,
  storeId: string,
  customerId: string | null,
  sku: string,
): Promise<boolean> {
  const trimmed = sku.trim();
  if (!customerId || trimmed === '') return false;
  const line = await prisma.orderLine.findFirst({
    where: {
      storeId,
      sku: trimmed,
      kind: 'PRODUCT',
      quantity: { gt: 0 },
      order: { storeId, customerId, kind: 'SALE', status: { not: 'CANCELLED' }, cancelledAt: null },
    },
    select: { orderId: true },
  });
  return line !== null;
}
