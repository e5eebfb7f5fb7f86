import type { PrismaClient } from '../../db/database.ts';
import { uuidv7 } from '../../db/uuid7.ts';
import { isUuid } from '../../errors.ts';
import type { OrderChannel, Prisma, Survey, SurveyInvitation } from '../../generated/prisma/client.ts';

/**
 * Survey invitations. A triggered survey gets one SCHEDULED invitation per cause (unique
 * (surveyId, sourceRef)): an order ("order:<id>", AFTER_ORDER surveys, due `delayHours` after the
 * order was placed, only orders in the survey's channels when it lists any) or a support contact
 * ("interaction:<id>", AFTER_SUPPORT surveys, due `delayHours` after the contact). The feedback jobs
 * (feedback.jobs.ts) later turn due invitations into DUE + `survey.invitation.due`, or SKIPPED.
 * An invitation whose link would already have expired (an imported old order) is not created.
 */

type Tx = Prisma.TransactionClient;
type Db = PrismaClient | Tx;

const HOUR_MS = 3_600_000;
const NO_ID = '00000000-0000-0000-0000-000000000000';

export interface CreateInvitationInput {
  storeId: string;
  survey: Pick<Survey, 'id' | 'storeId' | 'linkValidHours'>;
  customerId: string;
  orderId?: string | null;
  /** The cause, e.g. "order:<id>", "interaction:<id>", "case:<id>" (re-survey): one invitation per survey per cause. */
  sourceRef: string;
  channel?: OrderChannel | null;
  dueAt: Date;
}

export interface CreatedInvitation {
  invitation: SurveyInvitation;
  /** False when the survey already had an invitation for this cause (that one is returned). */
  created: boolean;
}

/**
 * Creates a SCHEDULED invitation (expiring `survey.linkValidHours` after it is due), idempotent by
 * (survey, sourceRef). Invitations whose sourceRef starts with "case:" (re-surveys after a resolved
 * case) are exempt from the frequency cap when sent, but not from consent.
 */
export async function createInvitation(tx: Db, input: CreateInvitationInput): Promise<CreatedInvitation> {
  if (input.survey.storeId !== input.storeId) throw new Error('createInvitation: the survey belongs to another store');
  const id = uuidv7();
  const inserted = await tx.surveyInvitation.createMany({
    data: {
      id,
      storeId: input.storeId,
      surveyId: input.survey.id,
      customerId: input.customerId,
      orderId: input.orderId ?? null,
      sourceRef: input.sourceRef,
      channel: input.channel ?? null,
      dueAt: input.dueAt,
      expiresAt: new Date(input.dueAt.getTime() + input.survey.linkValidHours * HOUR_MS),
    },
    skipDuplicates: true,
  });
  const invitation = await tx.surveyInvitation.findUniqueOrThrow({
    where: { surveyId_sourceRef: { surveyId: input.survey.id, sourceRef: input.sourceRef } },
  });
  return { invitation, created: inserted.count === 1 };
}

/** Re-surveys ask again after a resolved case: sent without the frequency cap. */
export function isCapExempt(sourceRef: string): boolean {
  return sourceRef.startsWith('case:');
}

/**
 * On `order.recorded`: invitations of the store's active AFTER_ORDER surveys whose channel filter
 * matches, due `delayHours` after the order was placed. Only sales with a customer, not cancelled;
 * idempotent (a replayed event creates nothing). Returns the number created.
 */
export async function scheduleOrderInvitations(
  prisma: Db,
  storeId: string,
  orderId: string,
  now: Date = new Date(),
): Promise<number> {
  const surveys = await prisma.survey.findMany({
    where: { storeId, trigger: 'AFTER_ORDER', active: true },
    orderBy: { id: 'asc' },
  });
  // Most stores have no such survey: no order query for them (imports record thousands of orders).
  if (surveys.length === 0) return 0;
  const order = await prisma.order.findFirst({
    where: { id: orderId, storeId },
    select: { id: true, customerId: true, kind: true, status: true, channel: true, placedAt: true },
  });
  if (!order?.customerId || order.kind !== 'SALE' || order.status === 'CANCELLED') return 0;
  let created = 0;
  for (const survey of surveys) {
    if (survey.channels.length > 0 && !survey.channels.includes(order.channel)) continue;
    const dueAt = new Date(order.placedAt.getTime() + survey.delayHours * HOUR_MS);
    // An old order (an import of history): its link would be dead on arrival, nobody is asked.
    if (dueAt.getTime() + survey.linkValidHours * HOUR_MS <= now.getTime()) continue;
    const result = await createInvitation(prisma, {
      storeId,
      survey,
      customerId: order.customerId,
      orderId: order.id,
      sourceRef: `order:${order.id}`,
      channel: order.channel,
      dueAt,
    });
    if (result.created) created++;
  }
  return created;
}

/**
 * AFTER_SUPPORT: the customers module has no event for timeline entries, so the jobs scan
 * SUPPORT_CONTACT interactions. For each active AFTER_SUPPORT survey, every contact recorded since
 * the survey was created whose link would still be valid and that has no invitation yet gets one
 * ("interaction:<id>", due `delayHours` after the contact). Idempotent. Returns the number created.
 */
export async function scheduleSupportInvitations(
  prisma: Db,
  options: { now?: Date; storeId?: string } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const surveys = await prisma.survey.findMany({
    where: { trigger: 'AFTER_SUPPORT', active: true, ...(options.storeId ? { storeId: options.storeId } : {}) },
    orderBy: { id: 'asc' },
  });
  let created = 0;
  for (const survey of surveys) {
    // Contacts older than this cannot get a link that is still valid now.
    const oldest = new Date(now.getTime() - (survey.delayHours + survey.linkValidHours) * HOUR_MS);
    const since = oldest > survey.createdAt ? oldest : survey.createdAt;
    for (;;) {
      const contacts = await prisma.$queryRaw<
        { id: string; customerId: string; channel: OrderChannel | null; occurredAt: Date }[]
      >`
        SELECT i.id, i."customerId", i.channel, i."occurredAt" FROM "Interaction" i
        WHERE i."storeId" = ${survey.storeId}::uuid AND i.type = 'SUPPORT_CONTACT'
          AND i."occurredAt" >= ${since} AND i."occurredAt" <= ${now}
          AND NOT EXISTS (
            SELECT 1 FROM "SurveyInvitation" v
            WHERE v."surveyId" = ${survey.id}::uuid AND v."sourceRef" = 'interaction:' || i.id::text)
        ORDER BY i."occurredAt", i.id
        LIMIT 500`;
      if (contacts.length === 0) break;
      let batch = 0;
      for (const contact of contacts) {
        const result = await createInvitation(prisma, {
          storeId: survey.storeId,
          survey,
          customerId: contact.customerId,
          sourceRef: `interaction:${contact.id}`,
          channel: contact.channel,
          dueAt: new Date(contact.occurredAt.getTime() + survey.delayHours * HOUR_MS),
        });
        if (result.created) batch++;
      }
      created += batch;
      if (contacts.length < 500 || batch === 0) break;
    }
  }
  return created;
}

export interface InvitationFilter {
  surveyId?: string | null;
  customerId?: string | null;
  status?: 'SCHEDULED' | 'DUE' | 'ANSWERED' | 'SKIPPED' | null;
}

/** The store's invitations, newest first. */
export function listInvitations(db: Db, storeId: string, filter: InvitationFilter = {}, take = 100) {
  return db.surveyInvitation.findMany({
    where: {
      storeId,
      ...(filter.surveyId ? { surveyId: isUuid(filter.surveyId) ? filter.surveyId : NO_ID } : {}),
      ...(filter.customerId ? { customerId: isUuid(filter.customerId) ? filter.customerId : NO_ID } : {}),
      ...(filter.status ? { status: filter.status } : {}),
    },
    orderBy: { id: 'desc' },
    take,
  });
}
