import fs from 'node:fs';
import path from 'node:path';
import { generateKey } from '../../auth/keys.ts';
import type { PrismaClient } from '../../db/database.ts';
import { uuidv7 } from '../../db/uuid7.ts';
import { emitMany } from '../../events/events.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { countsOf } from '../feedback/ratings.ts';
import { parseReviewInput } from '../feedback/reviews.validation.ts';
import { feedbackSettings, updateFeedbackSettings } from '../feedback/settings.service.ts';
import { createSurvey } from '../feedback/surveys.service.ts';
import { EXAMPLE_REWARDS, EXAMPLE_RULES } from '../loyalty/example-program.ts';
import { updateProgram } from '../loyalty/program.service.ts';
import { createReward } from '../loyalty/rewards.service.ts';
import { type OrderInput, recordOrders } from '../orders/orders.service.ts';
import { upsertProducts } from '../products/products.service.ts';
import { latestBuild, rebuildRecommendations } from '../recommendations/build.service.ts';
import { recommendationSettings, updateRecommendationSettings } from '../recommendations/settings.service.ts';
import { createStore } from '../stores/stores.service.ts';
import {
  backgroundOrders,
  DEMO_BACKGROUND,
  DEMO_CURRENCY,
  DEMO_PRODUCTS,
  DEMO_REVIEWS,
  DEMO_SHOPPERS,
  DEMO_SURVEYS,
  type DemoOrder,
  type DemoPerson,
  type DemoReview,
  type DemoShopper,
  parseLine,
} from './demo-data.ts';

export const DEMO_STORE_NAME = 'Kanta Demo Shop';
/** The demo shopper: sign a customer token for this `sub` to act as her. */
export const DEMO_SHOPPER = 'web:demo-aino';

/** The `sub` of a demo shopper's customer tokens. */
export function demoShopperSubject(shopper: DemoShopper): string {
  return `web:${shopper.externalId}`;
}

export interface DemoKeys {
  storeId: string;
  publishableKey: string;
  secretKey: string;
}

/**
 * Seeds the demo store once; later runs find it and change nothing. Secret keys are stored only as
 * hashes, so the demo keys are kept in a local file (`<data dir>/../demo-keys.json`) for GraphiQL and
 * the demo page; if that file is lost, a fresh secret key replaces it.
 */
export async function seedDemo(
  prisma: PrismaClient,
  keysFile: string,
  origins: string[],
): Promise<DemoKeys & { created: boolean }> {
  const saved = readKeys(keysFile);
  const existing = await prisma.store.findFirst({ where: { name: DEMO_STORE_NAME }, orderBy: { createdAt: 'asc' } });
  if (existing && saved?.storeId === existing.id) {
    const valid = await prisma.apiKey.count({
      where: { storeId: existing.id, revokedAt: null, publicValue: saved.publishableKey },
    });
    if (valid > 0) {
      // A demo store from an older version gets what it lacks now.
      await seedDemoCatalogue(prisma, existing.id, { baseUrl: origins[0] });
      return { ...saved, created: false };
    }
  }
  let keys: DemoKeys;
  if (existing) {
    const secret = generateKey('SECRET');
    const publishable = generateKey('PUBLISHABLE');
    await prisma.apiKey.createMany({
      data: [
        { storeId: existing.id, kind: 'SECRET', name: 'demo', prefix: secret.prefix, keyHash: secret.hash },
        {
          storeId: existing.id,
          kind: 'PUBLISHABLE',
          name: 'demo',
          prefix: publishable.prefix,
          keyHash: publishable.hash,
          publicValue: publishable.value,
        },
      ],
    });
    keys = { storeId: existing.id, publishableKey: publishable.value, secretKey: secret.value };
  } else {
    const store = await createStore(prisma, {
      name: DEMO_STORE_NAME,
      defaultCurrency: 'EUR',
      defaultLocale: 'fi',
      timezone: 'Europe/Helsinki',
      allowedOrigins: origins,
    });
    keys = { storeId: store.id, publishableKey: store.publishableKey, secretKey: store.secretKey };
  }
  fs.mkdirSync(path.dirname(keysFile), { recursive: true });
  fs.writeFileSync(keysFile, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  await seedDemoCatalogue(prisma, keys.storeId, { baseUrl: origins[0] });
  return { ...keys, created: !existing };
}

/** Where the demo pages are served when the seed is told no origin (product and photo links need one). */
const DEFAULT_BASE_URL = 'http://localhost:4000';

const DAY_MS = 86_400_000;

/**
 * The demo shop's data (demo-data.ts): catalogue, the README's loyalty program and rewards, four
 * shoppers with orders and background customers, verified reviews with photos, replies and helpful
 * votes, always-on NPS/CSAT/CES surveys and recommendation lists. Each part is seeded once and
 * checked separately, so a demo store from an older version gets what it lacks; the loyalty program
 * is created last (a failure before it seeds again on the next start). Points and tiers arrive
 * through the order and review events once the server's dispatcher runs.
 *
 * @param options.baseUrl - where the demo pages are served (origin of product and photo URLs)
 */
export async function seedDemoCatalogue(
  prisma: PrismaClient,
  storeId: string,
  options: { baseUrl?: string | undefined } = {},
): Promise<void> {
  const base = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/$/, '');
  // Cheap, and keeps product links pointing at the port the demo runs on now.
  await upsertProducts(prisma, storeId, demoProductInputs(base));
  if ((await prisma.reward.count({ where: { storeId } })) === 0)
    for (const reward of EXAMPLE_REWARDS) await createReward(prisma, storeId, reward);
  const newOrders = await seedOrders(prisma, storeId);
  await seedFeedback(prisma, storeId, base);
  const settings = await recommendationSettings(prisma, storeId);
  if (!settings.updatedAt)
    await updateRecommendationSettings(prisma, storeId, {
      repeatPurchaseCategories: ['Coffee', 'Tea'],
      buryTags: ['gift-card'],
    });
  if (newOrders || !(await latestBuild(prisma, storeId))) await rebuildRecommendations(prisma, storeId, { full: true });
  // Last, so a failure above leaves the program missing and the next start seeds again.
  if (!(await prisma.loyaltyProgram.findUnique({ where: { storeId }, select: { id: true } })))
    await updateProgram(prisma, storeId, { name: 'Kanta Club', rules: EXAMPLE_RULES });
}

export function demoProductUrl(base: string, sku: string): string {
  return `${base}/product.html?sku=${encodeURIComponent(sku)}`;
}

export function demoProductImageUrl(base: string, sku: string): string {
  return `${base}/images/products/${sku.toLowerCase()}.svg`;
}

function demoProductInputs(base: string) {
  return DEMO_PRODUCTS.map((product) => ({
    sku: product.sku,
    name: product.name,
    price: product.price,
    currency: DEMO_CURRENCY,
    categoryPath: product.categoryPath,
    tags: product.tags ?? [],
    url: demoProductUrl(base, product.sku),
    imageUrl: demoProductImageUrl(base, product.sku),
  }));
}

function orderInput(person: DemoPerson, order: DemoOrder, now: number): OrderInput {
  return {
    externalId: order.externalId,
    customer: {
      identities: [{ source: 'web', externalId: person.externalId }],
      email: person.email,
      firstName: person.firstName,
      lastName: person.lastName,
      locale: person.locale,
    },
    channel: 'ONLINE',
    status: 'FULFILLED',
    // Mid-morning, so the day shown does not depend on the time zone.
    placedAt: new Date(Math.floor((now - order.daysAgo * DAY_MS) / DAY_MS) * DAY_MS + 9 * 3_600_000),
    currency: DEMO_CURRENCY,
    lines: order.lines.map((line) => {
      const { sku, quantity } = parseLine(line);
      const product = DEMO_PRODUCTS.find((candidate) => candidate.sku === sku);
      if (!product) throw new Error(`demo order ${order.externalId}: unknown sku ${sku}`);
      return { sku, name: product.name, quantity, unitPrice: product.price };
    }),
  };
}

/** All demo orders, oldest first; true when some were new. */
async function seedOrders(prisma: PrismaClient, storeId: string): Promise<boolean> {
  const now = Date.now();
  const inputs = [
    ...DEMO_SHOPPERS.flatMap((shopper) => shopper.orders.map((order) => orderInput(shopper, order, now))),
    ...backgroundOrders().map(({ customer, order }) => orderInput(customer, order, now)),
  ];
  const known = await prisma.order.count({
    where: { storeId, externalId: { in: inputs.map((input) => input.externalId) } },
  });
  if (known === inputs.length) return false;
  inputs.sort((a, b) => a.placedAt.getTime() - b.placedAt.getTime());
  const results = await recordOrders(prisma, storeId, inputs, { source: 'demo' });
  return results.some((result) => result.created);
}

/** The demo people's customer ids by shopper id / background key. */
async function demoCustomerIds(prisma: PrismaClient, storeId: string): Promise<Map<string, string>> {
  const people = [
    ...DEMO_SHOPPERS.map((shopper) => [shopper.id, shopper.externalId] as const),
    ...DEMO_BACKGROUND.map((customer) => [customer.key, customer.externalId] as const),
  ];
  const identities = await prisma.customerIdentity.findMany({
    where: { storeId, source: 'web', externalId: { in: people.map(([, externalId]) => externalId) } },
    select: { externalId: true, customerId: true },
  });
  const byExternal = new Map(identities.map((identity) => [identity.externalId, identity.customerId]));
  const ids = new Map<string, string>();
  for (const [key, externalId] of people) {
    const id = byExternal.get(externalId);
    if (id) ids.set(key, id);
  }
  return ids;
}

const photoUrl = (base: string, file: string) => `${base}/images/reviews/${file}`;

async function seedFeedback(prisma: PrismaClient, storeId: string, base: string): Promise<void> {
  const settings = await feedbackSettings(prisma, storeId);
  // Verified buyers' reviews go live at once; a demo visitor may change a survey answer for a week.
  if (settings.autoPublish !== 'VERIFIED' || settings.responseEditMinutes < 10_080)
    await updateFeedbackSettings(prisma, storeId, { autoPublish: 'VERIFIED', responseEditMinutes: 10_080 });

  const surveys = await prisma.survey.findMany({ where: { storeId }, select: { name: true } });
  for (const survey of DEMO_SURVEYS)
    if (!surveys.some((existing) => existing.name === survey.name))
      await createSurvey(prisma, storeId, { name: survey.name, type: survey.type, trigger: 'ALWAYS_ON' });

  const customers = await demoCustomerIds(prisma, storeId);
  const existing = await prisma.review.findMany({
    where: { storeId, customerId: { in: [...customers.values()] } },
    select: { id: true, sku: true, customerId: true, photoUrls: true },
  });
  const missing: DemoReview[] = [];
  for (const entry of DEMO_REVIEWS) {
    const customerId = customers.get(entry.by);
    if (!customerId) continue;
    const found = existing.find((review) => review.customerId === customerId && review.sku === entry.sku);
    const photos = (entry.photos ?? []).map((file) => photoUrl(base, file));
    if (!found) missing.push(entry);
    // The demo moved to another port: its photos follow.
    else if (found.photoUrls.join() !== photos.join())
      await prisma.review.update({ where: { id: found.id }, data: { photoUrls: photos } });
  }
  if (missing.length > 0) await insertReviews(prisma, storeId, base, customers, missing);
}

/**
 * The demo reviews in one transaction, written as submitReview writes a verified buyer's review under
 * autoPublish VERIFIED (review, audit row, ProductRating aggregate, review.submitted and
 * review.published events: the REVIEW bonus), backdated over the past months, with the merchant's
 * reply and "helpful" votes as replyToReview and voteHelpful record them. One statement per kind of
 * row instead of submitReview's dozen per review keeps the first start fast on the embedded database.
 */
async function insertReviews(
  prisma: PrismaClient,
  storeId: string,
  base: string,
  customers: Map<string, string>,
  entries: DemoReview[],
): Promise<void> {
  const now = Date.now();
  const customerIds = [...customers.values()];
  const [lines, products] = await Promise.all([
    prisma.orderLine.findMany({
      where: {
        storeId,
        kind: 'PRODUCT',
        quantity: { gt: 0 },
        order: { storeId, customerId: { in: customerIds }, kind: 'SALE', status: { not: 'CANCELLED' } },
      },
      orderBy: [{ order: { placedAt: 'desc' } }, { orderId: 'desc' }],
      select: { sku: true, orderId: true, order: { select: { customerId: true } } },
    }),
    prisma.product.findMany({ where: { storeId }, select: { id: true, sku: true } }),
  ]);
  const reviews: Prisma.ReviewCreateManyInput[] = [];
  const votes: Prisma.ReviewVoteCreateManyInput[] = [];
  const events: Parameters<typeof emitMany>[1] = [];
  const ratings = new Map<string, number[]>();
  for (const entry of entries) {
    const customerId = customers.get(entry.by)!;
    const verifiedOrderId = lines.find(
      (line) => line.sku === entry.sku && line.order.customerId === customerId,
    )?.orderId;
    if (!verifiedOrderId) continue;
    const person =
      DEMO_SHOPPERS.find((candidate) => candidate.id === entry.by) ??
      DEMO_BACKGROUND.find((candidate) => candidate.key === entry.by)!;
    const valid = parseReviewInput({
      storeId,
      customerId,
      sku: entry.sku,
      rating: entry.rating,
      title: entry.title,
      body: entry.body,
      photoUrls: (entry.photos ?? []).map((file) => photoUrl(base, file)),
      locale: entry.locale,
      authorName: `${person.firstName} ${person.lastName.charAt(0)}.`,
    });
    const id = uuidv7();
    // Written over the past months, not all today; the merchant replied a day later.
    const writtenAt = new Date(now - entry.daysAgo * DAY_MS);
    const voters = (entry.helpful ?? []).flatMap((key) => (key === entry.by ? [] : (customers.get(key) ?? [])));
    reviews.push({
      id,
      storeId,
      sku: valid.sku,
      productId: products.find((product) => product.sku === valid.sku)?.id ?? null,
      customerId,
      authorName: valid.authorName,
      rating: valid.rating,
      title: valid.title,
      body: valid.body,
      photoUrls: valid.photoUrls,
      locale: valid.locale,
      status: 'PUBLISHED',
      verifiedPurchase: true,
      verifiedOrderId,
      contentHash: valid.contentHash,
      helpfulCount: voters.length,
      reply: entry.reply ?? null,
      repliedAt: entry.reply ? new Date(writtenAt.getTime() + DAY_MS) : null,
      publishedAt: writtenAt,
      createdAt: writtenAt,
    });
    votes.push(...voters.map((voterId) => ({ storeId, reviewId: id, customerId: voterId })));
    ratings.set(valid.sku, [...(ratings.get(valid.sku) ?? []), valid.rating]);
    events.push(
      { storeId, type: 'review.submitted', payload: { reviewId: id, sku: valid.sku, customerId, status: 'PUBLISHED' } },
      { storeId, type: 'review.published', payload: { reviewId: id, sku: valid.sku, customerId } },
    );
  }
  const aggregates = [...ratings].map(([sku, stars]) => {
    const counts = countsOf(stars);
    return { id: uuidv7(), sku, count: counts.count, sum: counts.sum, stars: counts.stars };
  });
  await prisma.$transaction(
    async (tx) => {
      await tx.review.createMany({ data: reviews });
      await tx.reviewModeration.createMany({
        data: reviews.map((review) => ({
          storeId,
          reviewId: review.id!,
          fromStatus: null,
          toStatus: 'PUBLISHED' as const,
          actor: 'system',
          reason: 'submitted; auto-published (VERIFIED purchase)',
          createdAt: review.createdAt,
        })),
      });
      await tx.$executeRawUnsafe(
        `INSERT INTO "ProductRating" (id, "storeId", sku, count, sum, stars1, stars2, stars3, stars4, stars5)
         SELECT (x->>'id')::uuid, $2::uuid, x->>'sku', (x->>'count')::int, (x->>'sum')::int,
                (x->'stars'->>0)::int, (x->'stars'->>1)::int, (x->'stars'->>2)::int, (x->'stars'->>3)::int, (x->'stars'->>4)::int
         FROM jsonb_array_elements($1::jsonb) AS x
         ON CONFLICT ("storeId", sku) DO UPDATE SET
           count = "ProductRating".count + EXCLUDED.count,
           sum = "ProductRating".sum + EXCLUDED.sum,
           stars1 = "ProductRating".stars1 + EXCLUDED.stars1,
           stars2 = "ProductRating".stars2 + EXCLUDED.stars2,
           stars3 = "ProductRating".stars3 + EXCLUDED.stars3,
           stars4 = "ProductRating".stars4 + EXCLUDED.stars4,
           stars5 = "ProductRating".stars5 + EXCLUDED.stars5`,
        JSON.stringify(aggregates),
        storeId,
      );
      if (votes.length > 0) await tx.reviewVote.createMany({ data: votes, skipDuplicates: true });
      await emitMany(tx, events);
    },
    { maxWait: 30_000, timeout: 120_000 },
  );
}

function readKeys(file: string): DemoKeys | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as DemoKeys;
  } catch {
    return undefined;
  }
}

export function demoKeysFile(dataDir: string): string {
  return path.join(path.dirname(dataDir), 'demo-keys.json');
}
