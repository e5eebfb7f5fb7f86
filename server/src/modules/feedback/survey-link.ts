import { createHmac, timingSafeEqual } from 'node:crypto';
import { SurveyLinkError } from './errors.ts';

/**
 * Signed one-time survey links, pure. A token is `<payload>.<signature>`: the payload is base64url
 * JSON naming store, survey, customer, order, invitation and expiry; the signature is the base64url
 * HMAC-SHA256 of the payload text under the store's `FeedbackSettings.linkSecret`. Rotating that
 * secret voids every outstanding link. Checks run in this order, so a tampered expiry is INVALID,
 * not EXPIRED: shape → signature (constant-time) → expiry.
 */

export interface SurveyTokenPayload {
  storeId: string;
  surveyId: string;
  customerId: string;
  orderId: string | null;
  invitationId: string | null;
  expiresAt: Date;
}

/** The wire form: short keys keep links short; `v` is the format version. */
interface Wire {
  v: 1;
  st: string;
  su: string;
  cu: string;
  or: string | null;
  in: string | null;
  /** Expiry, seconds since the epoch. */
  ex: number;
}

const MAX_TOKEN_LENGTH = 2_048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function signature(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

export function signSurveyToken(payload: SurveyTokenPayload, secret: string): string {
  if (!secret) throw new Error('signSurveyToken needs a secret');
  const wire: Wire = {
    v: 1,
    st: payload.storeId,
    su: payload.surveyId,
    cu: payload.customerId,
    or: payload.orderId ?? null,
    in: payload.invitationId ?? null,
    ex: Math.floor(payload.expiresAt.getTime() / 1000),
  };
  const body = Buffer.from(JSON.stringify(wire)).toString('base64url');
  return `${body}.${signature(body, secret).toString('base64url')}`;
}

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 64;
const isOptionalId = (value: unknown): value is string | null => value === null || isId(value);

/** Parses the payload without checking the signature (to find the store whose secret checks it); null if malformed. */
export function readSurveyToken(token: unknown): SurveyTokenPayload | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
  const parts = token.split('.');
  if (parts.length !== 2 || !BASE64URL.test(parts[0]!) || !BASE64URL.test(parts[1]!)) return null;
  let wire: Partial<Wire>;
  try {
    wire = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (
    !wire ||
    typeof wire !== 'object' ||
    wire.v !== 1 ||
    !isId(wire.st) ||
    !isId(wire.su) ||
    !isId(wire.cu) ||
    !isOptionalId(wire.or) ||
    !isOptionalId(wire.in) ||
    typeof wire.ex !== 'number' ||
    !Number.isSafeInteger(wire.ex)
  )
    return null;
  return {
    storeId: wire.st,
    surveyId: wire.su,
    customerId: wire.cu,
    orderId: wire.or,
    invitationId: wire.in,
    expiresAt: new Date(wire.ex * 1000),
  };
}

/**
 * The payload of a genuine, unexpired token; otherwise throws SurveyLinkError('INVALID' | 'EXPIRED').
 * `secretFor(storeId)` returns the store's link secret (null/undefined: no such store → INVALID).
 */
export function verifySurveyToken(
  token: unknown,
  secretFor: (storeId: string) => string | null | undefined,
  now: Date = new Date(),
): SurveyTokenPayload {
  const payload = readSurveyToken(token);
  if (!payload) throw new SurveyLinkError('INVALID');
  const secret = secretFor(payload.storeId);
  if (!secret) throw new SurveyLinkError('INVALID');
  const [body, given] = (token as string).split('.') as [string, string];
  const expected = signature(body, secret);
  const actual = Buffer.from(given, 'base64url');
  // Re-encoding must give back the same text: no alternative spellings of one signature.
  if (actual.length !== expected.length || actual.toString('base64url') !== given || !timingSafeEqual(actual, expected))
    throw new SurveyLinkError('INVALID');
  if (payload.expiresAt.getTime() <= now.getTime()) throw new SurveyLinkError('EXPIRED');
  return payload;
}
