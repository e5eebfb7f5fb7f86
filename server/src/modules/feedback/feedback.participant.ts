import type { Prisma } from '../../generated/prisma/client.ts';
import { registerCustomerDataParticipant } from '../customers/customer-data.ts';
import { exportCustomerReviews, mergeCustomerReviews, removeCustomerReviews } from './reviews.service.ts';

type Tx = Prisma.TransactionClient;

/**
 * The feedback section of a customer's data (GDPR export, erasure, merge): survey responses,
 * invitations, the frequency-cap log, follow-up cases (with their notes), reviews and helpful votes.
 *
 * Erasure keeps the statistics but not the person: responses lose their customer, comment,
 * invitation and location (score, type, survey, date, channel and products stay, anonymous);
 * their cases lose customer, reply and notes; invitations and asks are deleted; reviews and votes
 * are deleted with the product aggregates and helpful counts fixed (REVIEWS' removeCustomerReviews).
 */

async function exportFeedback(tx: Tx, storeId: string, customerId: string): Promise<unknown> {
  const where = { storeId, customerId };
  const responses = await tx.surveyResponse.findMany({
    where,
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: {
      id: true,
      type: true,
      score: true,
      comment: true,
      orderId: true,
      channel: true,
      locale: true,
      location: true,
      productSkus: true,
      via: true,
      createdAt: true,
      updatedAt: true,
      survey: { select: { name: true } },
    },
  });
  const invitations = await tx.surveyInvitation.findMany({
    where,
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: {
      surveyId: true,
      orderId: true,
      status: true,
      skipReason: true,
      dueAt: true,
      expiresAt: true,
      createdAt: true,
      survey: { select: { name: true } },
    },
  });
  const asks = await tx.feedbackAsk.findMany({
    where,
    orderBy: [{ askedAt: 'asc' }, { id: 'asc' }],
    select: { kind: true, askedAt: true },
  });
  const cases = await tx.followUpCase.findMany({
    where,
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: {
      id: true,
      responseId: true,
      status: true,
      assignee: true,
      reply: true,
      dueAt: true,
      firstResponseAt: true,
      resolvedAt: true,
      resurvey: true,
      createdAt: true,
      notes: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { author: true, body: true, createdAt: true } },
    },
  });
  return {
    surveyResponses: responses.map(({ survey, ...response }) => ({ ...response, survey: survey.name })),
    surveyInvitations: invitations.map(({ survey, ...invitation }) => ({ ...invitation, survey: survey.name })),
    feedbackAsks: asks,
    followUpCases: cases,
    ...(await exportCustomerReviews(tx, storeId, customerId)),
  };
}

async function eraseFeedback(tx: Tx, storeId: string, customerId: string): Promise<Record<string, number>> {
  const where = { storeId, customerId };
  const cases = await tx.followUpCase.findMany({ where, select: { id: true } });
  const caseIds = cases.map((row) => row.id);
  const caseNotes = caseIds.length
    ? (await tx.caseNote.deleteMany({ where: { storeId, caseId: { in: caseIds } } })).count
    : 0;
  const followUpCases = (
    await tx.followUpCase.updateMany({
      where,
      data: { customerId: null, reply: null, assignee: null, resurvey: false },
    })
  ).count;
  const surveyResponses = (
    await tx.surveyResponse.updateMany({
      where,
      data: { customerId: null, comment: null, invitationId: null, location: null, locale: null },
    })
  ).count;
  const surveyInvitations = (await tx.surveyInvitation.deleteMany({ where })).count;
  const feedbackAsks = (await tx.feedbackAsk.deleteMany({ where })).count;
  const reviews = await removeCustomerReviews(tx, storeId, customerId);
  return { surveyResponses, surveyInvitations, feedbackAsks, followUpCases, caseNotes, ...reviews };
}

async function mergeFeedback(
  tx: Tx,
  storeId: string,
  keptId: string,
  mergedId: string,
): Promise<Record<string, number>> {
  const from = { storeId, customerId: mergedId };
  const to = { customerId: keptId };
  return {
    surveyResponses: (await tx.surveyResponse.updateMany({ where: from, data: to })).count,
    surveyInvitations: (await tx.surveyInvitation.updateMany({ where: from, data: to })).count,
    // The cap follows the person: the kept customer's window counts the merged one's asks.
    feedbackAsks: (await tx.feedbackAsk.updateMany({ where: from, data: to })).count,
    followUpCases: (await tx.followUpCase.updateMany({ where: from, data: to })).count,
    ...(await mergeCustomerReviews(tx, storeId, keptId, mergedId)),
  };
}

registerCustomerDataParticipant({
  name: 'feedback',
  export: exportFeedback,
  erase: eraseFeedback,
  merge: mergeFeedback,
});
