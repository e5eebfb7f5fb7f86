import { z } from 'zod';
import type { PrismaClient } from '../../db/database.ts';
import { isUuid, NotFoundError } from '../../errors.ts';
import { emit } from '../../events/events.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { customerDataParticipants, toJson } from './customer-data.ts';
import { parseInput, TRANSACTION_OPTIONS } from './customers.service.ts';

/** Everything Kanta holds about one person (GDPR art. 15 / 20), as JSON. */
export async function exportCustomerData(prisma: PrismaClient, storeId: string, customerId: string): Promise<unknown> {
  if (!isUuid(customerId)) throw new NotFoundError('Customer');
  return prisma.$transaction(async (tx) => {
    // Sequential reads: Prisma runs a nested include's queries in parallel, which one transaction
    // connection cannot do (pg warns).
    const profile = await tx.customer.findFirst({ where: { id: customerId, storeId } });
    if (!profile) throw new NotFoundError('Customer');
    const where = { storeId, customerId };
    const identities = await tx.customerIdentity.findMany({ where, orderBy: { createdAt: 'asc' } });
    const orders = await tx.order.findMany({ where, orderBy: { placedAt: 'asc' } });
    const lines = await tx.orderLine.findMany({
      where: { storeId, orderId: { in: orders.map((order) => order.id) } },
      orderBy: [{ orderId: 'asc' }, { lineNumber: 'asc' }],
    });
    const interactions = await tx.interaction.findMany({ where, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] });
    const merges = await tx.customerMerge.findMany({
      where: { storeId, keptCustomerId: customerId },
      orderBy: { createdAt: 'asc' },
    });
    const modules: Record<string, unknown> = {};
    for (const participant of customerDataParticipants())
      modules[participant.name] = await participant.export(tx, storeId, customerId);
    return toJson({
      exportedAt: new Date(),
      profile,
      identities: identities.map(({ source, externalId, createdAt }) => ({ source, externalId, createdAt })),
      orders: orders.map((order) => ({ ...order, lines: lines.filter((line) => line.orderId === order.id) })),
      timeline: interactions,
      merges: merges.map(({ mergedCustomerId, snapshot, moved, createdAt }) => ({
        mergedCustomerId,
        mergedProfile: snapshot,
        moved,
        createdAt,
      })),
      ...modules,
    });
  }, TRANSACTION_OPTIONS);
}

const erasureReason = z.string().trim().max(500, 'must be at most 500 characters').nullish();

/**
 * Erases a person (GDPR art. 17) in one transaction: the profile, identities and timeline are
 * deleted, merge snapshots scrubbed, participants erase their data; orders stay for anonymous
 * aggregates but lose their link. A CustomerErasure row (counts only) records it.
 */
export async function eraseCustomer(
  prisma: PrismaClient,
  storeId: string,
  customerId: string,
  reason?: string | null,
): Promise<string> {
  const why = parseInput(erasureReason, reason, 'reason') ?? null;
  if (!isUuid(customerId)) throw new NotFoundError('Customer');
  return prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Customer" WHERE id = ${customerId}::uuid AND "storeId" = ${storeId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw new NotFoundError('Customer');
    const where = { storeId, customerId };
    const summary: Record<string, number> = {};
    for (const participant of customerDataParticipants()) {
      const counts = await participant.erase(tx, storeId, customerId);
      for (const [kind, count] of Object.entries(counts ?? {})) summary[`${participant.name}.${kind}`] = count;
    }
    summary.ordersUnlinked = (await tx.order.updateMany({ where, data: { customerId: null } })).count;
    summary.identities = (await tx.customerIdentity.deleteMany({ where })).count;
    summary.interactions = (await tx.interaction.deleteMany({ where })).count;
    // Merge records stay as proof of the merge, without the merged person's profile.
    summary.mergeSnapshots = (
      await tx.customerMerge.updateMany({
        where: { storeId, keptCustomerId: customerId },
        data: { snapshot: { erased: true } as Prisma.InputJsonObject },
      })
    ).count;
    await tx.customer.delete({ where: { id: customerId } });
    const erasure = await tx.customerErasure.create({
      data: { storeId, customerId, reason: why, summary },
      select: { id: true },
    });
    await emit(tx, storeId, 'customer.erased', { customerId });
    return erasure.id;
  }, TRANSACTION_OPTIONS);
}
