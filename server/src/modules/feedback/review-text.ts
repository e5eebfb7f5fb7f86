import { createHash } from 'node:crypto';
import { InvalidInputError } from '../../errors.ts';

/**
 * Review text is plain text: stored exactly as given (nothing is stripped, escaped or trimmed) and
 * returned as text, never as HTML — rendering it safely is the job of whoever displays it (the
 * widgets set textContent; JSON-LD goes through `jsonLdScriptContent`). What is refused here is
 * text that cannot be plain text: control characters (other than line breaks and tabs in bodies
 * and replies) and broken UTF-16 (lone surrogates).
 *
 * The duplicate check compares a normalised form: Unicode NFKC, lower case, punctuation removed,
 * whitespace collapsed. "Great mug!!!" and "great   MUG" are the same text.
 */

export const TITLE_MAX = 150;
export const BODY_MAX = 5_000;
export const REPLY_MAX = 5_000;
export const AUTHOR_NAME_MAX = 100;
/**
 * Normalised bodies shorter than this ("Love it!", "Great") are not checked for duplicates:
 * two honest customers often write the same two words, and refusing the second would hide a
 * genuine review. Copy-pasted spam is longer than this.
 */
export const DUPLICATE_MIN_LENGTH = 20;

/** C0 and C1 control characters and DEL; with `multiline`, tab, line feed and carriage return are allowed. */
export function hasControlCharacter(value: string, multiline: boolean): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code >= 0x20 && code < 0x7f) continue;
    if (code < 0x20) {
      if (multiline && (code === 0x09 || code === 0x0a || code === 0x0d)) continue;
      return true;
    }
    if (code <= 0x9f) return true;
  }
  return false;
}

/** Length in characters (code points), as people count them; emoji count once. */
export function textLength(value: string): number {
  let length = 0;
  for (const _ of value) length++;
  return length;
}

/** A high surrogate without its low half, or a low one without its high half (no `u` flag on purpose). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkPlain(field: string, value: string, multiline: boolean): void {
  if (LONE_SURROGATE.test(value)) throw new InvalidInputError(field, 'must be valid Unicode text');
  if (hasControlCharacter(value, multiline))
    throw new InvalidInputError(
      field,
      multiline
        ? 'must not contain control characters (other than line breaks and tabs)'
        : 'must not contain control characters',
    );
}

/**
 * A required multi-line plain text (a review body or a merchant reply): 1..max characters, not only
 * whitespace. Returned unchanged.
 */
export function plainBody(field: string, value: unknown, max = BODY_MAX): string {
  if (typeof value !== 'string') throw new InvalidInputError(field, 'must be text');
  checkPlain(field, value, true);
  if (value.trim() === '') throw new InvalidInputError(field, 'must not be empty');
  if (textLength(value) > max) throw new InvalidInputError(field, `must be at most ${max} characters`);
  return value;
}

/**
 * An optional single-line plain text (a title or a display name): null, undefined, empty or only
 * whitespace mean "none" (null); otherwise returned unchanged.
 */
export function plainLine(field: string, value: unknown, max: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new InvalidInputError(field, 'must be text');
  checkPlain(field, value, false);
  if (value.trim() === '') return null;
  if (textLength(value) > max) throw new InvalidInputError(field, `must be at most ${max} characters`);
  return value;
}

/** The form the duplicate check compares: NFKC, lower case, no punctuation, single spaces. */
export function normaliseReviewText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\p{P}+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** SHA-256 (hex) of the normalised body: the Review.contentHash. */
export function reviewContentHash(body: string): string {
  return createHash('sha256').update(normaliseReviewText(body), 'utf8').digest('hex');
}

/** Whether a body is long enough for the duplicate check (see DUPLICATE_MIN_LENGTH). */
export function isDuplicateCheckable(body: string): boolean {
  return textLength(normaliseReviewText(body)) >= DUPLICATE_MIN_LENGTH;
}
