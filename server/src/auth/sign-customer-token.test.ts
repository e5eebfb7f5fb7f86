import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateKey } from './keys.ts';
import { customerTokenKey, MAX_CUSTOMER_TOKEN_SECONDS, signCustomerToken } from './sign-customer-token.ts';

const secretKey = generateKey('SECRET').value;

afterEach(() => {
  vi.useRealTimers();
});

describe('signCustomerToken', () => {
  it('signs an HS256 JWT whose kid is the secret key prefix and whose sub is the customer id', async () => {
    const token = await signCustomerToken(secretKey, 'customer-42');
    expect(token.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: secretKey.slice(0, 11) });
    // The header must not leak more of the secret key than its prefix.
    expect(token).not.toContain(secretKey.slice(11));

    const { payload } = await jwtVerify(token, customerTokenKey(secretKey), { algorithms: ['HS256'] });
    expect(payload.sub).toBe('customer-42');
    expect(typeof payload.iat).toBe('number');
    expect(payload.exp! - payload.iat!).toBe(MAX_CUSTOMER_TOKEN_SECONDS);
  });

  it('expires within 15 minutes by default and honours a shorter lifetime', async () => {
    const before = Math.floor(Date.now() / 1000);
    const byDefault = await jwtVerify(await signCustomerToken(secretKey, 'c'), customerTokenKey(secretKey));
    const short = await jwtVerify(
      await signCustomerToken(secretKey, 'c', { expiresInSeconds: 60 }),
      customerTokenKey(secretKey),
    );
    const after = Math.floor(Date.now() / 1000);
    expect(MAX_CUSTOMER_TOKEN_SECONDS).toBe(900);
    expect(byDefault.payload.exp).toBeGreaterThanOrEqual(before + 900);
    expect(byDefault.payload.exp).toBeLessThanOrEqual(after + 900);
    expect(short.payload.exp).toBeGreaterThanOrEqual(before + 60);
    expect(short.payload.exp).toBeLessThanOrEqual(after + 60);
  });

  it('produces a token that stops verifying once it has expired', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] });
    const token = await signCustomerToken(secretKey, 'c', { expiresInSeconds: 30 });
    await expect(jwtVerify(token, customerTokenKey(secretKey))).resolves.toBeTruthy();
    vi.setSystemTime(new Date('2026-01-01T00:00:31Z'));
    await expect(jwtVerify(token, customerTokenKey(secretKey))).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it('is verifiable only with the key derived from the same secret key', async () => {
    const token = await signCustomerToken(secretKey, 'c');
    const other = generateKey('SECRET').value;
    await expect(jwtVerify(token, customerTokenKey(other))).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
    // The raw secret key is not the HMAC key: Kanta only stores sha256(secretKey) and verifies with that.
    await expect(jwtVerify(token, new TextEncoder().encode(secretKey))).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
  });

  it('derives a 32-byte HMAC key equal to sha256(secretKey)', async () => {
    const key = customerTokenKey(secretKey);
    expect(key).toBeInstanceOf(Uint8Array);
    expect(key.byteLength).toBe(32);
    const expected = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secretKey)));
    expect(Buffer.from(key).equals(Buffer.from(expected))).toBe(true);
  });

  it.each([
    ['a publishable key', generateKey('PUBLISHABLE').value],
    ['a truncated secret key', secretKey.slice(0, -1)],
    ['an empty string', ''],
    ['a secret key with whitespace', ` ${secretKey}`],
  ])('refuses %s as the signing key', async (_label, key) => {
    await expect(signCustomerToken(key, 'c')).rejects.toThrow(/secretKey must be an sk_ key/);
  });

  it.each([
    ['empty', ''],
    ['longer than 200 characters', 'x'.repeat(201)],
  ])('refuses a customer id that is %s', async (_label, id) => {
    await expect(signCustomerToken(secretKey, id)).rejects.toThrow(/customerExternalId must be 1 to 200 characters/);
  });

  it('accepts a 200-character customer id', async () => {
    const token = await signCustomerToken(secretKey, 'x'.repeat(200));
    expect((await jwtVerify(token, customerTokenKey(secretKey))).payload.sub).toBe('x'.repeat(200));
  });

  it.each([901, 3600, 0, -5, 1.5, Number.NaN])('refuses a lifetime of %s seconds', async (seconds) => {
    await expect(signCustomerToken(secretKey, 'c', { expiresInSeconds: seconds })).rejects.toThrow(RangeError);
  });

  it('accepts exactly the maximum lifetime', async () => {
    const token = await signCustomerToken(secretKey, 'c', { expiresInSeconds: 900 });
    const { payload } = await jwtVerify(token, customerTokenKey(secretKey));
    expect(payload.exp! - payload.iat!).toBe(900);
  });
});
