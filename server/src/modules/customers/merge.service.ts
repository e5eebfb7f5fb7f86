import type { PrismaClient } from '../../db/database.ts';
import { InvalidInputError, isUuid, NotFoundError } from '../../errors.ts';
import { emit } from '../../events/events.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { recomputeCustomerAggregates } from '../orders/orders.service.ts';
import { customerDataParticipants, toJson } from './customer-data.ts';
import { TRANSACTION_OPTIONS } from './customers.service.ts';

/**
 * Folds `mergeId` into `keepId` in one transaction: orders, identities, timeline and every
 * participant's data move to the kept customer, its empty profile fields are filled from the merged
 * one, the merged row is deleted and a CustomerMerge audit record (with a snapshot) is written.
 */
export async function mergeCustomers(
  prisma: PrismaClient,
  storeId: string,
  keepId: string,
  mergeId: string,
  options: { mergedBy?: string } = {},
): Promise<string> {
  if (!isUuid(keepId)) throw new NotFoundError('Customer');
  if (!isUuid(mergeId)) throw new NotFoundError('Customer');
  if (keepId === mergeId) throw new InvalidInputError('mergeId', 'must be another customer than keepId');
  return prisma.$transaction(async (tx) => {
    // Locks in id order, so two merges of the same pair in opposite directions cannot deadlock.
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Customer" WHERE id IN (${keepId}::uuid, ${mergeId}::uuid) AND "storeId" = ${storeId}::uuid
      ORDER BY id FOR UPDATE`;
    if (locked.length < 2) throw new NotFoundError('Customer');
    // One statement at a time: a transaction is one connection.
    const keep = await tx.customer.findUniqueOrThrow({ where: { id: keepId } });
    const merged = await tx.customer.findUniqueOrThrow({ where: { id: mergeId }, include: { identities: true } });
    const where = { storeId, customerId: mergeId };
    const moved: Record<string, number> = {
      orders: (await tx.order.updateMany({ where, data: { customerId: keepId } })).count,
      identities: (await tx.customerIdentity.updateMany({ where, data: { customerId: keepId } })).count,
      interactions: (await tx.interaction.updateMany({ where, data: { customerId: keepId } })).count,
    };
    for (const participant of customerDataParticipants()) {
      const counts = await participant.merge?.(tx, storeId, keepId, mergeId);
      for (const [kind, count] of Object.entries(counts ?? {})) moved[`${participant.name}.${kind}`] = count;
    }

    const data: Prisma.CustomerUpdateInput = {};
    for (const field of ['firstName', 'lastName', 'locale', 'birthday'] as const)
      if (keep[field] == null && merged[field] != null) (data as Record<string, unknown>)[field] = merged[field];
    // Email and phone are unique per store: take them off the merged row before the kept one gets them.
    const takeEmail = keep.email == null && merged.email != null;
    const takePhone = keep.phone == null && merged.phone != null;
    if (takeEmail || takePhone)
      await tx.customer.update({
        where: { id: mergeId },
        data: { ...(takeEmail ? { email: null } : {}), ...(takePhone ? { phone: null } : {}) },
      });
    if (takeEmail) data.email = merged.email;
    if (takePhone) data.phone = merged.phone;
    data.tags = [...new Set([...keep.tags, ...merged.tags])];
    data.attributes = {
      ...(merged.attributes as Prisma.JsonObject),
      ...(keep.attributes as Prisma.JsonObject),
    } as Prisma.InputJsonObject;
    // The most recent consent decision stands, whichever profile recorded it.
    if (
      merged.marketingConsentAt &&
      (!keep.marketingConsentAt || merged.marketingConsentAt > keep.marketingConsentAt)
    ) {
      data.marketingConsent = merged.marketingConsent;
      data.marketingConsentAt = merged.marketingConsentAt;
      data.marketingConsentSource = merged.marketingConsentSource;
    }
    await tx.customer.delete({ where: { id: mergeId } });
    await tx.customer.update({ where: { id: keepId }, data });
    await recomputeCustomerAggregates(tx, storeId, [keepId]);
    const { identities, ...profile } = merged;
    await tx.customerMerge.create({
      data: {
        storeId,
        keptCustomerId: keepId,
        mergedCustomerId: mergeId,
        snapshot: toJson({
          ...profile,
          identities: identities.map(({ source, externalId }) => ({ source, externalId })),
        }) as Prisma.InputJsonObject,
        moved,
        mergedBy: options.mergedBy ?? null,
      },
      select: { id: true },
    });
    await emit(tx, storeId, 'customer.merged', { keptCustomerId: keepId, mergedCustomerId: mergeId });
    return keepId;
  }, TRANSACTION_OPTIONS);
}
