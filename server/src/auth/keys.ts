import { createHash, randomBytes } from 'node:crypto';

export type KeyKind = 'PUBLISHABLE' | 'SECRET';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Unbiased base62 from crypto bytes (rejection sampling). */
function base62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export interface GeneratedKey {
  /** The whole key; shown once, never stored for secret keys. */
  value: string;
  /** Recognisable start of the key, stored in clear and used as the `kid` of customer tokens. */
  prefix: string;
  hash: string;
}

/** SHA-256 is the right hash here: keys carry ~190 bits of randomness, so no stretching is needed. */
export function hashKey(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function generateKey(kind: KeyKind): GeneratedKey {
  const value = `${kind === 'SECRET' ? 'sk' : 'pk'}_${base62(32)}`;
  return { value, prefix: value.slice(0, 11), hash: hashKey(value) };
}

export function keyKindOf(value: string): KeyKind | undefined {
  if (/^sk_[0-9A-Za-z]{32}$/.test(value)) return 'SECRET';
  if (/^pk_[0-9A-Za-z]{32}$/.test(value)) return 'PUBLISHABLE';
  return undefined;
}
