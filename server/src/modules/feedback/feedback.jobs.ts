import type { Database, PrismaClient } from '../../db/database.ts';
import { emit } from '../../events/events.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { type DueOutcome, decideDueRows } from '../../jobs/due-rows.ts';
import { startPeriodicJob } from '../../jobs/periodic.ts';
import type { Logger } from '../../logger.ts';
import { canAsk, recordAsk } from './contact-cap.ts';
import { isCapExempt, scheduleSupportInvitations } from './invitations.service.ts';
import { type ReviewRequestSkipReason, runReviewRequestJobs } from './review-requests.service.ts';
import { feedbackSettings } from './settings.service.ts';
import { signSurveyToken } from './survey-link.ts';

/**
 * The scheduled feedback work, safe to run often and from several processes at once:
 *  1. AFTER_SUPPORT invitations for new SUPPORT_CONTACT interactions;
 *  2. due invitations (SCHEDULED, dueAt ≤ now), earliest first: each becomes DUE — its ask logged
 *     for the frequency cap and `survey.invitation.due` emitted with the signed link token — or
 *     SKIPPED with a reason. Each is decided in its own transaction after locking the customer's
 *     row, so concurrent runs queue per customer and an invitation is sent at most once;
 *  3. due review requests (review-requests.service.ts), the same way, sharing the frequency cap.
 */

type Tx = Prisma.TransactionClient;

export type SkipReason =
  /** The customer has not given marketing consent. */
  | 'NO_CONSENT'
  /** The customer was asked for feedback within the store's contactCapDays. */
  | 'FREQUENCY_CAP'
  /** The survey was switched off. */
  | 'SURVEY_INACTIVE'
  /** Its link expired before it could be sent. */
  | 'EXPIRED'
  /** The order was cancelled. */
  | 'ORDER_CANCELLED';

export interface FeedbackJobsOptions {
  now?: Date;
  storeId?: string;
}

export interface FeedbackJobsReport {
  /** AFTER_SUPPORT invitations created from support contacts. */
  supportInvitations: number;
  /** Invitations made DUE (one survey.invitation.due each). */
  due: number;
  skipped: number;
  /** Skips by reason. */
  skippedBy: Partial<Record<SkipReason, number>>;
  /** Review requests made DUE (one review.request.due each). */
  reviewRequestsDue: number;
  reviewRequestsSkipped: number;
  /** Review-request skips by reason. */
  reviewRequestsSkippedBy: Partial<Record<ReviewRequestSkipReason, number>>;
}

type Outcome = DueOutcome<SkipReason>;

export async function runFeedbackJobs(
  prisma: PrismaClient,
  options: FeedbackJobsOptions = {},
): Promise<FeedbackJobsReport> {
  const now = options.now ?? new Date();
  const report: FeedbackJobsReport = {
    supportInvitations: await scheduleSupportInvitations(prisma, {
      now,
      ...(options.storeId ? { storeId: options.storeId } : {}),
    }),
    due: 0,
    skipped: 0,
    skippedBy: {},
    reviewRequestsDue: 0,
    reviewRequestsSkipped: 0,
    reviewRequestsSkippedBy: {},
  };
  const where: Prisma.SurveyInvitationWhereInput = {
    status: 'SCHEDULED',
    dueAt: { lte: now },
    ...(options.storeId ? { storeId: options.storeId } : {}),
  };
  const invitations = await decideDueRows<SkipReason>(
    prisma,
    (take) =>
      prisma.surveyInvitation.findMany({
        where,
        orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
        take,
        select: { id: true },
      }),
    (tx, id) => decide(tx, id, now),
  );
  report.due = invitations.due;
  report.skipped = invitations.skipped;
  report.skippedBy = invitations.skippedBy;
  // 3. due review requests, decided the same way (they share the frequency cap).
  const requests = await runReviewRequestJobs(prisma, {
    now,
    ...(options.storeId ? { storeId: options.storeId } : {}),
  });
  report.reviewRequestsDue = requests.due;
  report.reviewRequestsSkipped = requests.skipped;
  report.reviewRequestsSkippedBy = requests.skippedBy;
  return report;
}

async function decide(tx: Tx, invitationId: string, now: Date): Promise<Outcome> {
  const peek = await tx.surveyInvitation.findUnique({
    where: { id: invitationId },
    select: { storeId: true, customerId: true },
  });
  if (!peek) return { status: 'NONE' };
  const settings = await feedbackSettings(tx, peek.storeId);
  // Locks the customer row: concurrent runs (and review requests) for this customer queue here.
  const mayAsk = await canAsk(tx, peek.storeId, peek.customerId, now, settings);
  const invitation = await tx.surveyInvitation.findUnique({ where: { id: invitationId }, include: { survey: true } });
  if (invitation?.status !== 'SCHEDULED') return { status: 'NONE' };
  const skip = async (reason: SkipReason): Promise<Outcome> => {
    await tx.surveyInvitation.update({ where: { id: invitationId }, data: { status: 'SKIPPED', skipReason: reason } });
    return { status: 'SKIPPED', reason };
  };
  const { survey } = invitation;
  if (!survey.active) return skip('SURVEY_INACTIVE');
  if (invitation.expiresAt.getTime() <= now.getTime()) return skip('EXPIRED');
  const customer = await tx.customer.findUnique({
    where: { id: invitation.customerId },
    select: { marketingConsent: true, locale: true },
  });
  if (!customer?.marketingConsent) return skip('NO_CONSENT');
  if (invitation.orderId) {
    const order = await tx.order.findUnique({ where: { id: invitation.orderId }, select: { status: true } });
    if (!order || order.status === 'CANCELLED') return skip('ORDER_CANCELLED');
    const answered = await tx.surveyResponse.findUnique({
      where: { surveyId_dedupeKey: { surveyId: survey.id, dedupeKey: `order:${invitation.orderId}` } },
      select: { id: true },
    });
    if (answered) {
      // Answered from a widget before the invitation went out: nothing to send.
      await tx.surveyInvitation.update({ where: { id: invitationId }, data: { status: 'ANSWERED' } });
      return { status: 'NONE' };
    }
  }
  if (!mayAsk && !isCapExempt(invitation.sourceRef)) return skip('FREQUENCY_CAP');

  await tx.surveyInvitation.update({ where: { id: invitationId }, data: { status: 'DUE', skipReason: null } });
  await recordAsk(tx, {
    storeId: invitation.storeId,
    customerId: invitation.customerId,
    kind: 'SURVEY',
    refId: invitation.id,
    askedAt: now,
  });
  const store = await tx.store.findUnique({ where: { id: invitation.storeId }, select: { defaultLocale: true } });
  const token = signSurveyToken(
    {
      storeId: invitation.storeId,
      surveyId: survey.id,
      customerId: invitation.customerId,
      orderId: invitation.orderId,
      invitationId: invitation.id,
      expiresAt: invitation.expiresAt,
    },
    settings.linkSecret,
  );
  await emit(tx, invitation.storeId, 'survey.invitation.due', {
    invitationId: invitation.id,
    surveyId: survey.id,
    customerId: invitation.customerId,
    orderId: invitation.orderId,
    token,
    locale: customer.locale ?? store?.defaultLocale ?? null,
    expiresAt: invitation.expiresAt.toISOString(),
  });
  return { status: 'DUE' };
}

export interface FeedbackSchedulerOptions {
  db: Database;
  logger: Logger;
  /** Time between runs (default 5 minutes: invitations go out at most this late). */
  intervalMs?: number;
  /** Delay before the first run (default: the smaller of intervalMs and 10 s). */
  initialDelayMs?: number;
}

/**
 * Runs the feedback jobs periodically in this process (as the loyalty scheduler does). Several
 * processes may run it: each invitation is decided once under its customer's row lock.
 */
export function startFeedbackScheduler(options: FeedbackSchedulerOptions): { stop(): Promise<void> } {
  return startPeriodicJob({
    name: 'feedback jobs',
    logger: options.logger,
    run: () => runFeedbackJobs(options.db.prisma),
    intervalMs: options.intervalMs ?? 5 * 60_000,
    initialDelayMs: options.initialDelayMs,
  });
}
