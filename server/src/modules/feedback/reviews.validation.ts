import { InvalidInputError } from '../../errors.ts';
import { localeTag } from '../stores/stores.validation.ts';
import type { ReviewStatusName } from './ratings.ts';
import {
  AUTHOR_NAME_MAX,
  BODY_MAX,
  plainBody,
  plainLine,
  REPLY_MAX,
  reviewContentHash,
  TITLE_MAX,
} from './review-text.ts';

/** What a shopper submits. Text is plain text, stored as given. */
export interface ReviewInput {
  storeId: string;
  customerId: string;
  sku: string;
  rating: number;
  title?: string | null;
  body: string;
  photoUrls?: string[] | null;
  locale?: string | null;
  /** Shown with the review, e.g. "Aino V."; none: the review is shown without a name. */
  authorName?: string | null;
}

export interface ValidReviewInput {
  sku: string;
  rating: number;
  title: string | null;
  body: string;
  photoUrls: string[];
  locale: string | null;
  authorName: string | null;
  contentHash: string;
}

export const SKU_MAX = 100;
export const MAX_PHOTOS = 10;
export const PHOTO_URL_MAX = 2_000;
export const REASON_MAX = 1_000;

/** Same trimming as order lines and products, so a review finds the order line's sku. */
export function parseSku(value: unknown, field = 'sku'): string {
  if (typeof value !== 'string') throw new InvalidInputError(field, 'must be text');
  const sku = value.trim();
  if (sku === '') throw new InvalidInputError(field, 'must not be empty');
  if (sku.length > SKU_MAX) throw new InvalidInputError(field, `must be at most ${SKU_MAX} characters`);
  return sku;
}

export function parseRating(value: unknown, field = 'rating'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 5)
    throw new InvalidInputError(field, 'must be a whole number from 1 to 5');
  return value;
}

/** http(s) URLs only: a photo URL ends up in an <img src>, so javascript: and data: are refused. */
export function parsePhotoUrls(value: unknown, field = 'photoUrls'): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidInputError(field, 'must be a list of URLs');
  if (value.length > MAX_PHOTOS) throw new InvalidInputError(field, `must list at most ${MAX_PHOTOS} photos`);
  const urls: string[] = [];
  for (const [index, entry] of value.entries()) {
    const at = `${field}.${index}`;
    if (typeof entry !== 'string') throw new InvalidInputError(at, 'must be a URL');
    const text = entry.trim();
    if (text.length > PHOTO_URL_MAX) throw new InvalidInputError(at, `must be at most ${PHOTO_URL_MAX} characters`);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new InvalidInputError(at, 'must be an absolute http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new InvalidInputError(at, 'must be an absolute http(s) URL');
    if (!urls.includes(url.href)) urls.push(url.href);
  }
  return urls;
}

export function parseLocale(value: unknown, field = 'locale'): string | null {
  if (value === null || value === undefined || value === '') return null;
  const parsed = localeTag.safeParse(value);
  if (!parsed.success) throw new InvalidInputError(field, 'must be a BCP 47 language tag such as fi or hy-AM');
  return parsed.data;
}

/** Validates a submission; throws InvalidInputError(field, rule) on the first problem. */
export function parseReviewInput(input: ReviewInput): ValidReviewInput {
  if (!input || typeof input !== 'object') throw new InvalidInputError('input', 'must be an object');
  const sku = parseSku(input.sku);
  const rating = parseRating(input.rating);
  const title = plainLine('title', input.title, TITLE_MAX);
  const body = plainBody('body', input.body, BODY_MAX);
  const photoUrls = parsePhotoUrls(input.photoUrls);
  const locale = parseLocale(input.locale);
  const authorName = plainLine('authorName', input.authorName, AUTHOR_NAME_MAX);
  return { sku, rating, title, body, photoUrls, locale, authorName, contentHash: reviewContentHash(body) };
}

export interface ModerationInput {
  status: 'PUBLISHED' | 'REJECTED';
  /** Why: required when rejecting (it is kept in the audit trail and shown to the moderators). */
  reason?: string | null;
}

export function parseModerationInput(input: ModerationInput): {
  status: 'PUBLISHED' | 'REJECTED';
  reason: string | null;
} {
  if (!input || typeof input !== 'object') throw new InvalidInputError('input', 'must be an object');
  if (input.status !== 'PUBLISHED' && input.status !== 'REJECTED')
    throw new InvalidInputError('status', 'must be PUBLISHED or REJECTED');
  const reason = plainLine('reason', input.reason, REASON_MAX);
  if (input.status === 'REJECTED' && !reason) throw new InvalidInputError('reason', 'is required when rejecting');
  return { status: input.status, reason };
}

/** A merchant's public reply: plain text, or null/empty to remove it. */
export function parseReply(value: unknown): string | null {
  if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) return null;
  return plainBody('reply', value, REPLY_MAX);
}

export const AUTO_PUBLISH_MODES = ['NONE', 'VERIFIED', 'ALL'] as const;
export type AutoPublishMode = (typeof AUTO_PUBLISH_MODES)[number];

/**
 * The status a submitted (or edited) review starts in. Deliberately takes no rating: moderation may
 * never depend on the stars (suppressing negative reviews is illegal in the EU and the US).
 */
export function initialReviewStatus(mode: string, verifiedPurchase: boolean): 'PENDING' | 'PUBLISHED' {
  if (mode === 'ALL') return 'PUBLISHED';
  if (mode === 'VERIFIED' && verifiedPurchase) return 'PUBLISHED';
  return 'PENDING';
}

/** PENDING → PUBLISHED | REJECTED, PUBLISHED → REJECTED, REJECTED → PUBLISHED. */
export function canModerate(from: ReviewStatusName, to: ReviewStatusName): boolean {
  if (from === 'PENDING') return to === 'PUBLISHED' || to === 'REJECTED';
  if (from === 'PUBLISHED') return to === 'REJECTED';
  return to === 'PUBLISHED';
}

export const REVIEW_SORTS = ['NEWEST', 'HIGHEST', 'LOWEST', 'MOST_HELPFUL'] as const;
export type ReviewSort = (typeof REVIEW_SORTS)[number];

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1_000;

export function parsePageSize(value: unknown): number {
  if (value === null || value === undefined) return DEFAULT_PAGE_SIZE;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE)
    throw new InvalidInputError('first', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  return value;
}
