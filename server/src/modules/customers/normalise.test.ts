import { describe, expect, test } from 'vitest';
import { uuidv7 } from '../../db/uuid7.ts';
import { customerInput } from './customers.validation.ts';
import { normaliseEmail, normalisePhone } from './normalise.ts';

describe('normaliseEmail', () => {
  test.each([
    ['  Foo@Example.COM ', 'foo@example.com'],
    ['foo@example.com', 'foo@example.com'],
    ['first.last+tag@Sub.Example.fi', 'first.last+tag@sub.example.fi'],
    ['not-an-email', null],
    ['foo@localhost', null],
    ['two words@example.com', null],
    ['', null],
  ])('%j -> %j', (input, expected) => {
    expect(normaliseEmail(input)).toBe(expected);
  });
});

describe('normalisePhone', () => {
  test.each([
    ['+358 40 123 4567', '+358401234567'],
    ['00358401234567', '+358401234567'],
    ['+358 (40) 123-45.67', '+358401234567'],
    ['+358401234567', '+358401234567'],
    ['040 123 4567', '0401234567'],
    ['+358 40 abc', null],
    ['1234', null],
    ['+1234567890123456', null],
    ['++358401234567', null],
  ])('%j -> %j', (input, expected) => {
    expect(normalisePhone(input)).toBe(expected);
  });
});

describe('customerInput', () => {
  test('normalises and is idempotent', () => {
    const once = customerInput.parse({
      identities: [
        { source: ' POS ', externalId: ' CARD-889 ' },
        { source: 'pos', externalId: 'CARD-889' },
      ],
      email: ' A@B.FI ',
      phone: '00358 40 1',
      firstName: '  ',
      tags: ['vip', 'vip'],
    });
    expect(once).toEqual({
      identities: [{ source: 'pos', externalId: 'CARD-889' }],
      email: 'a@b.fi',
      phone: '+358401',
      firstName: null,
      tags: ['vip'],
    });
    expect(customerInput.parse(once)).toEqual(once);
  });

  test.each([
    [{ email: 'x' }, 'email'],
    [{ identities: [{ source: 'a b', externalId: '1' }] }, 'identities.0.source'],
    [{ identities: [{ source: 'pos', externalId: '  ' }] }, 'identities.0.externalId'],
    [{ birthday: '2001-13-01' }, 'birthday'],
    [{ birthday: '2999-01-01' }, 'birthday'],
    [{ locale: 'not a locale!' }, 'locale'],
    [{ attributes: { ok: [1] } }, 'attributes.ok'],
    [{ marketingConsent: { granted: 'yes' } }, 'marketingConsent.granted'],
  ])('%j is refused at %s', (input, field) => {
    const result = customerInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(field);
  });

  test('uuidv7 is a time-ordered version 7 UUID', () => {
    const a = uuidv7(1_000);
    const b = uuidv7(2_000);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
  });
});
