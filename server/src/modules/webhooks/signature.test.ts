import { describe, expect, test } from 'vitest';
import { signBody, verifySignature } from './signature.ts';

const secret = 'hush-this-is-a-test-secret';
const body = '{"id":820982911946154508,"email":"jon@example.com","total_price":"59.85"}';

describe('signBody', () => {
  test('matches an HMAC-SHA256 computed independently (RFC 4231 test case 2)', () => {
    // key "Jefe", data "what do ya want for nothing?" → 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843
    expect(Buffer.from(signBody('Jefe', 'what do ya want for nothing?'), 'base64').toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});

describe('verifySignature', () => {
  const good = signBody(secret, body);
  const cases: [string, string, Uint8Array | string, string | null, boolean][] = [
    ['the right signature', secret, body, good, true],
    ['the right signature over the same bytes as a buffer', secret, Buffer.from(body), good, true],
    ['surrounding whitespace in the header', secret, body, ` ${good} `, true],
    ['no header', secret, body, null, false],
    ['an empty header', secret, body, '', false],
    ['another secret', 'another-secret-of-16+', body, good, false],
    ['a body with one byte changed', secret, body.replace('59.85', '59.86'), good, false],
    ['the same JSON re-serialised with spaces', secret, JSON.stringify(JSON.parse(body), null, 1), good, false],
    ['a hex digest instead of base64', secret, body, Buffer.from(good, 'base64').toString('hex'), false],
    ['a truncated signature', secret, body, good.slice(0, 20), false],
    ['a signature with one character flipped', secret, body, `${good[0] === 'A' ? 'B' : 'A'}${good.slice(1)}`, false],
    ['garbage', secret, body, 'not base64 at all!!', false],
  ];
  test.each(cases)('%s', (_name, key, payload, signature, valid) => {
    expect(verifySignature(key, payload, signature)).toBe(valid);
  });
});
