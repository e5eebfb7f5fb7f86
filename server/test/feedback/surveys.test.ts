import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/errors.ts';
import { upsertCustomer } from '../../src/modules/customers/customers.service.ts';
import { DEFAULT_SURVEY_TEXTS, defaultSurveyTexts, SHIPPED_LOCALES } from '../../src/modules/feedback/default-texts.ts';
import { submitSurveyResponse } from '../../src/modules/feedback/responses.service.ts';
import { SURVEY_TYPES } from '../../src/modules/feedback/scores.ts';
import { feedbackSettings, updateFeedbackSettings } from '../../src/modules/feedback/settings.service.ts';
import {
  createSurvey,
  getSurvey,
  listSurveys,
  type SurveyInput,
  surveyTexts,
  updateSurvey,
} from '../../src/modules/feedback/surveys.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

let app: TestApp;
let storeId: string;
let otherStoreId: string;
beforeAll(async () => {
  app = await createTestApp();
  storeId = (await app.createStore()).id;
  otherStoreId = (await app.createStore()).id;
});
afterAll(() => app.close());

async function invalid(promise: Promise<unknown>): Promise<{ field: string; rule: string }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return { field: (error as InvalidInputError).field, rule: (error as InvalidInputError).rule };
  }
  throw new Error('expected InvalidInputError');
}

let counter = 0;
const named = (extra: Partial<SurveyInput> = {}): SurveyInput => ({
  name: `Survey ${++counter}`,
  type: 'NPS',
  trigger: 'AFTER_ORDER',
  ...extra,
});

describe('creating surveys', () => {
  test('defaults: comments on, anonymous off, 72 h delay, all channels, type threshold, 48 h cases, 14-day links', async () => {
    const survey = await createSurvey(app.db.prisma, storeId, {
      name: ' Post-purchase NPS ',
      type: 'NPS',
      trigger: 'AFTER_ORDER',
    });
    expect(survey).toMatchObject({
      storeId,
      name: 'Post-purchase NPS',
      type: 'NPS',
      trigger: 'AFTER_ORDER',
      texts: {},
      allowComment: true,
      allowAnonymous: false,
      delayHours: 72,
      channels: [],
      caseThreshold: null,
      caseDueHours: 48,
      linkValidHours: 336,
      active: true,
    });
    expect(await getSurvey(app.db.prisma, storeId, survey.id)).toEqual(survey);
  });

  test('every option is stored; channels are de-duplicated; texts keyed by canonical locale, blanks dropped', async () => {
    const survey = await createSurvey(app.db.prisma, storeId, {
      name: 'Store visit CSAT',
      type: 'CSAT',
      trigger: 'AFTER_ORDER',
      texts: { 'FI-fi': { question: 'Miten onnistuimme myymälässä?', followUp: '  ' }, hy: null },
      allowComment: false,
      allowAnonymous: true,
      delayHours: 2,
      channels: ['STORE', 'STORE', 'APP'],
      caseThreshold: 3,
      caseDueHours: 24,
      linkValidHours: 48,
      active: false,
    });
    expect(survey).toMatchObject({
      texts: { 'fi-FI': { question: 'Miten onnistuimme myymälässä?' } },
      allowComment: false,
      allowAnonymous: true,
      delayHours: 2,
      channels: ['STORE', 'APP'],
      caseThreshold: 3,
      caseDueHours: 24,
      linkValidHours: 48,
      active: false,
    });
  });

  test.each([
    [{ name: '' }, 'input.name', 'must not be empty'],
    [{ name: 'x'.repeat(201) }, 'input.name', 'must be at most 200 characters'],
    [{ type: 'STARS' }, 'input.type', 'must be NPS, CSAT or CES'],
    [{ trigger: 'DAILY' }, 'input.trigger', 'must be AFTER_ORDER, AFTER_SUPPORT or ALWAYS_ON'],
    [{ delayHours: -1 }, 'input.delayHours', 'must be at least 0'],
    [{ delayHours: 1.5 }, 'input.delayHours', 'must be a whole number'],
    [{ caseDueHours: 0 }, 'input.caseDueHours', 'must be at least 1'],
    [{ linkValidHours: 9_000 }, 'input.linkValidHours', 'must be at most 8760'],
    [{ channels: ['MAIL'] }, 'input.channels.0', 'must be STORE, ONLINE, APP or OTHER'],
    [{ type: 'NPS', caseThreshold: 11 }, 'caseThreshold', 'must be from 0 to 10 for NPS'],
    [{ type: 'CSAT', caseThreshold: 6 }, 'caseThreshold', 'must be from 1 to 5 for CSAT'],
    [{ type: 'CSAT', caseThreshold: 0 }, 'caseThreshold', 'must be from 1 to 5 for CSAT'],
    [{ type: 'CES', caseThreshold: 8 }, 'caseThreshold', 'must be from 1 to 7 for CES'],
    [{ type: 'CES', caseThreshold: 4.5 }, 'caseThreshold', 'must be a whole number from 1 to 7'],
    [
      { texts: { 'not a locale!': { question: 'x' } } },
      'input.texts.not a locale!',
      'must be a BCP 47 language tag such as fi or hy-AM',
    ],
    [{ texts: { fi: { question: 'x'.repeat(501) } } }, 'input.texts.fi.question', 'must be at most 500 characters'],
    [
      { texts: { fi: { title: 'x' } } },
      'input.texts.fi',
      'must be an object with question, followUp, thankYou, lowLabel, highLabel',
    ],
  ] as [Record<string, unknown>, string, string][])('%j is refused (%s)', async (extra, field, rule) => {
    const before = await app.db.prisma.survey.count({ where: { storeId } });
    const error = await invalid(createSurvey(app.db.prisma, storeId, named(extra as Partial<SurveyInput>)));
    expect(error.field).toBe(field);
    if (field !== 'input.texts.fi') expect(error.rule).toBe(rule);
    expect(await app.db.prisma.survey.count({ where: { storeId } })).toBe(before);
  });

  test('names are unique per store, not across stores', async () => {
    await createSurvey(app.db.prisma, storeId, named({ name: 'Twice' }));
    expect(await invalid(createSurvey(app.db.prisma, storeId, named({ name: 'Twice' })))).toEqual({
      field: 'name',
      rule: 'must be unique: the store has a survey with this name',
    });
    await expect(createSurvey(app.db.prisma, otherStoreId, named({ name: 'Twice' }))).resolves.toMatchObject({
      storeId: otherStoreId,
    });
  });
});

describe('updating and listing surveys', () => {
  test('a partial update changes only the given fields; null goes back to the default', async () => {
    const survey = await createSurvey(app.db.prisma, storeId, named({ type: 'CES', caseThreshold: 6, delayHours: 5 }));
    const updated = await updateSurvey(app.db.prisma, storeId, survey.id, { active: false, caseThreshold: null });
    expect(updated).toMatchObject({
      active: false,
      caseThreshold: null,
      delayHours: 5,
      type: 'CES',
      name: survey.name,
    });
  });

  test('the whole result is validated: a threshold of the old type does not fit a new type', async () => {
    const survey = await createSurvey(app.db.prisma, storeId, named({ type: 'NPS', caseThreshold: 8 }));
    expect(await invalid(updateSurvey(app.db.prisma, storeId, survey.id, { type: 'CSAT' }))).toEqual({
      field: 'caseThreshold',
      rule: 'must be from 1 to 5 for CSAT',
    });
    await expect(
      updateSurvey(app.db.prisma, storeId, survey.id, { type: 'CSAT', caseThreshold: 2 }),
    ).resolves.toMatchObject({ type: 'CSAT', caseThreshold: 2 });
  });

  test('the type cannot change once answered', async () => {
    const survey = await createSurvey(app.db.prisma, storeId, named({ trigger: 'ALWAYS_ON', allowAnonymous: true }));
    await submitSurveyResponse(app.db.prisma, { storeId, surveyId: survey.id, score: 10, via: 'ANONYMOUS' });
    expect(await invalid(updateSurvey(app.db.prisma, storeId, survey.id, { type: 'CES' }))).toEqual({
      field: 'type',
      rule: 'cannot change once the survey has responses',
    });
    await expect(
      updateSurvey(app.db.prisma, storeId, survey.id, { name: 'Renamed after answers' }),
    ).resolves.toMatchObject({
      type: 'NPS',
      name: 'Renamed after answers',
    });
  });

  test('another store’s survey, or an id that is not a UUID, is not found', async () => {
    const theirs = await createSurvey(app.db.prisma, otherStoreId, named());
    await expect(updateSurvey(app.db.prisma, storeId, theirs.id, { active: false })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(getSurvey(app.db.prisma, storeId, 'nope')).rejects.toBeInstanceOf(NotFoundError);
    expect((await getSurvey(app.db.prisma, otherStoreId, theirs.id)).active).toBe(true);
  });

  test('listSurveys: oldest first, active only and by trigger', async () => {
    const store = (await app.createStore()).id;
    const a = await createSurvey(app.db.prisma, store, named({ trigger: 'ALWAYS_ON' }));
    const b = await createSurvey(app.db.prisma, store, named({ trigger: 'AFTER_ORDER', active: false }));
    const c = await createSurvey(app.db.prisma, store, named({ trigger: 'AFTER_SUPPORT', type: 'CES' }));
    expect((await listSurveys(app.db.prisma, store)).map((s) => s.id)).toEqual([a.id, b.id, c.id]);
    expect((await listSurveys(app.db.prisma, store, { activeOnly: true })).map((s) => s.id)).toEqual([a.id, c.id]);
    expect((await listSurveys(app.db.prisma, store, { trigger: 'ALWAYS_ON' })).map((s) => s.id)).toEqual([a.id]);
    expect((await listSurveys(app.db.prisma, store, { type: 'CES' })).map((s) => s.id)).toEqual([c.id]);
  });
});

describe('texts', () => {
  test('defaults ship for every type in en, fi, hu, bs and hy, complete and translated', () => {
    for (const type of SURVEY_TYPES)
      for (const locale of SHIPPED_LOCALES) {
        const texts = DEFAULT_SURVEY_TEXTS[type][locale];
        for (const field of ['question', 'followUp', 'thankYou', 'lowLabel', 'highLabel'] as const)
          expect(texts[field].trim().length, `${type} ${locale} ${field}`).toBeGreaterThan(1);
        if (locale !== 'en') expect(texts.question).not.toBe(DEFAULT_SURVEY_TEXTS[type].en.question);
      }
    // Scripts: Armenian texts are in Armenian script; Bosnian in Latin.
    expect(DEFAULT_SURVEY_TEXTS.NPS.hy.question).toMatch(/[\u0531-\u058F]/);
    expect(DEFAULT_SURVEY_TEXTS.NPS.bs.question).toMatch(/^[\p{Script=Latin}\s?,.]+$/u);
    // The three types ask three different things.
    expect(new Set(SURVEY_TYPES.map((type) => DEFAULT_SURVEY_TEXTS[type].fi.question)).size).toBe(3);
  });

  test('CES labels run from easy (1) to difficult (7), matching its case threshold (≥ 5)', () => {
    expect(defaultSurveyTexts('CES', 'en')).toMatchObject({ lowLabel: 'Very easy', highLabel: 'Very difficult' });
    expect(defaultSurveyTexts('NPS', 'en')).toMatchObject({
      lowLabel: 'Not at all likely',
      highLabel: 'Extremely likely',
    });
  });

  test('locale resolution: exact, then language, then English; the retailer’s texts win field by field', () => {
    const survey = {
      type: 'NPS' as const,
      texts: {
        fi: { question: 'Suosittelisitko Kahvila Kantaa ystävällesi?' },
        sv: { question: 'Skulle du rekommendera oss?', thankYou: 'Tack!' },
        en: { thankYou: 'Cheers!' },
      },
    };
    expect(surveyTexts(survey, 'fi')).toEqual({
      ...DEFAULT_SURVEY_TEXTS.NPS.fi,
      locale: 'fi',
      question: 'Suosittelisitko Kahvila Kantaa ystävällesi?',
    });
    expect(surveyTexts(survey, 'fi-FI').question).toBe('Suosittelisitko Kahvila Kantaa ystävällesi?');
    expect(surveyTexts(survey, 'hu')).toEqual({ ...DEFAULT_SURVEY_TEXTS.NPS.hu, locale: 'hu' });
    expect(surveyTexts(survey, 'hy-AM')).toEqual({ ...DEFAULT_SURVEY_TEXTS.NPS.hy, locale: 'hy' });
    // A locale that is not shipped but that the retailer wrote: theirs, the rest in English.
    expect(surveyTexts(survey, 'sv-SE')).toEqual({
      ...DEFAULT_SURVEY_TEXTS.NPS.en,
      locale: 'sv',
      question: 'Skulle du rekommendera oss?',
      thankYou: 'Tack!',
    });
    // Neither: English, with the retailer's English texts.
    expect(surveyTexts(survey, 'de')).toEqual({ ...DEFAULT_SURVEY_TEXTS.NPS.en, locale: 'en', thankYou: 'Cheers!' });
    expect(surveyTexts(survey, null).locale).toBe('en');
    expect(surveyTexts(survey, '!!bad').locale).toBe('en');
    expect(surveyTexts({ type: 'CES', texts: {} }, 'bs').question).toBe(DEFAULT_SURVEY_TEXTS.CES.bs.question);
  });
});

describe('feedback settings', () => {
  test('created on first use with a random link secret, once', async () => {
    const store = (await app.createStore()).id;
    const [a, b] = await Promise.all([feedbackSettings(app.db.prisma, store), feedbackSettings(app.db.prisma, store)]);
    expect(a.id).toBe(b.id);
    expect(a).toMatchObject({ contactCapDays: 30, autoPublish: 'VERIFIED', reviewsPerDay: 5, responseEditMinutes: 30 });
    expect(a.linkSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = await feedbackSettings(app.db.prisma, (await app.createStore()).id);
    expect(other.linkSecret).not.toBe(a.linkSecret);
    expect(await app.db.prisma.feedbackSettings.count({ where: { storeId: store } })).toBe(1);
  });

  test('updates the given fields; rotating replaces the secret', async () => {
    const store = (await app.createStore()).id;
    const before = await feedbackSettings(app.db.prisma, store);
    const after = await updateFeedbackSettings(app.db.prisma, store, {
      contactCapDays: 7,
      autoPublish: 'NONE',
      reviewsPerDay: 2,
      responseEditMinutes: 0,
    });
    expect(after).toMatchObject({ contactCapDays: 7, autoPublish: 'NONE', reviewsPerDay: 2, responseEditMinutes: 0 });
    expect(after.linkSecret).toBe(before.linkSecret);
    const rotated = await updateFeedbackSettings(app.db.prisma, store, { rotateLinkSecret: true });
    expect(rotated.linkSecret).not.toBe(before.linkSecret);
    expect(rotated.contactCapDays).toBe(7);
    expect(await updateFeedbackSettings(app.db.prisma, store, {})).toEqual(rotated);
  });

  test.each([
    [{ contactCapDays: -1 }, 'input.contactCapDays', 'must be at least 0'],
    [{ contactCapDays: 366 }, 'input.contactCapDays', 'must be at most 365'],
    [{ reviewsPerDay: 0 }, 'input.reviewsPerDay', 'must be at least 1'],
    [{ responseEditMinutes: 2.5 }, 'input.responseEditMinutes', 'must be a whole number'],
    [{ autoPublish: 'FIVE_STARS' }, 'input.autoPublish', 'must be NONE, VERIFIED or ALL'],
    [{ rotateLinkSecret: 'yes' }, 'input.rotateLinkSecret', 'must be true or false'],
  ])('%j is refused and changes nothing', async (input, field, rule) => {
    const store = (await app.createStore()).id;
    const before = await feedbackSettings(app.db.prisma, store);
    expect(await invalid(updateFeedbackSettings(app.db.prisma, store, input as never))).toEqual({ field, rule });
    expect(await feedbackSettings(app.db.prisma, store)).toEqual(before);
  });

  test('a customer in another store is unaffected by this store’s settings', async () => {
    const { customerId } = await upsertCustomer(app.db.prisma, otherStoreId, { email: 'x@example.com' });
    expect(customerId).toBeTruthy();
  });
});
