import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/logger.ts';
import { type DemoKeys, seedDemo } from '../src/modules/demo/demo.service.ts';
import { DEMO_PRODUCTS, DEMO_REVIEWS } from '../src/modules/demo/demo-data.ts';
import { createKantaYoga, type KantaYoga } from '../src/yoga.ts';
import { createTestApp, type TestApp } from './harness.ts';

let app: TestApp;
let demoYoga: KantaYoga;
let keys: DemoKeys;
let dir: string;
const BASE = 'http://localhost:4411';

beforeAll(async () => {
  app = await createTestApp();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanta-demo-api-'));
  keys = await seedDemo(app.db.prisma, path.join(dir, 'demo-keys.json'), [BASE]);
  await app.events.drain();
  demoYoga = createKantaYoga({
    db: app.db,
    config: app.config,
    logger: silentLogger(),
    events: app.events,
    demo: keys,
  });
}, 120_000);
afterAll(async () => {
  await app?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const demoFetch = (pathname: string) => Promise.resolve(demoYoga.fetch(new Request(`${BASE}${pathname}`)));

async function demoJson<T>(pathname: string): Promise<T> {
  const response = await demoFetch(pathname);
  expect(response.status, pathname).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return (await response.json()) as T;
}

async function gql(query: string, variables: Record<string, unknown> = {}, customerToken?: string) {
  return app.gql(query, variables, { key: keys.publishableKey, customerToken });
}

describe('demo data', () => {
  it('seeds the catalogue with demo links, reviews with photos and replies, and surveys', async () => {
    const { prisma } = app.db;
    const products = await prisma.product.findMany({ where: { storeId: keys.storeId }, orderBy: { sku: 'asc' } });
    expect(products.map((product) => product.sku)).toEqual(DEMO_PRODUCTS.map((product) => product.sku).sort());
    const mug = products.find((product) => product.sku === 'MUG-001')!;
    expect(mug.url).toBe(`${BASE}/product.html?sku=MUG-001`);
    expect(mug.imageUrl).toBe(`${BASE}/images/products/mug-001.svg`);

    const reviews = await prisma.review.findMany({ where: { storeId: keys.storeId } });
    expect(reviews).toHaveLength(DEMO_REVIEWS.length);
    expect(reviews.every((review) => review.status === 'PUBLISHED' && review.verifiedPurchase)).toBe(true);
    expect(reviews.filter((review) => review.photoUrls.length > 0).length).toBeGreaterThanOrEqual(4);
    expect(reviews.filter((review) => review.reply).length).toBeGreaterThanOrEqual(3);

    const surveys = await prisma.survey.findMany({ where: { storeId: keys.storeId, active: true } });
    expect(surveys.map((survey) => survey.type).sort()).toEqual(['CES', 'CSAT', 'NPS']);
    const settings = await prisma.feedbackSettings.findUniqueOrThrow({ where: { storeId: keys.storeId } });
    expect(settings.autoPublish).toBe('VERIFIED');
  });

  it('serves ratings, photo reviews with votes and replies through the storefront API', async () => {
    const response = await gql(`{ product(sku: "COF-ESP-250") {
      rating { count average }
      reviews(first: 10, sort: MOST_HELPFUL) { edges { node { rating authorName helpfulCount photoUrls reply } } } } }`);
    expect(response.errors).toBeUndefined();
    const product = response.data!.product;
    expect(product.rating.count).toBe(4);
    expect(product.rating.average).toBeCloseTo(4.25);
    const top = product.reviews.edges[0].node;
    expect(top).toMatchObject({ authorName: 'Mikko L.', helpfulCount: 4, reply: expect.stringContaining('Mikko') });
    expect(top.photoUrls).toEqual([`${BASE}/images/reviews/espresso-cup.svg`]);
  });

  it('a second seed changes nothing, and a move to another port moves the links', async () => {
    const { prisma } = app.db;
    const counts = async () =>
      Promise.all([
        prisma.order.count({ where: { storeId: keys.storeId } }),
        prisma.review.count({ where: { storeId: keys.storeId } }),
        prisma.reviewVote.count({ where: { storeId: keys.storeId } }),
        prisma.survey.count({ where: { storeId: keys.storeId } }),
        prisma.reward.count({ where: { storeId: keys.storeId } }),
        prisma.recommendationBuild.count({ where: { storeId: keys.storeId } }),
      ]);
    const before = await counts();
    const again = await seedDemo(app.db.prisma, path.join(dir, 'demo-keys.json'), ['http://localhost:5000']);
    expect(again).toMatchObject({ storeId: keys.storeId, created: false });
    expect(await counts()).toEqual(before);
    const mug = await prisma.product.findFirstOrThrow({ where: { storeId: keys.storeId, sku: 'MUG-001' } });
    expect(mug.imageUrl).toBe('http://localhost:5000/images/products/mug-001.svg');
    const photo = await prisma.review.findFirstOrThrow({
      where: { storeId: keys.storeId, photoUrls: { isEmpty: false } },
    });
    expect(photo.photoUrls[0]).toMatch(/^http:\/\/localhost:5000\/images\/reviews\//);
    // Back, for the other tests.
    await seedDemo(app.db.prisma, path.join(dir, 'demo-keys.json'), [BASE]);
  });
});

describe('demo routes', () => {
  it('exist only when serving the demo', async () => {
    for (const pathname of ['/demo/shoppers', '/demo/token?shopper=aino', '/demo/survey-link?shopper=aino&type=nps']) {
      const response = await app.fetch(pathname);
      expect(response.status, pathname).toBe(404);
      expect(await response.text()).not.toContain('token');
    }
  });

  it('list the four shoppers with their locales', async () => {
    const shoppers = await demoJson<{ id: string; name: string; locale: string }[]>('/demo/shoppers');
    expect(shoppers).toEqual([
      { id: 'aino', name: 'Aino Virtanen', locale: 'fi' },
      { id: 'bence', name: 'Bence Kovács', locale: 'hu' },
      { id: 'emina', name: 'Emina Hadžić', locale: 'bs' },
      { id: 'armen', name: 'Armen Petrosyan', locale: 'hy' },
    ]);
  });

  it('sign customer tokens: each shopper has their own points and tier, and personal recommendations', async () => {
    const seen: Record<string, { points: number; tier: string }> = {};
    for (const id of ['aino', 'bence', 'emina', 'armen']) {
      const { token, expiresInSeconds } = await demoJson<{ token: string; expiresInSeconds: number }>(
        `/demo/token?shopper=${id}`,
      );
      expect(expiresInSeconds).toBe(900);
      const response = await gql(
        '{ me { firstName locale loyalty { points tier { key } } recommendations(first: 4) { strategy items { product { sku } } } } }',
        {},
        token,
      );
      expect(response.errors).toBeUndefined();
      const me = response.data!.me;
      seen[id] = { points: me.loyalty.points, tier: me.loyalty.tier.key };
      expect(me.recommendations.strategy).toBe('PERSONAL');
      expect(me.recommendations.items.length).toBeGreaterThan(0);
    }
    expect(seen.aino).toEqual({ points: 311, tier: 'member' });
    expect(seen.bence!.tier).toBe('silver');
    expect(seen.emina!.tier).toBe('gold');
    expect(seen.armen!.tier).toBe('member');
    expect(new Set(Object.values(seen).map((entry) => entry.points)).size).toBe(4);
  });

  it('give a signed survey link about the shopper’s latest order, which answers the survey', async () => {
    for (const type of ['nps', 'csat', 'ces'] as const) {
      const link = await demoJson<{ token: string; type: string; orderNumber: string; surveyId: string }>(
        `/demo/survey-link?shopper=bence&type=${type}`,
      );
      expect(link).toMatchObject({ type, orderNumber: 'DEMO-2005' });
      const response = await gql(
        `mutation($token: String!, $score: Int!) { submitSurveyResponseWithToken(token: $token, score: $score) {
          __typename ... on SurveyAnswerPayload { response { score } } } }`,
        { token: link.token, score: type === 'ces' ? 2 : 5 },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data!.submitSurveyResponseWithToken).toMatchObject({ __typename: 'SurveyAnswerPayload' });
    }
  });

  it('refuse unknown shoppers and survey types', async () => {
    for (const pathname of [
      '/demo/token',
      '/demo/token?shopper=mallory',
      '/demo/survey-link?shopper=aino&type=other',
      '/demo/survey-link?shopper=nobody&type=nps',
    ]) {
      const response = await demoFetch(pathname);
      expect(response.status, pathname).toBe(400);
      expect(await response.json()).toHaveProperty('error');
    }
    expect((await demoFetch('/demo/unknown')).status).toBe(404);
  });

  it('serve the catalogue and the demo pages with the publishable key filled in', async () => {
    const products = await demoJson<{ sku: string; imageUrl: string; description: string }[]>('/demo/products');
    expect(products).toHaveLength(DEMO_PRODUCTS.length);
    expect(products[0]!.imageUrl).toMatch(/^\/images\/products\/.+\.svg$/);
    for (const page of ['/', '/product.html', '/account.html', '/survey.html', '/theming.html']) {
      const response = await demoFetch(page);
      expect(response.status, page).toBe(200);
      const html = await response.text();
      expect(html, page).toContain(`data-key="${keys.publishableKey}"`);
      expect(html, page).toContain('<script type="module" src="/demo.js">');
    }
    const image = await demoFetch('/images/products/mug-001.svg');
    expect(image.headers.get('content-type')).toBe('image/svg+xml');
  });
});
