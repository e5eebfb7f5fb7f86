import type { PrismaClient } from '../../src/db/database.ts';
import { cancelOrder, type OrderInput, recordOrders } from '../../src/modules/orders/orders.service.ts';

/**
 * A small store in Europe/Helsinki (UTC+2, UTC+3 from 29 March 2026) with hand-computable figures.
 * Customers A, B, C, D buy; E only returns goods (never a purchase); guests buy without a customer.
 *
 * | order | who   | channel/location | placedAt (UTC)      | local month | netTotal | discount | notes                          |
 * |-------|-------|------------------|---------------------|-------------|----------|----------|--------------------------------|
 * | o1    | A     | ONLINE           | 2026-01-10 10:00    | Jan         | 10 000   |          |                                |
 * | o2    | B     | STORE            | 2026-01-15 10:00    | Jan         | 5 000    |          |                                |
 * | o3    | A     | ONLINE           | 2026-01-31 22:30    | **Feb**     | 4 000    |          | Feb 1 00:30 in Helsinki        |
 * | o4    | C     | STORE HEL-1      | 2026-02-10 10:00    | Feb         | 6 000    | 1 000    | line discount                  |
 * | o5    | guest | ONLINE           | 2026-02-12 10:00    | Feb         | 3 000    |          |                                |
 * | o6    | D     | ONLINE           | 2026-02-20 10:00    | Feb         | 0        |          | 8 000, fully returned by r1    |
 * | o7    | C     | ONLINE           | 2026-02-25 10:00    | Feb         | 0        |          | 2 000, cancelled               |
 * | o8    | B     | STORE HEL-1      | 2026-03-05 10:00    | Mar         | 9 000    | 1 000    | order discount                 |
 * | o9    | C     | ONLINE           | 2026-03-10 10:00    | Mar         | 3 000    |          | 5 000, 2 000 returned by r2    |
 * | r1    | D     | ONLINE           | 2026-03-12 10:00    | Mar         | (linked) |          | return of o6, −8 000           |
 * | r3    | E     | STORE            | 2026-03-15 10:00    | Mar         | −1 500   |          | unlinked return                |
 * | r2    | C     | ONLINE           | 2026-03-20 10:00    | Mar         | (linked) |          | return of o9, −2 000           |
 * | o10   | guest | STORE            | 2026-03-31 21:30    | **Apr**     | 1 000    |          | Apr 1 00:30 in Helsinki        |
 * | o11   | A     | ONLINE           | 2026-04-05 10:00    | Apr         | 7 000    | 500      |                                |
 * | o12   | D     | STORE ESP-2      | 2026-04-10 10:00    | Apr         | 3 000    |          | D's first purchase ever        |
 * | o13   | A     | STORE            | 2026-04-20 10:00    | Apr         | 2 000    | 200      |                                |
 *
 * Purchases (SALE, not cancelled, not fully returned): o1–o5, o8–o13 (o6 is fully returned, o7
 * cancelled). First purchase ever: A Jan, B Jan, C Feb, D Apr; E never.
 */
export async function seedCustomerMetricsStore(prisma: PrismaClient, storeId: string): Promise<void> {
  await prisma.store.update({ where: { id: storeId }, data: { timezone: 'Europe/Helsinki' } });
  const who = (id: string) => ({ identities: [{ source: 'web', externalId: id }] });
  const sale = (
    externalId: string,
    customer: string | null,
    channel: 'STORE' | 'ONLINE',
    placedAt: string,
    unitPrice: number,
    extra: { discount?: number; orderDiscount?: number; location?: string } = {},
  ): OrderInput => ({
    externalId,
    customer: customer ? who(customer) : null,
    channel,
    location: extra.location ?? null,
    placedAt: new Date(placedAt),
    currency: 'EUR',
    orderDiscount: extra.orderDiscount ?? 0,
    lines: [{ sku: 'SKU-1', name: 'Thing', quantity: 1, unitPrice, discount: extra.discount ?? 0 }],
  });
  const giveBack = (
    externalId: string,
    customer: string,
    channel: 'STORE' | 'ONLINE',
    placedAt: string,
    unitPrice: number,
    returnOfExternalId: string | null,
  ): OrderInput => ({
    externalId,
    customer: who(customer),
    channel,
    placedAt: new Date(placedAt),
    currency: 'EUR',
    returnOfExternalId,
    lines: [{ sku: 'SKU-1', name: 'Thing', quantity: -1, unitPrice }],
  });
  await recordOrders(prisma, storeId, [
    sale('o1', 'A', 'ONLINE', '2026-01-10T10:00:00Z', 10_000),
    sale('o2', 'B', 'STORE', '2026-01-15T10:00:00Z', 5_000),
    sale('o3', 'A', 'ONLINE', '2026-01-31T22:30:00Z', 4_000),
    sale('o4', 'C', 'STORE', '2026-02-10T10:00:00Z', 7_000, { discount: 1_000, location: 'HEL-1' }),
    sale('o5', null, 'ONLINE', '2026-02-12T10:00:00Z', 3_000),
    sale('o6', 'D', 'ONLINE', '2026-02-20T10:00:00Z', 8_000),
    sale('o7', 'C', 'ONLINE', '2026-02-25T10:00:00Z', 2_000),
    sale('o8', 'B', 'STORE', '2026-03-05T10:00:00Z', 10_000, { orderDiscount: 1_000, location: 'HEL-1' }),
    sale('o9', 'C', 'ONLINE', '2026-03-10T10:00:00Z', 5_000),
  ]);
  await recordOrders(prisma, storeId, [
    giveBack('r1', 'D', 'ONLINE', '2026-03-12T10:00:00Z', 8_000, 'o6'),
    giveBack('r3', 'E', 'STORE', '2026-03-15T10:00:00Z', 1_500, null),
    giveBack('r2', 'C', 'ONLINE', '2026-03-20T10:00:00Z', 2_000, 'o9'),
    sale('o10', null, 'STORE', '2026-03-31T21:30:00Z', 1_000),
    sale('o11', 'A', 'ONLINE', '2026-04-05T10:00:00Z', 7_500, { discount: 500 }),
    sale('o12', 'D', 'STORE', '2026-04-10T10:00:00Z', 3_000, { location: 'ESP-2' }),
    sale('o13', 'A', 'STORE', '2026-04-20T10:00:00Z', 2_200, { discount: 200 }),
  ]);
  await cancelOrder(prisma, storeId, 'o7', { reason: 'changed their mind' });
}

/** Local month starts in Europe/Helsinki, as instants. */
export const HELSINKI = {
  jan: '2025-12-31T22:00:00.000Z',
  feb: '2026-01-31T22:00:00.000Z',
  mar: '2026-02-28T22:00:00.000Z',
  apr: '2026-03-31T21:00:00.000Z',
  may: '2026-04-30T21:00:00.000Z',
} as const;
