import { z } from 'zod';
import type { PrismaClient } from '../../db/database.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { parseInput } from '../customers/customers.service.ts';
import { DEFAULT_RULE_SETTINGS } from './rules.ts';

type Db = PrismaClient | Prisma.TransactionClient;

/** A store's merchandising rules and model settings, as serving, builds and evaluation read them. */
export interface RecommendationSettingsView {
  storeId: string;
  excludeCategories: string[];
  boostTags: string[];
  buryTags: string[];
  pinnedSkus: string[];
  maxPerCategory: number;
  repeatPurchaseTags: string[];
  repeatPurchaseCategories: string[];
  attributionDays: number;
  halfLifeDays: number;
  /** Null until the store changed its settings for the first time. */
  updatedAt: Date | null;
}

/** What a store without a settings row gets (the same values as the column defaults). */
/** The rules' defaults (rules.ts) plus attribution and model settings. */
export const RECOMMENDATION_SETTINGS_DEFAULTS = Object.freeze({
  ...DEFAULT_RULE_SETTINGS,
  attributionDays: 7,
  halfLifeDays: 365,
});

/** What the retailer edits; omitted or null fields stay as they are, lists replace the stored list. */
export interface RecommendationSettingsInput {
  excludeCategories?: readonly string[] | null;
  boostTags?: readonly string[] | null;
  buryTags?: readonly string[] | null;
  pinnedSkus?: readonly string[] | null;
  maxPerCategory?: number | null;
  repeatPurchaseTags?: readonly string[] | null;
  repeatPurchaseCategories?: readonly string[] | null;
  attributionDays?: number | null;
  halfLifeDays?: number | null;
}

export const MAX_SETTINGS_LIST_ITEMS = 100;
export const MAX_SETTINGS_VALUE_LENGTH = 200;

const names = z
  .array(
    z
      .string({ error: 'must be a string' })
      .trim()
      .min(1, 'must not be empty')
      .max(MAX_SETTINGS_VALUE_LENGTH, `must be at most ${MAX_SETTINGS_VALUE_LENGTH} characters`),
    { error: 'must be a list of strings' },
  )
  .max(MAX_SETTINGS_LIST_ITEMS, `must have at most ${MAX_SETTINGS_LIST_ITEMS} items`)
  .nullish();

const int = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .nullish();

const settingsInput = z.object(
  {
    excludeCategories: names,
    boostTags: names,
    buryTags: names,
    pinnedSkus: names,
    maxPerCategory: int(0, 50),
    repeatPurchaseTags: names,
    repeatPurchaseCategories: names,
    attributionDays: int(1, 90),
    halfLifeDays: int(7, 3650),
  },
  { error: 'must be an object' },
);

const LIST_FIELDS = [
  'excludeCategories',
  'boostTags',
  'buryTags',
  'pinnedSkus',
  'repeatPurchaseTags',
  'repeatPurchaseCategories',
] as const;
const NUMBER_FIELDS = ['maxPerCategory', 'attributionDays', 'halfLifeDays'] as const;

/** The store's settings; the defaults when it never changed them (no row is written by reading). */
export async function recommendationSettings(db: Db, storeId: string): Promise<RecommendationSettingsView> {
  const row = await db.recommendationSettings.findUnique({ where: { storeId } });
  if (!row) return { storeId, ...RECOMMENDATION_SETTINGS_DEFAULTS, ...freshLists(), updatedAt: null };
  return row;
}

/** Arrays the caller may mutate without touching the shared defaults. */
function freshLists() {
  return {
    excludeCategories: [] as string[],
    boostTags: [] as string[],
    buryTags: [] as string[],
    pinnedSkus: [] as string[],
    repeatPurchaseTags: [] as string[],
    repeatPurchaseCategories: [] as string[],
  };
}

/**
 * Changes the given fields (omitted or null: unchanged). Strings are trimmed and duplicates dropped
 * (first occurrence kept: pin order matters). Invalid input throws InvalidInputError("input.<field>",
 * rule) and changes nothing. One upsert, so concurrent first updates cannot collide.
 */
export async function updateRecommendationSettings(
  prisma: PrismaClient,
  storeId: string,
  input: RecommendationSettingsInput,
): Promise<RecommendationSettingsView> {
  const valid = parseInput(settingsInput, input ?? {}, 'input');
  const data: Prisma.RecommendationSettingsUncheckedUpdateInput = {};
  for (const field of LIST_FIELDS) {
    const value = valid[field];
    if (value != null) data[field] = [...new Set(value)];
  }
  for (const field of NUMBER_FIELDS) {
    const value = valid[field];
    if (value != null) data[field] = value;
  }
  if (Object.keys(data).length === 0) return recommendationSettings(prisma, storeId);
  return prisma.recommendationSettings.upsert({
    where: { storeId },
    create: { storeId, ...(data as Omit<Prisma.RecommendationSettingsUncheckedCreateInput, 'storeId'>) },
    update: data,
  });
}
