import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { builder } from '../../builder.ts';
import { type KantaContext, storeIdOf } from '../../context.ts';
import { ErrorInterface } from '../../errors.schema.ts';
import { InvalidInputError, isUuid, NotFoundError, rethrowAsBadUserInput } from '../../errors.ts';
import type { FeedbackReceivedMessage } from '../../events/pubsub.ts';
import type { Prisma, Survey } from '../../generated/prisma/client.ts';
import { OrderChannelEnum } from '../customers/customers.schema.ts';
import { ShopperRef, type ShopperShape } from '../customers/me.schema.ts';
import { resolveShopper } from '../customers/shopper.ts';
import { localeChain } from '../loyalty/loyalty.schema.ts';
import { addCaseNote, countOverdueCases, isCaseOverdue, listCases, updateCase } from './cases.service.ts';
import {
  AnonymousNotAllowedError,
  CannotVoteError,
  CaseTransitionError,
  DuplicateReviewError,
  ReviewRateLimitedError,
  ReviewTransitionError,
  SurveyClosedError,
  SurveyLinkError,
  SurveyResponseLockedError,
} from './errors.ts';
import { jsonLdScriptContent } from './json-ld.ts';
import {
  listResponses,
  type ResponseFilter,
  type SurveyStats,
  submitSurveyResponse,
  submitSurveyResponseWithToken,
  surveyStats,
} from './responses.service.ts';
import {
  adminReviews,
  listReviews,
  moderateReview,
  moderationQueue,
  productRating,
  productStructuredData,
  replyToReview,
  submitReview,
  voteHelpful,
} from './reviews.service.ts';
import { npsCategory, scoreRange } from './scores.ts';
import { feedbackSettings, updateFeedbackSettings } from './settings.service.ts';
import { readSurveyToken } from './survey-link.ts';
import {
  createSurvey,
  type SurveyInput,
  type SurveyTexts as SurveyTextsShape,
  surveyTexts,
  updateSurvey,
} from './surveys.service.ts';

/**
 * The feedback API: thin resolvers over the survey, case and review services.
 *
 * - Public (any key): `rating`, `reviews` and JSON-LD on `Product`, for `product(sku)` (the products
 *   module); survey definitions for widgets (`survey`, `surveys`), texts in the requested locale.
 * - Shoppers (publishable key + customer token): answer surveys, write reviews, vote; their own
 *   reviews and answers under `me`. A publishable key alone answers surveys that allow anonymous
 *   answers, or any survey with a signed invitation token.
 * - Admin (secret key): settings, surveys, responses, invitations, follow-up cases, moderation, and
 *   the `feedbackReceived` subscription.
 *
 * Review and comment texts are plain strings, returned exactly as written: never HTML.
 */

const adminOnly = { authScopes: { admin: true } } as const;

// ---------------------------------------------------------------------------------------------
// Enums

export const SurveyTypeEnum = builder.enumType('SurveyType', {
  values: {
    NPS: { description: 'Net Promoter Score: 0–10, “how likely are you to recommend us?”' },
    CSAT: { description: 'Customer satisfaction: 1–5, “how satisfied were you?”' },
    CES: { description: 'Customer effort: 1–7, “how easy was it?” (higher is harder)' },
  } as const,
});

const SurveyTriggerEnum = builder.enumType('SurveyTrigger', {
  values: {
    AFTER_ORDER: { description: 'An invitation `delayHours` after an order (optionally only some channels).' },
    AFTER_SUPPORT: { description: 'An invitation `delayHours` after a SUPPORT_CONTACT interaction.' },
    ALWAYS_ON: { description: 'No invitations: an embedded form answers it any time.' },
  } as const,
});

const InvitationStatusEnum = builder.enumType('SurveyInvitationStatus', {
  values: {
    SCHEDULED: { description: 'Waiting for its due time.' },
    DUE: { description: 'survey.invitation.due was emitted: the sending integration sends it.' },
    ANSWERED: {},
    SKIPPED: { description: 'Not sent: no marketing consent, the contact cap, or the survey was switched off.' },
  } as const,
});

const ResponseViaEnum = builder.enumType('SurveyResponseVia', {
  values: {
    SHOPPER: { description: 'A signed-in shopper (customer token).' },
    LINK: { description: 'A signed invitation link.' },
    ANONYMOUS: { description: 'A publishable key without a shopper.' },
    ADMIN: { description: 'Recorded by the retailer with a secret key.' },
  } as const,
});

const NpsCategoryEnum = builder.enumType('NpsCategory', {
  values: {
    PROMOTER: { description: '9–10' },
    PASSIVE: { description: '7–8' },
    DETRACTOR: { description: '0–6' },
  } as const,
});

const CaseStatusEnum = builder.enumType('FollowUpCaseStatus', {
  values: {
    OPEN: { description: 'Nobody has acted yet.' },
    IN_PROGRESS: {},
    RESOLVED: { description: 'Final; the customer can be told `reply` (case.resolved).' },
    DISMISSED: { description: 'Final; nothing to follow up.' },
  } as const,
});

const ReviewStatusEnum = builder.enumType('ReviewStatus', {
  values: {
    PENDING: { description: 'Waiting for moderation.' },
    PUBLISHED: {},
    REJECTED: {},
  } as const,
});

const ModerationStatusEnum = builder.enumType('ReviewModerationDecision', {
  values: ['PUBLISHED', 'REJECTED'] as const,
});

const ReviewSortEnum = builder.enumType('ReviewSort', {
  values: {
    NEWEST: { description: 'Newest first (the default).' },
    HIGHEST: { description: 'Highest rating first, then newest.' },
    LOWEST: { description: 'Lowest rating first, then newest.' },
    MOST_HELPFUL: { description: 'Most helpful votes first, then newest.' },
  } as const,
});

const AutoPublishEnum = builder.enumType('ReviewAutoPublish', {
  description: 'Which reviews are published without a moderator. Never decided by the rating.',
  values: {
    NONE: { description: 'Every review waits for a moderator.' },
    VERIFIED: { description: 'Verified purchases are published at once; others wait.' },
    ALL: { description: 'Every review is published at once.' },
  } as const,
});

const FeedbackKindEnum = builder.enumType('FeedbackKind', {
  values: ['SURVEY_RESPONSE', 'REVIEW'] as const,
});

// ---------------------------------------------------------------------------------------------
// Errors

builder.objectType(SurveyResponseLockedError, {
  name: 'SurveyResponseLockedError',
  description: 'This survey was already answered about this order and the edit window has passed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof SurveyResponseLockedError,
  fields: (t) => ({
    lockedAt: t.expose('lockedAt', { type: 'DateTime', description: 'When the edit window closed.' }),
  }),
});

builder.objectType(SurveyClosedError, {
  name: 'SurveyClosedError',
  description: 'The survey is switched off and takes no answers.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof SurveyClosedError,
  fields: (t) => ({ surveyId: t.exposeID('surveyId') }),
});

builder.objectType(AnonymousNotAllowedError, {
  name: 'AnonymousNotAllowedError',
  description: 'The survey needs a known shopper (a customer token of a customer the store knows) or a signed link.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof AnonymousNotAllowedError,
  fields: (t) => ({ surveyId: t.exposeID('surveyId') }),
});

const SurveyLinkErrorReasonEnum = builder.enumType('SurveyLinkErrorReason', {
  values: {
    EXPIRED: { description: 'The link was genuine but is too old.' },
    INVALID: { description: 'Not a link of this store: altered, truncated, revoked or signed with another key.' },
  } as const,
});

builder.objectType(SurveyLinkError, {
  name: 'SurveyLinkError',
  description: 'The signed survey link cannot be used; `reason` says why.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof SurveyLinkError,
  fields: (t) => ({ reason: t.expose('reason', { type: SurveyLinkErrorReasonEnum }) }),
});

builder.objectType(CaseTransitionError, {
  name: 'CaseTransitionError',
  description:
    'The case cannot move from `from` to `to` (OPEN → IN_PROGRESS → RESOLVED, OPEN | IN_PROGRESS → DISMISSED); RESOLVED and DISMISSED cases cannot change at all (`from` = `to`), though notes can still be added.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof CaseTransitionError,
  fields: (t) => ({
    from: t.expose('from', { type: CaseStatusEnum }),
    to: t.expose('to', { type: CaseStatusEnum }),
  }),
});

builder.objectType(DuplicateReviewError, {
  name: 'DuplicateReviewError',
  description: 'The same text was already submitted (by this customer, or by anyone for this product).',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof DuplicateReviewError,
});

builder.objectType(ReviewRateLimitedError, {
  name: 'ReviewRateLimitedError',
  description: 'The customer wrote as many reviews in the last 24 hours as the store allows.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ReviewRateLimitedError,
  fields: (t) => ({
    limit: t.exposeInt('limit'),
    retryAfter: t.expose('retryAfter', { type: 'DateTime', description: 'When one more review is allowed.' }),
  }),
});

builder.objectType(ReviewTransitionError, {
  name: 'ReviewTransitionError',
  description: 'A moderation step the rules do not allow (e.g. the review already has that status).',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ReviewTransitionError,
  fields: (t) => ({
    from: t.expose('from', { type: ReviewStatusEnum }),
    to: t.expose('to', { type: ReviewStatusEnum }),
  }),
});

const CannotVoteReasonEnum = builder.enumType('CannotVoteReason', {
  values: {
    OWN_REVIEW: { description: 'Shoppers cannot vote for their own review.' },
    NOT_PUBLISHED: { description: 'Only published reviews take votes.' },
  } as const,
});

builder.objectType(CannotVoteError, {
  name: 'CannotVoteError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof CannotVoteError,
  fields: (t) => ({ reason: t.expose('reason', { type: CannotVoteReasonEnum }) }),
});

// ---------------------------------------------------------------------------------------------
// Helpers of the resolvers

function actorOf(context: KantaContext): string {
  const principal = context.principal;
  if (!principal) return 'system';
  return principal.kind === 'customer' ? `shopper:${principal.customerExternalId}` : `apiKey:${principal.apiKeyId}`;
}

/** An id argument that cannot name a row answers "not found" without a query. */
function idOf(value: string | number, what: string): string {
  const id = String(value);
  if (!isUuid(id)) throw new NotFoundError(what);
  return id;
}

/** GraphQL leaves absent input fields undefined; the services treat undefined as "not given". */
function compact<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function checkLocale(field: string, locale: string | null | undefined): string | undefined {
  if (locale == null || locale === '') return undefined;
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale) || locale.length > 35)
    throw new InvalidInputError(field, 'must be a BCP 47 language tag, e.g. fi or fi-FI');
  return locale;
}

/** Same refusal as scope-auth, for subscriptions (checked when they start, see loyaltyChanged). */
function refuseUnless(allowed: boolean, context: KantaContext, info: GraphQLResolveInfo) {
  if (allowed) return;
  throw new GraphQLError(
    context.principal
      ? `Not authorized: "${info.parentType.name}.${info.fieldName}" is not available to a ${context.principal.kind} key`
      : `Not authenticated: "${info.parentType.name}.${info.fieldName}" needs an API key in "Authorization: Bearer <key>"`,
    { extensions: { code: context.principal ? 'FORBIDDEN' : 'UNAUTHENTICATED' } },
  );
}

/** The store's default locale, read once per request (a list of surveys asks for it per survey). */
const defaultLocales = new WeakMap<KantaContext, Promise<string>>();
function storeDefaultLocale(context: KantaContext, storeId: string): Promise<string> {
  let locale = defaultLocales.get(context);
  if (!locale) {
    locale = context.prisma.store
      .findUniqueOrThrow({ where: { id: storeId }, select: { defaultLocale: true } })
      .then((store) => store.defaultLocale);
    defaultLocales.set(context, locale);
  }
  return locale;
}

/** The locale a root field asked for, remembered for the `texts` of the surveys it returns. */
const requestedLocales = new WeakMap<object, string>();

// ---------------------------------------------------------------------------------------------
// Settings

const FeedbackSettingsRef = builder.prismaObject('FeedbackSettings', {
  description: 'The store’s feedback settings (the signing key of survey links is never shown).',
  fields: (t) => ({
    contactCapDays: t.exposeInt('contactCapDays', {
      description: 'At most one ask (survey invitation or review request) per customer in this many days; 0: no cap.',
    }),
    autoPublish: t.field({
      type: AutoPublishEnum,
      select: { autoPublish: true },
      resolve: (settings) => settings.autoPublish as 'NONE' | 'VERIFIED' | 'ALL',
    }),
    reviewsPerDay: t.exposeInt('reviewsPerDay', { description: 'Reviews one customer may submit per day.' }),
    responseEditMinutes: t.exposeInt('responseEditMinutes', {
      description: 'Minutes a survey answer may be changed by submitting again.',
    }),
    reviewRequestDelayHours: t.exposeInt('reviewRequestDelayHours', {
      nullable: true,
      description:
        'Hours after an order that its customer is asked to review its products (review.request.due); null: off.',
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

// ---------------------------------------------------------------------------------------------
// Surveys

const ScoreScaleRef = builder.objectRef<{ min: number; max: number }>('ScoreScale').implement({
  description: 'The score range of a survey type: NPS 0–10, CSAT 1–5, CES 1–7.',
  fields: (t) => ({ min: t.exposeInt('min'), max: t.exposeInt('max') }),
});

const SurveyTextsRef = builder.objectRef<SurveyTextsShape>('SurveyTexts').implement({
  description: 'What a widget shows, in one locale. Plain text.',
  fields: (t) => ({
    locale: t.exposeString('locale', { description: 'The locale these texts are in (after fallback).' }),
    question: t.exposeString('question'),
    followUp: t.exposeString('followUp', { description: 'The prompt above the comment box.' }),
    thankYou: t.exposeString('thankYou', { description: 'Shown after answering.' }),
    lowLabel: t.exposeString('lowLabel', { description: 'The low end of the scale, e.g. "Not at all likely".' }),
    highLabel: t.exposeString('highLabel', { description: 'The high end of the scale.' }),
  }),
});

const SurveyStatsRef = builder.objectRef<SurveyStats>('SurveyStats').implement({
  description: 'A summary of a survey’s answers.',
  fields: (t) => ({
    count: t.exposeInt('count'),
    average: t.exposeFloat('average', { nullable: true, description: 'Null without answers.' }),
    distribution: t.exposeIntList('distribution', {
      description: 'Answers per score, from the scale’s minimum up (NPS: 11 numbers for 0–10).',
    }),
    nps: t.exposeFloat('nps', {
      nullable: true,
      description: 'NPS surveys: % promoters − % detractors (−100…100); null otherwise or without answers.',
    }),
    cases: t.exposeInt('cases', { description: 'Answers that opened a follow-up case.' }),
  }),
});

const SurveyRef = builder.prismaObject('Survey', {
  description:
    'A survey. Any key sees what a widget needs (type, scale, texts, options); the configuration is for secret keys.',
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.expose('type', { type: SurveyTypeEnum }),
    trigger: t.expose('trigger', { type: SurveyTriggerEnum }),
    scale: t.field({
      type: ScoreScaleRef,
      select: { type: true },
      resolve: (survey) => scoreRange(survey.type),
    }),
    texts: t.field({
      type: SurveyTextsRef,
      description:
        'In `locale` (or the locale the query asked for), else its base language, else the store’s default locale, else English.',
      args: { locale: t.arg.string({ required: false, description: 'BCP 47 tag, e.g. fi or fi-FI.' }) },
      select: { storeId: true, type: true, texts: true },
      resolve: async (survey, args, context) => {
        const requested = checkLocaleArgument(args.locale) ?? requestedLocales.get(survey);
        const chain = localeChain(requested, await storeDefaultLocale(context, survey.storeId));
        return surveyTexts(survey as Survey, chain[0] ?? 'en');
      },
    }),
    allowComment: t.exposeBoolean('allowComment'),
    allowAnonymous: t.exposeBoolean('allowAnonymous', {
      description: 'Answers without a shopper (a publishable key alone) are accepted.',
    }),
    active: t.exposeBoolean('active'),
    name: t.exposeString('name', { ...adminOnly, description: 'Internal name, unique in the store.' }),
    allTexts: t.expose('texts', {
      ...adminOnly,
      type: 'JSON',
      description: 'The texts as configured, by locale: {"fi": {"question": "…", "followUp": "…", "thankYou": "…"}}.',
    }),
    delayHours: t.exposeInt('delayHours', { ...adminOnly, description: 'Hours between the cause and the invitation.' }),
    channels: t.field({
      ...adminOnly,
      type: [OrderChannelEnum],
      description: 'AFTER_ORDER: only orders of these channels (empty: all).',
      select: { channels: true },
      resolve: (survey) => survey.channels,
    }),
    caseThreshold: t.exposeInt('caseThreshold', {
      ...adminOnly,
      nullable: true,
      description:
        'A score at or beyond this opens a follow-up case (NPS/CSAT: at or below, CES: at or above); null: the type’s default (NPS 6, CSAT 2, CES 5).',
    }),
    caseDueHours: t.exposeInt('caseDueHours', { ...adminOnly, description: 'A case is overdue after this.' }),
    linkValidHours: t.exposeInt('linkValidHours', { ...adminOnly, description: 'How long invitation links work.' }),
    stats: t.field({
      ...adminOnly,
      type: SurveyStatsRef,
      description: 'Counts, average, distribution and NPS of the answers (optionally submitted in [from, to)).',
      args: {
        from: t.arg({ type: 'DateTime', required: false }),
        to: t.arg({ type: 'DateTime', required: false }),
      },
      select: { id: true, storeId: true },
      resolve: (survey, args, context) =>
        surveyStats(context.prisma, survey.storeId, survey.id, { from: args.from ?? null, to: args.to ?? null }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', ...adminOnly }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', ...adminOnly }),
  }),
});

const SurveyTextsInput = builder.inputType('SurveyTextsInput', {
  fields: (t) => ({
    locale: t.string({ required: true, description: 'BCP 47 tag, e.g. fi.' }),
    question: t.string({ description: 'Omitted: the shipped text of the language (if shipped).' }),
    followUp: t.string(),
    thankYou: t.string(),
    lowLabel: t.string(),
    highLabel: t.string(),
  }),
});

const surveyInputFields = (create: boolean) =>
  builder.inputType(create ? 'SurveyInput' : 'SurveyUpdateInput', {
    description: create
      ? 'A new survey. Texts default to the shipped ones (en, fi, hu, bs, hy) for locales you leave out.'
      : 'Fields to change; omitted fields stay as they are. The type cannot change.',
    fields: (t) => ({
      ...(create ? { type: t.field({ type: SurveyTypeEnum, required: true }) } : {}),
      name: t.string({ required: create }),
      trigger: t.field({ type: SurveyTriggerEnum, required: create }),
      texts: t.field({ type: [SurveyTextsInput], description: 'Per-locale texts; replaces the configured ones.' }),
      allowComment: t.boolean(),
      allowAnonymous: t.boolean(),
      delayHours: t.int({ description: 'AFTER_ORDER / AFTER_SUPPORT: hours before the invitation (default 72).' }),
      channels: t.field({ type: [OrderChannelEnum], description: 'AFTER_ORDER: only these channels.' }),
      caseThreshold: t.int({ description: 'Null: the type’s default.' }),
      caseDueHours: t.int({ description: 'Default 48.' }),
      linkValidHours: t.int({ description: 'Default 336 (14 days).' }),
      active: t.boolean(),
    }),
  });
const SurveyInputType = surveyInputFields(true);
const SurveyUpdateInputType = surveyInputFields(false);

const TEXT_FIELDS = ['question', 'followUp', 'thankYou', 'lowLabel', 'highLabel'] as const;
type SurveyTextsEntry = { locale: string } & { [K in (typeof TEXT_FIELDS)[number]]?: string | null };

/**
 * The GraphQL survey input as the service's: the texts list becomes {"fi": {"question": …}} (null:
 * back to the shipped texts). Returns a function that words the service's errors about texts with
 * the list index the caller used ("input.texts.fi.question" → "input.texts.1.question").
 */
function surveyInput(input: Record<string, unknown>): {
  value: Record<string, unknown>;
  fieldOf: (error: unknown) => never;
} {
  const value = compact(input) as Record<string, unknown>;
  const indexOf = new Map<string, number>();
  if (Array.isArray(input.texts)) {
    const texts: Record<string, Record<string, string>> = {};
    (input.texts as SurveyTextsEntry[]).forEach((entry, index) => {
      const locale = entry.locale.trim();
      if (indexOf.has(locale)) throw new InvalidInputError(`input.texts.${index}.locale`, `${locale} is given twice`);
      indexOf.set(locale, index);
      texts[locale] = Object.fromEntries(
        TEXT_FIELDS.filter((field) => entry[field] != null).map((field) => [field, entry[field] as string]),
      );
    });
    value.texts = texts;
  }
  const fieldOf = (error: unknown): never => {
    if (error instanceof InvalidInputError) {
      const match = /^(?:input\.)?texts\.([^.]+)(.*)$/.exec(error.field);
      const index = match ? indexOf.get(match[1]!) : undefined;
      if (match && index !== undefined)
        throw new InvalidInputError(`input.texts.${index}${match[2] === '' ? '.locale' : match[2]}`, error.rule);
    }
    return inputField(error);
  };
  return { value, fieldOf };
}

// ---------------------------------------------------------------------------------------------
// Responses, invitations, cases

const SurveyResponseRef = builder.prismaObject('SurveyResponse', {
  description: 'An answer to a survey. A shopper sees their own; secret keys see every answer.',
  fields: (t) => ({
    id: t.exposeID('id'),
    survey: t.relation('survey'),
    type: t.expose('type', { type: SurveyTypeEnum }),
    score: t.exposeInt('score'),
    npsCategory: t.field({
      type: NpsCategoryEnum,
      nullable: true,
      description: 'NPS answers only.',
      select: { type: true, score: true },
      resolve: (response) => (response.type === 'NPS' ? npsCategory(response.score) : null),
    }),
    comment: t.exposeString('comment', { nullable: true, description: 'Plain text, as written.' }),
    channel: t.expose('channel', { type: OrderChannelEnum, nullable: true }),
    locale: t.exposeString('locale', { nullable: true }),
    location: t.exposeString('location', { nullable: true, description: 'The store location it is about.' }),
    productSkus: t.exposeStringList('productSkus'),
    orderId: t.exposeID('orderId', { nullable: true }),
    via: t.expose('via', { type: ResponseViaEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'Later than createdAt when edited.' }),
    customerId: t.exposeID('customerId', { ...adminOnly, nullable: true }),
    customer: t.prismaField({
      ...adminOnly,
      type: 'Customer',
      nullable: true,
      select: { storeId: true, customerId: true },
      resolve: (query, response, _args, context) =>
        response.customerId
          ? context.prisma.customer.findFirst({
              ...query,
              where: { id: response.customerId, storeId: response.storeId },
            })
          : null,
    }),
    order: t.prismaField({
      ...adminOnly,
      type: 'Order',
      nullable: true,
      select: { storeId: true, orderId: true },
      resolve: (query, response, _args, context) =>
        response.orderId
          ? context.prisma.order.findFirst({ ...query, where: { id: response.orderId, storeId: response.storeId } })
          : null,
    }),
    invitationId: t.exposeID('invitationId', { ...adminOnly, nullable: true }),
    followUpCase: t.prismaField({
      ...adminOnly,
      type: 'FollowUpCase',
      nullable: true,
      description: 'The case this answer opened, if it was unhappy.',
      select: { id: true, storeId: true },
      resolve: (query, response, _args, context) =>
        context.prisma.followUpCase.findFirst({
          ...query,
          where: { responseId: response.id, storeId: response.storeId },
        }),
    }),
  }),
});

builder.prismaObject('SurveyInvitation', {
  description: 'An invitation to answer a triggered survey (sent by your integration on survey.invitation.due).',
  fields: (t) => ({
    id: t.exposeID('id'),
    survey: t.relation('survey'),
    customerId: t.exposeID('customerId'),
    orderId: t.exposeID('orderId', { nullable: true }),
    sourceRef: t.exposeString('sourceRef', {
      description: 'What caused it: "order:<id>", "interaction:<id>" or "case:<id>" (a re-survey).',
    }),
    channel: t.expose('channel', { type: OrderChannelEnum, nullable: true }),
    status: t.expose('status', { type: InvitationStatusEnum }),
    skipReason: t.exposeString('skipReason', { nullable: true }),
    dueAt: t.expose('dueAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When its link stops working.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('ReviewRequest', {
  description: 'A request to review the products of an order (sent by your integration on review.request.due).',
  fields: (t) => ({
    id: t.exposeID('id'),
    customerId: t.exposeID('customerId'),
    orderId: t.exposeID('orderId'),
    skus: t.exposeStringList('skus', { description: 'The order’s products the customer had not reviewed yet.' }),
    status: t.expose('status', { type: InvitationStatusEnum }),
    skipReason: t.exposeString('skipReason', {
      nullable: true,
      description: 'NO_CONSENT, FREQUENCY_CAP, ORDER_CANCELLED or ALL_REVIEWED.',
    }),
    dueAt: t.expose('dueAt', { type: 'DateTime' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const CaseNoteRef = builder.prismaObject('CaseNote', {
  description: 'An internal note on a follow-up case (never shown to the customer).',
  fields: (t) => ({
    id: t.exposeID('id'),
    author: t.exposeString('author'),
    body: t.exposeString('body'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const FollowUpCaseRef = builder.prismaObject('FollowUpCase', {
  description: 'Closing the loop: an unhappy answer someone follows up.',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.expose('status', { type: CaseStatusEnum }),
    assignee: t.exposeString('assignee', { nullable: true }),
    reply: t.exposeString('reply', { nullable: true, description: 'What the customer is told (not internal).' }),
    dueAt: t.expose('dueAt', { type: 'DateTime' }),
    overdue: t.boolean({
      description: 'Still OPEN or IN_PROGRESS after `dueAt`.',
      select: { status: true, dueAt: true },
      resolve: (c) => isCaseOverdue(c, new Date()),
    }),
    firstResponseAt: t.expose('firstResponseAt', {
      type: 'DateTime',
      nullable: true,
      description: 'The first move out of OPEN, note or reply.',
    }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true, description: 'Resolved or dismissed.' }),
    resurvey: t.exposeBoolean('resurvey', { description: 'Re-survey the customer when resolved.' }),
    customerId: t.exposeID('customerId', { nullable: true }),
    customer: t.prismaField({
      type: 'Customer',
      nullable: true,
      select: { storeId: true, customerId: true },
      resolve: (query, c, _args, context) =>
        c.customerId
          ? context.prisma.customer.findFirst({ ...query, where: { id: c.customerId, storeId: c.storeId } })
          : null,
    }),
    response: t.prismaField({
      type: 'SurveyResponse',
      description: 'The answer that opened it.',
      select: { storeId: true, responseId: true },
      resolve: (query, c, _args, context) =>
        context.prisma.surveyResponse.findFirstOrThrow({ ...query, where: { id: c.responseId, storeId: c.storeId } }),
    }),
    notes: t.relation('notes', { description: 'Oldest first.', query: () => ({ orderBy: { createdAt: 'asc' } }) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

// ---------------------------------------------------------------------------------------------
// Reviews and ratings

builder.prismaObject('ReviewModeration', {
  description: 'One moderation step of a review: the audit trail.',
  fields: (t) => ({
    id: t.exposeID('id'),
    fromStatus: t.expose('fromStatus', { type: ReviewStatusEnum, nullable: true }),
    toStatus: t.expose('toStatus', { type: ReviewStatusEnum }),
    actor: t.exposeString('actor', { description: '"system" (auto-publish rules) or the API key.' }),
    reason: t.exposeString('reason', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const ReviewRef = builder.prismaObject('Review', {
  description:
    'A product review. Title, body and reply are plain text, returned exactly as written: render them as text, never as HTML.',
  fields: (t) => ({
    id: t.exposeID('id'),
    sku: t.exposeString('sku'),
    authorName: t.exposeString('authorName', { nullable: true, description: 'Shown with the review, e.g. "Aino V."' }),
    rating: t.exposeInt('rating', { description: '1–5 stars.' }),
    title: t.exposeString('title', { nullable: true }),
    body: t.exposeString('body'),
    photoUrls: t.exposeStringList('photoUrls'),
    locale: t.exposeString('locale', { nullable: true }),
    status: t.expose('status', { type: ReviewStatusEnum }),
    verifiedPurchase: t.exposeBoolean('verifiedPurchase', {
      description: 'The reviewer bought this sku (online or in a store).',
    }),
    helpfulCount: t.exposeInt('helpfulCount'),
    reply: t.exposeString('reply', { nullable: true, description: 'The merchant’s public reply.' }),
    repliedAt: t.expose('repliedAt', { type: 'DateTime', nullable: true }),
    publishedAt: t.expose('publishedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    customerId: t.exposeID('customerId', { ...adminOnly, nullable: true }),
    customer: t.prismaField({
      ...adminOnly,
      type: 'Customer',
      nullable: true,
      select: { storeId: true, customerId: true },
      resolve: (query, review, _args, context) =>
        review.customerId
          ? context.prisma.customer.findFirst({ ...query, where: { id: review.customerId, storeId: review.storeId } })
          : null,
    }),
    verifiedOrderId: t.exposeID('verifiedOrderId', { ...adminOnly, nullable: true }),
    rejectReason: t.exposeString('rejectReason', { ...adminOnly, nullable: true }),
    moderation: t.relation('moderation', {
      ...adminOnly,
      description: 'The audit trail, oldest first.',
      query: () => ({ orderBy: { createdAt: 'asc' } }),
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', ...adminOnly }),
  }),
});

interface RatingView {
  average: number | null;
  count: number;
  histogram: number[];
}

const ProductRatingRef = builder.objectRef<RatingView>('ProductRatingSummary').implement({
  description: 'Published reviews of a product: average, count and the 1–5 star histogram.',
  fields: (t) => ({
    average: t.float({
      nullable: true,
      description: 'Mean stars, null without published reviews.',
      resolve: (r) => (r.count > 0 ? r.average : null),
    }),
    count: t.exposeInt('count'),
    histogram: t.intList({
      description: 'Published reviews per star: [1★, 2★, 3★, 4★, 5★].',
      resolve: (r) => r.histogram,
    }),
  }),
});

const JSON_LD_REVIEWS = 5;

// A product page (any key, through `product(sku)`): rating, published reviews and schema.org JSON-LD.
builder.prismaObjectFields('Product', (t) => ({
  rating: t.field({
    type: ProductRatingRef,
    description: 'Published reviews: average, count and histogram.',
    select: { storeId: true, sku: true },
    resolve: (product, _args, context) => productRating(context.prisma, product.storeId, product.sku),
  }),
  reviews: t.connection({
    type: ReviewRef,
    description:
      'Published reviews, NEWEST first unless `sort` says otherwise (ties: newest first); `withPhotos` keeps those with photos.',
    args: {
      sort: t.arg({ type: ReviewSortEnum, required: false }),
      withPhotos: t.arg.boolean({ required: false }),
    },
    select: { storeId: true, sku: true },
    resolve: (product, args, context) => {
      forwardOnly(args);
      return listReviews(context.prisma, product.storeId, product.sku, {
        sort: args.sort ?? null,
        withPhotos: args.withPhotos ?? null,
        first: args.first ?? null,
        after: args.after ?? null,
      }).catch(rethrowAsBadUserInput);
    },
  }),
  jsonLd: t.field({
    type: 'JSON',
    nullable: true,
    description: `schema.org Product with its AggregateRating and the ${JSON_LD_REVIEWS} most helpful published reviews, as an object. Put \`jsonLdScript\` (not this object serialised by hand) inside a script element.`,
    select: { storeId: true, sku: true },
    resolve: (product, _args, context) =>
      productStructuredData(context.prisma, product.storeId, product.sku, { maxReviews: JSON_LD_REVIEWS }),
  }),
  jsonLdScript: t.string({
    nullable: true,
    description:
      'The same JSON-LD as text safe inside `<script type="application/ld+json">…</script>`: <, > and & are written as \\u003c, \\u003e and \\u0026, so review text cannot end the script or start markup.',
    select: { storeId: true, sku: true },
    resolve: async (product, _args, context) => {
      const data = await productStructuredData(context.prisma, product.storeId, product.sku, {
        maxReviews: JSON_LD_REVIEWS,
      });
      return data ? jsonLdScriptContent(data) : null;
    },
  }),
}));

// ---------------------------------------------------------------------------------------------
// Live feed

interface FeedbackEventView {
  kind: FeedbackReceivedMessage['kind'];
  id: string;
  edited: boolean;
  storeId: string;
}

const FeedbackEventRef = builder.objectRef<FeedbackEventView>('FeedbackReceived').implement({
  description: 'A survey answer or a review arrived (or an answer was edited).',
  fields: (t) => ({
    kind: t.field({ type: FeedbackKindEnum, resolve: (e) => e.kind }),
    edited: t.exposeBoolean('edited', { description: 'A survey answer changed within its edit window.' }),
    surveyResponse: t.prismaField({
      type: 'SurveyResponse',
      nullable: true,
      resolve: (query, e, _args, context) =>
        e.kind === 'SURVEY_RESPONSE'
          ? context.prisma.surveyResponse.findFirst({ ...query, where: { id: e.id, storeId: e.storeId } })
          : null,
    }),
    review: t.prismaField({
      type: 'Review',
      nullable: true,
      resolve: (query, e, _args, context) =>
        e.kind === 'REVIEW'
          ? context.prisma.review.findFirst({ ...query, where: { id: e.id, storeId: e.storeId } })
          : null,
    }),
  }),
});

builder.subscriptionField('feedbackReceived', (t) =>
  t.field({
    type: FeedbackEventRef,
    authScopes: { admin: true },
    description:
      'Survey answers and reviews of the store as they arrive, for live admin views (over SSE: `Accept: text/event-stream`). Secret keys only.',
    subscribe: (_root, _args, context, info) => {
      refuseUnless(context.principal?.kind === 'admin', context, info);
      return context.pubsub.subscribe('feedbackReceived', storeIdOf(context));
    },
    resolve: (message: FeedbackReceivedMessage, _args, context) => ({ ...message, storeId: storeIdOf(context) }),
  }),
);

// ---------------------------------------------------------------------------------------------
// Lists

/** A service's refusal of a filter or page argument, as the validation plugin words bad arguments. */
/** The services page forward only: `last` / `before` would silently give the first page. */
function forwardOnly(args: { last?: number | null; before?: string | null }): void {
  if (args.last != null || args.before != null)
    rethrowAsBadUserInput(
      new InvalidInputError(args.last != null ? 'last' : 'before', 'is not supported: page with first and after'),
    );
}

/** A page of a keyset-paged service as a Relay connection (cursors are row ids). */
function connectionOf<T extends { id: string }>(page: { nodes: T[]; hasNextPage: boolean; endCursor: string | null }) {
  return {
    edges: page.nodes.map((node) => ({ cursor: node.id, node })),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: false,
      startCursor: page.nodes[0]?.id ?? null,
      endCursor: page.endCursor,
    },
  };
}

const ResponseFilterInput = builder.inputType('SurveyResponseFilter', {
  fields: (t) => ({
    surveyId: t.id(),
    type: t.field({ type: SurveyTypeEnum }),
    customerId: t.id(),
    orderId: t.id(),
    channel: t.field({ type: OrderChannelEnum }),
    location: t.string({ description: 'Exactly this store location.' }),
    sku: t.string({ description: 'Answers about this product.' }),
    via: t.field({ type: ResponseViaEnum }),
    minScore: t.int(),
    maxScore: t.int(),
    npsCategory: t.field({ type: NpsCategoryEnum, description: 'NPS answers in this category.' }),
    hasComment: t.boolean(),
    from: t.field({ type: 'DateTime', description: 'Submitted at or after.' }),
    to: t.field({ type: 'DateTime', description: 'Submitted before.' }),
  }),
});

const NPS_CATEGORY_SCORES = { PROMOTER: [9, 10], PASSIVE: [7, 8], DETRACTOR: [0, 6] } as const;

/** The GraphQL filter as the service's: ids as strings, an NPS category as a score range of NPS answers. */
function responseFilter(filter: typeof ResponseFilterInput.$inferInput | null | undefined): ResponseFilter | null {
  if (!filter) return {};
  const { npsCategory: category, surveyId, customerId, orderId, ...rest } = filter;
  const result: ResponseFilter = {
    ...compact(rest),
    ...(surveyId != null ? { surveyId: String(surveyId) } : {}),
    ...(customerId != null ? { customerId: String(customerId) } : {}),
    ...(orderId != null ? { orderId: String(orderId) } : {}),
  };
  if (category) {
    if (result.type && result.type !== 'NPS') return null;
    const [low, high] = NPS_CATEGORY_SCORES[category];
    result.type = 'NPS';
    result.minScore = Math.max(result.minScore ?? low, low);
    result.maxScore = Math.min(result.maxScore ?? high, high);
    if (result.minScore > result.maxScore) return null;
  }
  return result;
}

const InvitationFilterInput = builder.inputType('SurveyInvitationFilter', {
  fields: (t) => ({
    surveyId: t.id(),
    customerId: t.id(),
    orderId: t.id(),
    status: t.field({ type: InvitationStatusEnum }),
    dueFrom: t.field({ type: 'DateTime', description: 'Due at or after.' }),
    dueTo: t.field({ type: 'DateTime', description: 'Due before.' }),
  }),
});

const ReviewRequestFilterInput = builder.inputType('ReviewRequestFilter', {
  fields: (t) => ({
    status: t.field({ type: InvitationStatusEnum }),
    customerId: t.id(),
  }),
});

const CaseFilterInput = builder.inputType('FollowUpCaseFilter', {
  fields: (t) => ({
    status: t.field({ type: [CaseStatusEnum], description: 'Any of these statuses.' }),
    assignee: t.string(),
    unassigned: t.boolean({ description: 'true: only cases nobody is assigned to.' }),
    overdue: t.boolean({ description: 'true: only unresolved cases past their due time; false: the others.' }),
    surveyType: t.field({ type: SurveyTypeEnum }),
    surveyId: t.id(),
    customerId: t.id(),
    from: t.field({ type: 'DateTime', description: 'Opened at or after.' }),
    to: t.field({ type: 'DateTime', description: 'Opened before.' }),
  }),
});

const ReviewFilterInput = builder.inputType('ReviewFilter', {
  fields: (t) => ({
    sku: t.string(),
    status: t.field({ type: ReviewStatusEnum }),
    customerId: t.id(),
    rating: t.int({ description: 'Exactly this many stars.' }),
    verifiedPurchase: t.boolean(),
    withPhotos: t.boolean(),
    from: t.field({ type: 'DateTime', description: 'Submitted at or after.' }),
    to: t.field({ type: 'DateTime', description: 'Submitted before.' }),
  }),
});

// ---------------------------------------------------------------------------------------------
// Queries

builder.queryFields((t) => ({
  survey: t.prismaField({
    type: 'Survey',
    nullable: true,
    authScopes: { store: true },
    description:
      'A survey for a widget (any key; publishable keys see active surveys only). `locale` picks the language of `texts`.',
    args: {
      id: t.arg.id({ required: true }),
      locale: t.arg.string({ required: false, description: 'BCP 47 tag, e.g. fi or fi-FI.' }),
    },
    resolve: async (query, _root, args, context) => {
      const locale = checkLocaleArgument(args.locale);
      const id = String(args.id);
      if (!isUuid(id)) return null;
      const survey = await context.prisma.survey.findFirst({
        ...query,
        where: { id, storeId: storeIdOf(context), ...(context.principal?.kind === 'admin' ? {} : { active: true }) },
      });
      if (survey && locale) requestedLocales.set(survey, locale);
      return survey;
    },
  }),
  surveys: t.prismaField({
    type: ['Survey'],
    authScopes: { store: true },
    description:
      'The store’s surveys, oldest first. Publishable keys see active ones only (e.g. `surveys(trigger: ALWAYS_ON)` for embedded forms); secret keys see inactive ones too with `includeInactive`.',
    args: {
      trigger: t.arg({ type: SurveyTriggerEnum, required: false }),
      type: t.arg({ type: SurveyTypeEnum, required: false }),
      includeInactive: t.arg.boolean({ required: false, defaultValue: false }),
      locale: t.arg.string({ required: false, description: 'BCP 47 tag for `texts`.' }),
    },
    resolve: async (query, _root, args, context) => {
      const locale = checkLocaleArgument(args.locale);
      const activeOnly = context.principal?.kind !== 'admin' || !args.includeInactive;
      const surveys = await context.prisma.survey.findMany({
        ...query,
        where: {
          storeId: storeIdOf(context),
          ...(activeOnly ? { active: true } : {}),
          ...(args.trigger ? { trigger: args.trigger } : {}),
          ...(args.type ? { type: args.type } : {}),
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      if (locale) for (const survey of surveys) requestedLocales.set(survey, locale);
      return surveys;
    },
  }),
  feedbackSettings: t.field({
    type: FeedbackSettingsRef,
    authScopes: { admin: true },
    description: 'The store’s feedback settings (defaults until changed).',
    resolve: (_root, _args, context) => feedbackSettings(context.prisma, storeIdOf(context)),
  }),
  surveyResponses: t.connection({
    type: SurveyResponseRef,
    authScopes: { admin: true },
    description: 'Survey answers, newest first (forward paging: `first` up to 100, `after`).',
    args: { filter: t.arg({ type: ResponseFilterInput, required: false }) },
    resolve: async (_root, args, context) => {
      forwardOnly(args);
      const filter = responseFilter(args.filter);
      if (!filter) return connectionOf({ nodes: [], hasNextPage: false, endCursor: null });
      const page = await listResponses(context.prisma, storeIdOf(context), filter, {
        first: args.first ?? null,
        after: args.after ?? null,
      }).catch(rethrowAsBadUserInput);
      return connectionOf(page);
    },
  }),
  surveyInvitations: t.prismaConnection({
    type: 'SurveyInvitation',
    cursor: 'id',
    authScopes: { admin: true },
    description: 'Invitations of triggered surveys, newest first.',
    args: { filter: t.arg({ type: InvitationFilterInput, required: false }) },
    resolve: (query, _root, { filter }, context) => {
      const where: Prisma.SurveyInvitationWhereInput = { storeId: storeIdOf(context) };
      for (const field of ['surveyId', 'customerId', 'orderId'] as const) {
        const value = filter?.[field];
        if (value == null) continue;
        if (!isUuid(String(value))) return [];
        where[field] = String(value);
      }
      if (filter?.status) where.status = filter.status;
      if (filter?.dueFrom || filter?.dueTo)
        where.dueAt = {
          ...(filter.dueFrom ? { gte: filter.dueFrom } : {}),
          ...(filter.dueTo ? { lt: filter.dueTo } : {}),
        };
      return context.prisma.surveyInvitation.findMany({ ...query, where, orderBy: { id: 'desc' } });
    },
  }),
  reviewRequests: t.prismaConnection({
    type: 'ReviewRequest',
    cursor: 'id',
    authScopes: { admin: true },
    description: 'Requests to review the products of orders, newest first.',
    args: { filter: t.arg({ type: ReviewRequestFilterInput, required: false }) },
    resolve: (query, _root, args, context) => {
      forwardOnly(args);
      const { filter } = args;
      const where: Prisma.ReviewRequestWhereInput = { storeId: storeIdOf(context) };
      if (filter?.customerId != null) {
        if (!isUuid(String(filter.customerId))) return [];
        where.customerId = String(filter.customerId);
      }
      if (filter?.status) where.status = filter.status;
      return context.prisma.reviewRequest.findMany({ ...query, where, orderBy: { id: 'desc' } });
    },
  }),
  followUpCases: t.connection({
    type: FollowUpCaseRef,
    authScopes: { admin: true },
    description: 'Follow-up cases, newest first (forward paging: `first` up to 100, `after`).',
    args: { filter: t.arg({ type: CaseFilterInput, required: false }) },
    resolve: async (_root, args, context) => {
      forwardOnly(args);
      const filter = args.filter
        ? {
            ...compact(args.filter),
            surveyId: args.filter.surveyId == null ? null : String(args.filter.surveyId),
            customerId: args.filter.customerId == null ? null : String(args.filter.customerId),
          }
        : null;
      const page = await listCases(context.prisma, storeIdOf(context), filter, {
        first: args.first,
        after: args.after,
      }).catch(rethrowAsBadUserInput);
      return connectionOf(page);
    },
  }),
  followUpCase: t.prismaField({
    type: 'FollowUpCase',
    nullable: true,
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, context) =>
      isUuid(String(id))
        ? context.prisma.followUpCase.findFirst({ ...query, where: { id: String(id), storeId: storeIdOf(context) } })
        : null,
  }),
  overdueCaseCount: t.int({
    authScopes: { admin: true },
    description: 'Cases still OPEN or IN_PROGRESS after their due time.',
    resolve: (_root, _args, context) => countOverdueCases(context.prisma, storeIdOf(context), new Date()),
  }),
  reviews: t.connection({
    type: ReviewRef,
    authScopes: { admin: true },
    description: 'Reviews in every status, NEWEST first unless `sort` says otherwise.',
    args: {
      filter: t.arg({ type: ReviewFilterInput, required: false }),
      sort: t.arg({ type: ReviewSortEnum, required: false }),
    },
    resolve: (_root, args, context) => {
      forwardOnly(args);
      const filter = args.filter
        ? {
            ...compact(args.filter),
            customerId: args.filter.customerId == null ? null : String(args.filter.customerId),
          }
        : {};
      return adminReviews(context.prisma, storeIdOf(context), filter, {
        sort: args.sort ?? null,
        first: args.first ?? null,
        after: args.after ?? null,
      }).catch(rethrowAsBadUserInput);
    },
  }),
  reviewModerationQueue: t.connection({
    type: ReviewRef,
    authScopes: { admin: true },
    description: 'Reviews waiting for a moderator, oldest first. The rating is shown but never decides anything.',
    resolve: (_root, args, context) => {
      forwardOnly(args);
      return moderationQueue(context.prisma, storeIdOf(context), {
        first: args.first ?? null,
        after: args.after ?? null,
      }).catch(rethrowAsBadUserInput);
    },
  }),
}));

function checkLocaleArgument(locale: string | null | undefined): string | undefined {
  try {
    return checkLocale('locale', locale);
  } catch (error) {
    rethrowAsBadUserInput(error);
  }
}

// ---------------------------------------------------------------------------------------------
// The shopper's own feedback

builder.objectFields(ShopperRef, (t) => ({
  reviews: t.prismaConnection({
    type: 'Review',
    cursor: 'id',
    description: 'The shopper’s reviews in every status, newest first.',
    resolve: (query, shopper: ShopperShape, _args, context) =>
      shopper.customerId
        ? context.prisma.review.findMany({
            ...query,
            where: { storeId: shopper.storeId, customerId: shopper.customerId },
            orderBy: { id: 'desc' },
          })
        : [],
  }),
  surveyResponses: t.prismaConnection({
    type: 'SurveyResponse',
    cursor: 'id',
    description: 'The shopper’s survey answers, newest first.',
    resolve: (query, shopper: ShopperShape, _args, context) =>
      shopper.customerId
        ? context.prisma.surveyResponse.findMany({
            ...query,
            where: { storeId: shopper.storeId, customerId: shopper.customerId },
            orderBy: { id: 'desc' },
          })
        : [],
  }),
}));

// ---------------------------------------------------------------------------------------------
// Mutations: shoppers

const SurveyResponseInputType = builder.inputType('SurveyResponseInput', {
  description: 'An answer. One answer per survey per order: answering again within the edit window changes it.',
  fields: (t) => ({
    surveyId: t.id({ required: true }),
    score: t.int({ required: true, description: 'NPS 0–10, CSAT 1–5, CES 1–7.' }),
    comment: t.string({ description: 'Plain text; only when the survey allows comments.' }),
    orderId: t.id({
      description: 'The order it is about: the shopper’s own order (any order of the store for secret keys).',
    }),
    locale: t.string({ description: 'BCP 47 tag of the language answered in.' }),
    channel: t.field({ type: OrderChannelEnum, description: 'Where the experience happened (default: the order’s).' }),
    location: t.string({ description: 'The store location it is about.' }),
    productSkus: t.stringList({ description: 'Products it is about.' }),
    customerId: t.id({ description: 'Secret keys only: whose answer (e.g. taken by phone).' }),
  }),
});

interface SubmittedView {
  response: Prisma.SurveyResponseGetPayload<object>;
  edited: boolean;
}

const SurveyAnswerPayloadRef = builder.objectRef<SubmittedView>('SurveyAnswerPayload').implement({
  description: 'The stored answer and the survey’s thank-you text in the answer’s locale.',
  fields: (t) => ({
    response: t.field({ type: SurveyResponseRef, resolve: (view) => view.response }),
    edited: t.exposeBoolean('edited', {
      description: 'True when this changed an earlier answer about the same order.',
    }),
    thankYou: t.string({
      nullable: true,
      resolve: async (view, _args, context) => {
        const survey = await context.prisma.survey.findUniqueOrThrow({ where: { id: view.response.surveyId } });
        const locale = localeChain(view.response.locale, await storeDefaultLocale(context, survey.storeId))[0];
        return surveyTexts(survey, locale ?? 'en').thankYou;
      },
    }),
  }),
});

const SURVEY_ANSWER_ERRORS = [
  NotFoundError,
  InvalidInputError,
  SurveyClosedError,
  SurveyResponseLockedError,
  AnonymousNotAllowedError,
] as const;

/** The shopper's customer record, or NotFoundError while the store does not know them. */
async function knownShopper(context: KantaContext): Promise<string> {
  const customerId = await resolveShopper(context.prisma, context.principal);
  if (!customerId) throw new NotFoundError('Customer');
  return customerId;
}

const ReviewInputType = builder.inputType('ReviewInput', {
  description: 'A review by the signed-in shopper (one per product). Text is plain text: it is never read as HTML.',
  fields: (t) => ({
    sku: t.string({ required: true }),
    rating: t.int({ required: true, description: '1–5 stars.' }),
    title: t.string(),
    body: t.string({ required: true }),
    photoUrls: t.stringList({ description: 'https URLs of photos you host.' }),
    locale: t.string({ description: 'BCP 47 tag of the language written in.' }),
    authorName: t.string({ description: 'Shown with the review, e.g. "Aino V."' }),
  }),
});

builder.mutationFields((t) => ({
  submitSurveyResponse: t.field({
    type: SurveyAnswerPayloadRef,
    authScopes: { storefront: true, admin: true },
    description:
      'Answers a survey. A shopper (customer token) answers for themself, about their own orders; a publishable key alone answers anonymously where the survey allows it; a secret key may name the customer. Answering again about the same order within the edit window changes the answer.',
    errors: { types: [...SURVEY_ANSWER_ERRORS] },
    args: { input: t.arg({ type: SurveyResponseInputType, required: true }) },
    resolve: async (_root, { input }, context) => {
      const storeId = storeIdOf(context);
      const principal = context.principal!;
      let via: 'SHOPPER' | 'ANONYMOUS' | 'ADMIN' = 'ADMIN';
      let customerId: string | null = null;
      if (principal.kind === 'admin') {
        if (input.customerId != null) customerId = String(input.customerId);
      } else {
        if (input.customerId != null)
          throw new InvalidInputError('input.customerId', 'is for secret keys: a shopper answers for themself');
        // A shopper the store does not know yet answers anonymously (where the survey allows it).
        customerId = principal.kind === 'customer' ? await resolveShopper(context.prisma, principal) : null;
        via = customerId ? 'SHOPPER' : 'ANONYMOUS';
      }
      const submitted = await submitSurveyResponse(context.prisma, {
        storeId,
        surveyId: String(input.surveyId),
        score: input.score,
        via,
        customerId,
        orderId: input.orderId == null ? null : String(input.orderId),
        // Omitted (undefined): an edit keeps the earlier value, a first answer takes the default.
        comment: input.comment,
        locale: input.locale,
        channel: input.channel,
        location: input.location,
        productSkus: input.productSkus,
      }).catch(inputField);
      context.events.kick();
      return { response: submitted.response, edited: submitted.edited };
    },
  }),
  submitSurveyResponseWithToken: t.field({
    type: SurveyAnswerPayloadRef,
    authScopes: { storefront: true, admin: true },
    description:
      'Answers through a signed invitation link (from survey.invitation.due): the token names the store, survey, customer and order, so no customer token is needed. Expired or altered links are a SurveyLinkError.',
    errors: { types: [SurveyLinkError, ...SURVEY_ANSWER_ERRORS] },
    args: {
      token: t.arg.string({ required: true }),
      score: t.arg.int({ required: true }),
      comment: t.arg.string({ required: false }),
      locale: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, context) => {
      // A link of another store is not a link of this one, whatever its signature.
      if (readSurveyToken(args.token)?.storeId !== storeIdOf(context)) throw new SurveyLinkError('INVALID');
      const submitted = await submitSurveyResponseWithToken(context.prisma, args.token, {
        storeId: storeIdOf(context),
        score: args.score,
        comment: args.comment,
        locale: args.locale,
      }).catch(argumentField);
      context.events.kick();
      return { response: submitted.response, edited: submitted.edited };
    },
  }),
  submitReview: t.field({
    type: ReviewRef,
    authScopes: { customer: true },
    description:
      'Writes the signed-in shopper’s review of a product (one per product). It is published at once or waits for moderation by the store’s auto-publish rule, never by its rating. Submitting again for the same product edits the review. A shopper the store does not know yet (or a sku the catalogue does not know) gets NotFoundError.',
    errors: { types: [NotFoundError, InvalidInputError, DuplicateReviewError, ReviewRateLimitedError] },
    args: { input: t.arg({ type: ReviewInputType, required: true }) },
    resolve: async (_root, { input }, context) => {
      const customerId = await knownShopper(context);
      const review = await submitReview(context.prisma, {
        storeId: storeIdOf(context),
        customerId,
        sku: input.sku,
        rating: input.rating,
        body: input.body,
        ...(input.title != null ? { title: input.title } : {}),
        ...(input.photoUrls != null ? { photoUrls: input.photoUrls } : {}),
        ...(input.locale != null ? { locale: input.locale } : {}),
        ...(input.authorName != null ? { authorName: input.authorName } : {}),
      }).catch(inputField);
      context.events.kick();
      return review;
    },
  }),
  voteReviewHelpful: t.field({
    type: ReviewRef,
    authScopes: { customer: true },
    description: 'Marks a published review helpful: once per shopper (repeating changes nothing), never one’s own.',
    errors: { types: [NotFoundError, CannotVoteError] },
    args: { reviewId: t.arg.id({ required: true }) },
    resolve: async (_root, { reviewId }, context) => {
      const id = idOf(reviewId, 'Review');
      const customerId = await knownShopper(context);
      const review = await voteHelpful(context.prisma, storeIdOf(context), id, customerId);
      context.events.kick();
      return review;
    },
  }),
}));

/** The token mutation's answer fields are top-level arguments: "input.comment" is `comment`. */
function argumentField(error: unknown): never {
  if (error instanceof InvalidInputError && error.field.startsWith('input.'))
    throw new InvalidInputError(error.field.slice('input.'.length), error.rule);
  throw error;
}

/** Services name input fields as given to them; the GraphQL argument is `input`. */
function inputField(error: unknown): never {
  if (error instanceof InvalidInputError && !error.field.startsWith('input.') && error.field !== 'input')
    throw new InvalidInputError(`input.${error.field}`, error.rule);
  throw error;
}

// ---------------------------------------------------------------------------------------------
// Mutations: admin

const FeedbackSettingsInput = builder.inputType('FeedbackSettingsInput', {
  description: 'Fields to change; omitted fields stay as they are.',
  fields: (t) => ({
    contactCapDays: t.int({ description: 'At most one ask per customer in this many days (0: no cap).' }),
    autoPublish: t.field({ type: AutoPublishEnum }),
    reviewsPerDay: t.int({ description: 'New reviews one customer may write per 24 hours (1–100).' }),
    responseEditMinutes: t.int({ description: 'Minutes an answer may be changed by answering again (0–10080).' }),
    reviewRequestDelayHours: t.int({
      description:
        'Hours after an order to ask for reviews of its products (1–2160); null switches review requests off.',
    }),
    rotateLinkSecret: t.boolean({
      description: 'A new signing key for survey links: every outstanding link stops working.',
    }),
  }),
});

const CaseUpdateInputType = builder.inputType('FollowUpCaseUpdateInput', {
  description: 'Fields to change; omitted fields stay as they are, null (or empty text) clears assignee and reply.',
  fields: (t) => ({
    status: t.field({ type: CaseStatusEnum }),
    assignee: t.string(),
    reply: t.string({ description: 'What the customer is told (sent with case.resolved).' }),
    resurvey: t.boolean({ description: 'Invite the customer to the same survey again when resolved.' }),
  }),
});

builder.mutationFields((t) => ({
  updateFeedbackSettings: t.field({
    type: FeedbackSettingsRef,
    authScopes: { admin: true },
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: FeedbackSettingsInput, required: true }) },
    resolve: (_root, { input }, context) =>
      updateFeedbackSettings(context.prisma, storeIdOf(context), {
        ...compactNulls(input),
        // null is meaningful here: it switches review requests off.
        ...(input.reviewRequestDelayHours !== undefined
          ? { reviewRequestDelayHours: input.reviewRequestDelayHours }
          : {}),
      }).catch(inputField),
  }),
  createSurvey: t.field({
    type: SurveyRef,
    authScopes: { admin: true },
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: SurveyInputType, required: true }) },
    resolve: (_root, { input }, context) => {
      const { value, fieldOf } = surveyInput(input);
      return createSurvey(context.prisma, storeIdOf(context), value as unknown as SurveyInput).catch(fieldOf);
    },
  }),
  updateSurvey: t.field({
    type: SurveyRef,
    authScopes: { admin: true },
    errors: { types: [NotFoundError, InvalidInputError] },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: SurveyUpdateInputType, required: true }) },
    resolve: (_root, { id, input }, context) => {
      const { value, fieldOf } = surveyInput(input);
      return updateSurvey(context.prisma, storeIdOf(context), idOf(id, 'Survey'), value as Partial<SurveyInput>).catch(
        fieldOf,
      );
    },
  }),
  updateFollowUpCase: t.field({
    type: FollowUpCaseRef,
    authScopes: { admin: true },
    description:
      'Moves a case on (OPEN → IN_PROGRESS → RESOLVED, or DISMISSED), assigns it, sets the reply the customer is told and whether to re-survey them. Resolving emits case.resolved.',
    errors: { types: [NotFoundError, InvalidInputError, CaseTransitionError] },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: CaseUpdateInputType, required: true }) },
    resolve: async (_root, { id, input }, context) => {
      const updated = await updateCase(
        context.prisma,
        storeIdOf(context),
        idOf(id, 'Follow-up case'),
        compact(input),
        actorOf(context),
      ).catch(inputField);
      context.events.kick();
      return updated;
    },
  }),
  addCaseNote: t.field({
    type: CaseNoteRef,
    authScopes: { admin: true },
    description: 'An internal note (never shown to the customer); allowed in every status.',
    errors: { types: [NotFoundError, InvalidInputError] },
    args: {
      caseId: t.arg.id({ required: true }),
      body: t.arg.string({ required: true }),
      author: t.arg.string({ required: false, description: 'Who wrote it (default: the API key).' }),
    },
    resolve: (_root, args, context) =>
      addCaseNote(context.prisma, storeIdOf(context), idOf(args.caseId, 'Follow-up case'), {
        body: args.body,
        author: args.author ?? actorOf(context),
      }),
  }),
  moderateReview: t.field({
    type: ReviewRef,
    authScopes: { admin: true },
    description:
      'Publishes or rejects a review (PENDING → PUBLISHED | REJECTED, PUBLISHED ↔ REJECTED), with an audit row. A rejection needs a reason that is not the rating.',
    errors: { types: [NotFoundError, InvalidInputError, ReviewTransitionError] },
    args: {
      id: t.arg.id({ required: true }),
      status: t.arg({ type: ModerationStatusEnum, required: true }),
      reason: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, context) => {
      const review = await moderateReview(
        context.prisma,
        storeIdOf(context),
        idOf(args.id, 'Review'),
        { status: args.status, reason: args.reason ?? null },
        actorOf(context),
      );
      context.events.kick();
      return review;
    },
  }),
  replyToReview: t.field({
    type: ReviewRef,
    authScopes: { admin: true },
    description: 'The merchant’s public reply (plain text); null or empty removes it.',
    errors: { types: [NotFoundError, InvalidInputError] },
    args: { id: t.arg.id({ required: true }), reply: t.arg.string({ required: false }) },
    resolve: (_root, args, context) =>
      replyToReview(context.prisma, storeIdOf(context), idOf(args.id, 'Review'), args.reply ?? null),
  }),
}));

/** Omitted or null: unchanged (none of these settings can be cleared). */
function compactNulls<T extends object>(value: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry != null)) as never;
}
