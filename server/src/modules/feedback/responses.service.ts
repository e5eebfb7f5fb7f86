import { z } from 'zod';
import type { PrismaClient } from '../../db/database.ts';
import { uuidv7 } from '../../db/uuid7.ts';
import { InvalidInputError, isUuid, NotFoundError } from '../../errors.ts';
import { emit } from '../../events/events.ts';
import type { Prisma, ResponseVia, Survey, SurveyResponse } from '../../generated/prisma/client.ts';
import { parseInput } from '../customers/customers.service.ts';
import { localeTag } from '../stores/stores.validation.ts';
import { openCaseIfUnhappy } from './cases.service.ts';
import { AnonymousNotAllowedError, SurveyClosedError, SurveyLinkError, SurveyResponseLockedError } from './errors.ts';
import { type SurveyType, scoreRange, validateScore } from './scores.ts';
import { feedbackSettings } from './settings.service.ts';
import { readSurveyToken, verifySurveyToken } from './survey-link.ts';
import { ORDER_CHANNELS, type OrderChannel } from './surveys.service.ts';

/**
 * Survey answers. Every answer is tied to what it is about: the order (and so its channel, store
 * location and products), the customer, the locale. One answer per survey per order: answering
 * again within `settings.responseEditMinutes` of the first answer edits it; later it is refused
 * (SurveyResponseLockedError). An unhappy answer opens a follow-up case in the same transaction;
 * `survey.responded` is emitted (the subscriber gives the SURVEY_ANSWER bonus on first answers).
 */

type Tx = Prisma.TransactionClient;
type Db = PrismaClient | Tx;

export interface SubmitSurveyResponseInput {
  storeId: string;
  surveyId: string;
  score: number;
  /** Undefined on an edit: unchanged; null or blank: none. */
  comment?: string | null;
  /** The signed-in shopper (SHOPPER) or the customer an admin records for (ADMIN). */
  customerId?: string | null;
  /** Must be the customer's own order when a shopper answers. */
  orderId?: string | null;
  /**
   * SHOPPER (customer token; without a known customer it counts as ANONYMOUS), ANONYMOUS (only if
   * the survey allows), LINK (needs `token`), ADMIN (recorded by the retailer).
   */
  via: ResponseVia;
  /** A signed invitation token: names the customer, order and invitation (and makes via LINK). */
  token?: string | null;
  /** Default: the order's channel. */
  channel?: OrderChannel | null;
  /** BCP 47; default: the customer's locale. */
  locale?: string | null;
  /** Store location; default: the order's location. */
  location?: string | null;
  /** Products the answer is about; default: the order's product skus. */
  productSkus?: string[] | null;
  /** When it was answered (default now). */
  now?: Date;
}

export interface SubmitSurveyResponseResult {
  response: SurveyResponse;
  /** True when this submit changed an earlier answer (within the edit window). */
  edited: boolean;
  /** The follow-up case of this answer, if there is one. */
  caseId: string | null;
}

const COMMENT_MAX = 2_000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const optionalText = (max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? null : value),
    z
      .string({ error: 'must be text' })
      .trim()
      .max(max, `must be at most ${max} characters`)
      .refine((value) => !CONTROL.test(value), 'must not contain control characters')
      .nullish(),
  );

const optionalId = z
  .string({ error: 'must be an id' })
  .refine(isUuid, 'must be an id')
  .nullish()
  .transform((value) => value ?? null);

const responseInput = z.object({
  surveyId: z.string({ error: 'must be an id' }),
  comment: optionalText(COMMENT_MAX),
  customerId: optionalId,
  orderId: optionalId,
  via: z.enum(['SHOPPER', 'LINK', 'ANONYMOUS', 'ADMIN'], { error: 'must be SHOPPER, LINK, ANONYMOUS or ADMIN' }),
  channel: z.enum(ORDER_CHANNELS, { error: 'must be STORE, ONLINE, APP or OTHER' }).nullish(),
  locale: z.preprocess((value) => (value === '' ? null : value), localeTag.nullish()),
  location: optionalText(200),
  productSkus: z
    .array(
      z.string({ error: 'must be text' }).trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
      {
        error: 'must be a list of skus',
      },
    )
    .max(100, 'must list at most 100 skus')
    .nullish(),
});

interface Resolved {
  storeId: string;
  survey: Survey;
  score: number;
  comment: string | null | undefined;
  customerId: string | null;
  orderId: string | null;
  invitationId: string | null;
  via: ResponseVia;
  channel: OrderChannel | null | undefined;
  locale: string | null | undefined;
  location: string | null | undefined;
  productSkus: string[] | null | undefined;
  now: Date;
}

function inTransaction<T>(prisma: PrismaClient, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma.$transaction(fn, { maxWait: 30_000, timeout: 60_000 });
}

async function loadSurvey(db: Db, storeId: string, surveyId: string): Promise<Survey> {
  const survey = isUuid(surveyId) ? await db.survey.findFirst({ where: { id: surveyId, storeId } }) : null;
  if (!survey) throw new NotFoundError('Survey');
  return survey;
}

/**
 * Answers a survey. Validates everything before writing (invalid input changes nothing): the score
 * against the type's range, the comment (only if the survey allows comments), the order (a shopper
 * may only answer about their own order), anonymity (only if the survey allows it).
 */
export async function submitSurveyResponse(
  prisma: PrismaClient,
  input: SubmitSurveyResponseInput,
): Promise<SubmitSurveyResponseResult> {
  if (input?.token != null)
    return submitSurveyResponseWithToken(prisma, input.token, {
      score: input.score,
      comment: input.comment,
      locale: input.locale,
      storeId: input.storeId,
      ...(input.now ? { now: input.now } : {}),
    });
  const valid = parseInput(responseInput, input, 'input');
  if (valid.via === 'LINK') throw new InvalidInputError('token', 'is required to answer through a link');
  const survey = await loadSurvey(prisma, input.storeId, valid.surveyId);
  const now = input.now ?? new Date();
  let via: ResponseVia = valid.via;
  let customerId = valid.customerId;
  if (via === 'ANONYMOUS') customerId = null;
  if (via === 'SHOPPER' && !customerId) via = 'ANONYMOUS';
  checkAnswerable(survey, input.score, valid.comment);
  if (via === 'ANONYMOUS') {
    if (!survey.allowAnonymous) throw new AnonymousNotAllowedError(survey.id);
    if (valid.orderId) throw new InvalidInputError('orderId', 'needs a signed-in customer');
  }
  if (customerId) {
    const customer = await prisma.customer.findFirst({ where: { id: customerId, storeId: input.storeId } });
    if (!customer) throw new NotFoundError('Customer');
  }
  let orderId = valid.orderId;
  if (orderId) {
    const order = await prisma.order.findFirst({
      where: { id: orderId, storeId: input.storeId },
      select: { id: true, customerId: true },
    });
    // A shopper may not answer about (or learn of) someone else's order.
    if (!order || (via === 'SHOPPER' && order.customerId !== customerId)) throw new NotFoundError('Order');
    if (via === 'ADMIN') {
      if (!customerId) customerId = order.customerId;
      else if (order.customerId && order.customerId !== customerId)
        throw new InvalidInputError('orderId', 'must be an order of the customer');
    }
    orderId = order.id;
  }
  return submit(prisma, {
    storeId: input.storeId,
    survey,
    score: input.score,
    comment: valid.comment,
    customerId,
    orderId,
    invitationId: null,
    via,
    channel: valid.channel,
    locale: valid.locale,
    location: valid.location,
    productSkus: valid.productSkus,
    now,
  });
}

function checkAnswerable(survey: Survey, score: unknown, comment: string | null | undefined): void {
  if (!survey.active) throw new SurveyClosedError(survey.id);
  validateScore(survey.type, score);
  if (comment && !survey.allowComment) throw new InvalidInputError('comment', 'this survey takes no comment');
}

export interface TokenAnswer {
  score: number;
  comment?: string | null;
  locale?: string | null;
  /** The store of the calling key: a token of another store is INVALID. */
  storeId?: string;
  now?: Date;
}

/**
 * Answers through a signed invitation link: the token names the store, survey, customer, order
 * and invitation, so no customer token is needed. An expired or altered token throws
 * SurveyLinkError; answering again follows the same edit window as any answer about the order.
 */
export async function submitSurveyResponseWithToken(
  prisma: PrismaClient,
  token: string,
  answer: TokenAnswer,
): Promise<SubmitSurveyResponseResult> {
  const now = answer.now ?? new Date();
  const claimed = readSurveyToken(token);
  if (!claimed || !isUuid(claimed.storeId) || (answer.storeId && claimed.storeId !== answer.storeId))
    throw new SurveyLinkError('INVALID');
  const settings = await prisma.feedbackSettings.findUnique({
    where: { storeId: claimed.storeId },
    select: { linkSecret: true },
  });
  const payload = verifySurveyToken(token, () => settings?.linkSecret, now);
  const valid = parseInput(
    responseInput.pick({ comment: true, locale: true }),
    { comment: answer.comment, locale: answer.locale },
    'input',
  );
  const { storeId } = payload;
  // An erased customer (or invitation) voids its links.
  const customer = isUuid(payload.customerId)
    ? await prisma.customer.findFirst({ where: { id: payload.customerId, storeId }, select: { id: true } })
    : null;
  if (!customer) throw new SurveyLinkError('INVALID');
  if (payload.invitationId) {
    const invitation = isUuid(payload.invitationId)
      ? await prisma.surveyInvitation.findFirst({
          where: { id: payload.invitationId, storeId, surveyId: payload.surveyId, customerId: payload.customerId },
          select: { id: true },
        })
      : null;
    if (!invitation) throw new SurveyLinkError('INVALID');
  }
  if (payload.orderId) {
    const order = isUuid(payload.orderId)
      ? await prisma.order.findFirst({ where: { id: payload.orderId, storeId }, select: { id: true } })
      : null;
    if (!order) throw new SurveyLinkError('INVALID');
  }
  const survey = await loadSurvey(prisma, storeId, payload.surveyId);
  checkAnswerable(survey, answer.score, valid.comment);
  return submit(prisma, {
    storeId,
    survey,
    score: answer.score,
    comment: valid.comment,
    customerId: payload.customerId,
    orderId: payload.orderId,
    invitationId: payload.invitationId,
    via: 'LINK',
    channel: undefined,
    locale: valid.locale,
    location: undefined,
    productSkus: undefined,
    now,
  });
}

/** The order's product skus (distinct, in line order), its channel and location. */
async function orderContext(tx: Tx, orderId: string) {
  const order = await tx.order.findUnique({
    where: { id: orderId },
    select: {
      channel: true,
      location: true,
      lines: { where: { kind: 'PRODUCT', sku: { not: null } }, select: { sku: true }, orderBy: { lineNumber: 'asc' } },
    },
  });
  if (!order) return null;
  return {
    channel: order.channel,
    location: order.location,
    productSkus: [...new Set(order.lines.map((line) => line.sku!))],
  };
}

async function submit(prisma: PrismaClient, answer: Resolved): Promise<SubmitSurveyResponseResult> {
  const { storeId, survey, now } = answer;
  const settings = await feedbackSettings(prisma, storeId);
  const dedupeKey = answer.orderId
    ? `order:${answer.orderId}`
    : answer.invitationId
      ? `invitation:${answer.invitationId}`
      : null;
  return inTransaction(prisma, async (tx) => {
    const context = answer.orderId ? await orderContext(tx, answer.orderId) : null;
    let invitationId = answer.invitationId;
    if (!invitationId && answer.orderId) {
      // An answer from the widget about an order that also has an invitation: that invitation is answered.
      const invitation = await tx.surveyInvitation.findUnique({
        where: { surveyId_sourceRef: { surveyId: survey.id, sourceRef: `order:${answer.orderId}` } },
        select: { id: true, customerId: true },
      });
      if (invitation && invitation.customerId === answer.customerId) invitationId = invitation.id;
    }
    let customerLocale: string | null = null;
    if (answer.locale === undefined && answer.customerId) {
      const customer = await tx.customer.findUnique({ where: { id: answer.customerId }, select: { locale: true } });
      customerLocale = customer?.locale ?? null;
    }

    let response: SurveyResponse | null = null;
    let edited = false;
    if (dedupeKey) {
      // ON CONFLICT DO NOTHING waits for a concurrent first answer to commit, then this one edits it.
      const id = uuidv7();
      const inserted = await tx.surveyResponse.createMany({
        data: {
          id,
          ...createData(answer, context, invitationId, customerLocale),
          dedupeKey,
          createdAt: now,
          updatedAt: now,
        },
        skipDuplicates: true,
      });
      if (inserted.count === 1) response = await tx.surveyResponse.findUniqueOrThrow({ where: { id } });
      else {
        const [locked] = await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM "SurveyResponse" WHERE "surveyId" = ${survey.id}::uuid AND "dedupeKey" = ${dedupeKey} FOR UPDATE`;
        const existing = await tx.surveyResponse.findUniqueOrThrow({ where: { id: locked!.id } });
        const lockedAt = new Date(existing.createdAt.getTime() + settings.responseEditMinutes * 60_000);
        if (now.getTime() >= lockedAt.getTime()) throw new SurveyResponseLockedError(existing.id, lockedAt);
        response = await tx.surveyResponse.update({
          where: { id: existing.id },
          data: {
            score: answer.score,
            ...(answer.comment !== undefined ? { comment: answer.comment } : {}),
            ...(answer.locale !== undefined ? { locale: answer.locale } : {}),
            ...(answer.channel !== undefined && answer.channel !== null ? { channel: answer.channel } : {}),
            ...(answer.location !== undefined && answer.location !== null ? { location: answer.location } : {}),
            ...(answer.productSkus ? { productSkus: answer.productSkus } : {}),
            ...(invitationId && !existing.invitationId ? { invitationId } : {}),
            updatedAt: now,
          },
        });
        edited = true;
      }
    } else {
      response = await tx.surveyResponse.create({
        data: { ...createData(answer, context, invitationId, customerLocale), createdAt: now, updatedAt: now },
      });
    }

    if (invitationId)
      await tx.surveyInvitation.updateMany({
        where: { id: invitationId, status: { not: 'ANSWERED' } },
        data: { status: 'ANSWERED', skipReason: null },
      });
    const followUp = await openCaseIfUnhappy(tx, { storeId, survey, response, now });
    await emit(tx, storeId, 'survey.responded', {
      responseId: response.id,
      surveyId: survey.id,
      type: survey.type,
      score: response.score,
      customerId: response.customerId,
      orderId: response.orderId,
      edited,
    });
    return { response, edited, caseId: followUp?.id ?? null };
  });
}

function createData(
  answer: Resolved,
  context: Awaited<ReturnType<typeof orderContext>>,
  invitationId: string | null,
  customerLocale: string | null,
) {
  return {
    storeId: answer.storeId,
    surveyId: answer.survey.id,
    type: answer.survey.type,
    score: answer.score,
    comment: answer.comment ?? null,
    customerId: answer.customerId,
    orderId: answer.orderId,
    invitationId,
    channel: answer.channel ?? context?.channel ?? null,
    locale: answer.locale ?? customerLocale,
    location: answer.location ?? context?.location ?? null,
    productSkus: answer.productSkus ?? context?.productSkus ?? [],
    via: answer.via,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface ResponseFilter {
  surveyId?: string | null;
  type?: SurveyType | null;
  customerId?: string | null;
  orderId?: string | null;
  channel?: OrderChannel | null;
  location?: string | null;
  /** Answers about this product. */
  sku?: string | null;
  via?: ResponseVia | null;
  minScore?: number | null;
  maxScore?: number | null;
  /** Only answers with (true) or without (false) a comment. */
  hasComment?: boolean | null;
  /** Answered at or after. */
  from?: Date | null;
  /** Answered before. */
  to?: Date | null;
}

export interface ResponsePage {
  /** 1–100, default 20. */
  first?: number | null;
  /** The `endCursor` of the previous page. */
  after?: string | null;
}

export interface ResponseConnection {
  nodes: SurveyResponse[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

const filterInput = z.object({
  surveyId: z.string().nullish(),
  type: z.enum(['NPS', 'CSAT', 'CES'], { error: 'must be NPS, CSAT or CES' }).nullish(),
  customerId: z.string().nullish(),
  orderId: z.string().nullish(),
  channel: z.enum(ORDER_CHANNELS, { error: 'must be STORE, ONLINE, APP or OTHER' }).nullish(),
  location: z.string().nullish(),
  sku: z.string().nullish(),
  via: z
    .enum(['SHOPPER', 'LINK', 'ANONYMOUS', 'ADMIN'], { error: 'must be SHOPPER, LINK, ANONYMOUS or ADMIN' })
    .nullish(),
  minScore: z.number().int('must be a whole number').nullish(),
  maxScore: z.number().int('must be a whole number').nullish(),
  hasComment: z.boolean().nullish(),
  from: z.date({ error: 'must be a date' }).nullish(),
  to: z.date({ error: 'must be a date' }).nullish(),
});

/** The WHERE of a response list (ids that are not UUIDs match nothing). Throws InvalidInputError on bad filters. */
export function responseWhere(storeId: string, filter: ResponseFilter = {}): Prisma.SurveyResponseWhereInput {
  const valid = parseInput(filterInput, filter ?? {}, 'filter');
  const none = '00000000-0000-0000-0000-000000000000';
  const id = (value: string) => (isUuid(value) ? value : none);
  const where: Prisma.SurveyResponseWhereInput = { storeId };
  if (valid.surveyId) where.surveyId = id(valid.surveyId);
  if (valid.type) where.type = valid.type;
  if (valid.customerId) where.customerId = id(valid.customerId);
  if (valid.orderId) where.orderId = id(valid.orderId);
  if (valid.channel) where.channel = valid.channel;
  if (valid.location) where.location = valid.location;
  if (valid.sku) where.productSkus = { has: valid.sku };
  if (valid.via) where.via = valid.via;
  if (valid.minScore != null || valid.maxScore != null)
    where.score = {
      ...(valid.minScore != null ? { gte: valid.minScore } : {}),
      ...(valid.maxScore != null ? { lte: valid.maxScore } : {}),
    };
  if (valid.hasComment === true) where.comment = { not: null };
  if (valid.hasComment === false) where.comment = null;
  if (valid.from || valid.to)
    where.createdAt = { ...(valid.from ? { gte: valid.from } : {}), ...(valid.to ? { lt: valid.to } : {}) };
  return where;
}

/** Responses matching the filter, newest first, a page at a time (cursor: the last id). */
export async function listResponses(
  db: Db,
  storeId: string,
  filter: ResponseFilter = {},
  page: ResponsePage = {},
): Promise<ResponseConnection> {
  const where = responseWhere(storeId, filter);
  const first = page?.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > 100)
    throw new InvalidInputError('first', 'must be a whole number from 1 to 100');
  if (page?.after != null && !isUuid(page.after)) throw new InvalidInputError('after', 'must be a cursor of this list');
  const rows = await db.surveyResponse.findMany({
    where: page?.after ? { AND: [where, { id: { lt: page.after } }] } : where,
    orderBy: { id: 'desc' },
    take: first + 1,
  });
  const nodes = rows.slice(0, first);
  return {
    nodes,
    hasNextPage: rows.length > first,
    endCursor: nodes.at(-1)?.id ?? null,
    totalCount: await db.surveyResponse.count({ where }),
  };
}

export interface SurveyStats {
  count: number;
  average: number | null;
  /** Answers per score, from the scale's minimum up. */
  distribution: number[];
  /** NPS surveys only: % promoters − % detractors. */
  nps: number | null;
  /** Answers that opened a follow-up case. */
  cases: number;
}

/** Summary of a survey's answers (optionally within [from, to)). */
export async function surveyStats(
  db: Db,
  storeId: string,
  surveyId: string,
  range: { from?: Date | null; to?: Date | null } = {},
): Promise<SurveyStats> {
  const survey = await loadSurvey(db, storeId, surveyId);
  const where = responseWhere(storeId, { surveyId, from: range.from ?? null, to: range.to ?? null });
  const groups = await db.surveyResponse.groupBy({ by: ['score'], where, _count: { _all: true } });
  const { min, max } = scoreRange(survey.type);
  const distribution = Array.from({ length: max - min + 1 }, () => 0);
  let count = 0;
  let sum = 0;
  for (const group of groups) {
    distribution[group.score - min] = group._count._all;
    count += group._count._all;
    sum += group.score * group._count._all;
  }
  let promoters = 0;
  let detractors = 0;
  for (const group of groups) {
    if (group.score >= 9) promoters += group._count._all;
    else if (group.score <= 6) detractors += group._count._all;
  }
  const [opened] = await db.$queryRaw<{ cases: number }[]>`
    SELECT count(*)::int AS cases FROM "FollowUpCase" c JOIN "SurveyResponse" r ON r.id = c."responseId"
    WHERE r."surveyId" = ${survey.id}::uuid AND c."storeId" = ${storeId}::uuid
      AND (${range.from ?? null}::timestamptz IS NULL OR r."createdAt" >= ${range.from ?? null}::timestamptz)
      AND (${range.to ?? null}::timestamptz IS NULL OR r."createdAt" < ${range.to ?? null}::timestamptz)`;
  return {
    count,
    average: count ? Math.round((sum / count) * 100) / 100 : null,
    distribution,
    nps: survey.type === 'NPS' && count > 0 ? Math.round(((promoters - detractors) * 1000) / count) / 10 : null,
    cases: opened?.cases ?? 0,
  };
}
