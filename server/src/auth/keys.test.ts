import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKey, hashKey, keyKindOf } from './keys.ts';

describe('generateKey', () => {
  it.each([
    ['SECRET', /^sk_[0-9A-Za-z]{32}$/],
    ['PUBLISHABLE', /^pk_[0-9A-Za-z]{32}$/],
  ] as const)('makes a %s key of the documented shape', (kind, shape) => {
    const key = generateKey(kind);
    expect(key.value).toMatch(shape);
    // The prefix is what `keys list` shows and what customer tokens carry as `kid`.
    expect(key.prefix).toBe(key.value.slice(0, 11));
    expect(key.hash).toBe(hashKey(key.value));
    expect(keyKindOf(key.value)).toBe(kind);
  });

  it('never repeats a key or a prefix in many draws', () => {
    const values = new Set<string>();
    const prefixes = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const key = generateKey(i % 2 ? 'SECRET' : 'PUBLISHABLE');
      values.add(key.value);
      prefixes.add(key.prefix);
    }
    expect(values.size).toBe(2_000);
    // 8 random base62 characters after "sk_"/"pk_": a collision among 2 000 draws would mean broken randomness.
    expect(prefixes.size).toBe(2_000);
  });

  it('uses the whole base62 alphabet, roughly evenly', () => {
    // A biased or truncated alphabet weakens every key. Plain `byte % 62` would make '0'-'7' about 21%
    // more frequent; with 128 000 characters the noise is ~2%, so a 15% band catches that bias.
    const counts = new Map<string, number>();
    for (let i = 0; i < 4_000; i++) {
      for (const char of generateKey('SECRET').value.slice(3)) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    const expected = (4_000 * 32) / 62;
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(expected * 0.85);
      expect(count).toBeLessThan(expected * 1.15);
    }
  });
});

describe('hashKey', () => {
  it('is the hex SHA-256 of the key, so the database never holds the key itself', () => {
    const key = generateKey('SECRET').value;
    expect(hashKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashKey(key)).not.toContain(key.slice(3));
  });

  it('is deterministic and tells keys apart', () => {
    expect(hashKey('sk_a')).toBe(hashKey('sk_a'));
    expect(hashKey('sk_a')).not.toBe(hashKey('sk_b'));
  });
});

describe('keyKindOf', () => {
  const body = 'A'.repeat(32);
  it.each([
    [`sk_${body}`, 'SECRET'],
    [`pk_${body}`, 'PUBLISHABLE'],
    [`sk_${'A'.repeat(31)}`, undefined],
    [`sk_${'A'.repeat(33)}`, undefined],
    [`sk_${'A'.repeat(31)}-`, undefined],
    [`SK_${body}`, undefined],
    [`rk_${body}`, undefined],
    [` sk_${body}`, undefined],
    [`sk_${body}\n`, undefined],
    ['', undefined],
  ])('classifies %j as %s', (value, kind) => {
    expect(keyKindOf(value)).toBe(kind);
  });
});
