import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DomainEvent } from '../../src/events/events.ts';
import { runFeedbackJobs } from '../../src/modules/feedback/feedback.jobs.ts';
import { recordOrders } from '../../src/modules/orders/orders.service.ts';
import { upsertProducts } from '../../src/modules/products/products.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/** The feedback API end to end: public product pages and widgets, shoppers, admins, and a post-purchase NPS run. */
let app: TestApp;
let store: CreatedStore;

const E = '__typename ... on Error { code message }';
const ERROR = `${E} ... on InvalidInputError { field }`;
const XSS = '<img src=x onerror=alert(1)>';

/** Every delivered event, by type (subscribed before the first drain). */
const delivered: DomainEvent[] = [];
const eventsOf = <T extends DomainEvent['type']>(type: T) =>
  delivered.filter((event) => event.type === type) as DomainEvent<T>[];

async function admin(query: string, variables: Record<string, unknown> = {}) {
  const response = await app.gql(query, variables, { key: store.secretKey });
  expect(response.errors).toBeUndefined();
  return response.data!;
}

const shopper = (token: string, query: string, variables: Record<string, unknown> = {}) =>
  app.gql(query, variables, { key: store.publishableKey, customerToken: token });

const visitor = (query: string, variables: Record<string, unknown> = {}) =>
  app.gql(query, variables, { key: store.publishableKey });

let counter = 0;
/** A customer known by the web identity `ext`, with marketing consent, and their customer token. */
async function customer(extra: { locale?: string; consent?: boolean } = {}) {
  const ext = `fb-shopper-${++counter}`;
  const row = await app.db.prisma.customer.create({
    data: {
      storeId: store.id,
      firstName: `Shopper ${counter}`,
      locale: extra.locale ?? null,
      marketingConsent: extra.consent ?? true,
      identities: { create: [{ storeId: store.id, source: 'web', externalId: ext }] },
    },
  });
  const token = await app.customerToken(store.secretKey, `web:${ext}`);
  return { id: row.id, ext, token };
}

let orderNumber = 0;
/** A sale of `skus` to the customer known by `ext`; returns the order id. */
async function order(ext: string, skus: string[], extra: { channel?: 'STORE' | 'ONLINE'; placedAt?: Date } = {}) {
  const [result] = await recordOrders(app.db.prisma, store.id, [
    {
      externalId: `FB-${++orderNumber}`,
      channel: extra.channel ?? 'ONLINE',
      location: extra.channel === 'STORE' ? 'Helsinki Kamppi' : null,
      placedAt: extra.placedAt ?? new Date(),
      customer: { identities: [{ source: 'web', externalId: ext }] },
      lines: skus.map((sku) => ({ sku, name: sku, quantity: 1, unitPrice: 1_000 })),
    },
  ]);
  return result!.orderId;
}

async function createSurvey(input: Record<string, unknown>) {
  const data = await admin(
    `mutation($input: SurveyInput!) { createSurvey(input: $input) { ${ERROR} ... on Survey { id } } }`,
    { input },
  );
  expect(data.createSurvey.__typename).toBe('Survey');
  return data.createSurvey.id as string;
}

const SUBMIT = `mutation($input: SurveyResponseInput!) { submitSurveyResponse(input: $input) {
  ${ERROR}
  ... on SurveyAnswerPayload { edited thankYou response { id score comment via orderId channel location productSkus locale npsCategory } }
  ... on SurveyResponseLockedError { lockedAt }
} }`;

const SUBMIT_REVIEW = `mutation($input: ReviewInput!) { submitReview(input: $input) {
  ${ERROR}
  ... on Review { id sku rating title body status verifiedPurchase photoUrls }
  ... on ReviewRateLimitedError { limit retryAfter }
} }`;

let npsSurvey: string;
let csatWidget: string;

beforeAll(async () => {
  app = await createTestApp();
  store = await app.createStore('Feedback shop');
  for (const type of ['survey.invitation.due', 'case.opened', 'case.resolved', 'survey.responded'] as const)
    app.events.subscribe(type, `test.${type}`, async (event) => {
      delivered.push(event);
    });
  await upsertProducts(app.db.prisma, store.id, [
    {
      sku: 'MUG',
      name: 'Mug',
      url: 'https://shop.example/mug',
      imageUrl: 'https://shop.example/mug.jpg',
      price: 1_250,
      currency: 'EUR',
    },
    { sku: 'KETTLE', name: 'Kettle' },
    { sku: 'XSS', name: 'Innocent product' },
  ]);
  npsSurvey = await createSurvey({
    name: 'Post-purchase NPS',
    type: 'NPS',
    trigger: 'AFTER_ORDER',
    delayHours: 24,
    texts: [{ locale: 'fi', question: 'Suosittelisitko Kantaa?' }],
  });
  csatWidget = await createSurvey({ name: 'Checkout CSAT', type: 'CSAT', trigger: 'ALWAYS_ON', allowAnonymous: true });
});
afterAll(() => app.close());

describe('public (any key)', () => {
  const PRODUCT = `query($sku: String!, $sort: ReviewSort, $photos: Boolean) { product(sku: $sku) {
    sku name url imageUrl
    rating { average count histogram }
    reviews(first: 10, sort: $sort, withPhotos: $photos) { edges { node { rating title body authorName photoUrls helpfulCount verifiedPurchase reply } } pageInfo { hasNextPage endCursor } }
    jsonLd jsonLdScript
  } }`;

  test('a product page: rating, reviews in every order, photos only, JSON-LD', async () => {
    const reviewers = [await customer(), await customer(), await customer()];
    const written = [
      { rating: 5, body: 'Keeps my coffee hot for ages, love it.', photoUrls: ['https://cdn.example/p1.jpg'] },
      { rating: 2, body: 'The handle broke off after a week of use.' },
      { rating: 4, body: 'Nice colour, a bit smaller than expected.' },
    ];
    for (const [index, review] of written.entries()) {
      const reviewer = reviewers[index]!;
      await order(reviewer.ext, ['MUG'], { channel: index === 1 ? 'STORE' : 'ONLINE' });
      const response = await shopper(reviewer.token, SUBMIT_REVIEW, {
        input: { sku: 'MUG', authorName: `Reviewer ${index}`, ...review },
      });
      // Bought online or in a store: a verified purchase, published at once (autoPublish VERIFIED).
      expect(response.data!.submitReview).toMatchObject({
        __typename: 'Review',
        verifiedPurchase: true,
        status: 'PUBLISHED',
      });
    }
    const page = await visitor(PRODUCT, { sku: 'MUG' });
    expect(page.errors).toBeUndefined();
    const product = page.data!.product;
    expect(product).toMatchObject({ sku: 'MUG', name: 'Mug', url: 'https://shop.example/mug' });
    expect(product.rating).toEqual({ average: 3.67, count: 3, histogram: [0, 1, 0, 1, 1] });
    expect(product.reviews.edges.map((edge: any) => edge.node.rating)).toEqual([4, 2, 5]);
    const highest = await visitor(PRODUCT, { sku: 'MUG', sort: 'HIGHEST' });
    expect(highest.data!.product.reviews.edges.map((edge: any) => edge.node.rating)).toEqual([5, 4, 2]);
    const PAGE = `query($after: String) { product(sku: "MUG") { reviews(first: 2, after: $after, sort: HIGHEST) {
      edges { node { rating } } pageInfo { hasNextPage endCursor } } } }`;
    const page1 = (await visitor(PAGE)).data!.product.reviews;
    expect(page1.edges.map((edge: any) => edge.node.rating)).toEqual([5, 4]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await visitor(PAGE, { after: page1.pageInfo.endCursor })).data!.product.reviews;
    expect(page2).toMatchObject({ edges: [{ node: { rating: 2 } }], pageInfo: { hasNextPage: false } });
    const backwards = await visitor('{ product(sku: "MUG") { reviews(last: 2) { edges { node { rating } } } } }');
    expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ field: 'last' }] });
    const lowest = await visitor(PRODUCT, { sku: 'MUG', sort: 'LOWEST' });
    expect(lowest.data!.product.reviews.edges.map((edge: any) => edge.node.rating)).toEqual([2, 4, 5]);
    const photos = await visitor(PRODUCT, { sku: 'MUG', photos: true });
    expect(photos.data!.product.reviews.edges.map((edge: any) => edge.node.photoUrls)).toEqual([
      ['https://cdn.example/p1.jpg'],
    ]);
    expect(product.jsonLd).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'Product',
      name: 'Mug',
      sku: 'MUG',
      aggregateRating: { '@type': 'AggregateRating', ratingValue: 3.67, reviewCount: 3 },
    });
    expect(product.jsonLd.review).toHaveLength(3);
    expect(JSON.parse(product.jsonLdScript)).toEqual(product.jsonLd);
    // Helpful votes reorder MOST_HELPFUL: the 2-star review (nothing hides a negative review).
    const low = await app.db.prisma.review.findFirstOrThrow({ where: { storeId: store.id, sku: 'MUG', rating: 2 } });
    const voter = await customer();
    const vote = await shopper(
      voter.token,
      `mutation($id: ID!) { voteReviewHelpful(reviewId: $id) { ${E} ... on Review { helpfulCount } } }`,
      {
        id: low.id,
      },
    );
    expect(vote.data!.voteReviewHelpful).toEqual({ __typename: 'Review', helpfulCount: 1 });
    const helpful = await visitor(PRODUCT, { sku: 'MUG', sort: 'MOST_HELPFUL' });
    expect(helpful.data!.product.reviews.edges[0].node).toMatchObject({ rating: 2, helpfulCount: 1 });
  });

  test('review text comes back byte-identical as a string, in GraphQL and in JSON-LD; the script text is escaped', async () => {
    const author = await customer();
    await order(author.ext, ['XSS']);
    const submitted = await shopper(author.token, SUBMIT_REVIEW, {
      input: { sku: 'XSS', rating: 1, title: XSS, body: XSS, authorName: XSS },
    });
    expect(submitted.data!.submitReview).toMatchObject({
      __typename: 'Review',
      title: XSS,
      body: XSS,
      status: 'PUBLISHED',
    });
    const page = await visitor(PRODUCT, { sku: 'XSS' });
    const product = page.data!.product;
    const node = product.reviews.edges[0].node;
    expect(node.body).toBe(XSS);
    expect(node.title).toBe(XSS);
    expect(node.authorName).toBe(XSS);
    expect(product.jsonLd.review[0]).toMatchObject({ reviewBody: XSS, name: XSS, author: { name: XSS } });
    // Inside <script type="application/ld+json"> nothing can open a tag or close the script.
    expect(product.jsonLdScript).not.toMatch(/[<>]/);
    expect(product.jsonLdScript).toContain('\\u003cimg src=x onerror=alert(1)\\u003e');
    expect(JSON.parse(product.jsonLdScript).review[0].reviewBody).toBe(XSS);
    // The raw HTTP body carries it as a JSON string, not markup.
    const raw = await app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${store.publishableKey}` },
      body: JSON.stringify({
        query: '{ product(sku: "XSS") { reviews(first: 1) { edges { node { body } } } } }',
      }),
    });
    expect(raw.headers.get('content-type')).toContain('application/json');
    expect(await raw.text()).toContain(JSON.stringify(XSS));
  });

  test('a sku the catalogue does not know has no product page and takes no reviews', async () => {
    const unknown = await visitor('{ product(sku: "NOPE") { sku } }');
    expect(unknown.data!.product).toBeNull();
    const author = await customer();
    const written = await shopper(author.token, SUBMIT_REVIEW, {
      input: { sku: 'NOPE', rating: 3, body: 'Bought at a market stall, decent.' },
    });
    expect(written.data!.submitReview).toMatchObject({ __typename: 'NotFoundError', message: 'Product was not found' });
    // A product without reviews: an empty rating and JSON-LD without AggregateRating.
    const page = await visitor('{ product(sku: "KETTLE") { name rating { count average histogram } jsonLd } }');
    expect(page.data!.product).toMatchObject({
      name: 'Kettle',
      rating: { count: 0, average: null, histogram: [0, 0, 0, 0, 0] },
      jsonLd: { '@type': 'Product', name: 'Kettle', sku: 'KETTLE' },
    });
    expect(page.data!.product.jsonLd.aggregateRating).toBeUndefined();
  });

  test('survey definitions for widgets, texts in the requested locale with fallback', async () => {
    const WIDGET = `query($id: ID!, $locale: String) { survey(id: $id, locale: $locale) {
      id type trigger scale { min max } allowComment allowAnonymous
      texts { locale question followUp thankYou lowLabel highLabel }
      en: texts(locale: "en") { question }
    } }`;
    const fi = await visitor(WIDGET, { id: npsSurvey, locale: 'fi-FI' });
    expect(fi.errors).toBeUndefined();
    expect(fi.data!.survey).toMatchObject({
      type: 'NPS',
      trigger: 'AFTER_ORDER',
      scale: { min: 0, max: 10 },
      allowAnonymous: false,
      texts: {
        locale: 'fi',
        question: 'Suosittelisitko Kantaa?',
        followUp: 'Mikä on tärkein syy antamaasi arvosanaan?',
      },
      en: { question: 'How likely are you to recommend us to a friend or colleague?' },
    });
    // Shipped defaults for hu, bs and hy; anything else falls back to the store's default (en).
    for (const locale of ['hu', 'bs', 'hy']) {
      const shipped = await visitor(WIDGET, { id: npsSurvey, locale });
      expect(shipped.data!.survey.texts.locale).toBe(locale);
    }
    const sv = await visitor(WIDGET, { id: npsSurvey, locale: 'sv' });
    expect(sv.data!.survey.texts.locale).toBe('en');
    // No locale: the store's default locale.
    await app.db.prisma.store.update({ where: { id: store.id }, data: { defaultLocale: 'fi' } });
    try {
      const fallback = await visitor(WIDGET, { id: npsSurvey });
      expect(fallback.data!.survey.texts).toMatchObject({ locale: 'fi', question: 'Suosittelisitko Kantaa?' });
    } finally {
      await app.db.prisma.store.update({ where: { id: store.id }, data: { defaultLocale: 'en' } });
    }
    const ces = await createSurvey({ name: 'Returns CES', type: 'CES', trigger: 'ALWAYS_ON' });
    const scale = await visitor(WIDGET, { id: ces });
    expect(scale.data!.survey.scale).toEqual({ min: 1, max: 7 });
    const bad = await visitor(WIDGET, { id: npsSurvey, locale: 'not a locale!' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ field: 'locale' }] });
    const badField = await visitor('query($id: ID!) { survey(id: $id) { texts(locale: "??") { question } } }', {
      id: npsSurvey,
    });
    expect(badField.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ field: 'locale' }] });
  });

  test('embedded forms list active surveys only; configuration fields are for secret keys', async () => {
    const hidden = await createSurvey({ name: 'Switched off', type: 'CSAT', trigger: 'ALWAYS_ON', active: false });
    const list = await visitor('{ surveys(trigger: ALWAYS_ON, locale: "fi") { id type texts { locale } } }');
    const ids = list.data!.surveys.map((survey: any) => survey.id);
    expect(ids).toContain(csatWidget);
    expect(ids).not.toContain(hidden);
    expect(ids).not.toContain(npsSurvey);
    expect(list.data!.surveys[0].texts.locale).toBe('fi');
    expect((await visitor('query($id: ID!) { survey(id: $id) { id } }', { id: hidden })).data!.survey).toBeNull();
    const adminList = await admin('{ surveys(includeInactive: true) { id name active } }');
    expect(adminList.surveys.map((survey: any) => survey.id)).toContain(hidden);
    const refused = await visitor('{ surveys { id name } }');
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.errors?.[0]?.message).toContain('Survey.name');
  });

  test('needs a key', async () => {
    const response = await app.gql('{ product(sku: "MUG") { sku } }');
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('shoppers', () => {
  test('answer about their own order; answering again edits it within the window, then it is locked', async () => {
    const me = await customer({ locale: 'fi' });
    const orderId = await order(me.ext, ['MUG', 'KETTLE'], { channel: 'STORE' });
    const first = await shopper(me.token, SUBMIT, {
      input: { surveyId: npsSurvey, score: 9, comment: 'Great service', orderId },
    });
    expect(first.data!.submitSurveyResponse).toMatchObject({
      __typename: 'SurveyAnswerPayload',
      edited: false,
      thankYou: 'Kiitos palautteestasi!',
      response: {
        score: 9,
        comment: 'Great service',
        via: 'SHOPPER',
        orderId,
        channel: 'STORE',
        location: 'Helsinki Kamppi',
        productSkus: ['MUG', 'KETTLE'],
        locale: 'fi',
        npsCategory: 'PROMOTER',
      },
    });
    const second = await shopper(me.token, SUBMIT, { input: { surveyId: npsSurvey, score: 7, orderId } });
    expect(second.data!.submitSurveyResponse).toMatchObject({
      edited: true,
      response: {
        id: first.data!.submitSurveyResponse.response.id,
        score: 7,
        comment: 'Great service',
        npsCategory: 'PASSIVE',
      },
    });
    // Past the edit window (30 minutes by default).
    await app.db.prisma.surveyResponse.update({
      where: { id: first.data!.submitSurveyResponse.response.id },
      data: { createdAt: new Date(Date.now() - 3_600_000) },
    });
    const third = await shopper(me.token, SUBMIT, { input: { surveyId: npsSurvey, score: 10, orderId } });
    expect(third.data!.submitSurveyResponse).toMatchObject({
      __typename: 'SurveyResponseLockedError',
      code: 'SURVEY_RESPONSE_LOCKED',
    });
    expect(await app.db.prisma.surveyResponse.count({ where: { surveyId: npsSurvey, orderId } })).toBe(1);
  });

  test('bad input names the field and changes nothing', async () => {
    const me = await customer();
    const before = await app.db.prisma.surveyResponse.count({ where: { storeId: store.id } });
    const cases: [Record<string, unknown>, string][] = [
      [{ surveyId: npsSurvey, score: 11 }, 'input.score'],
      [{ surveyId: npsSurvey, score: -1 }, 'input.score'],
      [{ surveyId: csatWidget, score: 0 }, 'input.score'],
      [{ surveyId: csatWidget, score: 6 }, 'input.score'],
      [{ surveyId: csatWidget, score: 3, locale: 'no such locale' }, 'input.locale'],
      [{ surveyId: csatWidget, score: 3, comment: 'x'.repeat(2_001) }, 'input.comment'],
    ];
    for (const [input, field] of cases) {
      const response = await shopper(me.token, SUBMIT, { input });
      expect(response.data!.submitSurveyResponse, JSON.stringify(input)).toMatchObject({
        __typename: 'InvalidInputError',
        field,
      });
    }
    const review = await shopper(me.token, SUBMIT_REVIEW, {
      input: { sku: 'MUG', rating: 6, body: 'Too many stars here' },
    });
    expect(review.data!.submitReview).toMatchObject({ __typename: 'InvalidInputError', field: 'input.rating' });
    const photo = await shopper(me.token, SUBMIT_REVIEW, {
      input: { sku: 'MUG', rating: 4, body: 'A photo that is not one', photoUrls: ['javascript:alert(1)'] },
    });
    expect(photo.data!.submitReview).toMatchObject({ __typename: 'InvalidInputError', field: 'input.photoUrls.0' });
    expect(await app.db.prisma.surveyResponse.count({ where: { storeId: store.id } })).toBe(before);
    expect(await app.db.prisma.review.count({ where: { customerId: me.id } })).toBe(0);
  });

  test("a shopper cannot answer about someone else's order", async () => {
    const owner = await customer();
    const other = await customer();
    const orderId = await order(owner.ext, ['MUG']);
    const response = await shopper(other.token, SUBMIT, { input: { surveyId: npsSurvey, score: 3, orderId } });
    expect(response.data!.submitSurveyResponse).toMatchObject({ __typename: 'NotFoundError' });
    const named = await shopper(other.token, SUBMIT, {
      input: { surveyId: npsSurvey, score: 3, customerId: owner.id },
    });
    expect(named.data!.submitSurveyResponse).toMatchObject({
      __typename: 'InvalidInputError',
      field: 'input.customerId',
    });
    expect(await app.db.prisma.surveyResponse.count({ where: { orderId } })).toBe(0);
  });

  test('anonymous answers with a publishable key only where the survey allows them', async () => {
    const allowed = await visitor(SUBMIT, { input: { surveyId: csatWidget, score: 4, comment: 'Quick checkout' } });
    expect(allowed.data!.submitSurveyResponse).toMatchObject({
      __typename: 'SurveyAnswerPayload',
      response: { via: 'ANONYMOUS', score: 4 },
    });
    const refused = await visitor(SUBMIT, { input: { surveyId: npsSurvey, score: 4 } });
    expect(refused.data!.submitSurveyResponse).toMatchObject({
      __typename: 'AnonymousNotAllowedError',
      code: 'ANONYMOUS_NOT_ALLOWED',
    });
    const closed = await createSurvey({
      name: 'Closed',
      type: 'CSAT',
      trigger: 'ALWAYS_ON',
      allowAnonymous: true,
      active: false,
    });
    const onClosed = await app.gql(SUBMIT, { input: { surveyId: closed, score: 4 } }, { key: store.secretKey });
    expect(onClosed.data!.submitSurveyResponse.__typename).toBe('SurveyClosedError');
  });

  test('reviews: duplicates and the daily limit are refused; one vote per shopper, never on their own review', async () => {
    const me = await customer();
    const body = 'Exactly the same words in two reviews here.';
    const first = await shopper(me.token, SUBMIT_REVIEW, { input: { sku: 'KETTLE', rating: 4, body } });
    expect(first.data!.submitReview.__typename).toBe('Review');
    const copy = await shopper(me.token, SUBMIT_REVIEW, {
      input: { sku: 'MUG', rating: 4, body: `  ${body.toUpperCase()} ` },
    });
    expect(copy.data!.submitReview).toMatchObject({ __typename: 'DuplicateReviewError', code: 'DUPLICATE_REVIEW' });

    await admin('mutation { updateFeedbackSettings(input: { reviewsPerDay: 1 }) { __typename } }');
    try {
      const second = await shopper(me.token, SUBMIT_REVIEW, {
        input: { sku: 'MUG', rating: 3, body: 'A second product today.' },
      });
      expect(second.data!.submitReview).toMatchObject({ __typename: 'ReviewRateLimitedError', limit: 1 });
    } finally {
      await admin('mutation { updateFeedbackSettings(input: { reviewsPerDay: 5 }) { __typename } }');
    }

    const own = await shopper(
      me.token,
      `mutation($id: ID!) { voteReviewHelpful(reviewId: $id) { ${E} ... on CannotVoteError { reason } } }`,
      {
        id: first.data!.submitReview.id,
      },
    );
    // Unverified and autoPublish VERIFIED: pending; publish it, then vote.
    expect(own.data!.voteReviewHelpful.__typename).toBe('CannotVoteError');
    await admin('mutation($id: ID!) { moderateReview(id: $id, status: PUBLISHED) { __typename } }', {
      id: first.data!.submitReview.id,
    });
    const mine = await shopper(
      me.token,
      `mutation($id: ID!) { voteReviewHelpful(reviewId: $id) { ${E} ... on CannotVoteError { reason } } }`,
      {
        id: first.data!.submitReview.id,
      },
    );
    expect(mine.data!.voteReviewHelpful).toMatchObject({ __typename: 'CannotVoteError', reason: 'OWN_REVIEW' });
    const fan = await customer();
    for (let attempt = 0; attempt < 2; attempt++) {
      const vote = await shopper(
        fan.token,
        `mutation($id: ID!) { voteReviewHelpful(reviewId: $id) { ${E} ... on Review { helpfulCount } } }`,
        {
          id: first.data!.submitReview.id,
        },
      );
      expect(vote.data!.voteReviewHelpful).toEqual({ __typename: 'Review', helpfulCount: 1 });
    }
  });

  test('a shopper the store does not know cannot review or vote, and sees empty lists', async () => {
    const token = await app.customerToken(store.secretKey, 'web:fb-unknown');
    const review = await shopper(token, SUBMIT_REVIEW, { input: { sku: 'MUG', rating: 5, body: 'Who am I to say' } });
    expect(review.data!.submitReview).toMatchObject({ __typename: 'NotFoundError' });
    const me = await shopper(
      token,
      '{ me { id reviews(first: 5) { edges { node { id } } } surveyResponses(first: 5) { edges { node { id } } } } }',
    );
    expect(me.data!.me).toEqual({ id: null, reviews: { edges: [] }, surveyResponses: { edges: [] } });
  });

  test("a shopper sees only their own reviews and answers, without the admin's fields", async () => {
    const me = await customer();
    const other = await customer();
    await shopper(me.token, SUBMIT_REVIEW, { input: { sku: 'KETTLE', rating: 5, body: 'My own kettle review text.' } });
    await shopper(other.token, SUBMIT_REVIEW, {
      input: { sku: 'KETTLE', rating: 1, body: 'Somebody else wrote this.' },
    });
    await shopper(me.token, SUBMIT, { input: { surveyId: csatWidget, score: 5 } });
    await shopper(other.token, SUBMIT, { input: { surveyId: csatWidget, score: 1 } });
    const response = await shopper(
      me.token,
      '{ me { reviews(first: 10) { edges { node { body status } } } surveyResponses(first: 10) { edges { node { score via survey { id } } } } } }',
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.me.reviews.edges).toEqual([
      { node: { body: 'My own kettle review text.', status: 'PENDING' } },
    ]);
    expect(response.data!.me.surveyResponses.edges).toEqual([
      { node: { score: 5, via: 'SHOPPER', survey: { id: csatWidget } } },
    ]);
    const adminField = await shopper(me.token, '{ me { reviews(first: 1) { edges { node { customerId } } } } }');
    expect(adminField.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test('a publishable key cannot reach admin fields', async () => {
    const me = await customer();
    const queries = [
      '{ feedbackSettings { contactCapDays } }',
      '{ surveyResponses(first: 1) { edges { node { id } } } }',
      '{ surveyInvitations(first: 1) { edges { node { id } } } }',
      '{ followUpCases(first: 1) { edges { node { id } } } }',
      '{ overdueCaseCount }',
      '{ reviewModerationQueue(first: 1) { edges { node { id } } } }',
      '{ reviews(first: 1) { edges { node { id } } } }',
      'query { followUpCase(id: "00000000-0000-0000-0000-000000000000") { id } }',
      'mutation { updateFeedbackSettings(input: { autoPublish: ALL }) { __typename } }',
      'mutation { createSurvey(input: { name: "x", type: NPS, trigger: ALWAYS_ON }) { __typename } }',
      'mutation { moderateReview(id: "00000000-0000-0000-0000-000000000000", status: PUBLISHED) { __typename } }',
      'mutation { replyToReview(id: "00000000-0000-0000-0000-000000000000", reply: "x") { __typename } }',
      'mutation { updateFollowUpCase(id: "00000000-0000-0000-0000-000000000000", input: { status: RESOLVED }) { __typename } }',
      'mutation { addCaseNote(caseId: "00000000-0000-0000-0000-000000000000", body: "x") { __typename } }',
    ];
    for (const query of queries)
      for (const response of [await visitor(query), await shopper(me.token, query)]) {
        expect(response.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
        expect(
          Object.values(response.data ?? {}).every((value) => value === null),
          query,
        ).toBe(true);
      }
    expect((await app.db.prisma.feedbackSettings.findUnique({ where: { storeId: store.id } }))?.autoPublish).not.toBe(
      'ALL',
    );
  });
});

describe('admin', () => {
  test('settings: read, change, and bad input names the field', async () => {
    const read = await admin('{ feedbackSettings { contactCapDays autoPublish reviewsPerDay responseEditMinutes } }');
    expect(read.feedbackSettings).toEqual({
      contactCapDays: 30,
      autoPublish: 'VERIFIED',
      reviewsPerDay: 5,
      responseEditMinutes: 30,
    });
    const bad = await admin(`mutation { updateFeedbackSettings(input: { contactCapDays: -1 }) { ${ERROR} } }`);
    expect(bad.updateFeedbackSettings).toMatchObject({
      __typename: 'InvalidInputError',
      field: 'input.contactCapDays',
    });
    const changed = await admin(
      'mutation { updateFeedbackSettings(input: { contactCapDays: 14, rotateLinkSecret: true }) { ... on FeedbackSettings { contactCapDays } } }',
    );
    expect(changed.updateFeedbackSettings).toEqual({ contactCapDays: 14 });
    await admin('mutation { updateFeedbackSettings(input: { contactCapDays: 30 }) { __typename } }');
  });

  test('surveys: create, update, bad input names the field, stats', async () => {
    const UPDATE = `mutation($id: ID!, $input: SurveyUpdateInput!) { updateSurvey(id: $id, input: $input) {
      ${ERROR} ... on Survey { name caseThreshold channels delayHours active allTexts texts(locale: "hu") { question } } } }`;
    const id = await createSurvey({ name: 'Support CSAT', type: 'CSAT', trigger: 'AFTER_SUPPORT' });
    const updated = await admin(UPDATE, {
      id,
      input: { caseThreshold: 3, channels: ['STORE'], texts: [{ locale: 'hu', question: 'Elégedett volt?' }] },
    });
    expect(updated.updateSurvey).toMatchObject({
      __typename: 'Survey',
      caseThreshold: 3,
      channels: ['STORE'],
      allTexts: { hu: { question: 'Elégedett volt?' } },
      texts: { question: 'Elégedett volt?' },
    });
    const threshold = await admin(UPDATE, { id, input: { caseThreshold: 6 } });
    expect(threshold.updateSurvey).toMatchObject({ __typename: 'InvalidInputError', field: 'input.caseThreshold' });
    const twice = await admin(UPDATE, {
      id,
      input: {
        texts: [
          { locale: 'fi', question: 'a' },
          { locale: 'fi', question: 'b' },
        ],
      },
    });
    expect(twice.updateSurvey).toMatchObject({ __typename: 'InvalidInputError', field: 'input.texts.1.locale' });
    const locale = await admin(UPDATE, {
      id,
      input: {
        texts: [
          { locale: 'fi', question: 'ok' },
          { locale: '??', question: 'b' },
        ],
      },
    });
    expect(locale.updateSurvey).toMatchObject({ __typename: 'InvalidInputError', field: 'input.texts.1.locale' });
    const name = await admin(
      `mutation { createSurvey(input: { name: "Support CSAT", type: NPS, trigger: ALWAYS_ON }) { ${ERROR} } }`,
    );
    expect(name.createSurvey).toMatchObject({ __typename: 'InvalidInputError', field: 'input.name' });
    const missing = await admin(UPDATE, { id: '00000000-0000-0000-0000-000000000000', input: { active: false } });
    expect(missing.updateSurvey.__typename).toBe('NotFoundError');
    const stats = await admin(
      'query($id: ID!) { survey(id: $id) { stats { count average nps distribution cases } } }',
      {
        id: csatWidget,
      },
    );
    expect(stats.survey.stats.count).toBeGreaterThan(0);
    expect(stats.survey.stats.distribution).toHaveLength(5);
  });

  test('responses with filters', async () => {
    const fan = await customer();
    const critic = await customer();
    const fanOrder = await order(fan.ext, ['KETTLE'], { channel: 'STORE' });
    const criticOrder = await order(critic.ext, ['MUG']);
    await shopper(fan.token, SUBMIT, {
      input: { surveyId: npsSurvey, score: 10, comment: 'Love the kettle', orderId: fanOrder },
    });
    await shopper(critic.token, SUBMIT, {
      input: { surveyId: npsSurvey, score: 2, comment: 'Late delivery', orderId: criticOrder },
    });
    const LIST = `query($filter: SurveyResponseFilter) { surveyResponses(first: 50, filter: $filter) {
      edges { node { score comment npsCategory customer { id } order { id } followUpCase { status } survey { name } } } } }`;
    const list = async (filter: Record<string, unknown>) =>
      (await admin(LIST, { filter })).surveyResponses.edges.map((edge: any) => edge.node);
    expect(await list({ customerId: critic.id })).toEqual([
      {
        score: 2,
        comment: 'Late delivery',
        npsCategory: 'DETRACTOR',
        customer: { id: critic.id },
        order: { id: criticOrder },
        followUpCase: { status: 'OPEN' },
        survey: { name: 'Post-purchase NPS' },
      },
    ]);
    const detractors = await list({ surveyId: npsSurvey, npsCategory: 'DETRACTOR' });
    expect(detractors.every((node: any) => node.npsCategory === 'DETRACTOR')).toBe(true);
    expect(detractors.some((node: any) => node.customer?.id === critic.id)).toBe(true);
    const inStore = await list({ channel: 'STORE', sku: 'KETTLE', type: 'NPS' });
    expect(inStore.map((node: any) => node.customer?.id)).toContain(fan.id);
    expect(await list({ hasComment: true, minScore: 9 })).toEqual(
      expect.arrayContaining([expect.objectContaining({ comment: 'Love the kettle' })]),
    );
    expect(await list({ customerId: 'not-an-id' })).toEqual([]);
    expect(await list({ npsCategory: 'PROMOTER', type: 'CSAT' })).toEqual([]);
    const bad = await app.gql(
      '{ surveyResponses(first: 5, after: "nope") { edges { node { id } } } }',
      {},
      { key: store.secretKey },
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ field: 'after' }] });
  });

  test('cases: filters, overdue count, transitions, notes', async () => {
    const critic = await customer();
    const orderId = await order(critic.ext, ['MUG']);
    const answered = await shopper(critic.token, SUBMIT, { input: { surveyId: npsSurvey, score: 0, orderId } });
    const responseId = answered.data!.submitSurveyResponse.response.id;
    const followUp = await app.db.prisma.followUpCase.findUniqueOrThrow({ where: { responseId } });
    const CASES = `query($filter: FollowUpCaseFilter) { followUpCases(first: 50, filter: $filter) {
      edges { node { id status overdue assignee customer { id } response { score comment } notes { author body } } } pageInfo { hasNextPage } } }`;
    const cases = async (filter: Record<string, unknown>) =>
      (await admin(CASES, { filter })).followUpCases.edges.map((edge: any) => edge.node);
    expect(await cases({ customerId: critic.id })).toEqual([
      {
        id: followUp.id,
        status: 'OPEN',
        overdue: false,
        assignee: null,
        customer: { id: critic.id },
        response: { score: 0, comment: null },
        notes: [],
      },
    ]);
    const overdueBefore = (await admin('{ overdueCaseCount }')).overdueCaseCount;
    await app.db.prisma.followUpCase.update({
      where: { id: followUp.id },
      data: { dueAt: new Date(Date.now() - 60_000) },
    });
    expect((await admin('{ overdueCaseCount }')).overdueCaseCount).toBe(overdueBefore + 1);
    expect((await cases({ overdue: true })).map((node: any) => node.id)).toContain(followUp.id);
    expect((await cases({ overdue: false })).map((node: any) => node.id)).not.toContain(followUp.id);
    expect((await cases({ surveyType: 'CSAT' })).map((node: any) => node.id)).not.toContain(followUp.id);

    const UPDATE = `mutation($id: ID!, $input: FollowUpCaseUpdateInput!) { updateFollowUpCase(id: $id, input: $input) {
      ${ERROR} ... on FollowUpCase { status assignee reply firstResponseAt resolvedAt overdue }
      ... on CaseTransitionError { from to } } }`;
    const skip = await admin(UPDATE, { id: followUp.id, input: { status: 'RESOLVED' } });
    expect(skip.updateFollowUpCase).toMatchObject({ __typename: 'CaseTransitionError', from: 'OPEN', to: 'RESOLVED' });
    const taken = await admin(UPDATE, {
      id: followUp.id,
      input: { status: 'IN_PROGRESS', assignee: 'aino@shop.example' },
    });
    expect(taken.updateFollowUpCase).toMatchObject({
      status: 'IN_PROGRESS',
      assignee: 'aino@shop.example',
      overdue: true,
    });
    expect(taken.updateFollowUpCase.firstResponseAt).not.toBeNull();
    expect((await cases({ assignee: 'aino@shop.example' })).map((node: any) => node.id)).toEqual([followUp.id]);
    const note = await admin(
      `mutation($id: ID!) { addCaseNote(caseId: $id, body: "Called the customer", author: "Aino") { ${ERROR} ... on CaseNote { author body } } }`,
      { id: followUp.id },
    );
    expect(note.addCaseNote).toEqual({ __typename: 'CaseNote', author: 'Aino', body: 'Called the customer' });
    const empty = await admin(`mutation($id: ID!) { addCaseNote(caseId: $id, body: "  ") { ${ERROR} } }`, {
      id: followUp.id,
    });
    expect(empty.addCaseNote).toMatchObject({ __typename: 'InvalidInputError', field: 'body' });
    const dismissed = await admin(UPDATE, { id: followUp.id, input: { status: 'DISMISSED' } });
    expect(dismissed.updateFollowUpCase).toMatchObject({ status: 'DISMISSED', overdue: false });
    expect(dismissed.updateFollowUpCase.resolvedAt).not.toBeNull();
    const final = await admin(UPDATE, { id: followUp.id, input: { assignee: 'someone else' } });
    expect(final.updateFollowUpCase).toMatchObject({
      __typename: 'CaseTransitionError',
      from: 'DISMISSED',
      to: 'DISMISSED',
    });
    const read = await admin('query($id: ID!) { followUpCase(id: $id) { status notes { author body } } }', {
      id: followUp.id,
    });
    expect(read.followUpCase.notes.map((n: any) => n.body)).toContain('Called the customer');
    const badFilter = await app.gql(CASES, { filter: { unassigned: true, assignee: 'x' } }, { key: store.secretKey });
    expect(badFilter.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      issues: [{ field: 'unassigned' }],
    });
    const missing = await admin(UPDATE, { id: 'nope', input: { status: 'IN_PROGRESS' } });
    expect(missing.updateFollowUpCase.__typename).toBe('NotFoundError');
  });

  test('moderation: queue, publish and reject (never by rating), reply, the audit trail, the reviews list', async () => {
    const author = await customer();
    const written = await shopper(author.token, SUBMIT_REVIEW, {
      input: { sku: 'KETTLE', rating: 1, body: 'Whistle is far too loud for me.' },
    });
    const reviewId = written.data!.submitReview.id;
    const queue = await admin('{ reviewModerationQueue(first: 100) { edges { node { id rating status } } } }');
    expect(queue.reviewModerationQueue.edges.map((edge: any) => edge.node.id)).toContain(reviewId);
    const MODERATE = `mutation($id: ID!, $status: ReviewModerationDecision!, $reason: String) { moderateReview(id: $id, status: $status, reason: $reason) {
      ${ERROR} ... on Review { status rejectReason publishedAt moderation { fromStatus toStatus actor reason } } ... on ReviewTransitionError { from to } } }`;
    const noReason = await admin(MODERATE, { id: reviewId, status: 'REJECTED' });
    expect(noReason.moderateReview).toMatchObject({ __typename: 'InvalidInputError', field: 'reason' });
    const published = await admin(MODERATE, { id: reviewId, status: 'PUBLISHED' });
    expect(published.moderateReview).toMatchObject({ __typename: 'Review', status: 'PUBLISHED' });
    expect(published.moderateReview.moderation.map((m: any) => [m.fromStatus, m.toStatus])).toEqual([
      [null, 'PENDING'],
      ['PENDING', 'PUBLISHED'],
    ]);
    expect(published.moderateReview.moderation[1].actor).toMatch(/^apiKey:/);
    const again = await admin(MODERATE, { id: reviewId, status: 'PUBLISHED' });
    expect(again.moderateReview).toMatchObject({
      __typename: 'ReviewTransitionError',
      from: 'PUBLISHED',
      to: 'PUBLISHED',
    });
    const reply = await admin(
      `mutation($id: ID!) { replyToReview(id: $id, reply: "Sorry! There is a quiet lid, we sent you one.") { ${ERROR} ... on Review { reply repliedAt } } }`,
      { id: reviewId },
    );
    expect(reply.replyToReview.reply).toBe('Sorry! There is a quiet lid, we sent you one.');
    const rejected = await admin(MODERATE, { id: reviewId, status: 'REJECTED', reason: 'Contains a phone number' });
    expect(rejected.moderateReview).toMatchObject({ status: 'REJECTED', rejectReason: 'Contains a phone number' });
    const list = await admin(
      'query($f: ReviewFilter) { reviews(first: 50, filter: $f) { edges { node { id status customer { id } verifiedPurchase } } } }',
      { f: { sku: 'KETTLE', status: 'REJECTED' } },
    );
    expect(list.reviews.edges.map((edge: any) => edge.node)).toEqual([
      { id: reviewId, status: 'REJECTED', customer: { id: author.id }, verifiedPurchase: false },
    ]);
    const bad = await app.gql(
      '{ reviews(first: 5, filter: { rating: 9 }) { edges { node { id } } } }',
      {},
      { key: store.secretKey },
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ field: 'filter.rating' }] });
    // The admin catalogue product shows the same rating and published reviews.
    const product = await admin(
      '{ product(sku: "KETTLE") { rating { count } reviews(first: 5) { edges { node { id } } } } }',
    );
    expect(product.product.reviews.edges.map((edge: any) => edge.node.id)).not.toContain(reviewId);
  });
});

describe('a post-purchase NPS survey, end to end', () => {
  test('survey → order → invitation due with a signed link → detractor answer → case → resolved', async () => {
    const e2e = await app.createStore('NPS shop');
    const asAdmin = async (query: string, variables: Record<string, unknown> = {}) => {
      const response = await app.gql(query, variables, { key: e2e.secretKey });
      expect(response.errors).toBeUndefined();
      return response.data!;
    };
    // 1. The survey: NPS, 24 hours after online orders; cases due in 48 hours.
    const created = await asAdmin(
      `mutation { createSurvey(input: { name: "NPS after delivery", type: NPS, trigger: AFTER_ORDER, delayHours: 24, channels: [ONLINE], caseDueHours: 48 }) { ${ERROR} ... on Survey { id } } }`,
    );
    const surveyId = created.createSurvey.id;
    // 2. An order of a customer who consented to marketing.
    await app.db.prisma.customer.create({
      data: {
        storeId: e2e.id,
        email: 'ville@example.com',
        marketingConsent: true,
        identities: { create: [{ storeId: e2e.id, source: 'web', externalId: 'ville' }] },
      },
    });
    const placedAt = new Date();
    const recorded = await asAdmin(
      `mutation($input: OrderInput!) { recordOrder(input: $input) { __typename ... on RecordOrderPayload { order { id } } } }`,
      {
        input: {
          externalId: 'NPS-1',
          channel: 'ONLINE',
          placedAt: placedAt.toISOString(),
          currency: 'EUR',
          customer: { identities: [{ source: 'web', externalId: 'ville' }] },
          lines: [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: 1_250 }],
        },
      },
    );
    const orderId = recorded.recordOrder.order.id;
    // 3. order.recorded schedules the invitation.
    await app.events.drain();
    const invitations = await asAdmin(
      '{ surveyInvitations(first: 5) { edges { node { id status dueAt orderId survey { id } } } } }',
    );
    expect(invitations.surveyInvitations.edges).toHaveLength(1);
    expect(invitations.surveyInvitations.edges[0].node).toMatchObject({
      status: 'SCHEDULED',
      orderId,
      survey: { id: surveyId },
    });
    // 4. Nothing is due before the delay; at now + 25 h the invitation is due, with its signed token.
    expect(
      (await runFeedbackJobs(app.db.prisma, { now: new Date(placedAt.getTime() + 3_600_000), storeId: e2e.id })).due,
    ).toBe(0);
    const report = await runFeedbackJobs(app.db.prisma, {
      now: new Date(placedAt.getTime() + 25 * 3_600_000),
      storeId: e2e.id,
    });
    expect(report.due).toBe(1);
    await app.events.drain();
    const due = eventsOf('survey.invitation.due').filter((event) => event.storeId === e2e.id);
    expect(due).toHaveLength(1);
    const { token } = due[0]!.payload;
    expect(due[0]!.payload).toMatchObject({ surveyId, orderId });
    // 5. The customer follows the link: the token authorises, no customer token needed.
    const ANSWER = `mutation($token: String!, $score: Int!, $comment: String) { submitSurveyResponseWithToken(token: $token, score: $score, comment: $comment) {
      ${ERROR} ... on SurveyAnswerPayload { edited thankYou response { id score via orderId npsCategory } } ... on SurveyLinkError { reason } } }`;
    const tampered = await app.gql(ANSWER, { token: `${token.slice(0, -2)}xx`, score: 3 }, { key: e2e.publishableKey });
    expect(tampered.data!.submitSurveyResponseWithToken).toMatchObject({
      __typename: 'SurveyLinkError',
      reason: 'INVALID',
    });
    // Another store's key cannot use the link.
    const foreign = await app.gql(ANSWER, { token, score: 3 }, { key: store.publishableKey });
    expect(foreign.data!.submitSurveyResponseWithToken).toMatchObject({
      __typename: 'SurveyLinkError',
      reason: 'INVALID',
    });
    const badScore = await app.gql(ANSWER, { token, score: 42 }, { key: e2e.publishableKey });
    expect(badScore.data!.submitSurveyResponseWithToken).toMatchObject({
      __typename: 'InvalidInputError',
      field: 'score',
    });
    const answered = await app.gql(
      ANSWER,
      { token, score: 3, comment: 'The mug arrived broken' },
      { key: e2e.publishableKey },
    );
    expect(answered.data!.submitSurveyResponseWithToken).toMatchObject({
      __typename: 'SurveyAnswerPayload',
      edited: false,
      thankYou: 'Thank you for your feedback!',
      response: { score: 3, via: 'LINK', orderId, npsCategory: 'DETRACTOR' },
    });
    const statuses = await asAdmin(
      '{ surveyInvitations(first: 5, filter: { status: ANSWERED }) { edges { node { id } } } }',
    );
    expect(statuses.surveyInvitations.edges).toHaveLength(1);
    // 6. A detractor: a follow-up case is open.
    await app.events.drain();
    expect(eventsOf('case.opened').filter((event) => event.storeId === e2e.id)).toHaveLength(1);
    const open = await asAdmin(
      '{ overdueCaseCount followUpCases(first: 5, filter: { status: [OPEN] }) { edges { node { id dueAt response { score comment order { externalId } } } } } }',
    );
    expect(open.overdueCaseCount).toBe(0);
    expect(open.followUpCases.edges).toHaveLength(1);
    const followUp = open.followUpCases.edges[0].node;
    expect(followUp.response).toEqual({ score: 3, comment: 'The mug arrived broken', order: { externalId: 'NPS-1' } });
    // 7. Someone takes it, replies and resolves it (with a re-survey).
    const UPDATE = `mutation($id: ID!, $input: FollowUpCaseUpdateInput!) { updateFollowUpCase(id: $id, input: $input) { ${ERROR} ... on FollowUpCase { status reply resolvedAt } } }`;
    await asAdmin(UPDATE, { id: followUp.id, input: { status: 'IN_PROGRESS', assignee: 'support@nps.example' } });
    const resolved = await asAdmin(UPDATE, {
      id: followUp.id,
      input: { status: 'RESOLVED', reply: 'We are sending a new mug today.', resurvey: true },
    });
    expect(resolved.updateFollowUpCase).toMatchObject({ status: 'RESOLVED', reply: 'We are sending a new mug today.' });
    // 8. case.resolved tells the sending integration what to say.
    await app.events.drain();
    const done = eventsOf('case.resolved').filter((event) => event.storeId === e2e.id);
    expect(done).toHaveLength(1);
    expect(done[0]!.payload).toMatchObject({
      caseId: followUp.id,
      reply: 'We are sending a new mug today.',
      resurvey: true,
    });
    // 9. The re-survey: a new invitation of the same survey, sent by the jobs like any other.
    await app.events.drain();
    const again = await asAdmin(
      '{ surveyInvitations(first: 5, filter: { status: SCHEDULED }) { edges { node { sourceRef orderId survey { id } } } } }',
    );
    expect(again.surveyInvitations.edges).toEqual([
      { node: { sourceRef: `case:${followUp.id}`, orderId: null, survey: { id: surveyId } } },
    ]);
  });
});
