import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/errors.ts';
import type { CaseStatus, FollowUpCase, Survey, SurveyType } from '../../src/generated/prisma/client.ts';
import { upsertCustomer } from '../../src/modules/customers/customers.service.ts';
import {
  addCaseNote,
  caseWithDetails,
  countOverdueCases,
  listCases,
  openCaseIfUnhappy,
  registerCaseSubscribers,
  SYSTEM_AUTHOR,
  scheduleResurvey,
  updateCase,
} from '../../src/modules/feedback/cases.service.ts';
import { CASE_STATUSES, CASE_TRANSITIONS } from '../../src/modules/feedback/cases.validation.ts';
import { recordAsk } from '../../src/modules/feedback/contact-cap.ts';
import { CaseTransitionError } from '../../src/modules/feedback/errors.ts';
import { runFeedbackJobs } from '../../src/modules/feedback/feedback.jobs.ts';
import { submitSurveyResponse, submitSurveyResponseWithToken } from '../../src/modules/feedback/responses.service.ts';
import { recordOrders } from '../../src/modules/orders/orders.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

let app: TestApp;
let storeId: string;
let otherStoreId: string;
let customerId: string;
const surveys: Record<string, Survey> = {};

const HOUR = 3_600_000;
const ACTOR = 'apiKey:test';

beforeAll(async () => {
  app = await createTestApp();
  storeId = (await app.createStore()).id;
  otherStoreId = (await app.createStore()).id;
  customerId = (
    await upsertCustomer(app.db.prisma, storeId, {
      email: 'aino@example.com',
      marketingConsent: { granted: true },
    })
  ).customerId;
  for (const type of ['NPS', 'CSAT', 'CES'] as const) surveys[type] = await survey(type);
});
afterAll(() => app.close());

let surveyNumber = 0;
async function survey(type: SurveyType, extra: { caseThreshold?: number; caseDueHours?: number } = {}) {
  return app.db.prisma.survey.create({
    data: {
      storeId,
      name: `${type} survey ${++surveyNumber}`,
      type,
      trigger: 'ALWAYS_ON',
      allowAnonymous: true,
      ...extra,
    },
  });
}

let orderNumber = 0;
/** A sale of the test customer, for answers about an order (a second answer edits the first). */
async function newOrder(): Promise<string> {
  const [recorded] = await recordOrders(app.db.prisma, storeId, [
    {
      externalId: `CASE-${++orderNumber}`,
      channel: 'ONLINE',
      placedAt: new Date(),
      customer: { email: 'aino@example.com' },
      lines: [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 4_000 }],
    },
  ]);
  return recorded!.orderId;
}

/**
 * Answers through the responses service (which runs the case rule in its transaction): recorded
 * by the retailer for the test customer, or anonymous with `customerId: null`. With `orderId`, a
 * second answer about the same order edits the first.
 */
async function respond(
  of: Survey,
  score: number,
  options: { customerId?: string | null; now?: Date; orderId?: string; store?: string } = {},
) {
  const anonymous = options.customerId === null;
  const result = await submitSurveyResponse(app.db.prisma, {
    storeId: options.store ?? storeId,
    surveyId: of.id,
    score,
    via: anonymous ? 'ANONYMOUS' : 'ADMIN',
    ...(anonymous ? {} : { customerId: options.customerId ?? customerId }),
    ...(options.orderId ? { orderId: options.orderId } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const opened = result.caseId ? await reload(result.caseId) : null;
  return { response: result.response, edited: result.edited, case: opened };
}

async function openCase(options: { now?: Date; customerId?: string | null; survey?: Survey } = {}) {
  const { case: opened } = await respond(options.survey ?? surveys.NPS!, 0, options);
  if (!opened) throw new Error('expected a case');
  return opened;
}

async function eventsOf(type: string, id: string, key = 'caseId') {
  const rows = await app.db.prisma.outboxEvent.findMany({ where: { storeId, type } });
  return rows.filter((row) => (row.payload as Record<string, unknown>)[key] === id);
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

const reload = (id: string) => app.db.prisma.followUpCase.findUniqueOrThrow({ where: { id } });

describe('thresholds open cases', () => {
  const table: [SurveyType, number | null, number, boolean][] = [
    ['NPS', null, 0, true],
    ['NPS', null, 6, true],
    ['NPS', null, 7, false],
    ['NPS', null, 10, false],
    ['CSAT', null, 1, true],
    ['CSAT', null, 2, true],
    ['CSAT', null, 3, false],
    ['CSAT', null, 5, false],
    ['CES', null, 7, true],
    ['CES', null, 5, true],
    ['CES', null, 4, false],
    ['CES', null, 1, false],
    // Per-survey overrides, in the same direction.
    ['NPS', 8, 8, true],
    ['NPS', 8, 9, false],
    ['NPS', 0, 0, true],
    ['NPS', 0, 1, false],
    ['CSAT', 3, 3, true],
    ['CSAT', 3, 4, false],
    ['CES', 3, 3, true],
    ['CES', 3, 2, false],
    ['CES', 7, 6, false],
  ];
  test.each(table)('%s threshold %s: score %i opens a case: %s', async (type, threshold, score, opens) => {
    const of = threshold === null ? surveys[type]! : await survey(type, { caseThreshold: threshold });
    const { response, case: opened } = await respond(of, score);
    expect(opened !== null).toBe(opens);
    expect(await app.db.prisma.followUpCase.count({ where: { responseId: response.id } })).toBe(opens ? 1 : 0);
  });

  test('a new case is OPEN, due caseDueHours later, tied to the response and customer, and emits case.opened', async () => {
    const now = new Date('2026-11-02T10:00:00Z');
    const of = await survey('CSAT', { caseDueHours: 24 });
    const { response, case: opened } = await respond(of, 1, { now });
    expect(opened).toMatchObject({
      storeId,
      responseId: response.id,
      customerId,
      status: 'OPEN',
      assignee: null,
      reply: null,
      firstResponseAt: null,
      resolvedAt: null,
      resurvey: false,
    });
    expect(opened!.dueAt).toEqual(new Date('2026-11-03T10:00:00Z'));
    const events = await eventsOf('case.opened', opened!.id);
    expect(events.map((event) => event.payload)).toEqual([{ caseId: opened!.id, responseId: response.id, customerId }]);
  });

  test('an anonymous answer opens a case without a customer', async () => {
    const opened = await openCase({ customerId: null });
    expect(opened.customerId).toBeNull();
  });
});

describe('idempotency and edited responses', () => {
  test('running the rule again for the same response returns the same case and emits nothing more', async () => {
    const orderId = await newOrder();
    const first = await respond(surveys.NPS!, 3, { orderId });
    const again = await respond(surveys.NPS!, 2, { orderId });
    expect(again.edited).toBe(true);
    expect(again.response.id).toBe(first.response.id);
    expect(again.case!.id).toBe(first.case!.id);
    expect(await app.db.prisma.followUpCase.count({ where: { responseId: first.response.id } })).toBe(1);
    expect(await eventsOf('case.opened', first.case!.id)).toHaveLength(1);
    // Still unhappy: nothing to note.
    expect(await app.db.prisma.caseNote.count({ where: { caseId: first.case!.id } })).toBe(0);
  });

  test('openCaseIfUnhappy itself is idempotent per response', async () => {
    const first = await respond(surveys.CSAT!, 1);
    const again = await app.db.prisma.$transaction((tx) =>
      openCaseIfUnhappy(tx, { storeId, survey: surveys.CSAT!, response: first.response }),
    );
    expect(again).toEqual(first.case);
    expect(await eventsOf('case.opened', first.case!.id)).toHaveLength(1);
  });

  test('concurrent answers about one order open one case and emit case.opened once', async () => {
    const orderId = await newOrder();
    const results = await Promise.all([0, 1, 2, 3, 4].map((score) => respond(surveys.NPS!, score, { orderId })));
    const caseIds = new Set(results.map((result) => result.case!.id));
    expect(caseIds.size).toBe(1);
    expect(results.filter((result) => !result.edited)).toHaveLength(1);
    const [caseId] = [...caseIds];
    expect(await eventsOf('case.opened', caseId!)).toHaveLength(1);
  });

  test('an edit that makes the answer happy leaves the case open and notes it once', async () => {
    const orderId = await newOrder();
    const first = await respond(surveys.NPS!, 4, { orderId });
    const edited = await respond(surveys.NPS!, 9, { orderId });
    expect(edited.case!.id).toBe(first.case!.id);
    await respond(surveys.NPS!, 9, { orderId });
    const current = await reload(first.case!.id);
    expect(current.status).toBe('OPEN');
    expect(current.firstResponseAt).toBeNull();
    let notes = await app.db.prisma.caseNote.findMany({ where: { caseId: current.id }, orderBy: { createdAt: 'asc' } });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ author: SYSTEM_AUTHOR });
    expect(notes[0]!.body).toContain('score of 9');
    expect(notes[0]!.body).toContain('stays open');

    // And back below the threshold: noted too, still one case.
    await respond(surveys.NPS!, 5, { orderId });
    notes = await app.db.prisma.caseNote.findMany({ where: { caseId: current.id }, orderBy: { createdAt: 'asc' } });
    expect(notes).toHaveLength(2);
    expect(notes[1]!.body).toContain('below the case threshold again');
    expect(await eventsOf('case.opened', current.id)).toHaveLength(1);
  });

  test('an edit of a happy answer into an unhappy one opens a case then', async () => {
    const orderId = await newOrder();
    const first = await respond(surveys.CES!, 2, { orderId });
    expect(first.case).toBeNull();
    const edited = await respond(surveys.CES!, 6, { orderId });
    expect(edited.case).not.toBeNull();
    expect(await eventsOf('case.opened', edited.case!.id)).toHaveLength(1);
  });

  test('edits of the answer after the case was closed leave it alone', async () => {
    const orderId = await newOrder();
    const first = await respond(surveys.NPS!, 1, { orderId });
    await updateCase(app.db.prisma, storeId, first.case!.id, { status: 'DISMISSED' }, ACTOR);
    const notesBefore = await app.db.prisma.caseNote.count({ where: { caseId: first.case!.id } });
    const edited = await respond(surveys.NPS!, 10, { orderId });
    expect(edited.case!.status).toBe('DISMISSED');
    expect(await app.db.prisma.caseNote.count({ where: { caseId: first.case!.id } })).toBe(notesBefore);
  });
});

describe('lifecycle', () => {
  /** A case brought to `status` through allowed moves. */
  async function caseIn(status: CaseStatus): Promise<FollowUpCase> {
    const opened = await openCase();
    if (status === 'OPEN') return opened;
    if (status === 'DISMISSED') return updateCase(app.db.prisma, storeId, opened.id, { status }, ACTOR);
    const started = await updateCase(app.db.prisma, storeId, opened.id, { status: 'IN_PROGRESS' }, ACTOR);
    if (status === 'IN_PROGRESS') return started;
    return updateCase(app.db.prisma, storeId, opened.id, { status }, ACTOR);
  }

  const allowed = new Set(['OPEN>IN_PROGRESS', 'OPEN>DISMISSED', 'IN_PROGRESS>RESOLVED', 'IN_PROGRESS>DISMISSED']);
  const pairs = CASE_STATUSES.flatMap((from) =>
    CASE_STATUSES.filter((to) => to !== from).map((to) => [from, to, allowed.has(`${from}>${to}`)] as const),
  );

  test('the rules table says what the brief says', () => {
    for (const [from, to, ok] of pairs) expect(CASE_TRANSITIONS[from].includes(to)).toBe(ok);
  });

  test.each(pairs)('%s → %s allowed: %s', async (from, to, ok) => {
    const before = await caseIn(from);
    if (ok) {
      const after = await updateCase(app.db.prisma, storeId, before.id, { status: to }, ACTOR);
      expect(after.status).toBe(to);
      const notes = await app.db.prisma.caseNote.findMany({ where: { caseId: before.id }, orderBy: { id: 'desc' } });
      expect(notes[0]).toMatchObject({ author: ACTOR });
      expect(notes[0]!.body).toContain(`to ${to.replace('_', ' ').toLowerCase()}`);
    } else {
      const error = await refusal(updateCase(app.db.prisma, storeId, before.id, { status: to, assignee: 'x' }, ACTOR));
      expect(error).toBeInstanceOf(CaseTransitionError);
      expect(error).toMatchObject({ code: 'CASE_TRANSITION_REFUSED', from, to });
      // Nothing changed, not even the assignee given with it.
      expect(await reload(before.id)).toEqual(before);
    }
  });

  test.each(CASE_STATUSES)('asking for the current status %s changes nothing', async (status) => {
    const before = await caseIn(status);
    const after = await updateCase(app.db.prisma, storeId, before.id, { status }, ACTOR);
    expect(after).toEqual(before);
  });

  test.each(['RESOLVED', 'DISMISSED'] as const)(
    'a %s case is final: its fields cannot change either',
    async (status) => {
      const before = await caseIn(status);
      for (const change of [{ assignee: 'mia' }, { reply: 'Sorry!' }, { resurvey: true }]) {
        const error = await refusal(updateCase(app.db.prisma, storeId, before.id, change, ACTOR));
        expect(error).toBeInstanceOf(CaseTransitionError);
        expect(error).toMatchObject({ from: status, to: status });
      }
      expect(await reload(before.id)).toEqual(before);
      // Notes may still be added.
      await addCaseNote(app.db.prisma, storeId, before.id, { author: 'mia', body: 'Called back, all good.' });
    },
  );

  test('assignee, reply and resurvey are set and cleared; empty text clears', async () => {
    const opened = await openCase();
    let current = await updateCase(
      app.db.prisma,
      storeId,
      opened.id,
      { assignee: '  mia@shop.example ', reply: 'We are sorry.', resurvey: true },
      ACTOR,
    );
    expect(current).toMatchObject({
      assignee: 'mia@shop.example',
      reply: 'We are sorry.',
      resurvey: true,
      status: 'OPEN',
    });
    current = await updateCase(app.db.prisma, storeId, opened.id, { assignee: '', reply: null }, ACTOR);
    expect(current).toMatchObject({ assignee: null, reply: null, resurvey: true });
    // undefined leaves fields alone
    current = await updateCase(app.db.prisma, storeId, opened.id, { assignee: 'leo' }, ACTOR);
    expect(current).toMatchObject({ assignee: 'leo', resurvey: true });
  });

  test('bad input is InvalidInputError and changes nothing', async () => {
    const opened = await openCase();
    const cases: [Record<string, unknown>, string][] = [
      [{ status: 'CLOSED' }, 'status'],
      [{ assignee: 'x'.repeat(201) }, 'assignee'],
      [{ reply: 'x'.repeat(5_001) }, 'reply'],
      [{ reply: 'bell\u0007' }, 'reply'],
      [{ resurvey: 'yes' }, 'resurvey'],
    ];
    for (const [input, field] of cases) {
      const error = await refusal(updateCase(app.db.prisma, storeId, opened.id, input as never, ACTOR));
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).field).toBe(field);
    }
    expect(await reload(opened.id)).toEqual(opened);
  });

  test('an anonymous answer cannot be re-surveyed', async () => {
    const opened = await openCase({ customerId: null });
    const error = await refusal(updateCase(app.db.prisma, storeId, opened.id, { resurvey: true }, ACTOR));
    expect(error).toMatchObject({ field: 'resurvey' });
  });

  test('another store’s case, or no case, is NotFoundError', async () => {
    const opened = await openCase();
    for (const [store, id] of [
      [otherStoreId, opened.id],
      [storeId, '0192f5a0-0000-7000-8000-000000000000'],
      [storeId, 'not-an-id'],
    ] as const) {
      expect(await refusal(updateCase(app.db.prisma, store, id, { status: 'IN_PROGRESS' }, ACTOR))).toBeInstanceOf(
        NotFoundError,
      );
      expect(await refusal(addCaseNote(app.db.prisma, store, id, { author: 'a', body: 'b' }))).toBeInstanceOf(
        NotFoundError,
      );
      expect(await caseWithDetails(app.db.prisma, store, id)).toBeNull();
    }
    expect((await reload(opened.id)).status).toBe('OPEN');
  });
});

describe('timestamps', () => {
  const t0 = new Date('2026-11-10T08:00:00Z');
  const at = (hours: number) => new Date(t0.getTime() + hours * HOUR);

  test('firstResponseAt on the first move out of OPEN; resolvedAt on RESOLVED', async () => {
    const opened = await openCase({ now: t0 });
    const started = await updateCase(app.db.prisma, storeId, opened.id, { status: 'IN_PROGRESS' }, ACTOR, at(1));
    expect(started.firstResponseAt).toEqual(at(1));
    expect(started.resolvedAt).toBeNull();
    await addCaseNote(app.db.prisma, storeId, opened.id, { author: 'mia', body: 'Calling.' }, at(2));
    const resolved = await updateCase(app.db.prisma, storeId, opened.id, { status: 'RESOLVED' }, ACTOR, at(3));
    expect(resolved.firstResponseAt).toEqual(at(1));
    expect(resolved.resolvedAt).toEqual(at(3));
  });

  test('the first note stamps firstResponseAt, later ones do not', async () => {
    const opened = await openCase({ now: t0 });
    await addCaseNote(app.db.prisma, storeId, opened.id, { author: 'mia', body: 'Looking.' }, at(1));
    await addCaseNote(app.db.prisma, storeId, opened.id, { author: 'mia', body: 'Still looking.' }, at(2));
    const started = await updateCase(app.db.prisma, storeId, opened.id, { status: 'IN_PROGRESS' }, ACTOR, at(3));
    expect(started.firstResponseAt).toEqual(at(1));
  });

  test('the first reply stamps firstResponseAt; an assignment alone does not', async () => {
    const opened = await openCase({ now: t0 });
    const assigned = await updateCase(app.db.prisma, storeId, opened.id, { assignee: 'mia' }, ACTOR, at(1));
    expect(assigned.firstResponseAt).toBeNull();
    const replied = await updateCase(app.db.prisma, storeId, opened.id, { reply: 'Sorry about that.' }, ACTOR, at(2));
    expect(replied.firstResponseAt).toEqual(at(2));
    const again = await updateCase(app.db.prisma, storeId, opened.id, { reply: 'Sorry!' }, ACTOR, at(3));
    expect(again.firstResponseAt).toEqual(at(2));
  });

  test('dismissing stamps both', async () => {
    const opened = await openCase({ now: t0 });
    const dismissed = await updateCase(app.db.prisma, storeId, opened.id, { status: 'DISMISSED' }, ACTOR, at(5));
    expect(dismissed.firstResponseAt).toEqual(at(5));
    expect(dismissed.resolvedAt).toEqual(at(5));
  });
});

describe('notes', () => {
  test('internal notes by their author, oldest first, with the case details', async () => {
    const { response, case: opened } = await respond(surveys.CSAT!, 1);
    await addCaseNote(app.db.prisma, storeId, opened!.id, { author: 'apiKey:k1', body: ' First line\nsecond line ' });
    await addCaseNote(app.db.prisma, storeId, opened!.id, { author: 'Mia', body: '<b>not html</b>' });
    const details = await caseWithDetails(app.db.prisma, storeId, opened!.id);
    expect(details!.notes.map((note) => [note.author, note.body])).toEqual([
      ['apiKey:k1', 'First line\nsecond line'],
      ['Mia', '<b>not html</b>'],
    ]);
    expect(details!.case.id).toBe(opened!.id);
    expect(details!.response).toMatchObject({ id: response.id, score: 1, type: 'CSAT' });
    expect(details!.survey).toMatchObject({ id: surveys.CSAT!.id, type: 'CSAT' });
    expect(details!.customerId).toBe(customerId);
    expect(details!.overdue).toBe(false);
  });

  test('an empty body or author is InvalidInputError and adds nothing', async () => {
    const opened = await openCase();
    for (const [input, field] of [
      [{ author: 'mia', body: '   ' }, 'body'],
      [{ author: '', body: 'x' }, 'author'],
      [{ author: 'mia', body: 'x'.repeat(5_001) }, 'body'],
    ] as const) {
      const error = await refusal(addCaseNote(app.db.prisma, storeId, opened.id, input));
      expect(error).toMatchObject({ field });
    }
    expect(await app.db.prisma.caseNote.count({ where: { caseId: opened.id } })).toBe(0);
    expect((await reload(opened.id)).firstResponseAt).toBeNull();
  });
});

describe('overdue', () => {
  test('counts unresolved cases past their due time at a given now', async () => {
    const storeSurvey = await survey('NPS', { caseDueHours: 10 });
    const t0 = new Date('2030-01-01T00:00:00Z');
    const before = await countOverdueCases(app.db.prisma, storeId, new Date(t0.getTime() + 9 * HOUR));
    const a = await openCase({ survey: storeSurvey, now: t0 });
    const b = await openCase({ survey: storeSurvey, now: new Date(t0.getTime() + 5 * HOUR) });
    const c = await openCase({ survey: storeSurvey, now: t0 });
    await updateCase(app.db.prisma, storeId, c.id, { status: 'IN_PROGRESS' }, ACTOR);
    const d = await openCase({ survey: storeSurvey, now: t0 });
    await updateCase(app.db.prisma, storeId, d.id, { status: 'DISMISSED' }, ACTOR);

    const count = (hours: number) =>
      countOverdueCases(app.db.prisma, storeId, new Date(t0.getTime() + hours * HOUR)).then((n) => n - before);
    expect(await count(9)).toBe(0);
    // Exactly at the due time it is not overdue yet.
    expect(await count(10)).toBe(0);
    expect(await count(10.5)).toBe(2); // a and c (in progress); d is dismissed
    expect(await count(16)).toBe(3); // b too
    await updateCase(app.db.prisma, storeId, c.id, { status: 'RESOLVED' }, ACTOR);
    expect(await count(16)).toBe(2);
    expect(await countOverdueCases(app.db.prisma, otherStoreId, new Date('2100-01-01T00:00:00Z'))).toBe(0);

    const later = new Date(t0.getTime() + 16 * HOUR);
    const details = await caseWithDetails(app.db.prisma, storeId, a.id, later);
    expect(details!.overdue).toBe(true);
    const listed = await listCases(app.db.prisma, storeId, { overdue: true, surveyId: storeSurvey.id }, {}, later);
    expect(listed.nodes.map((node) => node.id).sort()).toEqual([a.id, b.id].sort());
    const notOverdue = await listCases(app.db.prisma, storeId, { overdue: false, surveyId: storeSurvey.id }, {}, later);
    expect(notOverdue.nodes.map((node) => node.id).sort()).toEqual([c.id, d.id].sort());
  });
});

describe('listing', () => {
  let listStore: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    // A store of its own, so the expectations are exact.
    listStore = (await app.createStore()).id;
    const make = (type: SurveyType) =>
      app.db.prisma.survey.create({
        data: { storeId: listStore, name: `list ${type}`, type, trigger: 'ALWAYS_ON', allowAnonymous: true },
      });
    const nps = await make('NPS');
    const ces = await make('CES');
    const open = async (name: string, of: Survey, score: number, createdAt: string) => {
      const { case: opened } = await respond(of, score, {
        store: listStore,
        customerId: null,
        now: new Date(createdAt),
      });
      ids[name] = opened!.id;
    };
    await open('n1', nps, 0, '2026-10-01T00:00:00Z');
    await open('n2', nps, 3, '2026-10-05T00:00:00Z');
    await open('c1', ces, 7, '2026-10-10T00:00:00Z');
    await open('c2', ces, 5, '2026-10-15T00:00:00Z');
    await open('n3', nps, 6, '2026-10-20T00:00:00Z');
    await updateCase(app.db.prisma, listStore, ids.n2!, { status: 'IN_PROGRESS', assignee: 'mia' }, ACTOR);
    await updateCase(app.db.prisma, listStore, ids.c1!, { assignee: 'mia' }, ACTOR);
    await updateCase(app.db.prisma, listStore, ids.c2!, { status: 'DISMISSED', assignee: 'leo' }, ACTOR);
  });

  const names = (nodes: { id: string }[]) =>
    nodes.map((node) => Object.entries(ids).find(([, id]) => id === node.id)![0]);
  const list = async (filter: Parameters<typeof listCases>[2], page: Parameters<typeof listCases>[3] = {}) =>
    names((await listCases(app.db.prisma, listStore, filter, page)).nodes);

  test('newest first, filtered', async () => {
    expect(await list({})).toEqual(['n3', 'c2', 'c1', 'n2', 'n1']);
    expect(await list({ status: 'OPEN' })).toEqual(['n3', 'c1', 'n1']);
    expect(await list({ status: ['IN_PROGRESS', 'DISMISSED'] })).toEqual(['c2', 'n2']);
    expect(await list({ assignee: 'mia' })).toEqual(['c1', 'n2']);
    expect(await list({ unassigned: true })).toEqual(['n3', 'n1']);
    expect(await list({ surveyType: 'CES' })).toEqual(['c2', 'c1']);
    expect(await list({ surveyType: 'CSAT' })).toEqual([]);
    expect(await list({ surveyType: 'NPS', status: 'OPEN' })).toEqual(['n3', 'n1']);
    expect(await list({ from: new Date('2026-10-05T00:00:00Z'), to: new Date('2026-10-15T00:00:00Z') })).toEqual([
      'c1',
      'n2',
    ]);
    expect(await list({ customerId: customerId })).toEqual([]);
    expect(await list({ surveyId: 'nonsense' })).toEqual([]);
    // Other stores' cases never show.
    expect(names((await listCases(app.db.prisma, otherStoreId, {}, {})).nodes)).toEqual([]);
  });

  test('keyset pages', async () => {
    const first = await listCases(app.db.prisma, listStore, {}, { first: 2 });
    expect(names(first.nodes)).toEqual(['n3', 'c2']);
    expect(first).toMatchObject({ hasNextPage: true, endCursor: ids.c2 });
    const second = await listCases(app.db.prisma, listStore, {}, { first: 2, after: first.endCursor });
    expect(names(second.nodes)).toEqual(['c1', 'n2']);
    expect(second.hasNextPage).toBe(true);
    const third = await listCases(app.db.prisma, listStore, {}, { first: 2, after: second.endCursor });
    expect(names(third.nodes)).toEqual(['n1']);
    expect(third).toMatchObject({ hasNextPage: false, endCursor: ids.n1 });
    const filtered = await listCases(app.db.prisma, listStore, { status: 'OPEN' }, { first: 1, after: ids.c2 });
    expect(names(filtered.nodes)).toEqual(['c1']);
  });

  test('bad filters and pages are InvalidInputError', async () => {
    const bad: [Parameters<typeof listCases>[2], Parameters<typeof listCases>[3], string][] = [
      [{ status: 'LOST' as CaseStatus }, {}, 'status'],
      [{ surveyType: 'XYZ' as SurveyType }, {}, 'surveyType'],
      [{ from: new Date('2026-10-05'), to: new Date('2026-10-05') }, {}, 'to'],
      [{ assignee: 'mia', unassigned: true }, {}, 'unassigned'],
      [{}, { first: 0 }, 'first'],
      [{}, { first: 101 }, 'first'],
      [{}, { after: 'garbage' }, 'after'],
    ];
    for (const [filter, page, field] of bad) {
      const error = await refusal(listCases(app.db.prisma, listStore, filter, page));
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).field).toBe(field);
    }
  });
});

describe('case.resolved', () => {
  test('emitted once, with the reply and the resurvey flag; dismissing emits nothing', async () => {
    const opened = await openCase();
    await updateCase(
      app.db.prisma,
      storeId,
      opened.id,
      { status: 'IN_PROGRESS', reply: 'A new one is on its way.' },
      ACTOR,
    );
    await updateCase(app.db.prisma, storeId, opened.id, { status: 'RESOLVED', resurvey: true }, ACTOR);
    await refusal(updateCase(app.db.prisma, storeId, opened.id, { status: 'RESOLVED', reply: 'again' }, ACTOR));
    await updateCase(app.db.prisma, storeId, opened.id, { status: 'RESOLVED' }, ACTOR);
    const events = await eventsOf('case.resolved', opened.id);
    expect(events.map((event) => event.payload)).toEqual([
      {
        caseId: opened.id,
        responseId: opened.responseId,
        customerId,
        reply: 'A new one is on its way.',
        resurvey: true,
      },
    ]);

    const dismissed = await openCase();
    await updateCase(app.db.prisma, storeId, dismissed.id, { status: 'DISMISSED' }, ACTOR);
    expect(await eventsOf('case.resolved', dismissed.id)).toHaveLength(0);
  });
});

describe('re-survey after resolution', () => {
  let resurveyStore: string;
  let consenting: string;
  let refusing: string;
  let csat: Survey;
  const resolvedAt = new Date('2031-03-01T12:00:00Z');

  beforeAll(async () => {
    registerCaseSubscribers(app.events);
    registerCaseSubscribers(app.events); // a second registration is a no-op
    resurveyStore = (await app.createStore()).id;
    consenting = (
      await upsertCustomer(app.db.prisma, resurveyStore, {
        email: 'yes@example.com',
        marketingConsent: { granted: true },
      })
    ).customerId;
    refusing = (
      await upsertCustomer(app.db.prisma, resurveyStore, {
        email: 'no@example.com',
        marketingConsent: { granted: false },
      })
    ).customerId;
    csat = await app.db.prisma.survey.create({
      data: { storeId: resurveyStore, name: 'Service', type: 'CSAT', trigger: 'ALWAYS_ON', delayHours: 24 },
    });
  });

  async function resolved(customer: string, resurvey: boolean) {
    const { case: opened } = await respond(csat, 1, { store: resurveyStore, customerId: customer });
    await updateCase(app.db.prisma, resurveyStore, opened!.id, { status: 'IN_PROGRESS' }, ACTOR, resolvedAt);
    await updateCase(
      app.db.prisma,
      resurveyStore,
      opened!.id,
      { status: 'RESOLVED', reply: 'Refunded.', resurvey },
      ACTOR,
      resolvedAt,
    );
    await app.events.drain();
    return opened!;
  }

  const invitationsOf = (caseId: string) =>
    app.db.prisma.surveyInvitation.findMany({ where: { storeId: resurveyStore, sourceRef: `case:${caseId}` } });

  test('resolving with resurvey schedules one invitation of the same survey, once', async () => {
    const done = await resolved(consenting, true);
    const [invitation, ...more] = await invitationsOf(done.id);
    expect(more).toEqual([]);
    expect(invitation).toMatchObject({
      surveyId: csat.id,
      customerId: consenting,
      orderId: null,
      status: 'SCHEDULED',
      dueAt: new Date(resolvedAt.getTime() + 24 * HOUR),
    });
    // Redelivery (or a second call) changes nothing.
    expect(await scheduleResurvey(app.db.prisma, resurveyStore, done.id)).toBe(invitation!.id);
    await app.events.drain();
    expect(await invitationsOf(done.id)).toHaveLength(1);
  });

  test('without resurvey nobody is asked again', async () => {
    const done = await resolved(consenting, false);
    expect(await invitationsOf(done.id)).toEqual([]);
    expect(await scheduleResurvey(app.db.prisma, resurveyStore, done.id)).toBeNull();
  });

  test('the re-survey goes out despite the frequency cap, but never without consent', async () => {
    const withConsent = await resolved(consenting, true);
    const withoutConsent = await resolved(refusing, true);
    // Both were asked for feedback a day ago: the cap would block an ordinary invitation.
    await app.db.prisma.$transaction(async (tx) => {
      for (const customer of [consenting, refusing])
        await recordAsk(tx, {
          storeId: resurveyStore,
          customerId: customer,
          kind: 'SURVEY',
          refId: `earlier:${customer}`,
          askedAt: resolvedAt,
        });
    });
    await runFeedbackJobs(app.db.prisma, { storeId: resurveyStore, now: new Date(resolvedAt.getTime() + 25 * HOUR) });
    const [sent] = await invitationsOf(withConsent.id);
    const [skipped] = await invitationsOf(withoutConsent.id);
    expect(sent).toMatchObject({ status: 'DUE' });
    expect(skipped).toMatchObject({ status: 'SKIPPED', skipReason: 'NO_CONSENT' });

    // The customer answers the re-survey through the link: a response of its own (not an edit of
    // the first one), and a happy one opens no new case.
    const due = await app.db.prisma.outboxEvent.findMany({
      where: { storeId: resurveyStore, type: 'survey.invitation.due' },
    });
    const event = due.find((row) => (row.payload as { invitationId: string }).invitationId === sent!.id);
    const answer = await submitSurveyResponseWithToken(app.db.prisma, (event!.payload as { token: string }).token, {
      score: 5,
      now: new Date(resolvedAt.getTime() + 26 * HOUR),
    });
    expect(answer.edited).toBe(false);
    expect(answer.response.id).not.toBe(withConsent.responseId);
    expect(answer.response).toMatchObject({ via: 'LINK', invitationId: sent!.id, customerId: consenting, score: 5 });
    expect(answer.caseId).toBeNull();
    expect((await invitationsOf(withConsent.id))[0]).toMatchObject({ status: 'ANSWERED' });
  });
});
