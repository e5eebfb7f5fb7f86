import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { PrismaClient } from '../../db/database.ts';
import type { FeedbackSettings, Prisma } from '../../generated/prisma/client.ts';
import { parseInput } from '../customers/customers.service.ts';

type Db = PrismaClient | Prisma.TransactionClient;

export const AUTO_PUBLISH = ['NONE', 'VERIFIED', 'ALL'] as const;
export type AutoPublish = (typeof AUTO_PUBLISH)[number];

/** What the retailer edits; the link secret is never given, only rotated. */
export interface FeedbackSettingsInput {
  /** At most one ask (survey invitation or review request) per customer in this many days; 0: no cap. */
  contactCapDays?: number | null;
  autoPublish?: AutoPublish | null;
  reviewsPerDay?: number | null;
  responseEditMinutes?: number | null;
  /** Hours after an order that its customer is asked to review its products (1–2160); null: off. Omitted: unchanged. */
  reviewRequestDelayHours?: number | null;
  /** A new random link secret: every outstanding survey link stops working. */
  rotateLinkSecret?: boolean | null;
}

const int = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .nullish();

const settingsInput = z.object(
  {
    contactCapDays: int(0, 365),
    autoPublish: z.enum(AUTO_PUBLISH, { error: 'must be NONE, VERIFIED or ALL' }).nullish(),
    reviewsPerDay: int(1, 100),
    responseEditMinutes: int(0, 10_080),
    reviewRequestDelayHours: int(1, 2160),
    rotateLinkSecret: z.boolean({ error: 'must be true or false' }).nullish(),
  },
  { error: 'must be an object' },
);

export function newLinkSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The store's feedback settings, created with the defaults and a random link secret on first use
 * (concurrent first uses create one row: the loser of the insert reads the winner's).
 * Never expose `linkSecret` through the API.
 */
export async function feedbackSettings(db: Db, storeId: string): Promise<FeedbackSettings> {
  const existing = await db.feedbackSettings.findUnique({ where: { storeId } });
  if (existing) return existing;
  await db.feedbackSettings.createMany({ data: { storeId, linkSecret: newLinkSecret() }, skipDuplicates: true });
  return db.feedbackSettings.findUniqueOrThrow({ where: { storeId } });
}

/**
 * Changes the given fields (undefined or null: unchanged — except reviewRequestDelayHours, where
 * null switches review requests off). Invalid input throws InvalidInputError and changes nothing.
 */
export async function updateFeedbackSettings(
  prisma: PrismaClient,
  storeId: string,
  input: FeedbackSettingsInput,
): Promise<FeedbackSettings> {
  const valid = parseInput(settingsInput, input ?? {}, 'input');
  await feedbackSettings(prisma, storeId);
  const data: Prisma.FeedbackSettingsUpdateInput = {};
  if (valid.contactCapDays != null) data.contactCapDays = valid.contactCapDays;
  if (valid.autoPublish != null) data.autoPublish = valid.autoPublish;
  if (valid.reviewsPerDay != null) data.reviewsPerDay = valid.reviewsPerDay;
  if (valid.responseEditMinutes != null) data.responseEditMinutes = valid.responseEditMinutes;
  if (valid.reviewRequestDelayHours !== undefined) data.reviewRequestDelayHours = valid.reviewRequestDelayHours;
  if (valid.rotateLinkSecret) data.linkSecret = newLinkSecret();
  if (Object.keys(data).length === 0) return feedbackSettings(prisma, storeId);
  return prisma.feedbackSettings.update({ where: { storeId }, data });
}
