import { z } from 'zod';
import type { PrismaClient } from '../../db/database.ts';
import { InvalidInputError, isUuid, NotFoundError } from '../../errors.ts';
import type { Prisma, Survey } from '../../generated/prisma/client.ts';
import { isUniqueViolation, parseInput } from '../customers/customers.service.ts';
import { localeTag } from '../stores/stores.validation.ts';
import { DEFAULT_LOCALE, DEFAULT_SURVEY_TEXTS, isShippedLocale, type SurveyTextSet } from './default-texts.ts';
import { SCORE_RANGES, type ScoreRange, type SurveyType, scoreRange, validateThreshold } from './scores.ts';

type Db = PrismaClient | Prisma.TransactionClient;

export const SURVEY_TRIGGERS = ['AFTER_ORDER', 'AFTER_SUPPORT', 'ALWAYS_ON'] as const;
export type SurveyTrigger = (typeof SURVEY_TRIGGERS)[number];
export const ORDER_CHANNELS = ['STORE', 'ONLINE', 'APP', 'OTHER'] as const;
export type OrderChannel = (typeof ORDER_CHANNELS)[number];

export type SurveyTextsInput = Record<string, Partial<Record<keyof SurveyTextSet, string | null>> | null>;

/** What the retailer edits about a survey. */
export interface SurveyInput {
  name: string;
  type: SurveyType;
  trigger: SurveyTrigger;
  /** Own texts per locale, overriding the shipped defaults field by field: {"fi": {"question": "…"}}. */
  texts?: SurveyTextsInput | null;
  allowComment?: boolean | null;
  allowAnonymous?: boolean | null;
  /** AFTER_ORDER / AFTER_SUPPORT: hours from the order or contact to the invitation (0–8760). */
  delayHours?: number | null;
  /** AFTER_ORDER: only orders in these channels (empty: all). */
  channels?: OrderChannel[] | null;
  /** Null: the type's default (NPS ≤ 6, CSAT ≤ 2, CES ≥ 5); must be a score of the type. */
  caseThreshold?: number | null;
  caseDueHours?: number | null;
  linkValidHours?: number | null;
  active?: boolean | null;
}

const int = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const TEXT_FIELDS = ['question', 'followUp', 'thankYou', 'lowLabel', 'highLabel'] as const;

const textValue = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? null : value),
  z.string({ error: 'must be text' }).trim().max(500, 'must be at most 500 characters').nullish(),
);

const textSet = z.strictObject(Object.fromEntries(TEXT_FIELDS.map((field) => [field, textValue])), {
  error: `must be an object with ${TEXT_FIELDS.join(', ')}`,
});

const texts = z
  .record(z.string(), textSet.nullable(), { error: 'must be an object keyed by locale' })
  .transform((record, context) => {
    const out: Record<string, Partial<Record<(typeof TEXT_FIELDS)[number], string>>> = {};
    for (const [key, set] of Object.entries(record)) {
      const parsed = localeTag.safeParse(key);
      if (!parsed.success) {
        context.addIssue({ code: 'custom', path: [key], message: 'must be a BCP 47 language tag such as fi or hy-AM' });
        return z.NEVER;
      }
      const kept = Object.fromEntries(Object.entries(set ?? {}).filter(([, value]) => value != null)) as Record<
        string,
        string
      >;
      if (Object.keys(kept).length > 0) out[parsed.data] = kept;
    }
    if (Object.keys(out).length > 50) {
      context.addIssue({ code: 'custom', message: 'must have at most 50 locales' });
      return z.NEVER;
    }
    return out;
  });

const surveyInput = z.object(
  {
    name: z
      .string({ error: 'must be text' })
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters'),
    type: z.enum(['NPS', 'CSAT', 'CES'], { error: 'must be NPS, CSAT or CES' }),
    trigger: z.enum(SURVEY_TRIGGERS, { error: 'must be AFTER_ORDER, AFTER_SUPPORT or ALWAYS_ON' }),
    texts: texts.nullish().transform((value) => value ?? {}),
    allowComment: z
      .boolean({ error: 'must be true or false' })
      .nullish()
      .transform((value) => value ?? true),
    allowAnonymous: z
      .boolean({ error: 'must be true or false' })
      .nullish()
      .transform((value) => value ?? false),
    delayHours: int(0, 8_760)
      .nullish()
      .transform((value) => value ?? 72),
    channels: z
      .array(z.enum(ORDER_CHANNELS, { error: 'must be STORE, ONLINE, APP or OTHER' }), { error: 'must be a list' })
      .nullish()
      .transform((value) => [...new Set(value ?? [])]),
    caseThreshold: z
      .number({ error: 'must be a number' })
      .nullish()
      .transform((value) => value ?? null),
    caseDueHours: int(1, 8_760)
      .nullish()
      .transform((value) => value ?? 48),
    linkValidHours: int(1, 8_760)
      .nullish()
      .transform((value) => value ?? 336),
    active: z
      .boolean({ error: 'must be true or false' })
      .nullish()
      .transform((value) => value ?? true),
  },
  { error: 'must be an object' },
);
type ValidSurveyInput = z.output<typeof surveyInput>;

function parseSurveyInput(input: unknown): ValidSurveyInput {
  const valid = parseInput(surveyInput, input, 'input');
  if (valid.caseThreshold !== null) validateThreshold(valid.type, valid.caseThreshold);
  return valid;
}

function surveyData(valid: ValidSurveyInput) {
  return { ...valid, texts: valid.texts as Prisma.InputJsonValue };
}

function nameTaken(): InvalidInputError {
  return new InvalidInputError('name', 'must be unique: the store has a survey with this name');
}

export async function createSurvey(prisma: PrismaClient, storeId: string, input: SurveyInput): Promise<Survey> {
  const valid = parseSurveyInput(input);
  try {
    return await prisma.survey.create({ data: { storeId, ...surveyData(valid) } });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

function asInput(survey: Survey): SurveyInput {
  return {
    name: survey.name,
    type: survey.type,
    trigger: survey.trigger,
    texts: survey.texts as SurveyTextsInput,
    allowComment: survey.allowComment,
    allowAnonymous: survey.allowAnonymous,
    delayHours: survey.delayHours,
    channels: survey.channels,
    caseThreshold: survey.caseThreshold,
    caseDueHours: survey.caseDueHours,
    linkValidHours: survey.linkValidHours,
    active: survey.active,
  };
}

/**
 * Changes the given fields (undefined: unchanged; null: back to the default). Validated as a whole
 * (a CSAT threshold of 6 is refused); invalid input changes nothing. The type cannot change once
 * the survey has responses (their scores would mean something else).
 */
export async function updateSurvey(
  prisma: PrismaClient,
  storeId: string,
  id: string,
  input: Partial<SurveyInput>,
): Promise<Survey> {
  const current = await getSurvey(prisma, storeId, id);
  const given = Object.fromEntries(Object.entries(input ?? {}).filter(([, value]) => value !== undefined));
  const valid = parseSurveyInput({ ...asInput(current), ...given });
  if (valid.type !== current.type) {
    const answered = await prisma.surveyResponse.count({ where: { surveyId: id } });
    if (answered > 0) throw new InvalidInputError('type', 'cannot change once the survey has responses');
  }
  try {
    return await prisma.survey.update({ where: { id }, data: surveyData(valid) });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

/** The survey, or NotFoundError (also for another store's survey and for ids that are not UUIDs). */
export async function getSurvey(db: Db, storeId: string, id: string): Promise<Survey> {
  const survey = isUuid(id) ? await db.survey.findFirst({ where: { id, storeId } }) : null;
  if (!survey) throw new NotFoundError('Survey');
  return survey;
}

/** The store's surveys, oldest first. */
export async function listSurveys(
  db: Db,
  storeId: string,
  options: { activeOnly?: boolean; trigger?: SurveyTrigger; type?: SurveyType } = {},
): Promise<Survey[]> {
  return db.survey.findMany({
    where: {
      storeId,
      ...(options.activeOnly ? { active: true } : {}),
      ...(options.trigger ? { trigger: options.trigger } : {}),
      ...(options.type ? { type: options.type } : {}),
    },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

export interface SurveyTexts extends SurveyTextSet {
  /** The locale the texts are in (the asked one, its language, or English). */
  locale: string;
}

function languageOf(locale: string): string {
  return locale.split('-')[0]!.toLowerCase();
}

/**
 * The survey's texts in `locale`: the retailer's own texts for the locale (or its language) win
 * field by field over the shipped defaults of that language; a locale with neither falls back to
 * English (the retailer's English texts, over the English defaults).
 */
export function surveyTexts(survey: Pick<Survey, 'type' | 'texts'>, locale?: string | null): SurveyTexts {
  const own = (survey.texts ?? {}) as Record<string, Partial<SurveyTextSet>>;
  const ownKeys = Object.keys(own);
  let canonical: string | null = null;
  if (locale) {
    try {
      canonical = Intl.getCanonicalLocales(locale.trim())[0] ?? null;
    } catch {
      canonical = null;
    }
  }
  const find = (tag: string) => ownKeys.find((key) => key.toLowerCase() === tag.toLowerCase());
  let chosen: string | undefined;
  if (canonical) chosen = find(canonical) ?? find(languageOf(canonical));
  if (!chosen && canonical && isShippedLocale(languageOf(canonical))) chosen = languageOf(canonical);
  chosen ??= DEFAULT_LOCALE;
  const language = languageOf(chosen);
  const defaults = DEFAULT_SURVEY_TEXTS[survey.type][isShippedLocale(language) ? language : DEFAULT_LOCALE];
  const ownKey = find(chosen);
  const mine: Partial<SurveyTextSet> = ownKey ? own[ownKey]! : {};
  const merged: SurveyTextSet = { ...defaults };
  for (const field of TEXT_FIELDS) if (typeof mine[field] === 'string' && mine[field]) merged[field] = mine[field]!;
  return { locale: ownKey ?? chosen, ...merged };
}

/** The answer scale of the survey's type. */
export function surveyScale(survey: Pick<Survey, 'type'>): ScoreRange {
  return scoreRange(survey.type);
}

export { SCORE_RANGES };
