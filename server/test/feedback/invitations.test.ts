import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { upsertCustomer } from '../../src/modules/customers/customers.service.ts';
import type { CustomerInput } from '../../src/modules/customers/customers.validation.ts';
import { recordInteraction } from '../../src/modules/customers/timeline.service.ts';
import { canAsk, recordAsk } from '../../src/modules/feedback/contact-cap.ts';
import { runFeedbackJobs, startFeedbackScheduler } from '../../src/modules/feedback/feedback.jobs.ts';
import { registerFeedbackSubscribers } from '../../src/modules/feedback/feedback.subscribers.ts';
import { createInvitation, scheduleOrderInvitations } from '../../src/modules/feedback/invitations.service.ts';
import { submitSurveyResponse, submitSurveyResponseWithToken } from '../../src/modules/feedback/responses.service.ts';
import { feedbackSettings, updateFeedbackSettings } from '../../src/modules/feedback/settings.service.ts';
import { verifySurveyToken } from '../../src/modules/feedback/survey-link.ts';
import { createSurvey, type SurveyInput, updateSurvey } from '../../src/modules/feedback/surveys.service.ts';
import { cancelOrder, type OrderInput, recordOrders } from '../../src/modules/orders/orders.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

let app: TestApp;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  app = await createTestApp();
  registerFeedbackSubscribers(app.events);
});
afterAll(() => app.close());

let counter = 0;

interface Shop {
  id: string;
  customer(extra?: CustomerInput): Promise<{ id: string; identity: { source: string; externalId: string } }>;
  order(
    who: { identity: { source: string; externalId: string } } | null,
    extra?: Partial<OrderInput>,
  ): Promise<{ id: string; externalId: string }>;
  survey(extra?: Partial<SurveyInput>): ReturnType<typeof createSurvey>;
  invitations(): ReturnType<typeof app.db.prisma.surveyInvitation.findMany>;
  dueEvents(): Promise<{ invitationId: string; token: string; customerId: string; locale: string | null }[]>;
}

async function shop(settings: Parameters<typeof updateFeedbackSettings>[2] = {}): Promise<Shop> {
  const id = (await app.createStore()).id;
  await updateFeedbackSettings(app.db.prisma, id, settings);
  return {
    id,
    async customer(extra = {}) {
      const identity = { source: 'web', externalId: `c-${++counter}` };
      const { customerId } = await upsertCustomer(app.db.prisma, id, {
        identities: [identity],
        marketingConsent: { granted: true, source: 'checkout' },
        ...extra,
      });
      return { id: customerId, identity };
    },
    async order(who, extra = {}) {
      const externalId = `O-${++counter}`;
      const [result] = await recordOrders(app.db.prisma, id, [
        {
          externalId,
          channel: 'ONLINE',
          placedAt: new Date(),
          customer: who ? { identities: [who.identity] } : null,
          lines: [{ sku: 'SCARF', name: 'Scarf', quantity: 1, unitPrice: 4_900 }],
          ...extra,
        },
      ]);
      await app.events.drain();
      return { id: result!.orderId, externalId };
    },
    survey: (extra = {}) =>
      createSurvey(app.db.prisma, id, { name: `S${++counter}`, type: 'NPS', trigger: 'AFTER_ORDER', ...extra }),
    invitations: () => app.db.prisma.surveyInvitation.findMany({ where: { storeId: id }, orderBy: { id: 'asc' } }),
    async dueEvents() {
      const rows = await app.db.prisma.outboxEvent.findMany({
        where: { storeId: id, type: 'survey.invitation.due' },
        orderBy: { id: 'asc' },
      });
      return rows.map((row) => row.payload as never);
    },
  };
}

const run = (s: Shop, now: Date) => runFeedbackJobs(app.db.prisma, { now, storeId: s.id });

describe('after an order', () => {
  test('an invitation per matching survey, due delayHours after the order; sent once when due', async () => {
    const s = await shop();
    const online = await s.survey({ delayHours: 48, channels: ['ONLINE', 'APP'], linkValidHours: 72 });
    await s.survey({ name: 'In store only', channels: ['STORE'] });
    await s.survey({ name: 'Widget', trigger: 'ALWAYS_ON' });
    await s.survey({ name: 'Switched off', active: false });
    const aino = await s.customer({ locale: 'fi' });
    const placedAt = new Date(Date.now() - HOUR);
    const order = await s.order(aino, { placedAt });

    const [invitation, ...rest] = await s.invitations();
    expect(rest).toHaveLength(0);
    expect(invitation).toMatchObject({
      surveyId: online.id,
      customerId: aino.id,
      orderId: order.id,
      sourceRef: `order:${order.id}`,
      channel: 'ONLINE',
      status: 'SCHEDULED',
      dueAt: new Date(placedAt.getTime() + 48 * HOUR),
      expiresAt: new Date(placedAt.getTime() + (48 + 72) * HOUR),
    });

    // A replayed event (or order) creates nothing more.
    expect(await scheduleOrderInvitations(app.db.prisma, s.id, order.id)).toBe(0);

    // Not yet due.
    expect(await run(s, new Date(placedAt.getTime() + 47 * HOUR))).toMatchObject({ due: 0, skipped: 0 });
    expect(await s.dueEvents()).toHaveLength(0);

    const due = new Date(placedAt.getTime() + 48 * HOUR);
    expect(await run(s, due)).toMatchObject({ due: 1, skipped: 0 });
    expect(await run(s, new Date(due.getTime() + HOUR))).toMatchObject({ due: 0, skipped: 0 });
    const events = await s.dueEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      invitationId: invitation!.id,
      surveyId: online.id,
      customerId: aino.id,
      orderId: order.id,
      locale: 'fi',
      expiresAt: invitation!.expiresAt.toISOString(),
    });
    const secret = (await feedbackSettings(app.db.prisma, s.id)).linkSecret;
    expect(verifySurveyToken(events[0]!.token, () => secret, due)).toMatchObject({
      storeId: s.id,
      surveyId: online.id,
      customerId: aino.id,
      orderId: order.id,
      invitationId: invitation!.id,
    });
    expect((await s.invitations())[0]!.status).toBe('DUE');
    expect(await app.db.prisma.feedbackAsk.findMany({ where: { customerId: aino.id } })).toEqual([
      expect.objectContaining({ kind: 'SURVEY', refId: invitation!.id, askedAt: due }),
    ]);

    // The customer answers through the link: the invitation is answered.
    const { response } = await submitSurveyResponseWithToken(app.db.prisma, events[0]!.token, {
      score: 9,
      storeId: s.id,
      now: due,
    });
    expect(response).toMatchObject({ via: 'LINK', orderId: order.id, invitationId: invitation!.id });
    expect((await s.invitations())[0]!.status).toBe('ANSWERED');
  });

  test('guests, returns, cancelled orders and old imported orders get no invitation', async () => {
    const s = await shop();
    await s.survey({ delayHours: 1 });
    const who = await s.customer();
    await s.order(null);
    const sale = await s.order(who);
    await s.order(who, {
      returnOfExternalId: sale.externalId,
      lines: [{ sku: 'SCARF', name: 'Scarf', quantity: -1, unitPrice: 4_900 }],
    });
    // Placed a year ago: its link would be dead on arrival.
    await s.order(who, { placedAt: new Date(Date.now() - 365 * DAY) });
    const invitations = await s.invitations();
    expect(invitations.map((invitation) => invitation.orderId)).toEqual([sale.id]);

    // Cancelled after the invitation was scheduled: skipped when due.
    await cancelOrder(app.db.prisma, s.id, sale.externalId);
    expect(await run(s, new Date(Date.now() + 2 * HOUR))).toMatchObject({
      due: 0,
      skipped: 1,
      skippedBy: { ORDER_CANCELLED: 1 },
    });
  });

  test('no marketing consent → SKIPPED, no ask logged, no event', async () => {
    const s = await shop();
    await s.survey({ delayHours: 0 });
    const who = await s.customer({ marketingConsent: { granted: false } });
    await s.order(who);
    expect(await run(s, new Date(Date.now() + HOUR))).toMatchObject({
      due: 0,
      skipped: 1,
      skippedBy: { NO_CONSENT: 1 },
    });
    expect(await s.invitations()).toEqual([expect.objectContaining({ status: 'SKIPPED', skipReason: 'NO_CONSENT' })]);
    expect(await s.dueEvents()).toHaveLength(0);
    expect(await app.db.prisma.feedbackAsk.count({ where: { customerId: who.id } })).toBe(0);
  });

  test('a survey switched off before its invitations are due: SKIPPED', async () => {
    const s = await shop();
    const survey = await s.survey({ delayHours: 0 });
    await s.order(await s.customer());
    await updateSurvey(app.db.prisma, s.id, survey.id, { active: false });
    expect(await run(s, new Date(Date.now() + HOUR))).toMatchObject({ skippedBy: { SURVEY_INACTIVE: 1 } });
  });

  test('an invitation past its link validity when the job finally runs: SKIPPED as EXPIRED', async () => {
    const s = await shop();
    await s.survey({ delayHours: 0, linkValidHours: 1 });
    await s.order(await s.customer());
    expect(await run(s, new Date(Date.now() + 2 * HOUR))).toMatchObject({ skippedBy: { EXPIRED: 1 } });
  });

  test('answered from the widget before it was due: never sent', async () => {
    const s = await shop();
    const survey = await s.survey({ delayHours: 24 });
    const who = await s.customer();
    const order = await s.order(who);
    await submitSurveyResponse(app.db.prisma, {
      storeId: s.id,
      surveyId: survey.id,
      score: 10,
      customerId: who.id,
      orderId: order.id,
      via: 'SHOPPER',
    });
    const [invitation] = await s.invitations();
    expect(invitation!.status).toBe('ANSWERED');
    expect(await run(s, new Date(Date.now() + 2 * DAY))).toMatchObject({ due: 0, skipped: 0 });
    expect(await s.dueEvents()).toHaveLength(0);
  });
});

describe('the contact-frequency cap', () => {
  test('across surveys: two surveys after one order ask once; a second order within the cap is skipped; after it, asked again', async () => {
    const s = await shop({ contactCapDays: 30 });
    const nps = await s.survey({ type: 'NPS', delayHours: 24 });
    const csat = await s.survey({ type: 'CSAT', delayHours: 48 });
    const who = await s.customer();
    const t0 = Date.now();
    await s.order(who, { placedAt: new Date(t0) });

    // Both due: the earlier one (NPS) is asked, the other skipped.
    expect(await run(s, new Date(t0 + 3 * DAY))).toMatchObject({ due: 1, skipped: 1, skippedBy: { FREQUENCY_CAP: 1 } });
    const decided = await s.invitations();
    expect(decided.find((i) => i.surveyId === nps.id)?.status).toBe('DUE');
    expect(decided.find((i) => i.surveyId === csat.id)).toMatchObject({
      status: 'SKIPPED',
      skipReason: 'FREQUENCY_CAP',
    });

    // Another order a week later: still within 30 days of the ask.
    await s.order(who, { placedAt: new Date(t0 + 7 * DAY) });
    expect(await run(s, new Date(t0 + 10 * DAY))).toMatchObject({ due: 0, skipped: 2 });

    // 30 days after the ask: asked again.
    await s.order(who, { placedAt: new Date(t0 + 33 * DAY - 24 * HOUR) });
    expect(await run(s, new Date(t0 + 33 * DAY))).toMatchObject({ due: 1, skipped: 0 });
    // …and the CSAT invitation of that order, due a day later, falls within the new window.
    expect(await run(s, new Date(t0 + 34 * DAY))).toMatchObject({
      due: 0,
      skipped: 1,
      skippedBy: { FREQUENCY_CAP: 1 },
    });

    // Nobody was asked twice within contactCapDays.
    const asks = await app.db.prisma.feedbackAsk.findMany({
      where: { customerId: who.id },
      orderBy: { askedAt: 'asc' },
    });
    expect(asks).toHaveLength(2);
    expect(asks[1]!.askedAt.getTime() - asks[0]!.askedAt.getTime()).toBeGreaterThanOrEqual(30 * DAY);
    expect(await s.dueEvents()).toHaveLength(2);
  });

  test('a review request counts too (and the cap is per customer, not per store-wide)', async () => {
    const s = await shop({ contactCapDays: 14 });
    await s.survey({ delayHours: 24 });
    const asked = await s.customer();
    const fresh = await s.customer();
    const t0 = Date.now();
    await app.db.prisma.$transaction(async (tx) => {
      expect(await canAsk(tx, s.id, asked.id, new Date(t0), { contactCapDays: 14 })).toBe(true);
      expect(
        await recordAsk(tx, {
          storeId: s.id,
          customerId: asked.id,
          kind: 'REVIEW_REQUEST',
          refId: 'SCARF',
          askedAt: new Date(t0),
        }),
      ).toBe(true);
      // Logging the same ask twice adds nothing.
      expect(
        await recordAsk(tx, {
          storeId: s.id,
          customerId: asked.id,
          kind: 'REVIEW_REQUEST',
          refId: 'SCARF',
          askedAt: new Date(t0),
        }),
      ).toBe(false);
    });
    await s.order(asked, { placedAt: new Date(t0) });
    await s.order(fresh, { placedAt: new Date(t0) });
    expect(await run(s, new Date(t0 + 2 * DAY))).toMatchObject({ due: 1, skipped: 1, skippedBy: { FREQUENCY_CAP: 1 } });
    expect((await s.dueEvents()).map((event) => event.customerId)).toEqual([fresh.id]);
  });

  test('canAsk: exactly contactCapDays later is allowed, a day less is not; 0 days means no cap', async () => {
    const s = await shop();
    const who = await s.customer();
    const t0 = new Date('2026-06-01T10:00:00Z');
    await app.db.prisma.$transaction((tx) =>
      recordAsk(tx, { storeId: s.id, customerId: who.id, kind: 'SURVEY', refId: 'x', askedAt: t0 }),
    );
    const check = (at: Date, days: number) =>
      app.db.prisma.$transaction((tx) => canAsk(tx, s.id, who.id, at, { contactCapDays: days }));
    expect(await check(new Date(t0.getTime() + 29 * DAY), 30)).toBe(false);
    expect(await check(new Date(t0.getTime() + 30 * DAY - 1), 30)).toBe(false);
    expect(await check(new Date(t0.getTime() + 30 * DAY), 30)).toBe(true);
    // An ask logged later than `at` blocks too (no two asks closer than the cap).
    expect(await check(new Date(t0.getTime() - 5 * DAY), 30)).toBe(false);
    expect(await check(t0, 0)).toBe(true);
  });

  test('re-surveys after a resolved case ("case:<id>") ignore the cap but not consent', async () => {
    const s = await shop({ contactCapDays: 30 });
    const survey = await s.survey({ delayHours: 0 });
    const who = await s.customer();
    const noConsent = await s.customer({ marketingConsent: { granted: false } });
    const t0 = Date.now();
    await app.db.prisma.$transaction((tx) =>
      recordAsk(tx, { storeId: s.id, customerId: who.id, kind: 'SURVEY', refId: 'earlier', askedAt: new Date(t0) }),
    );
    const first = await createInvitation(app.db.prisma, {
      storeId: s.id,
      survey,
      customerId: who.id,
      sourceRef: 'case:1',
      dueAt: new Date(t0),
    });
    expect(first.created).toBe(true);
    const again = await createInvitation(app.db.prisma, {
      storeId: s.id,
      survey,
      customerId: who.id,
      sourceRef: 'case:1',
      dueAt: new Date(t0),
    });
    expect(again).toEqual({ invitation: first.invitation, created: false });
    await createInvitation(app.db.prisma, {
      storeId: s.id,
      survey,
      customerId: noConsent.id,
      sourceRef: 'case:2',
      dueAt: new Date(t0),
    });
    expect(await run(s, new Date(t0 + HOUR))).toMatchObject({ due: 1, skipped: 1, skippedBy: { NO_CONSENT: 1 } });
    expect(first.invitation.expiresAt.getTime()).toBe(t0 + survey.linkValidHours * HOUR);
  });

  test('concurrent job runs send each invitation once', async () => {
    const s = await shop({ contactCapDays: 0 });
    await s.survey({ delayHours: 0 });
    await s.survey({ delayHours: 0, type: 'CES' });
    const people = await Promise.all([1, 2, 3].map(() => s.customer()));
    for (const person of people) await s.order(person);
    const later = new Date(Date.now() + HOUR);
    const reports = await Promise.all([run(s, later), run(s, later), runFeedbackJobs(app.db.prisma, { now: later })]);
    expect(reports.reduce((total, report) => total + report.due, 0)).toBe(6);
    const events = await s.dueEvents();
    expect(events).toHaveLength(6);
    expect(new Set(events.map((event) => event.invitationId)).size).toBe(6);
  });
});

describe('after a support contact', () => {
  test('SUPPORT_CONTACT interactions get AFTER_SUPPORT invitations (once), due delayHours later', async () => {
    const s = await shop();
    const survey = await s.survey({ type: 'CES', trigger: 'AFTER_SUPPORT', delayHours: 2 });
    const who = await s.customer();
    const before = await s.customer();
    // A contact from before the survey existed is not surveyed.
    await app.db.prisma.interaction.create({
      data: {
        storeId: s.id,
        customerId: before.id,
        type: 'SUPPORT_CONTACT',
        occurredAt: new Date(survey.createdAt.getTime() - HOUR),
      },
    });
    const at = new Date(Date.now() + 1_000);
    const interactionId = await recordInteraction(app.db.prisma, s.id, who.id, {
      type: 'SUPPORT_CONTACT',
      channel: 'APP',
      occurredAt: at,
      sourceRef: 'ticket-77',
    });
    await recordInteraction(app.db.prisma, s.id, who.id, { type: 'EMAIL_SENT', occurredAt: at });

    const first = await run(s, new Date(at.getTime() + HOUR));
    expect(first).toMatchObject({ supportInvitations: 1, due: 0 });
    expect(await s.invitations()).toEqual([
      expect.objectContaining({
        surveyId: survey.id,
        customerId: who.id,
        orderId: null,
        sourceRef: `interaction:${interactionId}`,
        channel: 'APP',
        dueAt: new Date(at.getTime() + 2 * HOUR),
      }),
    ]);
    const second = await run(s, new Date(at.getTime() + 2 * HOUR));
    expect(second).toMatchObject({ supportInvitations: 0, due: 1 });
    const [event] = await s.dueEvents();
    // One answer per invitation through its link.
    const { response } = await submitSurveyResponseWithToken(app.db.prisma, event!.token, { score: 2 });
    expect(response).toMatchObject({ dedupeKey: `invitation:${event!.invitationId}`, via: 'LINK', orderId: null });
    const edit = await submitSurveyResponseWithToken(app.db.prisma, event!.token, { score: 1 });
    expect(edit).toMatchObject({ edited: true, response: { id: response.id } });
  });
});

describe('the scheduler', () => {
  test('runs the jobs periodically until stopped', async () => {
    const s = await shop();
    await s.survey({ delayHours: 0 });
    await s.order(await s.customer(), { placedAt: new Date(Date.now() - HOUR) });
    const scheduler = startFeedbackScheduler({
      db: app.db,
      logger: silentLogger(),
      intervalMs: 1_000,
      initialDelayMs: 0,
    });
    try {
      for (let waited = 0; waited < 20_000; waited += 100) {
        if ((await s.invitations())[0]?.status === 'DUE') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await scheduler.stop();
    }
    expect((await s.invitations())[0]?.status).toBe('DUE');
    expect(await s.dueEvents()).toHaveLength(1);
  });
});
