import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/errors.ts';
import { upsertCustomer } from '../../src/modules/customers/customers.service.ts';
import type { CustomerInput } from '../../src/modules/customers/customers.validation.ts';
import { mergeCustomers } from '../../src/modules/customers/merge.service.ts';
import { eraseCustomer, exportCustomerData } from '../../src/modules/customers/privacy.service.ts';
import {
  AnonymousNotAllowedError,
  SurveyClosedError,
  SurveyLinkError,
  SurveyResponseLockedError,
} from '../../src/modules/feedback/errors.ts';
import { registerFeedbackSubscribers } from '../../src/modules/feedback/feedback.subscribers.ts';
import {
  listResponses,
  type SubmitSurveyResponseInput,
  submitSurveyResponse,
  submitSurveyResponseWithToken,
  surveyStats,
} from '../../src/modules/feedback/responses.service.ts';
import { productRating, submitReview } from '../../src/modules/feedback/reviews.service.ts';
import { SCORE_RANGES, type SurveyType } from '../../src/modules/feedback/scores.ts';
import { feedbackSettings, updateFeedbackSettings } from '../../src/modules/feedback/settings.service.ts';
import { signSurveyToken } from '../../src/modules/feedback/survey-link.ts';
import { createSurvey, type SurveyInput } from '../../src/modules/feedback/surveys.service.ts';
import { readAccount } from '../../src/modules/loyalty/ledger.service.ts';
import { updateProgram } from '../../src/modules/loyalty/program.service.ts';
import { type OrderInput, recordOrders } from '../../src/modules/orders/orders.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

let app: TestApp;
let storeId: string;
const HOUR = 3_600_000;
const MINUTE = 60_000;

beforeAll(async () => {
  app = await createTestApp();
  registerFeedbackSubscribers(app.events);
  storeId = (await app.createStore()).id;
  await updateProgram(app.db.prisma, storeId, { rules: { bonuses: [{ action: 'SURVEY_ANSWER', points: 25 }] } });
});
afterAll(() => app.close());

let counter = 0;
async function customer(extra: CustomerInput = {}, store = storeId): Promise<string> {
  const n = ++counter;
  const { customerId } = await upsertCustomer(app.db.prisma, store, {
    identities: [{ source: 'web', externalId: `shopper-${n}` }],
    email: `shopper-${n}@example.com`,
    ...extra,
  });
  return customerId;
}

async function order(customerId: string | null, extra: Partial<OrderInput> = {}, store = storeId): Promise<string> {
  const identity = customerId ? await app.db.prisma.customerIdentity.findFirstOrThrow({ where: { customerId } }) : null;
  const [result] = await recordOrders(app.db.prisma, store, [
    {
      externalId: `R-${++counter}`,
      channel: 'STORE',
      location: 'Helsinki Kamppi',
      placedAt: new Date(Date.now() - 2 * HOUR),
      customer: identity ? { identities: [{ source: identity.source, externalId: identity.externalId }] } : null,
      lines: [
        { sku: 'MUG-1', name: 'Mug', quantity: 2, unitPrice: 1_500 },
        { sku: 'TEA-9', name: 'Tea', quantity: 1, unitPrice: 900 },
        { sku: 'MUG-1', name: 'Mug (gift)', quantity: 1, unitPrice: 0 },
        { name: 'Shipping', quantity: 1, unitPrice: 490, kind: 'SHIPPING' },
      ],
      ...extra,
    },
  ]);
  return result!.orderId;
}

async function survey(extra: Partial<SurveyInput> = {}, store = storeId) {
  return createSurvey(app.db.prisma, store, {
    name: `Survey ${++counter}`,
    type: 'NPS',
    trigger: 'AFTER_ORDER',
    ...extra,
  });
}

const submit = (input: Omit<SubmitSurveyResponseInput, 'storeId'> & { storeId?: string }) =>
  submitSurveyResponse(app.db.prisma, { storeId, ...input });

async function caught<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as T;
  }
  throw new Error(`expected ${type.name}`);
}

describe('score ranges', () => {
  test.each([
    ['NPS', [-1, 11], [0, 10]],
    ['CSAT', [0, 6], [1, 5]],
    ['CES', [0, 8], [1, 7]],
  ] as [SurveyType, number[], number[]][])('%s: out of range refused, both ends accepted', async (type, bad, good) => {
    const s = await survey({ type, trigger: 'ALWAYS_ON' });
    const shopper = await customer();
    for (const score of [...bad, 2.5]) {
      const error = await caught(
        submit({ surveyId: s.id, score, customerId: shopper, via: 'SHOPPER' }),
        InvalidInputError,
      );
      expect(error.field).toBe('score');
    }
    expect(await app.db.prisma.surveyResponse.count({ where: { surveyId: s.id } })).toBe(0);
    for (const score of good) {
      const { response } = await submit({ surveyId: s.id, score, customerId: shopper, via: 'SHOPPER' });
      expect(response).toMatchObject({ score, type, via: 'SHOPPER', customerId: shopper, dedupeKey: null });
    }
    expect(SCORE_RANGES[type]).toEqual({ min: good[0], max: good[1] });
  });
});

describe('one response per survey per order', () => {
  test('a second submit edits within the edit window, then is refused', async () => {
    const s = await survey();
    const shopper = await customer({ locale: 'fi' });
    const orderId = await order(shopper);
    const t0 = new Date();
    const first = await submit({ surveyId: s.id, score: 9, customerId: shopper, orderId, via: 'SHOPPER', now: t0 });
    expect(first.edited).toBe(false);
    expect(first.caseId).toBeNull();
    expect(first.response).toMatchObject({
      score: 9,
      orderId,
      channel: 'STORE',
      location: 'Helsinki Kamppi',
      productSkus: ['MUG-1', 'TEA-9'],
      locale: 'fi',
      dedupeKey: `order:${orderId}`,
    });

    const second = await submit({
      surveyId: s.id,
      score: 3,
      comment: 'The mug arrived chipped',
      customerId: shopper,
      orderId,
      via: 'SHOPPER',
      now: new Date(t0.getTime() + 29 * MINUTE),
    });
    expect(second.edited).toBe(true);
    expect(second.response.id).toBe(first.response.id);
    expect(second.response).toMatchObject({
      score: 3,
      comment: 'The mug arrived chipped',
      productSkus: ['MUG-1', 'TEA-9'],
    });
    // Now below the threshold: a case, in the same transaction.
    expect(second.caseId).not.toBeNull();

    const locked = await caught(
      submit({
        surveyId: s.id,
        score: 10,
        customerId: shopper,
        orderId,
        via: 'SHOPPER',
        now: new Date(t0.getTime() + 30 * MINUTE),
      }),
      SurveyResponseLockedError,
    );
    expect(locked.responseId).toBe(first.response.id);
    expect(locked.lockedAt.getTime()).toBe(first.response.createdAt.getTime() + 30 * MINUTE);
    const stored = await app.db.prisma.surveyResponse.findMany({ where: { surveyId: s.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.score).toBe(3);
  });

  test('the edit window follows the store setting (0: no edits at all)', async () => {
    const store = (await app.createStore()).id;
    await updateFeedbackSettings(app.db.prisma, store, { responseEditMinutes: 0 });
    const s = await survey({}, store);
    const shopper = await customer({}, store);
    const orderId = await order(shopper, {}, store);
    await submitSurveyResponse(app.db.prisma, {
      storeId: store,
      surveyId: s.id,
      score: 8,
      customerId: shopper,
      orderId,
      via: 'SHOPPER',
    });
    await caught(
      submitSurveyResponse(app.db.prisma, {
        storeId: store,
        surveyId: s.id,
        score: 9,
        customerId: shopper,
        orderId,
        via: 'SHOPPER',
      }),
      SurveyResponseLockedError,
    );
  });

  test('the same order can answer different surveys; concurrent first answers make one response', async () => {
    const a = await survey({ type: 'NPS' });
    const b = await survey({ type: 'CSAT' });
    const shopper = await customer();
    const orderId = await order(shopper);
    const results = await Promise.all(
      [7, 8, 9, 10].map((score) => submit({ surveyId: a.id, score, customerId: shopper, orderId, via: 'SHOPPER' })),
    );
    expect(new Set(results.map((result) => result.response.id)).size).toBe(1);
    expect(results.filter((result) => !result.edited)).toHaveLength(1);
    await submit({ surveyId: b.id, score: 5, customerId: shopper, orderId, via: 'SHOPPER' });
    expect(await app.db.prisma.surveyResponse.count({ where: { orderId } })).toBe(2);
  });

  test('explicit channel, location, locale and products win over the order’s', async () => {
    const s = await survey();
    const shopper = await customer();
    const orderId = await order(shopper);
    const { response } = await submit({
      surveyId: s.id,
      score: 10,
      customerId: shopper,
      orderId,
      via: 'SHOPPER',
      channel: 'APP',
      location: 'Tampere',
      locale: 'hy-am',
      productSkus: ['TEA-9'],
    });
    expect(response).toMatchObject({ channel: 'APP', location: 'Tampere', locale: 'hy-AM', productSkus: ['TEA-9'] });
  });
});

describe('who may answer', () => {
  test('a shopper may not answer about another customer’s order (nor learn that it exists)', async () => {
    const s = await survey();
    const owner = await customer();
    const stranger = await customer();
    const orderId = await order(owner);
    await caught(submit({ surveyId: s.id, score: 0, customerId: stranger, orderId, via: 'SHOPPER' }), NotFoundError);
    const guestOrder = await order(null);
    await caught(
      submit({ surveyId: s.id, score: 0, customerId: stranger, orderId: guestOrder, via: 'SHOPPER' }),
      NotFoundError,
    );
    // Another store's order is not found either.
    const otherStore = (await app.createStore()).id;
    const theirOrder = await order(await customer({}, otherStore), {}, otherStore);
    await caught(
      submit({ surveyId: s.id, score: 0, customerId: owner, orderId: theirOrder, via: 'SHOPPER' }),
      NotFoundError,
    );
    expect(await app.db.prisma.surveyResponse.count({ where: { surveyId: s.id } })).toBe(0);
  });

  test('anonymous only when the survey allows it, and never about an order', async () => {
    const closed = await survey({ trigger: 'ALWAYS_ON' });
    const open = await survey({ trigger: 'ALWAYS_ON', allowAnonymous: true });
    await caught(submit({ surveyId: closed.id, score: 5, via: 'ANONYMOUS' }), AnonymousNotAllowedError);
    // A customer token for a shopper the store does not know yet counts as anonymous.
    await caught(submit({ surveyId: closed.id, score: 5, customerId: null, via: 'SHOPPER' }), AnonymousNotAllowedError);
    const { response } = await submit({
      surveyId: open.id,
      score: 5,
      via: 'SHOPPER',
      locale: 'bs',
      location: 'Sarajevo',
    });
    expect(response).toMatchObject({
      via: 'ANONYMOUS',
      customerId: null,
      orderId: null,
      locale: 'bs',
      location: 'Sarajevo',
    });
    const orderId = await order(await customer());
    expect(
      (await caught(submit({ surveyId: open.id, score: 5, orderId, via: 'ANONYMOUS' }), InvalidInputError)).field,
    ).toBe('orderId');
  });

  test('closed surveys, comments where none are taken, unknown surveys', async () => {
    const off = await survey({ active: false, trigger: 'ALWAYS_ON' });
    const shopper = await customer();
    await caught(submit({ surveyId: off.id, score: 5, customerId: shopper, via: 'SHOPPER' }), SurveyClosedError);
    const noComment = await survey({ allowComment: false, trigger: 'ALWAYS_ON' });
    expect(
      (
        await caught(
          submit({ surveyId: noComment.id, score: 5, comment: 'hi', customerId: shopper, via: 'SHOPPER' }),
          InvalidInputError,
        )
      ).field,
    ).toBe('comment');
    // A blank comment is no comment.
    await expect(
      submit({ surveyId: noComment.id, score: 5, comment: '  ', customerId: shopper, via: 'SHOPPER' }),
    ).resolves.toMatchObject({ response: { comment: null } });
    await caught(submit({ surveyId: 'nope', score: 5, customerId: shopper, via: 'SHOPPER' }), NotFoundError);
    const theirs = await survey({ trigger: 'ALWAYS_ON', allowAnonymous: true }, (await app.createStore()).id);
    await caught(submit({ surveyId: theirs.id, score: 5, via: 'ANONYMOUS' }), NotFoundError);
    expect(
      (
        await caught(
          submit({ surveyId: noComment.id, score: 5, comment: 'x'.repeat(2_001), customerId: shopper, via: 'SHOPPER' }),
          InvalidInputError,
        )
      ).field,
    ).toBe('input.comment');
    expect((await caught(submit({ surveyId: noComment.id, score: 5, via: 'LINK' }), InvalidInputError)).field).toBe(
      'token',
    );
  });

  test('an admin records an answer for a customer: the order’s customer is taken, a mismatch refused', async () => {
    const s = await survey();
    const shopper = await customer();
    const orderId = await order(shopper);
    const { response } = await submit({ surveyId: s.id, score: 6, orderId, via: 'ADMIN' });
    expect(response).toMatchObject({ via: 'ADMIN', customerId: shopper });
    const other = await customer();
    const s2 = await survey();
    expect(
      (await caught(submit({ surveyId: s2.id, score: 6, orderId, customerId: other, via: 'ADMIN' }), InvalidInputError))
        .field,
    ).toBe('orderId');
  });
});

describe('signed links', () => {
  async function invited() {
    const s = await survey({ type: 'CES' });
    const shopper = await customer();
    const orderId = await order(shopper);
    const invitation = await app.db.prisma.surveyInvitation.create({
      data: {
        storeId,
        surveyId: s.id,
        customerId: shopper,
        orderId,
        sourceRef: `order:${orderId}`,
        status: 'DUE',
        dueAt: new Date(),
        expiresAt: new Date(Date.now() + 24 * HOUR),
      },
    });
    const settings = await feedbackSettings(app.db.prisma, storeId);
    const payload = {
      storeId,
      surveyId: s.id,
      customerId: shopper,
      orderId,
      invitationId: invitation.id,
      expiresAt: invitation.expiresAt,
    };
    return {
      s,
      shopper,
      orderId,
      invitation,
      payload,
      token: signSurveyToken(payload, settings.linkSecret),
      secret: settings.linkSecret,
    };
  }

  test('a valid token answers for the customer and order it names; the invitation is answered', async () => {
    const { s, shopper, orderId, invitation, token } = await invited();
    const result = await submitSurveyResponseWithToken(app.db.prisma, token, {
      score: 6,
      comment: 'Checkout was slow',
      locale: 'hu',
      storeId,
    });
    expect(result.response).toMatchObject({
      surveyId: s.id,
      via: 'LINK',
      customerId: shopper,
      orderId,
      invitationId: invitation.id,
      score: 6,
      locale: 'hu',
      productSkus: ['MUG-1', 'TEA-9'],
    });
    expect(result.caseId).not.toBeNull(); // CES ≥ 5
    expect((await app.db.prisma.surveyInvitation.findUniqueOrThrow({ where: { id: invitation.id } })).status).toBe(
      'ANSWERED',
    );
    // Used again: an edit within the window, then locked.
    const again = await submitSurveyResponse(app.db.prisma, { storeId, surveyId: s.id, score: 2, via: 'LINK', token });
    expect(again).toMatchObject({ edited: true, response: { id: result.response.id, score: 2 } });
    await caught(
      submitSurveyResponseWithToken(app.db.prisma, token, { score: 1, now: new Date(Date.now() + 31 * MINUTE) }),
      SurveyResponseLockedError,
    );
  });

  test('expired, tampered, another store’s, rotated or malformed links are refused and change nothing', async () => {
    const { s, payload, token, secret } = await invited();
    const reason = async (value: string, extra: { storeId?: string; now?: Date } = {}) =>
      (await caught(submitSurveyResponseWithToken(app.db.prisma, value, { score: 3, ...extra }), SurveyLinkError))
        .reason;

    expect(await reason(signSurveyToken({ ...payload, expiresAt: new Date(Date.now() - 1_000) }, secret))).toBe(
      'EXPIRED',
    );
    expect(await reason(token, { now: new Date(payload.expiresAt.getTime() + 1_000) })).toBe('EXPIRED');
    const [body, signature] = token.split('.') as [string, string];
    const wire = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...wire, cu: await customer() })).toString('base64url')}.${signature}`;
    expect(await reason(forged)).toBe('INVALID');
    expect(await reason(`${body}.${signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`)).toBe('INVALID');
    expect(await reason(signSurveyToken(payload, 'someone-elses-secret'))).toBe('INVALID');
    expect(await reason(token, { storeId: (await app.createStore()).id })).toBe('INVALID');
    expect(await reason('not-a-token')).toBe('INVALID');
    expect(await reason(signSurveyToken({ ...payload, storeId: '019ad000-0000-7000-8000-000000000999' }, secret))).toBe(
      'INVALID',
    );
    expect(
      await reason(signSurveyToken({ ...payload, invitationId: '019ad000-0000-7000-8000-000000000999' }, secret)),
    ).toBe('INVALID');
    expect(await app.db.prisma.surveyResponse.count({ where: { surveyId: s.id } })).toBe(0);

    // Rotating the secret voids outstanding links.
    const store = (await app.createStore()).id;
    const s2 = await survey({}, store);
    const shopper = await customer({}, store);
    const secret2 = (await feedbackSettings(app.db.prisma, store)).linkSecret;
    const link = signSurveyToken(
      {
        storeId: store,
        surveyId: s2.id,
        customerId: shopper,
        orderId: null,
        invitationId: null,
        expiresAt: new Date(Date.now() + HOUR),
      },
      secret2,
    );
    await updateFeedbackSettings(app.db.prisma, store, { rotateLinkSecret: true });
    expect(await reason(link)).toBe('INVALID');
  });

  test('a link of an erased customer is void', async () => {
    const { shopper, token } = await invited();
    await eraseCustomer(app.db.prisma, storeId, shopper);
    expect(
      (await caught(submitSurveyResponseWithToken(app.db.prisma, token, { score: 3 }), SurveyLinkError)).reason,
    ).toBe('INVALID');
  });
});

describe('after an answer', () => {
  test('survey.responded; the SURVEY_ANSWER bonus and a timeline entry once (not on edits, not by score)', async () => {
    const s = await survey();
    const shopper = await customer();
    const orderId = await order(shopper);
    const first = await submit({ surveyId: s.id, score: 0, customerId: shopper, orderId, via: 'SHOPPER' });
    await submit({ surveyId: s.id, score: 10, customerId: shopper, orderId, via: 'SHOPPER' });
    const events = await app.db.prisma.outboxEvent.findMany({
      where: { storeId, type: 'survey.responded' },
      orderBy: { id: 'asc' },
    });
    const mine = events.filter((event) => (event.payload as { responseId: string }).responseId === first.response.id);
    expect(mine.map((event) => event.payload)).toEqual([
      {
        responseId: first.response.id,
        surveyId: s.id,
        type: 'NPS',
        score: 0,
        customerId: shopper,
        orderId,
        edited: false,
      },
      {
        responseId: first.response.id,
        surveyId: s.id,
        type: 'NPS',
        score: 10,
        customerId: shopper,
        orderId,
        edited: true,
      },
    ]);
    await app.events.drain();
    await app.events.drain();
    const bonuses = await app.db.prisma.pointsTransaction.findMany({
      where: { customerId: shopper, source: 'SURVEY' },
    });
    expect(bonuses.map((row) => [row.points, row.sourceRef])).toEqual([[25, first.response.id]]);
    expect((await readAccount(app.db.prisma, storeId, shopper))?.balance).toBeGreaterThanOrEqual(25);
    const timeline = await app.db.prisma.interaction.findMany({
      where: { customerId: shopper, type: 'SURVEY_ANSWERED' },
    });
    expect(timeline).toHaveLength(1);
    expect(timeline[0]!.payload).toMatchObject({ responseId: first.response.id, surveyId: s.id, score: 0 });

    // Free-standing answers (an always-on form, no order) earn the bonus once per survey.
    const widget = await survey({ trigger: 'ALWAYS_ON' });
    const regular = await customer();
    for (const score of [1, 10, 5]) await submit({ surveyId: widget.id, score, customerId: regular, via: 'SHOPPER' });
    await app.events.drain();
    const widgetBonuses = await app.db.prisma.pointsTransaction.findMany({
      where: { customerId: regular, source: 'SURVEY' },
    });
    expect(widgetBonuses.map((row) => [row.points, row.sourceRef])).toEqual([[25, `survey:${widget.id}`]]);
    expect(await app.db.prisma.interaction.count({ where: { customerId: regular, type: 'SURVEY_ANSWERED' } })).toBe(3);

    // An anonymous answer gets nothing (there is nobody to give it to).
    const anon = await survey({ trigger: 'ALWAYS_ON', allowAnonymous: true });
    await submit({ surveyId: anon.id, score: 9, via: 'ANONYMOUS' });
    await app.events.drain();
  });

  test('cases: unhappy answers open one (per survey threshold), happy ones do not', async () => {
    const nps = await survey({ trigger: 'ALWAYS_ON' });
    const strict = await survey({ trigger: 'ALWAYS_ON', type: 'CSAT', caseThreshold: 3 });
    const shopper = await customer();
    const answer = (surveyId: string, score: number) =>
      submit({ surveyId, score, customerId: shopper, via: 'SHOPPER' });
    expect((await answer(nps.id, 6)).caseId).not.toBeNull();
    expect((await answer(nps.id, 7)).caseId).toBeNull();
    expect((await answer(strict.id, 3)).caseId).not.toBeNull();
    expect((await answer(strict.id, 4)).caseId).toBeNull();
  });
});

describe('listing and statistics', () => {
  test('filters and pages, newest first', async () => {
    const store = (await app.createStore()).id;
    const s = await survey({ trigger: 'ALWAYS_ON' }, store);
    const shopper = await customer({}, store);
    const orderId = await order(shopper, { channel: 'ONLINE', location: null }, store);
    const ids: string[] = [];
    for (const score of [0, 5, 7, 9, 10]) {
      const { response } = await submitSurveyResponse(app.db.prisma, {
        storeId: store,
        surveyId: s.id,
        score,
        customerId: shopper,
        via: 'SHOPPER',
        comment: score === 0 ? 'Awful' : null,
        productSkus: score >= 9 ? ['MUG-1'] : [],
      });
      ids.push(response.id);
    }
    await submitSurveyResponse(app.db.prisma, {
      storeId: store,
      surveyId: s.id,
      score: 8,
      customerId: shopper,
      orderId,
      via: 'SHOPPER',
    });
    const page1 = await listResponses(app.db.prisma, store, {}, { first: 4 });
    expect(page1.totalCount).toBe(6);
    expect(page1.hasNextPage).toBe(true);
    const page2 = await listResponses(app.db.prisma, store, {}, { first: 4, after: page1.endCursor });
    expect(page2.hasNextPage).toBe(false);
    expect([...page1.nodes, ...page2.nodes].map((r) => r.score)).toEqual([8, 10, 9, 7, 5, 0]);

    const scores = async (filter: Parameters<typeof listResponses>[2]) =>
      (await listResponses(app.db.prisma, store, filter)).nodes.map((r) => r.score);
    expect(await scores({ maxScore: 6 })).toEqual([5, 0]);
    expect(await scores({ minScore: 9, sku: 'MUG-1' })).toEqual([10, 9]);
    expect(await scores({ sku: 'TEA-9' })).toEqual([8]);
    expect(await scores({ hasComment: true })).toEqual([0]);
    expect(await scores({ channel: 'ONLINE', orderId })).toEqual([8]);
    expect(await scores({ type: 'CES' })).toEqual([]);
    expect(await scores({ surveyId: 'not-an-id' })).toEqual([]);
    expect(await scores({ from: new Date(Date.now() + HOUR) })).toEqual([]);
    await caught(listResponses(app.db.prisma, store, {}, { first: 0 }), InvalidInputError);
    await caught(listResponses(app.db.prisma, store, {}, { after: 'x' }), InvalidInputError);
    await caught(listResponses(app.db.prisma, store, { type: 'STARS' as never }), InvalidInputError);
    // Another store sees none of it.
    expect((await listResponses(app.db.prisma, storeId, { surveyId: s.id })).totalCount).toBe(0);

    const stats = await surveyStats(app.db.prisma, store, s.id);
    expect(stats).toEqual({
      count: 6,
      average: 6.5,
      distribution: [1, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1],
      nps: 0, // 2 promoters, 2 detractors of 6
      cases: 2,
    });
  });
});

describe('customer data', () => {
  test('export lists responses; merge moves them; erase keeps anonymous scores only', async () => {
    const s = await survey();
    const kept = await customer();
    const merged = await customer();
    const orderId = await order(merged);
    const { response, caseId } = await submit({
      surveyId: s.id,
      score: 2,
      comment: 'Rude staff',
      customerId: merged,
      orderId,
      via: 'SHOPPER',
    });
    expect(caseId).not.toBeNull();
    await app.events.drain();

    const exported = (await exportCustomerData(app.db.prisma, storeId, merged)) as { feedback: Record<string, any[]> };
    expect(exported.feedback.surveyResponses).toEqual([
      expect.objectContaining({ id: response.id, score: 2, comment: 'Rude staff', survey: s.name }),
    ]);
    expect(exported.feedback.followUpCases).toHaveLength(1);

    await mergeCustomers(app.db.prisma, storeId, kept, merged);
    const moved = await app.db.prisma.surveyResponse.findUniqueOrThrow({ where: { id: response.id } });
    expect(moved.customerId).toBe(kept);
    expect((await app.db.prisma.followUpCase.findUniqueOrThrow({ where: { id: caseId! } })).customerId).toBe(kept);

    await eraseCustomer(app.db.prisma, storeId, kept);
    const erased = await app.db.prisma.surveyResponse.findUniqueOrThrow({ where: { id: response.id } });
    expect(erased).toMatchObject({
      customerId: null,
      comment: null,
      score: 2,
      type: 'NPS',
      productSkus: ['MUG-1', 'TEA-9'],
    });
    expect(await app.db.prisma.followUpCase.findUniqueOrThrow({ where: { id: caseId! } })).toMatchObject({
      customerId: null,
      reply: null,
    });
    expect(await app.db.prisma.feedbackAsk.count({ where: { customerId: kept } })).toBe(0);
    expect(await app.db.prisma.surveyInvitation.count({ where: { customerId: kept } })).toBe(0);
  });

  test('erasure deletes the customer’s reviews and fixes the product rating', async () => {
    const store = (await app.createStore()).id;
    const writer = await customer({}, store);
    const other = await customer({}, store);
    await order(writer, {}, store);
    await order(other, {}, store);
    const review = await submitReview(app.db.prisma, {
      storeId: store,
      customerId: writer,
      sku: 'MUG-1',
      rating: 2,
      body: 'The handle broke off after a week of use.',
    });
    await submitReview(app.db.prisma, {
      storeId: store,
      customerId: other,
      sku: 'MUG-1',
      rating: 5,
      body: 'Keeps the coffee warm, lovely glaze.',
    });
    expect(review.status).toBe('PUBLISHED');
    expect(await productRating(app.db.prisma, store, 'MUG-1')).toMatchObject({ count: 2, average: 3.5 });
    const exported = (await exportCustomerData(app.db.prisma, store, writer)) as { feedback: Record<string, any[]> };
    expect(exported.feedback.reviews).toEqual([expect.objectContaining({ id: review.id, rating: 2 })]);

    await eraseCustomer(app.db.prisma, store, writer);
    expect(await app.db.prisma.review.count({ where: { id: review.id } })).toBe(0);
    expect(await productRating(app.db.prisma, store, 'MUG-1')).toMatchObject({
      count: 1,
      average: 5,
      histogram: [0, 0, 0, 0, 1],
    });
  });
});
