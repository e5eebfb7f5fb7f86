import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature Shopify sends in `X-Shopify-Hmac-Sha256`: base64 of HMAC-SHA256(secret, raw body). */
export function signBody(secret: string, body: Uint8Array | string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/**
 * Checks a base64 HMAC-SHA256 signature of the raw body. The digest is recomputed over the exact bytes
 * received (re-serialised JSON would differ in whitespace and key order) and compared in constant time,
 * so response timing reveals nothing about how many leading bytes of a forged signature were right.
 */
export function verifySignature(secret: string, body: Uint8Array | string, signature: string | null): boolean {
  if (!signature) return false;
  const received = Buffer.from(signature.trim(), 'base64');
  const expected = createHmac('sha256', secret).update(body).digest();
  // timingSafeEqual throws on different lengths; the length of a SHA-256 digest is no secret.
  return received.length === expected.length && timingSafeEqual(received, expected);
}
