import { expect } from 'vitest';
import { createInvitation } from '../../src/modules/feedback/invitations.service.ts';
import { submitSurveyResponse } from '../../src/modules/feedback/responses.service.ts';
import { submitReview } from '../../src/modules/feedback/reviews.service.ts';
import { feedbackSettings, updateFeedbackSettings } from '../../src/modules/feedback/settings.service.ts';
import { signSurveyToken } from '../../src/modules/feedback/survey-link.ts';
import { createSurvey } from '../../src/modules/feedback/surveys.service.ts';
import { recordOrders } from '../../src/modules/orders/orders.service.ts';
import { upsertProducts } from '../../src/modules/products/products.service.ts';
import { subscribe } from '../loyalty/sse.ts';
import type { TenancyCases } from './types.ts';

/** Feedback: store B's keys (and B's shoppers) against store A's surveys, answers, cases and reviews. */
export const feedbackCases: TenancyCases = (ctx) => {
  const { app } = ctx;
  const prisma = () => app.db.prisma;

  interface Victim {
    surveyId: string;
    customerId: string;
    orderId: string;
    responseId: string;
    caseId: string;
    reviewId: string;
    pendingReviewId: string;
    invitationId: string;
    token: string;
  }
  /**
   * Store A: a catalogue product, an anonymous-friendly survey, a customer with an order, a detractor
   * answer (so a case), a published review, a pending review, and an invitation with its signed token.
   */
  let setup: Promise<Victim> | undefined;
  const victim = () => {
    setup ??= (async () => {
      const storeId = ctx.a.id;
      await upsertProducts(prisma(), storeId, [{ sku: 'A-FB', name: 'A feedback product' }]);
      await updateFeedbackSettings(prisma(), storeId, { contactCapDays: 7 });
      const survey = await createSurvey(prisma(), storeId, {
        name: 'A NPS',
        type: 'NPS',
        trigger: 'ALWAYS_ON',
        allowAnonymous: true,
      });
      const customer = await prisma().customer.create({
        data: {
          storeId,
          identities: { create: [{ storeId, source: 'web', externalId: 'fb-victim' }] },
        },
      });
      const [placed] = await recordOrders(prisma(), storeId, [
        {
          externalId: 'A-FB-1',
          channel: 'ONLINE',
          placedAt: new Date(),
          customer: { identities: [{ source: 'web', externalId: 'fb-victim' }] },
          lines: [{ sku: 'A-FB', name: 'A feedback product', quantity: 1, unitPrice: 500 }],
        },
      ]);
      const answered = await submitSurveyResponse(prisma(), {
        storeId,
        surveyId: survey.id,
        score: 2,
        via: 'ADMIN',
        customerId: customer.id,
        orderId: placed!.orderId,
      });
      const review = await submitReview(prisma(), {
        storeId,
        customerId: customer.id,
        sku: 'A-FB',
        rating: 4,
        body: 'A victim review of the A product.',
      });
      const unverified = await prisma().customer.create({ data: { storeId } });
      const pending = await submitReview(prisma(), {
        storeId,
        customerId: unverified.id,
        sku: 'A-FB',
        rating: 3,
        body: 'Waiting for the A moderator here.',
      });
      const { invitation } = await createInvitation(prisma(), {
        storeId,
        survey,
        customerId: customer.id,
        sourceRef: 'tenancy:1',
        dueAt: new Date(),
      });
      const settings = await feedbackSettings(prisma(), storeId);
      const token = signSurveyToken(
        {
          storeId,
          surveyId: survey.id,
          customerId: customer.id,
          orderId: null,
          invitationId: invitation.id,
          expiresAt: invitation.expiresAt,
        },
        settings.linkSecret,
      );
      expect(review.status).toBe('PUBLISHED');
      expect(pending.status).toBe('PENDING');
      return {
        surveyId: survey.id,
        customerId: customer.id,
        orderId: placed!.orderId,
        responseId: answered.response.id,
        caseId: answered.caseId!,
        reviewId: review.id,
        pendingReviewId: pending.id,
        invitationId: invitation.id,
        token,
      };
    })();
    return setup;
  };

  /** A's answers, case, reviews and settings are as the setup left them. */
  const unchanged = async () => {
    const v = await victim();
    expect(await prisma().surveyResponse.count({ where: { storeId: ctx.a.id } })).toBe(1);
    expect(await prisma().surveyResponse.findUniqueOrThrow({ where: { id: v.responseId } })).toMatchObject({
      score: 2,
    });
    expect(await prisma().followUpCase.findUniqueOrThrow({ where: { id: v.caseId } })).toMatchObject({
      status: 'OPEN',
      assignee: null,
      reply: null,
    });
    expect(await prisma().caseNote.count({ where: { caseId: v.caseId } })).toBe(0);
    expect(await prisma().review.findUniqueOrThrow({ where: { id: v.reviewId } })).toMatchObject({
      status: 'PUBLISHED',
      helpfulCount: 0,
      reply: null,
    });
    expect(await prisma().review.findUniqueOrThrow({ where: { id: v.pendingReviewId } })).toMatchObject({
      status: 'PENDING',
    });
    expect(await prisma().review.count({ where: { storeId: ctx.a.id } })).toBe(2);
    expect(await prisma().surveyInvitation.findUniqueOrThrow({ where: { id: v.invitationId } })).toMatchObject({
      status: 'SCHEDULED',
    });
    expect(await prisma().survey.findUniqueOrThrow({ where: { id: v.surveyId } })).toMatchObject({
      name: 'A NPS',
      active: true,
    });
  };

  const asB = (query: string, variables: Record<string, unknown> = {}) =>
    app.gql(query, variables, { key: ctx.b.secretKey });
  const asBVisitor = (query: string, variables: Record<string, unknown> = {}) =>
    app.gql(query, variables, { key: ctx.b.publishableKey });
  /** B's shopper with the same external id as A's customer: a different person. */
  const asBShopper = async (query: string, variables: Record<string, unknown> = {}) => {
    const bCustomer = await prisma().customer.findFirst({
      where: { storeId: ctx.b.id, identities: { some: { externalId: 'fb-victim' } } },
    });
    if (!bCustomer)
      await prisma().customer.create({
        data: {
          storeId: ctx.b.id,
          identities: { create: [{ storeId: ctx.b.id, source: 'web', externalId: 'fb-victim' }] },
        },
      });
    const token = await app.customerToken(ctx.b.secretKey, 'web:fb-victim');
    return app.gql(query, variables, { key: ctx.b.publishableKey, customerToken: token });
  };
  const ids = (connection: { edges: { node: { id: string } }[] }) => connection.edges.map((edge) => edge.node.id);

  return {
    'Query.survey': async () => {
      const { surveyId } = await victim();
      for (const ask of [asB, asBVisitor]) {
        const response = await ask('query($id: ID!) { survey(id: $id) { id } }', { id: surveyId });
        expect(response.data?.survey).toBeNull();
      }
    },
    'Query.surveys': async () => {
      const { surveyId } = await victim();
      for (const response of [
        await asB('{ surveys(includeInactive: true) { id } }'),
        await asBVisitor('{ surveys { id } }'),
      ])
        expect(response.data?.surveys.map((survey: { id: string }) => survey.id)).not.toContain(surveyId);
    },
    'Query.feedbackSettings': async () => {
      await victim();
      const response = await asB('{ feedbackSettings { contactCapDays } }');
      expect(response.data?.feedbackSettings.contactCapDays).not.toBe(7);
    },
    'Query.surveyResponses': async () => {
      const { responseId, customerId, surveyId } = await victim();
      const all = await asB('{ surveyResponses(first: 100) { edges { node { id } } } }');
      expect(ids(all.data?.surveyResponses)).not.toContain(responseId);
      for (const filter of [{ customerId }, { surveyId }]) {
        const filtered = await asB(
          'query($f: SurveyResponseFilter) { surveyResponses(first: 10, filter: $f) { edges { node { id } } } }',
          { f: filter },
        );
        expect(filtered.data?.surveyResponses.edges).toEqual([]);
      }
    },
    'Query.surveyInvitations': async () => {
      const { invitationId, customerId } = await victim();
      const all = await asB('{ surveyInvitations(first: 100) { edges { node { id } } } }');
      expect(ids(all.data?.surveyInvitations)).not.toContain(invitationId);
      const filtered = await asB(
        'query($c: ID) { surveyInvitations(first: 10, filter: { customerId: $c }) { edges { node { id } } } }',
        { c: customerId },
      );
      expect(filtered.data?.surveyInvitations.edges).toEqual([]);
    },
    'Query.reviewRequests': async () => {
      const { customerId, orderId } = await victim();
      const request = await prisma().reviewRequest.upsert({
        where: { storeId_orderId: { storeId: ctx.a.id, orderId } },
        create: { storeId: ctx.a.id, customerId, orderId, skus: ['A-FB'], dueAt: new Date() },
        update: {},
      });
      const all = await asB('{ reviewRequests(first: 100) { edges { node { id } } } }');
      expect(ids(all.data?.reviewRequests)).not.toContain(request.id);
      const filtered = await asB(
        'query($c: ID) { reviewRequests(first: 10, filter: { customerId: $c }) { edges { node { id } } } }',
        { c: customerId },
      );
      expect(filtered.data?.reviewRequests.edges).toEqual([]);
    },
    'Query.followUpCases': async () => {
      const { caseId, customerId } = await victim();
      const all = await asB('{ followUpCases(first: 100) { edges { node { id } } } }');
      expect(ids(all.data?.followUpCases)).not.toContain(caseId);
      const filtered = await asB(
        'query($c: ID) { followUpCases(first: 10, filter: { customerId: $c }) { edges { node { id } } } }',
        { c: customerId },
      );
      expect(filtered.data?.followUpCases.edges).toEqual([]);
    },
    'Query.followUpCase': async () => {
      const { caseId } = await victim();
      const response = await asB('query($id: ID!) { followUpCase(id: $id) { id } }', { id: caseId });
      expect(response.data?.followUpCase).toBeNull();
    },
    'Query.overdueCaseCount': async () => {
      const { caseId } = await victim();
      const dueAt = (await prisma().followUpCase.findUniqueOrThrow({ where: { id: caseId } })).dueAt;
      await prisma().followUpCase.update({ where: { id: caseId }, data: { dueAt: new Date(Date.now() - 60_000) } });
      try {
        const response = await asB('{ overdueCaseCount }');
        const own = await prisma().followUpCase.count({
          where: { storeId: ctx.b.id, status: { in: ['OPEN', 'IN_PROGRESS'] }, dueAt: { lt: new Date() } },
        });
        expect(response.data?.overdueCaseCount).toBe(own);
        const a = await app.gql('{ overdueCaseCount }', {}, { key: ctx.a.secretKey });
        expect(a.data?.overdueCaseCount).toBe(1);
      } finally {
        await prisma().followUpCase.update({ where: { id: caseId }, data: { dueAt } });
      }
    },
    'Query.reviews': async () => {
      const { reviewId, pendingReviewId, customerId } = await victim();
      const all = await asB('{ reviews(first: 100) { edges { node { id } } } }');
      expect(ids(all.data?.reviews)).not.toContain(reviewId);
      expect(ids(all.data?.reviews)).not.toContain(pendingReviewId);
      const filtered = await asB(
        'query($c: ID) { reviews(first: 10, filter: { customerId: $c, sku: "A-FB" }) { edges { node { id } } } }',
        { c: customerId },
      );
      expect(filtered.data?.reviews.edges).toEqual([]);
    },
    'Query.reviewModerationQueue': async () => {
      const { pendingReviewId } = await victim();
      const response = await asB('{ reviewModerationQueue(first: 100) { edges { node { id } } } }');
      expect(ids(response.data?.reviewModerationQueue)).not.toContain(pendingReviewId);
    },
    'Mutation.submitSurveyResponse': async () => {
      const { surveyId, orderId, customerId } = await victim();
      const SUBMIT = 'mutation($input: SurveyResponseInput!) { submitSurveyResponse(input: $input) { __typename } }';
      // A's survey does not exist in B, whoever answers.
      for (const ask of [asB, asBVisitor, asBShopper]) {
        const response = await ask(SUBMIT, { input: { surveyId, score: 10 } });
        expect(response.data?.submitSurveyResponse.__typename).toBe('NotFoundError');
      }
      // On B's own survey, A's order and A's customer are unknown.
      const bSurvey = await createSurvey(prisma(), ctx.b.id, {
        name: `B NPS ${Math.random()}`,
        type: 'NPS',
        trigger: 'ALWAYS_ON',
        allowAnonymous: true,
      });
      const withOrder = await asBShopper(SUBMIT, { input: { surveyId: bSurvey.id, score: 10, orderId } });
      expect(withOrder.data?.submitSurveyResponse.__typename).toBe('NotFoundError');
      const forCustomer = await asB(SUBMIT, { input: { surveyId: bSurvey.id, score: 10, customerId } });
      expect(forCustomer.data?.submitSurveyResponse.__typename).toBe('NotFoundError');
      const adminOrder = await asB(SUBMIT, { input: { surveyId: bSurvey.id, score: 10, orderId } });
      expect(adminOrder.data?.submitSurveyResponse.__typename).toBe('NotFoundError');
      await unchanged();
    },
    'Mutation.submitSurveyResponseWithToken': async () => {
      const { token } = await victim();
      const ANSWER =
        'mutation($t: String!) { submitSurveyResponseWithToken(token: $t, score: 0) { __typename ... on SurveyLinkError { reason } } }';
      for (const ask of [asBVisitor, asB]) {
        const response = await ask(ANSWER, { t: token });
        expect(response.data?.submitSurveyResponseWithToken).toEqual({
          __typename: 'SurveyLinkError',
          reason: 'INVALID',
        });
      }
      await unchanged();
    },
    'Mutation.submitReview': async () => {
      await victim();
      const response = await asBShopper(
        'mutation { submitReview(input: { sku: "A-FB", rating: 1, body: "Hijacking the A product page." }) { __typename } }',
      );
      expect(response.data?.submitReview.__typename).toBe('NotFoundError');
      const page = await app.gql('{ product(sku: "A-FB") { rating { count } } }', {}, { key: ctx.a.publishableKey });
      expect(page.data?.product.rating.count).toBe(1);
      await unchanged();
    },
    'Mutation.voteReviewHelpful': async () => {
      const { reviewId } = await victim();
      const response = await asBShopper('mutation($id: ID!) { voteReviewHelpful(reviewId: $id) { __typename } }', {
        id: reviewId,
      });
      expect(response.data?.voteReviewHelpful.__typename).toBe('NotFoundError');
      await unchanged();
    },
    'Mutation.updateFeedbackSettings': async () => {
      await victim();
      const before = await prisma().feedbackSettings.findUniqueOrThrow({ where: { storeId: ctx.a.id } });
      const response = await asB(
        'mutation { updateFeedbackSettings(input: { contactCapDays: 1, autoPublish: NONE, rotateLinkSecret: true }) { ... on FeedbackSettings { contactCapDays } } }',
      );
      expect(response.data?.updateFeedbackSettings.contactCapDays).toBe(1);
      // A's settings, and so A's outstanding links, are untouched.
      const after = await prisma().feedbackSettings.findUniqueOrThrow({ where: { storeId: ctx.a.id } });
      expect(after).toMatchObject({ contactCapDays: 7, autoPublish: 'VERIFIED', linkSecret: before.linkSecret });
      await updateFeedbackSettings(prisma(), ctx.b.id, { contactCapDays: 30, autoPublish: 'VERIFIED' });
    },
    'Mutation.createSurvey': async () => {
      await victim();
      // The same name as A's survey is B's own business.
      const response = await asB(
        'mutation { createSurvey(input: { name: "A NPS", type: CSAT, trigger: ALWAYS_ON }) { __typename ... on Survey { id } } }',
      );
      expect(response.data?.createSurvey.__typename).toBe('Survey');
      const created = await prisma().survey.findUniqueOrThrow({ where: { id: response.data?.createSurvey.id } });
      expect(created.storeId).toBe(ctx.b.id);
      await unchanged();
    },
    'Mutation.updateSurvey': async () => {
      const { surveyId } = await victim();
      const response = await asB(
        'mutation($id: ID!) { updateSurvey(id: $id, input: { name: "Hijacked", active: false }) { __typename } }',
        { id: surveyId },
      );
      expect(response.data?.updateSurvey.__typename).toBe('NotFoundError');
      await unchanged();
    },
    'Mutation.updateFollowUpCase': async () => {
      const { caseId } = await victim();
      const response = await asB(
        'mutation($id: ID!) { updateFollowUpCase(id: $id, input: { status: DISMISSED, assignee: "B", reply: "x" }) { __typename } }',
        { id: caseId },
      );
      expect(response.data?.updateFollowUpCase.__typename).toBe('NotFoundError');
      await unchanged();
    },
    'Mutation.addCaseNote': async () => {
      const { caseId } = await victim();
      const response = await asB('mutation($id: ID!) { addCaseNote(caseId: $id, body: "B was here") { __typename } }', {
        id: caseId,
      });
      expect(response.data?.addCaseNote.__typename).toBe('NotFoundError');
      await unchanged();
    },
    'Mutation.moderateReview': async () => {
      const { reviewId, pendingReviewId } = await victim();
      for (const [id, status] of [
        [reviewId, 'REJECTED'],
        [pendingReviewId, 'PUBLISHED'],
      ]) {
        const response = await asB(
          'mutation($id: ID!, $s: ReviewModerationDecision!) { moderateReview(id: $id, status: $s, reason: "B says so") { __typename } }',
          { id, s: status },
        );
        expect(response.data?.moderateReview.__typename).toBe('NotFoundError');
      }
      await unchanged();
    },
    'Mutation.replyToReview': async () => {
      const { reviewId } = await victim();
      const response = await asB('mutation($id: ID!) { replyToReview(id: $id, reply: "B replies") { __typename } }', {
        id: reviewId,
      });
      expect(response.data?.replyToReview.__typename).toBe('NotFoundError');
      await unchanged();
    },
    'Subscription.feedbackReceived': async () => {
      const { surveyId } = await victim();
      const stream = await subscribe(
        app.yoga,
        { authorization: `Bearer ${ctx.b.secretKey}` },
        'subscription { feedbackReceived { kind surveyResponse { id } } }',
      );
      try {
        const next = stream.next(500);
        // An anonymous answer to A's survey, through A's key.
        const answered = await app.gql(
          'mutation($s: ID!) { submitSurveyResponse(input: { surveyId: $s, score: 9 }) { __typename } }',
          { s: surveyId },
          { key: ctx.a.publishableKey },
        );
        expect(answered.data?.submitSurveyResponse.__typename).toBe('SurveyAnswerPayload');
        await app.events.drain();
        await expect(next).rejects.toThrow('no event in time');
      } finally {
        stream.close();
        // Leave A as the other cases expect it.
        await prisma().surveyResponse.deleteMany({ where: { storeId: ctx.a.id, via: 'ANONYMOUS' } });
      }
    },
  };
};
