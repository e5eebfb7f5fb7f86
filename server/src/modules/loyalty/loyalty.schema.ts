import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { builder } from '../../builder.ts';
import { type KantaContext, storeIdOf } from '../../context.ts';
import { ErrorInterface } from '../../errors.schema.ts';
import { InvalidInputError, isUuid, NotFoundError } from '../../errors.ts';
import { loyaltyTopic, shopperIdentityTopic } from '../../events/pubsub.ts';
import type { Prisma, Reward } from '../../generated/prisma/client.ts';
import { ShopperRef, type ShopperShape } from '../customers/me.schema.ts';
import { resolveShopper, shopperIdentityOf } from '../customers/shopper.ts';
import { awardBonus } from './bonus.service.ts';
import { lotExpiry } from './earning.ts';
import { post, readAccount, reconcile } from './ledger.service.ts';
import {
  IdempotencyConflictError,
  InsufficientPointsError,
  ReferralRefusedError,
  RewardCodeUnusableError,
  RewardLimitReachedError,
  RewardOutOfStockError,
  RewardUnavailableError,
} from './loyalty.errors.ts';
import { type ActiveRules, listProgramVersions, rulesAt, updateProgram } from './program.service.ts';
import { BONUS_ACTIONS, type ProgramRules, type Tier } from './program-rules.ts';
import { applyReferralCode, referralLink } from './referrals.service.ts';
import {
  cancelRewardCode,
  consumeRewardCode,
  createReward,
  customerRewardCodes,
  listRewards,
  type Redemption,
  type RewardCodeValidation,
  redeemReward,
  updateReward,
  validateRewardCode,
} from './rewards.service.ts';
import type { RewardInput } from './rewards.validation.ts';
import { type LoyaltyStatus, loyaltyStatus } from './tier.service.ts';

/**
 * The loyalty API: thin resolvers over the loyalty services. Shoppers (publishable key + customer
 * token) see their own account through `me { loyalty }`; logged-out visitors see the program
 * (`loyaltyProgram`); secret keys configure it and manage any customer's points. Every expected
 * failure is a typed error in the field's result union.
 */

// ---------------------------------------------------------------------------------------------
// Errors

builder.objectType(InsufficientPointsError, {
  name: 'InsufficientPointsError',
  description: 'The balance does not cover the points needed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InsufficientPointsError,
  fields: (t) => ({
    needed: t.exposeInt('needed', { description: 'Points the operation needs.' }),
    balance: t.exposeInt('balance', { description: 'Points the customer has.' }),
  }),
});

builder.objectType(RewardOutOfStockError, {
  name: 'RewardOutOfStockError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof RewardOutOfStockError,
  fields: (t) => ({ rewardId: t.exposeID('rewardId') }),
});

builder.objectType(RewardLimitReachedError, {
  name: 'RewardLimitReachedError',
  description: 'The customer holds or has used as many codes of this reward as one customer may.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof RewardLimitReachedError,
  fields: (t) => ({ limit: t.exposeInt('limit') }),
});

builder.objectType(RewardUnavailableError, {
  name: 'RewardUnavailableError',
  description: 'The reward is inactive, not available yet or no longer available; `reason` says which.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof RewardUnavailableError,
  fields: (t) => ({ reason: t.exposeString('reason') }),
});

const RewardCodeUnusableReasonEnum = builder.enumType('RewardCodeUnusableReason', {
  values: {
    UNKNOWN: { description: 'No such code in this store.' },
    CONSUMED: { description: 'Already used (on another order).' },
    CANCELLED: {},
    EXPIRED: {},
  } as const,
});

builder.objectType(RewardCodeUnusableError, {
  name: 'RewardCodeUnusableError',
  description:
    'The code cannot be used: `reason` says why (no such code, already used, cancelled, expired). Named `reason`, not `status`, so it can be selected next to `RewardCode.status`.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof RewardCodeUnusableError,
  fields: (t) => ({ reason: t.expose('status', { type: RewardCodeUnusableReasonEnum }) }),
});

const ReferralRefusedReasonEnum = builder.enumType('ReferralRefusedReason', {
  values: [
    'UNKNOWN_CODE',
    'SELF_REFERRAL',
    'SAME_IDENTITY',
    'ALREADY_REFERRED',
    'NOT_A_NEW_CUSTOMER',
    'DISABLED',
  ] as const,
});

builder.objectType(ReferralRefusedError, {
  name: 'ReferralRefusedError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ReferralRefusedError,
  fields: (t) => ({ reason: t.expose('reason', { type: ReferralRefusedReasonEnum }) }),
});

builder.objectType(IdempotencyConflictError, {
  name: 'IdempotencyConflictError',
  description: 'The idempotency key was already used for a different request.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof IdempotencyConflictError,
  fields: (t) => ({ idempotencyKey: t.exposeString('idempotencyKey') }),
});

// ---------------------------------------------------------------------------------------------
// Enums

const PointsKindEnum = builder.enumType('PointsKind', {
  values: {
    EARN: { description: 'Points from an order, a bonus or a referral.' },
    REDEEM: { description: 'Points spent on a reward.' },
    EXPIRE: { description: 'Points that reached their expiry date.' },
    REVERSE: {
      description: 'Undoes an earlier row: negative for a returned or cancelled order, positive for a refunded code.',
    },
    ADJUST: { description: 'A manual correction by the retailer, either sign.' },
  } as const,
});

const RewardKindEnum = builder.enumType('RewardKind', {
  values: {
    FIXED_DISCOUNT: { description: '`value` minor units off.' },
    PERCENT_DISCOUNT: { description: '`value` percent off.' },
    FREE_PRODUCT: { description: 'The product `productSku`, free.' },
    FREE_SHIPPING: {},
    CUSTOM: { description: 'Anything else the retailer hands out.' },
  } as const,
});

const RewardCodeStatusEnum = builder.enumType('RewardCodeStatus', {
  values: ['ISSUED', 'CONSUMED', 'CANCELLED', 'EXPIRED'] as const,
});

const ReferralStatusEnum = builder.enumType('ReferralStatus', {
  values: {
    PENDING: { description: 'The referee has not ordered yet.' },
    QUALIFIED: { description: 'The referee ordered and was rewarded; the referrer waits out the return window.' },
    COMPLETED: { description: 'The referrer was rewarded.' },
    VOID: { description: 'The qualifying order was cancelled or returned.' },
  } as const,
});

const TierMetricEnum = builder.enumType('TierMetric', {
  values: {
    POINTS: { description: 'Thresholds are points earned.' },
    SPEND: { description: 'Thresholds are money spent, in minor units of the store currency.' },
  } as const,
});
const TierWindowEnum = builder.enumType('TierWindow', {
  values: ['ROLLING_MONTHS', 'CALENDAR_YEAR', 'LIFETIME'] as const,
});
const RoundingEnum = builder.enumType('PointsRounding', { values: ['FLOOR', 'NEAREST', 'CEIL'] as const });

// ---------------------------------------------------------------------------------------------
// Localisation

/** Locales to try, best first: "fi-FI" also tries "fi". */
export function localeChain(...locales: (string | null | undefined)[]): string[] {
  const chain: string[] = [];
  for (const locale of locales) {
    if (!locale) continue;
    for (const candidate of [locale, locale.split('-')[0]!])
      if (candidate && !chain.includes(candidate)) chain.push(candidate);
  }
  return chain;
}

type TranslationEntry = string | { name?: unknown; description?: unknown } | null | undefined;

function translated<T>(
  translations: unknown,
  locales: string[],
  pick: (entry: TranslationEntry) => T | undefined,
): T | undefined {
  if (!translations || typeof translations !== 'object') return undefined;
  const record = translations as Record<string, TranslationEntry>;
  for (const locale of locales) {
    const value = record[locale] !== undefined ? pick(record[locale]) : undefined;
    if (value) return value;
  }
  return undefined;
}

function textOf(entry: TranslationEntry, key: 'name' | 'description'): string | undefined {
  const value = entry && typeof entry === 'object' ? entry[key] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function tierName(tier: Tier, locales: string[]): string {
  return translated(tier.names, locales, (name) => (typeof name === 'string' ? name : undefined)) ?? tier.name;
}

// ---------------------------------------------------------------------------------------------
// Program types (shared by the public program and the admin settings)

interface TierView {
  tier: Tier;
  metric: ProgramRules['tiers']['metric'];
  locales: string[];
}

const LoyaltyTierRef = builder.objectRef<TierView>('LoyaltyTier').implement({
  description: 'A tier of the program.',
  fields: (t) => ({
    key: t.string({ description: 'Stable across program versions.', resolve: (view) => view.tier.key }),
    name: t.string({
      description: 'In the requested locale when translated.',
      resolve: (v) => tierName(v.tier, v.locales),
    }),
    names: t.field({
      type: 'JSON',
      description: 'Translations of the name, by locale: {"fi": "Kulta"}.',
      resolve: (view) => view.tier.names,
    }),
    threshold: t.int({
      description: 'Entry threshold: points, or minor units spent (see `metric`).',
      resolve: (view) => view.tier.threshold,
    }),
    metric: t.field({ type: TierMetricEnum, resolve: (view) => view.metric }),
    earnMultiplier: t.float({ resolve: (view) => view.tier.earnMultiplier }),
    perks: t.string({ resolve: (view) => view.tier.perks }),
  }),
});

const WayToEarnRef = builder.objectRef<{ action: string; points: number; description: string }>('WayToEarn').implement({
  description: 'A bonus the program gives for an action.',
  fields: (t) => ({
    action: t.exposeString('action', {
      description: 'SIGN_UP, BIRTHDAY, FIRST_ORDER, REVIEW, SURVEY_ANSWER, REFERRAL or custom:<key>.',
    }),
    points: t.exposeInt('points'),
    description: t.exposeString('description'),
  }),
});

const MultiplierRef = builder
  .objectRef<{ category?: string; sku?: string; multiplier: number }>('PointsMultiplier')
  .implement({
    fields: (t) => ({
      category: t.string({ nullable: true, resolve: (m) => m.category ?? null }),
      sku: t.string({ nullable: true, resolve: (m) => m.sku ?? null }),
      multiplier: t.exposeFloat('multiplier'),
    }),
  });

const EarningRef = builder.objectRef<ProgramRules['earning']>('LoyaltyEarning').implement({
  description: 'How orders earn points: product lines only, after discounts, times the tier multiplier.',
  fields: (t) => ({
    pointsPerUnit: t.exposeFloat('pointsPerUnit', { description: 'Points per whole currency unit spent.' }),
    rounding: t.expose('rounding', { type: RoundingEnum, description: 'Applied once per order.' }),
    categoryMultipliers: t.field({ type: [MultiplierRef], resolve: (e) => e.categoryMultipliers }),
    productMultipliers: t.field({ type: [MultiplierRef], resolve: (e) => e.productMultipliers }),
    channels: t.stringList({ description: 'Channels that earn; empty means all.', resolve: (e) => e.channels }),
  }),
});

const ReferralSettingsRef = builder.objectRef<ProgramRules['referrals']>('LoyaltyReferralSettings').implement({
  fields: (t) => ({
    enabled: t.exposeBoolean('enabled'),
    refereePoints: t.exposeInt('refereePoints', { description: 'For the new customer, on their first order.' }),
    referrerPoints: t.exposeInt('referrerPoints', {
      description: 'For the referrer, once that order is past the return window.',
    }),
    returnWindowDays: t.exposeInt('returnWindowDays'),
  }),
});

interface ProgramRewardView {
  reward: Reward;
  locales: string[];
  at: Date;
}

function rewardAvailable(reward: Reward, at: Date): boolean {
  return (
    reward.active &&
    (reward.stock === null || reward.stock > 0) &&
    (!reward.availableFrom || reward.availableFrom.getTime() <= at.getTime()) &&
    (!reward.availableUntil || reward.availableUntil.getTime() > at.getTime())
  );
}

const ProgramRewardRef = builder.objectRef<ProgramRewardView>('ProgramReward').implement({
  description: 'A reward of the catalogue as shoppers see it, in their locale.',
  fields: (t) => ({
    id: t.id({ resolve: (v) => v.reward.id }),
    name: t.string({
      resolve: (v) => translated(v.reward.translations, v.locales, (entry) => textOf(entry, 'name')) ?? v.reward.name,
    }),
    description: t.string({
      nullable: true,
      resolve: (v) =>
        translated(v.reward.translations, v.locales, (entry) => textOf(entry, 'description')) ?? v.reward.description,
    }),
    kind: t.field({ type: RewardKindEnum, resolve: (v) => v.reward.kind }),
    value: t.int({
      nullable: true,
      description: 'Minor units (FIXED_DISCOUNT) or percent (PERCENT_DISCOUNT).',
      resolve: (v) => v.reward.value,
    }),
    currency: t.string({ nullable: true, resolve: (v) => v.reward.currency?.trim() ?? null }),
    pointsCost: t.int({ resolve: (v) => v.reward.pointsCost }),
    minimumOrder: t.int({ nullable: true, resolve: (v) => v.reward.minimumOrder }),
    available: t.boolean({
      description: 'Active, in its availability window and in stock now.',
      resolve: (v) => rewardAvailable(v.reward, v.at),
    }),
  }),
});

interface ProgramView {
  active: ActiveRules;
  storeId: string;
  currency: string;
  locales: string[];
}

const LoyaltyProgramRef = builder.objectRef<ProgramView>('LoyaltyProgram').implement({
  description: 'The store’s loyalty program as a logged-out visitor may see it: ways to earn, tiers and rewards.',
  fields: (t) => ({
    name: t.string({ resolve: (p) => p.active.name }),
    enabled: t.boolean({ description: 'False: nothing is earned for now.', resolve: (p) => p.active.enabled }),
    currency: t.string({ description: 'The store currency thresholds and values are in.', resolve: (p) => p.currency }),
    waysToEarn: t.field({
      type: [WayToEarnRef],
      resolve: (p) =>
        p.active.rules.bonuses.map(({ action, points, description }) => ({ action, points, description })),
    }),
    earning: t.field({ type: EarningRef, resolve: (p) => p.active.rules.earning }),
    tiers: t.field({
      type: [LoyaltyTierRef],
      resolve: (p) =>
        p.active.rules.tiers.levels.map((tier) => ({ tier, metric: p.active.rules.tiers.metric, locales: p.locales })),
    }),
    rewards: t.field({
      type: [ProgramRewardRef],
      description: 'Active rewards in their availability window, cheapest first.',
      resolve: async (p, _args, context) => {
        const at = new Date();
        const rewards = await listRewards(context.prisma, p.storeId, { activeOnly: true, at });
        return rewards.map((reward) => ({ reward, locales: p.locales, at }));
      },
    }),
    referral: t.field({ type: ReferralSettingsRef, resolve: (p) => p.active.rules.referrals }),
  }),
});

// ---------------------------------------------------------------------------------------------
// Ledger, rewards catalogue and codes (prisma-backed)

const adminOnly = { authScopes: { admin: true } } as const;

builder.prismaObject('PointsTransaction', {
  description: 'One row of the points ledger. Rows are never changed: corrections are new rows.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.expose('kind', { type: PointsKindEnum }),
    points: t.exposeInt('points', { description: 'Signed: what this row changed the balance by.' }),
    balanceAfter: t.exposeInt('balanceAfter'),
    source: t.exposeString('source', {
      description: 'ORDER, RETURN, CANCELLATION, REWARD, REFERRAL, BONUS, REVIEW, SURVEY, ADMIN, EXPIRY or MERGE.',
    }),
    reason: t.exposeString('reason'),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'For credits: when they expire.',
    }),
    shortfall: t.exposeInt('shortfall', {
      ...adminOnly,
      description: 'Points that should have been taken but were not (the balance never goes below zero).',
    }),
    customerId: t.exposeID('customerId', adminOnly),
    sourceRef: t.exposeString('sourceRef', { ...adminOnly, nullable: true }),
    idempotencyKey: t.exposeString('idempotencyKey', adminOnly),
    actor: t.exposeString('actor', { ...adminOnly, description: '"system", or the API key that made it.' }),
    metadata: t.expose('metadata', { ...adminOnly, type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('Reward', {
  description: 'A reward of the catalogue, as the retailer edits it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    translations: t.expose('translations', {
      ...adminOnly,
      type: 'JSON',
      description: 'Per-locale texts: {"fi": {"name": "…", "description": "…"}}.',
    }),
    kind: t.expose('kind', { type: RewardKindEnum }),
    value: t.exposeInt('value', { nullable: true }),
    currency: t.string({ nullable: true, select: { currency: true }, resolve: (r) => r.currency?.trim() ?? null }),
    productSku: t.exposeString('productSku', { nullable: true }),
    pointsCost: t.exposeInt('pointsCost'),
    stock: t.exposeInt('stock', { ...adminOnly, nullable: true, description: 'Codes left to issue; null: unlimited.' }),
    perCustomerLimit: t.exposeInt('perCustomerLimit', { nullable: true }),
    minimumOrder: t.exposeInt('minimumOrder', { nullable: true }),
    availableFrom: t.expose('availableFrom', { type: 'DateTime', nullable: true }),
    availableUntil: t.expose('availableUntil', { type: 'DateTime', nullable: true }),
    codeValidDays: t.exposeInt('codeValidDays', { nullable: true }),
    active: t.exposeBoolean('active'),
    available: t.boolean({
      description: 'Active, in its availability window and in stock now.',
      select: { active: true, stock: true, availableFrom: true, availableUntil: true },
      resolve: (reward) => rewardAvailable(reward as Reward, new Date()),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const RewardCodeRef = builder.prismaObject('RewardCode', {
  description: 'A single-use code issued by a redemption; give it to the checkout.',
  fields: (t) => ({
    id: t.exposeID('id'),
    code: t.exposeString('code'),
    status: t.expose('status', { type: RewardCodeStatusEnum }),
    pointsCost: t.exposeInt('pointsCost'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    consumedAt: t.expose('consumedAt', { type: 'DateTime', nullable: true }),
    consumedOrderRef: t.exposeString('consumedOrderRef', { ...adminOnly, nullable: true }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    customerId: t.exposeID('customerId', adminOnly),
    reward: t.relation('reward'),
  }),
});

builder.prismaObject('Referral', {
  fields: (t) => ({
    id: t.exposeID('id'),
    code: t.exposeString('code'),
    status: t.expose('status', { type: ReferralStatusEnum }),
    referrerId: t.exposeID('referrerId', adminOnly),
    refereeId: t.exposeID('refereeId', adminOnly),
    qualifyingOrderId: t.exposeID('qualifyingOrderId', { ...adminOnly, nullable: true }),
    referrerRewardDueAt: t.expose('referrerRewardDueAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('LoyaltyProgramVersion', {
  description: 'The program rules from `effectiveFrom` on. Versions are never edited, only added.',
  fields: (t) => ({
    version: t.exposeInt('version'),
    effectiveFrom: t.expose('effectiveFrom', { type: 'DateTime' }),
    rules: t.expose('rules', { type: 'JSON' }),
    note: t.exposeString('note', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

// ---------------------------------------------------------------------------------------------
// A customer's account: the shopper's view and the admin's loyalty card

type Status = LoyaltyStatus;

interface AccountView {
  storeId: string;
  /** Null for a signed-in shopper the store does not know yet: an empty account. */
  customerId: string | null;
  status: Status;
  active: ActiveRules;
  locales: string[];
}

/** The zero account of someone without a customer record: the entry tier (threshold 0), if any. */
function emptyStatus(rules: ProgramRules): Status {
  const levels = rules.tiers.levels;
  const tier = levels.find((level) => level.threshold === 0) ?? null;
  const next = levels.find((level) => level.threshold > 0);
  return {
    balance: 0,
    lifetimeEarned: 0,
    lifetimeRedeemed: 0,
    lifetimeExpired: 0,
    tier,
    tierSince: null,
    tierHoldUntil: null,
    nextTier: next ? { tier: next, remaining: next.threshold } : null,
    expiring: [],
    referralCode: null,
    qualifyingValue: 0,
  };
}

async function accountView(
  context: Pick<KantaContext, 'prisma'>,
  storeId: string,
  customerId: string | null,
  locales: string[],
): Promise<AccountView> {
  const now = new Date();
  const active = await rulesAt(context.prisma, storeId, now);
  const status = customerId ? await loyaltyStatus(context.prisma, storeId, customerId, now) : emptyStatus(active.rules);
  return { storeId, customerId, status, active, locales };
}

const NextTierRef = builder.objectRef<{ view: TierView; remaining: number }>('NextTier').implement({
  description: 'The next tier up and how far it is.',
  fields: (t) => ({
    key: t.string({ resolve: (n) => n.view.tier.key }),
    name: t.string({ resolve: (n) => tierName(n.view.tier, n.view.locales) }),
    threshold: t.int({ resolve: (n) => n.view.tier.threshold }),
    metric: t.field({ type: TierMetricEnum, resolve: (n) => n.view.metric }),
    remaining: t.int({
      description: 'Points (or minor units spent, for SPEND tiers) still needed.',
      resolve: (n) => n.remaining,
    }),
  }),
});

const ExpiringPointsRef = builder.objectRef<{ points: number; on: Date }>('ExpiringPoints').implement({
  description: 'Points that expire on one date.',
  fields: (t) => ({
    points: t.exposeInt('points'),
    on: t.expose('on', { type: 'DateTime' }),
  }),
});

const ReferralLinkRef = builder.objectRef<{ code: string; url: string | null }>('ReferralLink').implement({
  description: 'The customer’s own referral code and link to share.',
  fields: (t) => ({
    code: t.exposeString('code'),
    url: t.exposeString('url', { nullable: true, description: 'Null until the program has a referral URL.' }),
  }),
});

/** Shared account fields of the shopper's view and the admin card. */
function tierField(view: AccountView): TierView | null {
  return view.status.tier
    ? { tier: view.status.tier, metric: view.active.rules.tiers.metric, locales: view.locales }
    : null;
}
function nextTierField(view: AccountView) {
  const next = view.status.nextTier;
  return next
    ? {
        view: { tier: next.tier, metric: view.active.rules.tiers.metric, locales: view.locales },
        remaining: next.remaining,
      }
    : null;
}
function referralField(view: AccountView) {
  const code = view.status.referralCode;
  return code ? { code, url: referralLink(view.active, code) } : null;
}

const ShopperLoyaltyRef = builder.objectRef<AccountView>('ShopperLoyalty').implement({
  description: 'The signed-in shopper’s points, tier, rewards and history.',
  fields: (t) => ({
    points: t.int({ description: 'The balance: points to spend now.', resolve: (v) => v.status.balance }),
    lifetimePoints: t.int({
      description: 'Points ever earned, net of reversed earnings.',
      resolve: (v) => v.status.lifetimeEarned,
    }),
    tier: t.field({ type: LoyaltyTierRef, nullable: true, resolve: tierField }),
    tierSince: t.field({ type: 'DateTime', nullable: true, resolve: (v) => v.status.tierSince ?? null }),
    nextTier: t.field({ type: NextTierRef, nullable: true, resolve: nextTierField }),
    expiringPoints: t.field({
      type: [ExpiringPointsRef],
      description: 'Points expiring within the next 12 months, soonest first.',
      resolve: (v) => v.status.expiring,
    }),
    rewards: t.field({
      type: [ProgramRewardRef],
      description: 'Rewards on offer now, cheapest first; `affordable: true` only those the balance covers.',
      args: { affordable: t.arg.boolean({ required: false }) },
      resolve: async (v, { affordable }, context) => {
        const at = new Date();
        const rewards = await listRewards(context.prisma, v.storeId, { activeOnly: true, at });
        return rewards
          .filter((reward) => (affordable == null ? true : affordable === reward.pointsCost <= v.status.balance))
          .map((reward) => ({ reward, locales: v.locales, at }));
      },
    }),
    history: t.prismaConnection({
      type: 'PointsTransaction',
      cursor: 'id',
      description: 'The ledger rows of the account, newest first.',
      resolve: (query, v, _args, context) =>
        v.customerId
          ? context.prisma.pointsTransaction.findMany({
              ...query,
              where: { storeId: v.storeId, customerId: v.customerId },
              orderBy: { id: 'desc' },
            })
          : [],
    }),
    referral: t.field({ type: ReferralLinkRef, nullable: true, resolve: referralField }),
  }),
});

const LoyaltyCardRef = builder.objectRef<AccountView>('LoyaltyCard').implement({
  description: 'A customer’s loyalty account, as the retailer sees it.',
  fields: (t) => ({
    balance: t.int({ resolve: (v) => v.status.balance }),
    lifetimeEarned: t.int({ resolve: (v) => v.status.lifetimeEarned }),
    lifetimeRedeemed: t.int({ resolve: (v) => v.status.lifetimeRedeemed }),
    lifetimeExpired: t.int({ resolve: (v) => v.status.lifetimeExpired }),
    qualifyingValue: t.int({
      description: 'What counts towards tiers now: points or minor units spent in the tier window.',
      resolve: (v) => v.status.qualifyingValue,
    }),
    tier: t.field({ type: LoyaltyTierRef, nullable: true, resolve: tierField }),
    tierSince: t.field({ type: 'DateTime', nullable: true, resolve: (v) => v.status.tierSince ?? null }),
    tierHoldUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Set while the customer keeps a tier they no longer qualify for (the grace period).',
      resolve: (v) => v.status.tierHoldUntil ?? null,
    }),
    nextTier: t.field({ type: NextTierRef, nullable: true, resolve: nextTierField }),
    expiringPoints: t.field({ type: [ExpiringPointsRef], resolve: (v) => v.status.expiring }),
    referral: t.field({ type: ReferralLinkRef, nullable: true, resolve: referralField }),
    rewardCodes: t.field({
      type: [RewardCodeRef],
      description: 'Codes the customer redeemed, newest first.',
      resolve: (v, _args, context) =>
        v.customerId ? customerRewardCodes(context.prisma, v.storeId, v.customerId) : [],
    }),
  }),
});

builder.objectField(ShopperRef, 'loyalty', (t) =>
  t.field({
    type: ShopperLoyaltyRef,
    description: 'Points, tier, rewards and history; an empty account while the store does not know the shopper.',
    resolve: (shopper: ShopperShape, _args, context) =>
      accountView(
        context,
        shopper.storeId,
        shopper.customerId,
        localeChain(shopper.customer?.locale, shopper.defaultLocale),
      ),
  }),
);

builder.prismaObjectFields('Customer', (t) => ({
  loyalty: t.field({
    type: LoyaltyCardRef,
    authScopes: { admin: true },
    description: 'The loyalty card: balance, lifetime totals, tier, expiring points, referral and reward codes.',
    select: { id: true, storeId: true },
    // The retailer sees the names it configured (translations are for shoppers).
    resolve: (customer, _args, context) => accountView(context, customer.storeId, customer.id, []),
  }),
}));

// ---------------------------------------------------------------------------------------------
// Admin settings

interface SettingsView {
  storeId: string;
  active: ActiveRules;
}

const TierSettingsRef = builder
  .objectRef<{ rules: ProgramRules['tiers']; locales: string[] }>('LoyaltyTierSettings')
  .implement({
    fields: (t) => ({
      metric: t.field({ type: TierMetricEnum, resolve: (s) => s.rules.metric }),
      window: t.field({ type: TierWindowEnum, resolve: (s) => s.rules.window }),
      windowMonths: t.int({ description: 'For ROLLING_MONTHS.', resolve: (s) => s.rules.windowMonths }),
      downgradeGraceDays: t.int({ resolve: (s) => s.rules.downgradeGraceDays }),
      levels: t.field({
        type: [LoyaltyTierRef],
        resolve: (s) => s.rules.levels.map((tier) => ({ tier, metric: s.rules.metric, locales: s.locales })),
      }),
    }),
  });

const ExpirySettingsRef = builder.objectRef<ProgramRules['expiry']>('LoyaltyExpirySettings').implement({
  fields: (t) => ({
    months: t.int({
      nullable: true,
      description: 'Points expire this many months after they were earned; null: never.',
      resolve: (e) => e.months,
    }),
    warnDays: t.exposeInt('warnDays', { description: 'A points.expiring event is emitted this many days before.' }),
  }),
});

const LoyaltySettingsRef = builder.objectRef<SettingsView>('LoyaltySettings').implement({
  description: 'The program configuration: the rules in force now, typed, plus every version.',
  fields: (t) => ({
    name: t.string({ resolve: (s) => s.active.name }),
    enabled: t.boolean({ resolve: (s) => s.active.enabled }),
    referralUrl: t.string({ nullable: true, resolve: (s) => s.active.referralUrl }),
    version: t.int({
      description: 'The version in force now; 0: the built-in defaults (never configured).',
      resolve: (s) => s.active.version,
    }),
    effectiveFrom: t.field({ type: 'DateTime', resolve: (s) => s.active.effectiveFrom }),
    rules: t.field({
      type: 'JSON',
      description: 'The rules in force now, defaults filled in: edit and send back to `updateLoyaltyProgram`.',
      resolve: (s) => s.active.rules,
    }),
    earning: t.field({ type: EarningRef, resolve: (s) => s.active.rules.earning }),
    bonuses: t.field({ type: [WayToEarnRef], resolve: (s) => s.active.rules.bonuses }),
    tiers: t.field({ type: TierSettingsRef, resolve: (s) => ({ rules: s.active.rules.tiers, locales: [] }) }),
    expiry: t.field({ type: ExpirySettingsRef, resolve: (s) => s.active.rules.expiry }),
    referrals: t.field({ type: ReferralSettingsRef, resolve: (s) => s.active.rules.referrals }),
    versions: t.prismaField({
      type: ['LoyaltyProgramVersion'],
      description: 'Every version, newest first, including ones that take effect later.',
      resolve: (_query, s, _args, context) => listProgramVersions(context.prisma, s.storeId),
    }),
  }),
});

async function settingsOf(context: KantaContext): Promise<SettingsView> {
  const storeId = storeIdOf(context);
  return { storeId, active: await rulesAt(context.prisma, storeId, new Date()) };
}

const LoyaltyMismatchRef = builder
  .objectRef<{ customerId: string; balance: number; ledgerSum: number; lotSum: number }>('LoyaltyMismatch')
  .implement({
    description: 'An account whose balance disagrees with its ledger or its unspent lots.',
    fields: (t) => ({
      customerId: t.exposeID('customerId'),
      balance: t.exposeInt('balance'),
      ledgerSum: t.exposeInt('ledgerSum'),
      lotSum: t.exposeInt('lotSum'),
    }),
  });

// ---------------------------------------------------------------------------------------------
// Helpers of the resolvers

function actorOf(context: KantaContext): string {
  const principal = context.principal;
  if (!principal) return 'system';
  return principal.kind === 'customer' ? `shopper:${principal.customerExternalId}` : `apiKey:${principal.apiKeyId}`;
}

/** A customer of the calling store, or NotFoundError. */
async function customerOfStore(context: KantaContext, id: string | number): Promise<string> {
  const customerId = String(id);
  if (!isUuid(customerId)) throw new NotFoundError('Customer');
  const row = await context.prisma.customer.findFirst({
    where: { id: customerId, storeId: storeIdOf(context) },
    select: { id: true },
  });
  if (!row) throw new NotFoundError('Customer');
  return row.id;
}

/**
 * Whose account a shopper-or-admin field acts on: the signed-in shopper (who must not name a
 * customer), or the customer an admin names. Null: a shopper the store does not know yet.
 */
async function targetCustomer(context: KantaContext, customerId: string | number | null | undefined) {
  if (context.principal?.kind === 'customer') {
    if (customerId != null)
      throw new InvalidInputError('customerId', 'must not be given with a customer token: it is the signed-in shopper');
    return resolveShopper(context.prisma, context.principal);
  }
  if (customerId == null) throw new InvalidInputError('customerId', 'is required with a secret key');
  return customerOfStore(context, customerId);
}

function checkText(field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new InvalidInputError(field, 'must not be empty');
  if (trimmed.length > max) throw new InvalidInputError(field, `must be at most ${max} characters`);
  return trimmed;
}

/** GraphQL leaves absent input fields undefined; the services treat undefined as "not given". */
function compact<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

const MAX_POINTS = 100_000_000;

// ---------------------------------------------------------------------------------------------
// Queries

builder.queryFields((t) => ({
  loyaltyProgram: t.field({
    type: LoyaltyProgramRef,
    authScopes: { store: true },
    description:
      'The program for logged-out visitors (any key): ways to earn, tiers and rewards, in `locale` where translated (else the store’s default locale, else the base names).',
    args: { locale: t.arg.string({ required: false, description: 'BCP 47 tag, e.g. fi or fi-FI.' }) },
    resolve: async (_root, { locale }, context) => {
      const storeId = storeIdOf(context);
      const [active, store] = await Promise.all([
        rulesAt(context.prisma, storeId, new Date()),
        context.prisma.store.findUniqueOrThrow({
          where: { id: storeId },
          select: { defaultLocale: true, defaultCurrency: true },
        }),
      ]);
      return {
        active,
        storeId,
        currency: store.defaultCurrency.trim(),
        locales: localeChain(locale?.slice(0, 35), store.defaultLocale),
      };
    },
  }),
  loyaltySettings: t.field({
    type: LoyaltySettingsRef,
    authScopes: { admin: true },
    description: 'The program configuration (rules in force now and every version).',
    resolve: (_root, _args, context) => settingsOf(context),
  }),
  rewards: t.prismaField({
    type: ['Reward'],
    authScopes: { admin: true },
    description: 'The rewards catalogue, cheapest first; inactive rewards only with `includeInactive`.',
    args: { includeInactive: t.arg.boolean({ required: false, defaultValue: false }) },
    resolve: (_query, _root, { includeInactive }, context) =>
      listRewards(context.prisma, storeIdOf(context), { activeOnly: !includeInactive }),
  }),
  pointsLedger: t.prismaConnection({
    type: 'PointsTransaction',
    cursor: 'id',
    authScopes: { admin: true },
    description: 'Ledger rows of the store, newest first, optionally of one customer, kind or source.',
    args: {
      customerId: t.arg.id({ required: false }),
      kind: t.arg({ type: PointsKindEnum, required: false }),
      source: t.arg.string({ required: false }),
    },
    resolve: (query, _root, args, context) => {
      if (args.customerId != null && !isUuid(String(args.customerId))) return [];
      const where: Prisma.PointsTransactionWhereInput = { storeId: storeIdOf(context) };
      if (args.customerId != null) where.customerId = String(args.customerId);
      if (args.kind) where.kind = args.kind;
      if (args.source) where.source = args.source;
      return context.prisma.pointsTransaction.findMany({ ...query, where, orderBy: { id: 'desc' } });
    },
  }),
  loyaltyReconciliation: t.field({
    type: [LoyaltyMismatchRef],
    authScopes: { admin: true },
    description:
      'Recomputes every balance from the ledger and the unspent lots; lists the accounts that disagree (empty: all good).',
    resolve: (_root, _args, context) => reconcile(context.prisma, storeIdOf(context)),
  }),
  validateRewardCode: t.field({
    type: builder.objectRef<RewardCodeValidation>('RewardCodeValidation').implement({
      description: 'What a checkout needs to apply a code: the reward and whether it can be used now.',
      fields: (f) => ({
        rewardCode: f.field({ type: RewardCodeRef, resolve: (v) => v.rewardCode }),
        reward: f.prismaField({ type: 'Reward', resolve: (_q, v) => v.reward }),
        usable: f.exposeBoolean('usable'),
        status: f.field({ type: RewardCodeStatusEnum, resolve: (v) => v.status }),
      }),
    }),
    authScopes: { admin: true },
    description:
      'Checkout integration: looks a code up without using it. An unknown code is a RewardCodeUnusableError.',
    errors: { types: [RewardCodeUnusableError] },
    args: { code: t.arg.string({ required: true }) },
    resolve: (_root, { code }, context) => validateRewardCode(context.prisma, storeIdOf(context), code),
  }),
}));

// ---------------------------------------------------------------------------------------------
// Mutations

const LoyaltyProgramInput = builder.inputType('LoyaltyProgramInput', {
  description: 'Fields to change; omitted fields stay as they are. New `rules` add a version.',
  fields: (t) => ({
    name: t.string(),
    enabled: t.boolean({ description: 'False stops earning (existing points and codes still work).' }),
    referralUrl: t.string({ description: 'Base of referral links (`?ref=<code>` is appended); null clears it.' }),
    rules: t.field({
      type: 'JSON',
      description:
        'The whole rules document (earning, bonuses, tiers, expiry, referrals); omitted parts take their defaults.',
    }),
    effectiveFrom: t.field({
      type: 'DateTime',
      description: 'When the new rules apply (default now; never in the past). The first version covers the past too.',
    }),
    note: t.string({ description: 'Why the rules changed.' }),
  }),
});

const rewardInputFields = (required: boolean) =>
  builder.inputType(required ? 'RewardInput' : 'RewardUpdateInput', {
    description: required
      ? 'A catalogue reward.'
      : 'Fields of a reward to change; omitted fields stay as they are, null clears one.',
    fields: (t) => ({
      name: t.string({ required }),
      description: t.string(),
      translations: t.field({ type: 'JSON', description: '{"fi": {"name": "…", "description": "…"}}.' }),
      kind: t.field({ type: RewardKindEnum, required }),
      value: t.int({ description: 'FIXED_DISCOUNT: minor units; PERCENT_DISCOUNT: percent (1–100).' }),
      currency: t.string({ description: 'ISO 4217; required for FIXED_DISCOUNT.' }),
      productSku: t.string({ description: 'Required for FREE_PRODUCT.' }),
      pointsCost: t.int({ required }),
      stock: t.int({ description: 'Codes left to issue; null: unlimited.' }),
      perCustomerLimit: t.int({ description: 'Codes one customer may hold or have used.' }),
      minimumOrder: t.int({ description: 'Minor units.' }),
      availableFrom: t.field({ type: 'DateTime' }),
      availableUntil: t.field({ type: 'DateTime' }),
      codeValidDays: t.int({ description: 'Issued codes expire this many days after issue; null: never.' }),
      active: t.boolean(),
    }),
  });
const RewardInputType = rewardInputFields(true);
const RewardUpdateInputType = rewardInputFields(false);

const RewardRedemptionRef = builder.objectRef<Redemption>('RewardRedemption').implement({
  description: 'A redeemed reward: the code to use at checkout and the balance left.',
  fields: (t) => ({
    code: t.field({
      type: RewardCodeRef,
      description:
        'The issued code. Selecting it next to `... on Error { code }` needs an alias; `rewardCode` is the same without one.',
      resolve: (r) => r.rewardCode,
    }),
    rewardCode: t.field({ type: RewardCodeRef, description: 'The issued code.', resolve: (r) => r.rewardCode }),
    reward: t.prismaField({ type: 'Reward', resolve: (_q, r) => r.reward }),
    balance: t.exposeInt('balance'),
    replayed: t.exposeBoolean('replayed', {
      description: 'True when this idempotency key was redeemed before: the same code, nothing spent again.',
    }),
  }),
});

interface PostedView {
  transaction: Prisma.PointsTransactionGetPayload<object> | null;
  balance: number;
  replayed: boolean;
}

const PointsAdjustmentRef = builder.objectRef<PostedView>('PointsAdjustment').implement({
  fields: (t) => ({
    transaction: t.prismaField({ type: 'PointsTransaction', resolve: (_q, p) => p.transaction! }),
    balance: t.exposeInt('balance'),
    replayed: t.exposeBoolean('replayed', { description: 'True when the idempotency key was used before.' }),
  }),
});

const LoyaltyEventResultRef = builder.objectRef<PostedView>('LoyaltyEventResult').implement({
  fields: (t) => ({
    awarded: t.boolean({
      description: 'False when the program gives no bonus for the action (or is disabled).',
      resolve: (p) => p.transaction !== null,
    }),
    points: t.int({ resolve: (p) => p.transaction?.points ?? 0 }),
    transaction: t.prismaField({ type: 'PointsTransaction', nullable: true, resolve: (_q, p) => p.transaction }),
    balance: t.exposeInt('balance'),
    replayed: t.exposeBoolean('replayed', { description: 'True when this event was recorded before.' }),
  }),
});

builder.mutationFields((t) => ({
  updateLoyaltyProgram: t.field({
    type: LoyaltySettingsRef,
    authScopes: { admin: true },
    description:
      'Changes the program; new `rules` become a version in force from `effectiveFrom`. Invalid rules change nothing and name the field, e.g. rules.tiers.levels.1.threshold.',
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: LoyaltyProgramInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      await updateProgram(context.prisma, storeIdOf(context), compact(input));
      return settingsOf(context);
    },
  }),
  createReward: t.prismaField({
    type: 'Reward',
    authScopes: { admin: true },
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: RewardInputType, required: true }) },
    resolve: (_query, _root, { input }, context) =>
      createReward(context.prisma, storeIdOf(context), compact(input) as RewardInput),
  }),
  updateReward: t.prismaField({
    type: 'Reward',
    authScopes: { admin: true },
    errors: { types: [NotFoundError, InvalidInputError] },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: RewardUpdateInputType, required: true }) },
    resolve: (_query, _root, { id, input }, context) => {
      if (!isUuid(String(id))) throw new NotFoundError('Reward');
      return updateReward(context.prisma, storeIdOf(context), String(id), compact(input) as Partial<RewardInput>);
    },
  }),
  redeemReward: t.field({
    type: RewardRedemptionRef,
    authScopes: { customer: true, admin: true },
    description:
      'Spends points on a reward and issues a single-use code. A shopper redeems for themself (no customerId); a secret key names the customer. Retrying with the same idempotencyKey returns the same code.',
    errors: {
      types: [
        InsufficientPointsError,
        RewardOutOfStockError,
        RewardLimitReachedError,
        RewardUnavailableError,
        NotFoundError,
        InvalidInputError,
        IdempotencyConflictError,
      ],
    },
    args: {
      rewardId: t.arg.id({ required: true }),
      idempotencyKey: t.arg.string({ required: true, description: 'Your id for this redemption, e.g. a UUID.' }),
      customerId: t.arg.id({ required: false, description: 'Secret keys only: whose points.' }),
    },
    resolve: async (_root, args, context) => {
      const storeId = storeIdOf(context);
      const rewardId = String(args.rewardId);
      const customerId = await targetCustomer(context, args.customerId);
      if (!customerId) {
        // A shopper the store does not know has no points.
        const reward = isUuid(rewardId)
          ? await context.prisma.reward.findFirst({ where: { id: rewardId, storeId }, select: { pointsCost: true } })
          : null;
        if (!reward) throw new NotFoundError('Reward');
        throw new InsufficientPointsError(reward.pointsCost, 0);
      }
      if (!isUuid(rewardId)) throw new NotFoundError('Reward');
      const result = await redeemReward(context.prisma, {
        storeId,
        customerId,
        rewardId,
        idempotencyKey: args.idempotencyKey,
        actor: actorOf(context),
      });
      context.events.kick();
      return result;
    },
  }),
  consumeRewardCode: t.prismaField({
    type: 'RewardCode',
    authScopes: { admin: true },
    description:
      'Checkout integration: marks the code used on your order `orderRef`. Repeating it with the same orderRef is harmless.',
    errors: { types: [RewardCodeUnusableError, InvalidInputError] },
    args: { code: t.arg.string({ required: true }), orderRef: t.arg.string({ required: true }) },
    resolve: (_query, _root, args, context) =>
      consumeRewardCode(context.prisma, storeIdOf(context), args.code, checkText('orderRef', args.orderRef, 200)),
  }),
  cancelRewardCode: t.prismaField({
    type: 'RewardCode',
    authScopes: { admin: true },
    description: 'Cancels an unused code: its points are refunded (once) and its stock returned.',
    errors: { types: [RewardCodeUnusableError, InvalidInputError] },
    args: { code: t.arg.string({ required: true }), reason: t.arg.string({ required: false }) },
    resolve: async (_query, _root, args, context) => {
      const reason = args.reason == null ? undefined : checkText('reason', args.reason, 500);
      const code = await cancelRewardCode(context.prisma, storeIdOf(context), args.code, reason);
      context.events.kick();
      return code;
    },
  }),
  adjustPoints: t.field({
    type: PointsAdjustmentRef,
    authScopes: { admin: true },
    description:
      'Adds (positive) or removes (negative) points by hand. Removing more than the balance fails with InsufficientPointsError. Give an idempotencyKey to make retries safe.',
    errors: { types: [NotFoundError, InvalidInputError, InsufficientPointsError, IdempotencyConflictError] },
    args: {
      customerId: t.arg.id({ required: true }),
      points: t.arg.int({ required: true, description: 'Non-zero; negative removes points.' }),
      reason: t.arg.string({ required: true, description: 'Shown in the customer’s history.' }),
      idempotencyKey: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, context) => {
      const storeId = storeIdOf(context);
      if (args.points === 0 || Math.abs(args.points) > MAX_POINTS)
        throw new InvalidInputError('points', `must be non-zero and between -${MAX_POINTS} and ${MAX_POINTS}`);
      const reason = checkText('reason', args.reason, 500);
      const key = args.idempotencyKey == null ? randomUUID() : checkText('idempotencyKey', args.idempotencyKey, 200);
      const customerId = await customerOfStore(context, args.customerId);
      const now = new Date();
      const { rules } = await rulesAt(context.prisma, storeId, now);
      const posted = await post(context.prisma, {
        storeId,
        customerId,
        kind: 'ADJUST',
        points: args.points,
        source: 'ADMIN',
        reason,
        idempotencyKey: `adjust:${key}`,
        actor: actorOf(context),
        occurredAt: now,
        expiresAt: args.points > 0 ? lotExpiry(rules, now) : null,
        onInsufficient: 'fail',
      });
      if (posted.replayed && posted.transaction.points !== args.points) throw new IdempotencyConflictError(key);
      context.events.kick();
      return { transaction: posted.transaction, balance: posted.account.balance, replayed: posted.replayed };
    },
  }),
  recordLoyaltyEvent: t.field({
    type: LoyaltyEventResultRef,
    authScopes: { admin: true },
    description:
      'Gives the program’s bonus for an action (SIGN_UP, BIRTHDAY, FIRST_ORDER, REVIEW, SURVEY_ANSWER, REFERRAL or custom:<key>), once per customer, action and sourceRef.',
    errors: { types: [NotFoundError, InvalidInputError] },
    args: {
      customerId: t.arg.id({ required: true }),
      action: t.arg.string({ required: true }),
      sourceRef: t.arg.string({ required: true, description: 'Your id for the event, e.g. the review id.' }),
    },
    resolve: async (_root, args, context) => {
      const storeId = storeIdOf(context);
      const action = args.action.trim();
      if (!(BONUS_ACTIONS as readonly string[]).includes(action) && !/^custom:[a-z0-9][a-z0-9_.-]{0,59}$/.test(action))
        throw new InvalidInputError('action', `must be one of ${BONUS_ACTIONS.join(', ')} or custom:<key>`);
      const sourceRef = checkText('sourceRef', args.sourceRef, 200);
      const customerId = await customerOfStore(context, args.customerId);
      const posted = await awardBonus(context.prisma, {
        storeId,
        customerId,
        action,
        sourceRef,
        actor: actorOf(context),
      });
      context.events.kick();
      if (posted)
        return { transaction: posted.transaction, balance: posted.account.balance, replayed: posted.replayed };
      const account = await readAccount(context.prisma, storeId, customerId);
      return { transaction: null, balance: account?.balance ?? 0, replayed: false };
    },
  }),
  applyReferralCode: t.prismaField({
    type: 'Referral',
    authScopes: { customer: true, admin: true },
    description:
      'Records that a new customer was referred by the owner of `code`. A shopper applies it for themself; a secret key names the customer.',
    errors: { types: [ReferralRefusedError, NotFoundError, InvalidInputError] },
    args: { code: t.arg.string({ required: true }), customerId: t.arg.id({ required: false }) },
    resolve: async (_query, _root, args, context) => {
      const code = checkText('code', args.code, 40);
      const customerId = await targetCustomer(context, args.customerId);
      if (!customerId) throw new NotFoundError('Customer');
      const referral = await applyReferralCode(context.prisma, storeIdOf(context), customerId, code);
      context.events.kick();
      return referral;
    },
  }),
}));

// ---------------------------------------------------------------------------------------------
// Live updates

/**
 * The shopper's account, now and after every change: the current state first, then again after
 * each points or tier change (orders, redemptions, adjustments, expiry). Changes that arrive while
 * a state is being read are coalesced into one refresh. A shopper the store does not know yet
 * waits on their identity's topic until the customer record appears (and a merged shopper follows
 * their identity to the kept customer).
 *
 * A hand-written iterator rather than an async generator: a generator waiting for the next message
 * would not see `return()` (a closed connection) until that message came.
 */
function liveLoyalty(context: KantaContext): AsyncIterableIterator<AccountView> {
  const principal = context.principal;
  const identity = shopperIdentityOf(principal);
  if (!principal || !identity) throw new Error('liveLoyalty needs a customer principal; check the field authScopes');
  const { storeId } = principal;
  let customerId: string | null | undefined; // undefined: not resolved yet
  let messages: AsyncIterator<unknown> | undefined;
  let dirty = true;
  let stopped = false;
  let wake: (() => void) | undefined;
  let defaultLocale: string | undefined;

  const listen = (topic: string) => {
    const source = context.pubsub.subscribe('loyaltyChanged', topic);
    messages = source;
    // Drain eagerly (this also starts the subscription now): a burst of messages becomes one refresh.
    void (async () => {
      try {
        for await (const _message of source) {
          dirty = true;
          wake?.();
        }
      } catch (error) {
        context.logger.warn({ err: error }, 'loyaltyChanged: subscription failed');
      }
      if (messages === source) {
        stopped = true;
        wake?.();
      }
    })();
  };
  const topicOf = (id: string | null) =>
    id ? loyaltyTopic(storeId, id) : shopperIdentityTopic(storeId, identity.source, identity.externalId);

  const stop = async (): Promise<IteratorResult<AccountView>> => {
    stopped = true;
    const current = messages;
    messages = undefined;
    wake?.();
    await current?.return?.();
    return { done: true, value: undefined };
  };

  const iterator: AsyncIterableIterator<AccountView> = {
    async next() {
      while (!stopped && !dirty) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (stopped) return { done: true, value: undefined };
      dirty = false;
      const current = await resolveShopper(context.prisma, principal);
      if (current !== customerId) {
        // First call, or the shopper's record appeared or moved: listen on the right topic.
        const previous = messages;
        customerId = current;
        listen(topicOf(current));
        await previous?.return?.();
      }
      defaultLocale ??= (
        await context.prisma.store.findUniqueOrThrow({ where: { id: storeId }, select: { defaultLocale: true } })
      ).defaultLocale;
      const customer = current
        ? await context.prisma.customer.findFirst({ where: { id: current, storeId }, select: { locale: true } })
        : null;
      const value = await accountView(context, storeId, current, localeChain(customer?.locale, defaultLocale));
      if (stopped) return { done: true, value: undefined };
      return { done: false, value };
    },
    return: stop,
    throw: async (error) => {
      await stop();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

builder.subscriptionField('loyaltyChanged', (t) =>
  t.field({
    type: ShopperLoyaltyRef,
    authScopes: { customer: true },
    description:
      'The signed-in shopper’s account: sent once at once, then after every change (over SSE: `Accept: text/event-stream`).',
    subscribe: (_root, _args, context, info) => {
      // Scope-auth checks subscriptions per event, not when they start (builder.ts has no
      // `authorizeOnSubscribe`): refuse here, with the same error, before anything listens.
      if (context.principal?.kind !== 'customer')
        throw new GraphQLError(
          context.principal
            ? `Not authorized: "${info.parentType.name}.${info.fieldName}" is not available to a ${context.principal.kind} key`
            : `Not authenticated: "${info.parentType.name}.${info.fieldName}" needs an API key in "Authorization: Bearer <key>"`,
          { extensions: { code: context.principal ? 'FORBIDDEN' : 'UNAUTHENTICATED' } },
        );
      return liveLoyalty(context);
    },
    resolve: (view) => view,
  }),
);
