import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';

/** The longest a customer token may live; the server refuses tokens that promise more. */
export const MAX_CUSTOMER_TOKEN_SECONDS = 15 * 60;

/**
 * The HMAC key of a store's customer tokens: the SHA-256 of its secret key. The storefront back end
 * derives it from the secret key it holds; Kanta, which keeps only that hash, verifies with it.
 * Revoking the secret key therefore invalidates every token signed with it.
 */
export function customerTokenKey(secretKey: string): Uint8Array {
  return new Uint8Array(Buffer.from(createHash('sha256').update(secretKey, 'utf8').digest('hex'), 'hex'));
}

/**
 * Signs a short-lived token that identifies a shopper to Kanta's storefront API.
 *
 * Call it in your store's back end (never in the browser: it needs the secret key) after the shopper
 * signs in, and hand the token to the page; widgets send it as `X-Kanta-Customer`.
 *
 * @param secretKey - the store's `sk_…` key
 * @param customerExternalId - your id for the shopper (becomes the token's `sub`)
 * @param options.expiresInSeconds - lifetime, at most 900 (15 minutes); default 900
 * @returns an HS256 JWT
 */
export async function signCustomerToken(
  secretKey: string,
  customerExternalId: string,
  options: { expiresInSeconds?: number } = {},
): Promise<string> {
  if (!/^sk_[0-9A-Za-z]{32}$/.test(secretKey)) throw new TypeError('signCustomerToken: secretKey must be an sk_ key');
  if (!customerExternalId || customerExternalId.length > 200)
    throw new TypeError('signCustomerToken: customerExternalId must be 1 to 200 characters');
  const lifetime = options.expiresInSeconds ?? MAX_CUSTOMER_TOKEN_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_CUSTOMER_TOKEN_SECONDS)
    throw new RangeError(
      `signCustomerToken: expiresInSeconds must be a whole number from 1 to ${MAX_CUSTOMER_TOKEN_SECONDS}`,
    );
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: secretKey.slice(0, 11) })
    .setSubject(customerExternalId)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(customerTokenKey(secretKey));
}
