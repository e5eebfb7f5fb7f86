import type { PrismaClient } from '../../db/database.ts';
import { InvalidInputError, isUuid, NotFoundError } from '../../errors.ts';
import { type DomainEvents, emit } from '../../events/events.ts';
import {
  type CaseNote,
  type CaseStatus,
  type FollowUpCase,
  Prisma,
  type Survey,
  type SurveyResponse,
} from '../../generated/prisma/client.ts';
import {
  ACTIVE_STATUSES,
  type CaseFilter,
  type CaseNoteInput,
  type CasePage,
  type CaseUpdateInput,
  canTransition,
  isFinalStatus,
  parseCaseFilter,
  parseCaseNote,
  parseCasePage,
  parseCaseUpdate,
} from './cases.validation.ts';
import { CaseTransitionError } from './errors.ts';
import { createInvitation } from './invitations.service.ts';
import { isUnhappy } from './scores.ts';

export type { CaseFilter, CaseNoteInput, CasePage, CaseUpdateInput } from './cases.validation.ts';

/**
 * Closing the loop. A response at or beyond its survey's threshold opens one follow-up case (one
 * per response: `responseId` is unique). Someone takes it (IN_PROGRESS), writes internal notes and
 * the reply the customer is told, and resolves or dismisses it:
 *
 *   OPEN → IN_PROGRESS → RESOLVED,  OPEN | IN_PROGRESS → DISMISSED;  RESOLVED and DISMISSED are final.
 *
 * `firstResponseAt` is stamped by the first move out of OPEN, the first note or the first reply;
 * `resolvedAt` by RESOLVED or DISMISSED. A case is overdue while it is OPEN or IN_PROGRESS after its
 * `dueAt` (computed when asked, never stored). Resolving emits `case.resolved` (the reply for the
 * customer, and whether to re-survey them); the subscriber here turns `resurvey` into a new
 * invitation of the same survey.
 */

type Tx = Prisma.TransactionClient;
type Db = PrismaClient | Tx;

/** The author of notes Kanta writes itself. */
export const SYSTEM_AUTHOR = 'system';

const HOUR_MS = 3_600_000;

/** Unresolved and past its due time at `now`. */
export function isCaseOverdue(followUpCase: Pick<FollowUpCase, 'status' | 'dueAt'>, now: Date): boolean {
  return !isFinalStatus(followUpCase.status) && followUpCase.dueAt.getTime() < now.getTime();
}

// ---------------------------------------------------------------------------------------------
// Opening

export interface OpenCaseInput {
  storeId: string;
  survey: Pick<Survey, 'id' | 'type' | 'caseThreshold' | 'caseDueHours'>;
  response: Pick<SurveyResponse, 'id' | 'score' | 'customerId'>;
  /** When the answer arrived (default now): the case is due `survey.caseDueHours` later. */
  now?: Date;
}

function noLongerUnhappyNote(score: number): string {
  return `The response was edited to a score of ${score}, no longer below the case threshold; the case stays open.`;
}

function unhappyAgainNote(score: number): string {
  return `The response was edited to a score of ${score}, below the case threshold again.`;
}

/**
 * Inside the transaction that stores (or edits) a response: opens a case when the score is at or
 * beyond the threshold (survey.caseThreshold, else the type's default) and emits `case.opened`.
 * Idempotent: the response's existing case is returned, never a second one. An edit that makes the
 * answer happy leaves an open case open (someone may already be on it) and adds a system note
 * saying so; an edit back below the threshold notes that too. Returns null when there is no case.
 */
export async function openCaseIfUnhappy(tx: Tx, input: OpenCaseInput): Promise<FollowUpCase | null> {
  const { storeId, survey, response } = input;
  const unhappy = isUnhappy(survey.type, response.score, survey.caseThreshold);
  const existing = await tx.followUpCase.findUnique({ where: { responseId: response.id } });
  if (existing) {
    if (existing.storeId !== storeId) throw new Error('openCaseIfUnhappy: the response belongs to another store');
    if (!isFinalStatus(existing.status)) await noteEdit(tx, existing, response.score, unhappy);
    return existing;
  }
  if (!unhappy) return null;

  const now = input.now ?? new Date();
  // ON CONFLICT DO NOTHING: a concurrent first submit of the same response opens the case once.
  const created = await tx.followUpCase.createMany({
    data: {
      storeId,
      responseId: response.id,
      customerId: response.customerId,
      dueAt: new Date(now.getTime() + survey.caseDueHours * HOUR_MS),
      createdAt: now,
    },
    skipDuplicates: true,
  });
  const opened = await tx.followUpCase.findUniqueOrThrow({ where: { responseId: response.id } });
  if (created.count === 1)
    await emit(tx, storeId, 'case.opened', {
      caseId: opened.id,
      responseId: response.id,
      customerId: response.customerId,
    });
  return opened;
}

async function noteEdit(tx: Tx, followUpCase: FollowUpCase, score: number, unhappy: boolean): Promise<void> {
  const last = await tx.caseNote.findFirst({
    where: { caseId: followUpCase.id, author: SYSTEM_AUTHOR },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { body: true },
  });
  const lastWasHappy = last?.body.includes('no longer below') ?? false;
  let body: string | null = null;
  if (!unhappy) body = noLongerUnhappyNote(score);
  else if (lastWasHappy) body = unhappyAgainNote(score);
  if (!body || body === last?.body) return;
  await tx.caseNote.create({
    data: { storeId: followUpCase.storeId, caseId: followUpCase.id, author: SYSTEM_AUTHOR, body },
  });
}

// ---------------------------------------------------------------------------------------------
// Working on a case

/** Locks the case row until the transaction ends; NotFoundError when the store has no such case. */
async function lockCase(tx: Tx, storeId: string, caseId: string): Promise<FollowUpCase> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "FollowUpCase" WHERE id = ${caseId}::uuid AND "storeId" = ${storeId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError('Follow-up case');
  return tx.followUpCase.findUniqueOrThrow({ where: { id: caseId } });
}

function inTransaction<T>(prisma: PrismaClient, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(fn, { maxWait: 30_000, timeout: 60_000 });
}

function statusLabel(status: CaseStatus): string {
  return status.replace('_', ' ').toLowerCase();
}

/**
 * Changes the status, assignee, reply or resurvey flag (undefined: unchanged; null or empty text:
 * cleared). A status change must follow the transition rules, and a RESOLVED or DISMISSED case
 * cannot change at all (notes can still be added): both throw CaseTransitionError. Each status
 * change is recorded as a note by `actor` (the admin key). Resolving emits `case.resolved` once;
 * re-surveying needs a known customer. Invalid input or a refused transition changes nothing.
 */
export async function updateCase(
  prisma: PrismaClient,
  storeId: string,
  caseId: string,
  input: CaseUpdateInput,
  actor: string,
  now: Date = new Date(),
): Promise<FollowUpCase> {
  const change = parseCaseUpdate(input);
  if (!isUuid(caseId)) throw new NotFoundError('Follow-up case');

  const updated = await inTransaction(prisma, async (tx) => {
    const current = await lockCase(tx, storeId, caseId);
    const to = change.status ?? current.status;
    const statusChanges = to !== current.status;
    const fieldsChange =
      (change.assignee !== undefined && change.assignee !== current.assignee) ||
      (change.reply !== undefined && change.reply !== current.reply) ||
      (change.resurvey !== undefined && change.resurvey !== current.resurvey);
    if (isFinalStatus(current.status) && (statusChanges || fieldsChange))
      throw new CaseTransitionError(current.status, to);
    if (statusChanges && !canTransition(current.status, to)) throw new CaseTransitionError(current.status, to);
    if (!statusChanges && !fieldsChange) return current;

    if (change.resurvey && !current.customerId)
      throw new InvalidInputError('resurvey', 'needs a known customer: the answer was anonymous');

    const data: Prisma.FollowUpCaseUpdateInput = {};
    if (change.assignee !== undefined) data.assignee = change.assignee;
    if (change.reply !== undefined) data.reply = change.reply;
    if (change.resurvey !== undefined) data.resurvey = change.resurvey;
    if (statusChanges) data.status = to;
    const responds =
      (statusChanges && current.status === 'OPEN') || (change.reply != null && change.reply !== current.reply);
    if (responds && !current.firstResponseAt) data.firstResponseAt = now;
    if (statusChanges && isFinalStatus(to)) data.resolvedAt = now;

    const next = await tx.followUpCase.update({ where: { id: caseId }, data });
    if (statusChanges) {
      await tx.caseNote.create({
        data: {
          storeId,
          caseId,
          author: actor,
          body: `Status changed from ${statusLabel(current.status)} to ${statusLabel(to)}.`,
          createdAt: now,
        },
      });
    }
    if (statusChanges && to === 'RESOLVED')
      await emit(tx, storeId, 'case.resolved', {
        caseId,
        responseId: next.responseId,
        customerId: next.customerId,
        reply: next.reply,
        resurvey: next.resurvey,
      });
    return next;
  });
  return updated;
}

/**
 * An internal note (never shown to the customer) by `author` (the admin key's id or name). Allowed in
 * every status; the first note stamps `firstResponseAt`.
 */
export async function addCaseNote(
  prisma: PrismaClient,
  storeId: string,
  caseId: string,
  input: CaseNoteInput,
  now: Date = new Date(),
): Promise<CaseNote> {
  const note = parseCaseNote(input);
  if (!isUuid(caseId)) throw new NotFoundError('Follow-up case');
  return inTransaction(prisma, async (tx) => {
    const current = await lockCase(tx, storeId, caseId);
    if (!current.firstResponseAt)
      await tx.followUpCase.update({ where: { id: caseId }, data: { firstResponseAt: now } });
    return tx.caseNote.create({ data: { storeId, caseId, author: note.author, body: note.body, createdAt: now } });
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface CaseConnection {
  nodes: FollowUpCase[];
  /** The last node's id: pass it as `after` for the next page. */
  endCursor: string | null;
  hasNextPage: boolean;
}

function filterSql(storeId: string, filter: ReturnType<typeof parseCaseFilter>, now: Date): Prisma.Sql[] {
  const where: Prisma.Sql[] = [Prisma.sql`c."storeId" = ${storeId}::uuid`];
  const statusList = (statuses: readonly CaseStatus[]) =>
    Prisma.join(statuses.map((status) => Prisma.sql`${status}::"CaseStatus"`));
  if (filter.statuses) where.push(Prisma.sql`c.status IN (${statusList(filter.statuses)})`);
  if (filter.assignee) where.push(Prisma.sql`c.assignee = ${filter.assignee}`);
  if (filter.unassigned) where.push(Prisma.sql`c.assignee IS NULL`);
  if (filter.overdue === true)
    where.push(Prisma.sql`c.status IN (${statusList(ACTIVE_STATUSES)}) AND c."dueAt" < ${now}`);
  if (filter.overdue === false)
    where.push(Prisma.sql`(c.status NOT IN (${statusList(ACTIVE_STATUSES)}) OR c."dueAt" >= ${now})`);
  if (filter.customerId) where.push(Prisma.sql`c."customerId" = ${filter.customerId}::uuid`);
  if (filter.from) where.push(Prisma.sql`c."createdAt" >= ${filter.from}`);
  if (filter.to) where.push(Prisma.sql`c."createdAt" < ${filter.to}`);
  if (filter.surveyType || filter.surveyId) {
    const survey: Prisma.Sql[] = [Prisma.sql`r.id = c."responseId"`, Prisma.sql`r."storeId" = ${storeId}::uuid`];
    if (filter.surveyType) survey.push(Prisma.sql`r.type = ${filter.surveyType}::"SurveyType"`);
    if (filter.surveyId) survey.push(Prisma.sql`r."surveyId" = ${filter.surveyId}::uuid`);
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM "SurveyResponse" r WHERE ${Prisma.join(survey, ' AND ')})`);
  }
  return where;
}

/**
 * The store's cases, newest first (by id: ids are time-ordered), `first` at a time after the cursor
 * `after`. Filters: status (one or several), assignee or unassigned, overdue at `now`, the survey's
 * type or id, the customer, and when it was opened (`from` inclusive, `to` exclusive).
 */
export async function listCases(
  db: Db,
  storeId: string,
  filterInput: CaseFilter | null | undefined,
  pageInput: CasePage | null | undefined,
  now: Date = new Date(),
): Promise<CaseConnection> {
  const filter = parseCaseFilter(filterInput);
  const page = parseCasePage(pageInput);
  const empty: CaseConnection = { nodes: [], endCursor: null, hasNextPage: false };
  // An id that is not a UUID cannot match anything.
  if ((filter.surveyId && !isUuid(filter.surveyId)) || (filter.customerId && !isUuid(filter.customerId))) return empty;
  const where = filterSql(storeId, filter, now);
  if (page.after) where.push(Prisma.sql`c.id < ${page.after}::uuid`);
  const ids = await db.$queryRaw<{ id: string }[]>`
    SELECT c.id FROM "FollowUpCase" c
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY c.id DESC
    LIMIT ${page.first + 1}`;
  const hasNextPage = ids.length > page.first;
  const pageIds = ids.slice(0, page.first).map((row) => row.id);
  if (pageIds.length === 0) return empty;
  const nodes = await db.followUpCase.findMany({ where: { id: { in: pageIds } }, orderBy: { id: 'desc' } });
  return { nodes, endCursor: nodes[nodes.length - 1]?.id ?? null, hasNextPage };
}

/** Cases still OPEN or IN_PROGRESS whose due time has passed at `now`. */
export function countOverdueCases(db: Db, storeId: string, now: Date = new Date()): Promise<number> {
  return db.followUpCase.count({
    where: { storeId, status: { in: [...ACTIVE_STATUSES] }, dueAt: { lt: now } },
  });
}

export interface CaseDetails {
  case: FollowUpCase;
  /** Oldest first. */
  notes: CaseNote[];
  /** Null when the response is gone (erased). */
  response: SurveyResponse | null;
  survey: Survey | null;
  customerId: string | null;
  overdue: boolean;
}

/** One case with everything an admin needs to follow it up, or null when the store has no such case. */
export async function caseWithDetails(
  db: Db,
  storeId: string,
  caseId: string,
  now: Date = new Date(),
): Promise<CaseDetails | null> {
  if (!isUuid(caseId)) return null;
  const found = await db.followUpCase.findFirst({
    where: { id: caseId, storeId },
    include: { notes: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
  });
  if (!found) return null;
  const { notes, ...followUpCase } = found;
  const response = await db.surveyResponse.findFirst({
    where: { id: followUpCase.responseId, storeId },
    include: { survey: true },
  });
  const { survey = null, ...responseRow } = response ?? {};
  return {
    case: followUpCase,
    notes,
    response: response ? (responseRow as SurveyResponse) : null,
    survey,
    customerId: followUpCase.customerId,
    overdue: isCaseOverdue(followUpCase, now),
  };
}

/** The notes of a case, oldest first (empty when the store has no such case). */
export function listCaseNotes(db: Db, storeId: string, caseId: string): Promise<CaseNote[]> {
  if (!isUuid(caseId)) return Promise.resolve([]);
  return db.caseNote.findMany({ where: { caseId, storeId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

// ---------------------------------------------------------------------------------------------
// Re-survey

/**
 * A resolved case with `resurvey`: a new SCHEDULED invitation of the same survey for the case's
 * customer (sourceRef "case:<caseId>", so one per case however often the event is delivered), due
 * the survey's `delayHours` after the resolution. The feedback jobs send it like any invitation:
 * only with marketing consent, but exempt from the frequency cap. It names no order (the order was
 * already answered about: the new answer is a response of its own). Returns the invitation id, or
 * null when there is nobody to ask (anonymous, erased customer, survey or answer gone).
 */
export async function scheduleResurvey(prisma: Db, storeId: string, caseId: string): Promise<string | null> {
  if (!isUuid(caseId)) return null;
  const followUpCase = await prisma.followUpCase.findFirst({ where: { id: caseId, storeId } });
  // The current customer, not the event's: a merge moves the case, an erasure unlinks it.
  if (!followUpCase?.customerId || !followUpCase.resurvey || followUpCase.status !== 'RESOLVED') return null;
  const response = await prisma.surveyResponse.findFirst({
    where: { id: followUpCase.responseId, storeId },
    include: { survey: true },
  });
  if (!response) return null;
  const customer = await prisma.customer.count({ where: { id: followUpCase.customerId, storeId } });
  if (customer === 0) return null;
  const resolvedAt = followUpCase.resolvedAt ?? new Date();
  const { invitation } = await createInvitation(prisma, {
    storeId,
    survey: response.survey,
    customerId: followUpCase.customerId,
    sourceRef: `case:${followUpCase.id}`,
    channel: response.channel,
    dueAt: new Date(resolvedAt.getTime() + response.survey.delayHours * HOUR_MS),
  });
  return invitation.id;
}

const registered = new WeakSet<DomainEvents>();

/** `case.resolved` with `resurvey` → scheduleResurvey (after commit, retried, idempotent). Registering twice is a no-op. */
export function registerCaseSubscribers(events: DomainEvents): void {
  if (registered.has(events)) return;
  registered.add(events);
  events.subscribe('case.resolved', 'feedback.case-resurvey', async ({ storeId, payload }, prisma) => {
    if (!payload.resurvey || !payload.customerId) return;
    await scheduleResurvey(prisma, storeId, payload.caseId);
  });
}
