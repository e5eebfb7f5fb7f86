import { z } from 'zod';
import type { PrismaClient } from '../../db/database.ts';
import { uuidv7 } from '../../db/uuid7.ts';
import { isUuid, NotFoundError } from '../../errors.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { CHANNELS } from './customer-filter.ts';
import { type Db, parseInput } from './customers.service.ts';

/** Timeline entries other systems report; order entries come only from order events. */
export const RECORDABLE_TYPES = [
  'SUPPORT_CONTACT',
  'EMAIL_SENT',
  'EMAIL_OPENED',
  'SURVEY_ANSWERED',
  'REVIEW_WRITTEN',
  'POINTS_CHANGED',
  'CUSTOM',
] as const;

const interactionInput = z.object({
  type: z.enum(RECORDABLE_TYPES, { error: `must be one of ${RECORDABLE_TYPES.join(', ')}` }),
  channel: z.enum(CHANNELS).nullish(),
  occurredAt: z.date().nullish(),
  payload: z
    .record(z.string(), z.unknown(), { error: 'must be a JSON object' })
    .refine((value) => JSON.stringify(value).length <= 10_000, 'must be at most 10000 characters as JSON')
    .nullish(),
  sourceRef: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish(),
});
export type InteractionInput = z.input<typeof interactionInput>;

/**
 * Appends to a customer's timeline. With a sourceRef, recording the same (type, sourceRef) again
 * returns the first entry and adds nothing, so callers may retry.
 */
export async function recordInteraction(
  prisma: PrismaClient,
  storeId: string,
  customerId: string,
  input: InteractionInput | Record<string, unknown>,
): Promise<string> {
  const data = parseInput(interactionInput, input, 'input');
  if (!isUuid(customerId)) throw new NotFoundError('Customer');
  const customer = await prisma.customer.findFirst({ where: { id: customerId, storeId }, select: { id: true } });
  if (!customer) throw new NotFoundError('Customer');
  const id = uuidv7();
  const inserted = await prisma.interaction.createMany({
    data: {
      id,
      storeId,
      customerId,
      type: data.type,
      channel: data.channel ?? null,
      occurredAt: data.occurredAt ?? new Date(),
      payload: (data.payload ?? {}) as Prisma.InputJsonObject,
      sourceRef: data.sourceRef ?? null,
    },
    skipDuplicates: true,
  });
  if (inserted.count === 1 || !data.sourceRef) return id;
  const existing = await prisma.interaction.findUniqueOrThrow({
    where: { storeId_type_sourceRef: { storeId, type: data.type, sourceRef: data.sourceRef } },
    select: { id: true },
  });
  return existing.id;
}

/**
 * Appends an order entry for whoever owns the order *now* (it may have moved in a merge, or lost
 * its customer to an erasure or as a guest order: then nothing is added). Idempotent by
 * (type, "order:<id>").
 */
export async function appendOrderInteraction(
  db: Db,
  orderId: string,
  type: 'ORDER_PLACED' | 'ORDER_RETURNED' | 'ORDER_CANCELLED',
  occurredAt: Date,
  payload: Record<string, unknown>,
): Promise<void> {
  await appendOrderInteractions(db, [{ orderId, type, occurredAt, payload }]);
}

/** Many order entries in one statement (the order.recorded subscriber's batch); idempotent likewise. */
export async function appendOrderInteractions(
  db: Db,
  entries: {
    orderId: string;
    type: 'ORDER_PLACED' | 'ORDER_RETURNED' | 'ORDER_CANCELLED';
    occurredAt: Date;
    payload: Record<string, unknown>;
  }[],
): Promise<void> {
  if (entries.length === 0) return;
  await db.$executeRaw`
    INSERT INTO "Interaction" (id, "storeId", "customerId", type, channel, "occurredAt", payload, "sourceRef")
    SELECT x.id, o."storeId", o."customerId", x.type::"InteractionType", o.channel, x."occurredAt", x.payload,
      'order:' || o.id
    FROM jsonb_to_recordset(${JSON.stringify(
      entries.map((entry) => ({ id: uuidv7(), ...entry, occurredAt: entry.occurredAt.toISOString() })),
    )}::jsonb) AS x(id uuid, "orderId" uuid, type text, "occurredAt" timestamptz, payload jsonb)
    JOIN "Order" o ON o.id = x."orderId" AND o."customerId" IS NOT NULL
    ON CONFLICT DO NOTHING`;
}
