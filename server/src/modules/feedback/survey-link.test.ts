import { describe, expect, test } from 'vitest';
import { SurveyLinkError } from './errors.ts';
import { readSurveyToken, type SurveyTokenPayload, signSurveyToken, verifySurveyToken } from './survey-link.ts';

const SECRET = 'store-a-secret-0123456789abcdefghij';
const now = new Date('2026-12-02T12:00:00Z');
const payload: SurveyTokenPayload = {
  storeId: '019ad000-0000-7000-8000-000000000001',
  surveyId: '019ad000-0000-7000-8000-000000000002',
  customerId: '019ad000-0000-7000-8000-000000000003',
  orderId: '019ad000-0000-7000-8000-000000000004',
  invitationId: '019ad000-0000-7000-8000-000000000005',
  expiresAt: new Date('2026-12-16T12:00:00Z'),
};
const secrets = (storeId: string): string | null => (storeId === payload.storeId ? SECRET : null);

function failure(token: unknown, secretFor = secrets, at = now): string {
  try {
    verifySurveyToken(token, secretFor, at);
  } catch (error) {
    expect(error).toBeInstanceOf(SurveyLinkError);
    return (error as SurveyLinkError).reason;
  }
  return 'VALID';
}

type Wire = Record<string, unknown> & { ex: number };

/** Decodes, patches and re-encodes the payload part, keeping the old signature. */
function withPayload(token: string, patch: (wire: Wire) => Record<string, unknown>): string {
  const [body, signature] = token.split('.') as [string, string];
  const wire = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Wire;
  return `${Buffer.from(JSON.stringify({ ...wire, ...patch(wire) })).toString('base64url')}.${signature}`;
}

describe('signed survey links', () => {
  const token = signSurveyToken(payload, SECRET);

  test('round trip: the payload comes back whole (expiry to the second)', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifySurveyToken(token, secrets, now)).toEqual(payload);
    const noOrder = { ...payload, orderId: null, invitationId: null, expiresAt: new Date('2026-12-03T00:00:00.999Z') };
    expect(verifySurveyToken(signSurveyToken(noOrder, SECRET), secrets, now)).toEqual({
      ...noOrder,
      expiresAt: new Date('2026-12-03T00:00:00Z'),
    });
  });

  test('it is URL-safe and short enough for an SMS link', () => {
    expect(encodeURIComponent(token)).toBe(token);
    expect(token.length).toBeLessThan(400);
  });

  test('expiry: valid until the second before expiresAt, EXPIRED from then on', () => {
    expect(failure(token, secrets, new Date(payload.expiresAt.getTime() - 1_000))).toBe('VALID');
    expect(failure(token, secrets, payload.expiresAt)).toBe('EXPIRED');
    expect(failure(token, secrets, new Date('2027-01-01T00:00:00Z'))).toBe('EXPIRED');
  });

  test.each([
    ['another customer', () => ({ cu: '019ad000-0000-7000-8000-0000000000ff' })],
    ['another order', () => ({ or: '019ad000-0000-7000-8000-0000000000ff' })],
    ['another survey', () => ({ su: '019ad000-0000-7000-8000-0000000000ff' })],
    ['a later expiry', (wire: Wire) => ({ ex: wire.ex + 86_400 })],
    ['no invitation', () => ({ in: null })],
  ])('a payload edited to name %s is INVALID', (_name, edit) => {
    expect(failure(withPayload(token, edit))).toBe('INVALID');
  });

  test('an edited expiry is INVALID even when the original has expired', () => {
    const later = new Date(payload.expiresAt.getTime() + 1_000);
    expect(
      failure(
        withPayload(token, (wire: Wire) => ({ ex: wire.ex + 86_400 })),
        secrets,
        later,
      ),
    ).toBe('INVALID');
  });

  test('a tampered signature is INVALID', () => {
    const [body, signature] = token.split('.') as [string, string];
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(failure(`${body}.${flipped}`)).toBe('INVALID');
    expect(failure(`${body}.${signature.slice(0, -2)}`)).toBe('INVALID');
    expect(failure(`${body}.${signature}AA`)).toBe('INVALID');
    // The last base64url character carries 2 spare bits: a variant that decodes to the same bytes is refused too.
    const last = signature.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(failure(`${body}.${signature.slice(0, -1)}${sibling}`)).toBe('INVALID');
  });

  test('a token signed with another store secret is INVALID', () => {
    expect(failure(signSurveyToken(payload, 'another-store-secret'))).toBe('INVALID');
    // …and a rotated secret voids the links signed before.
    expect(failure(token, () => 'rotated-secret')).toBe('INVALID');
    // Unknown store: no secret.
    expect(failure(token, () => null)).toBe('INVALID');
  });

  test.each([
    ['empty', ''],
    ['not a string', 42],
    ['null', null],
    ['one part', 'abc'],
    ['three parts', 'a.b.c'],
    ['not base64url', 'ab+c/.def'],
    ['empty signature', `${token.split('.')[0]}.`],
    ['not JSON', `${Buffer.from('nope').toString('base64url')}.abc`],
    ['JSON without fields', `${Buffer.from('{}').toString('base64url')}.abc`],
    ['JSON array', `${Buffer.from('[1]').toString('base64url')}.abc`],
    ['wrong version', withPayload(token, () => ({ v: 2 }))],
    ['non-integer expiry', withPayload(token, () => ({ ex: 'soon' }))],
    ['numeric customer', withPayload(token, () => ({ cu: 12 }))],
    ['huge', `${'a'.repeat(5_000)}.b`],
  ])('malformed (%s) is INVALID', (_name, value) => {
    expect(failure(value)).toBe('INVALID');
  });

  test('readSurveyToken reads without verifying (to find the store)', () => {
    expect(readSurveyToken(token)?.storeId).toBe(payload.storeId);
    expect(readSurveyToken('garbage')).toBeNull();
  });
});
