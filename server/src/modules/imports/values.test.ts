import { describe, expect, test } from 'vitest';
import { currencyExponent, parseDate, parseMoney, parseQuantity } from './values.ts';

describe('parseDate', () => {
  test.each([
    // ISO 8601 with a zone: the zone wins over the default.
    ['2010-12-01T08:26:00Z', 'Europe/Helsinki', '2010-12-01T08:26:00.000Z'],
    ['2010-12-01T08:26:00.5+02:00', 'UTC', '2010-12-01T06:26:00.500Z'],
    ['2019-06-13 13:05:24 +0200', 'UTC', '2019-06-13T11:05:24.000Z'],
    ['2019-06-13 13:05:24 -0430', 'UTC', '2019-06-13T17:35:24.000Z'],
    // Without a zone: wall time in the given zone (Helsinki is +2 in winter, +3 in summer).
    ['2010-12-01 08:26:00', 'UTC', '2010-12-01T08:26:00.000Z'],
    ['2010-12-01 08:26:00', 'Europe/Helsinki', '2010-12-01T06:26:00.000Z'],
    ['2010-07-01T08:26', 'Europe/Helsinki', '2010-07-01T05:26:00.000Z'],
    ['2010-12-01', 'Europe/London', '2010-12-01T00:00:00.000Z'],
    // M/D/YY H:MM, the UCI Online Retail spreadsheet format.
    ['12/1/10 8:26', 'UTC', '2010-12-01T08:26:00.000Z'],
    ['12/9/2011 12:50', 'Europe/London', '2011-12-09T12:50:00.000Z'],
    ['6/1/2011 9:05', 'Europe/London', '2011-06-01T08:05:00.000Z'],
    ['1/2/99 11:30 PM', 'UTC', '1999-01-02T23:30:00.000Z'],
    ['1/2/99 12:05 am', 'UTC', '1999-01-02T00:05:00.000Z'],
    // D.M.YYYY (German, Finnish).
    ['01.12.2010', 'Europe/Helsinki', '2010-11-30T22:00:00.000Z'],
    ['1.12.2010 8.26'.replace('8.26', '08:26'), 'UTC', '2010-12-01T08:26:00.000Z'],
    // YYYYMMDD (CDNOW).
    ['19970101', 'UTC', '1997-01-01T00:00:00.000Z'],
    ['19970101', 'America/New_York', '1997-01-01T05:00:00.000Z'],
    // DST edges in Helsinki: 2021-03-28 03:00 does not exist (→ 04:00 +3), 2021-10-31 03:30 happens twice.
    ['2021-03-28 03:30', 'Europe/Helsinki', '2021-03-28T01:30:00.000Z'],
    ['2021-10-31 03:30', 'Europe/Helsinki', '2021-10-31T00:30:00.000Z'],
    // Newfoundland switches at a half hour.
    ['2021-03-14 03:00', 'America/St_Johns', '2021-03-14T05:30:00.000Z'],
  ])('%s in %s', (text, zone, expected) => {
    expect(parseDate(text, zone)?.toISOString()).toBe(expected);
  });

  test('day-first slashed dates on request', () => {
    expect(parseDate('1/2/2010', 'UTC', { dayFirst: true })?.toISOString()).toBe('2010-02-01T00:00:00.000Z');
  });

  test.each([
    '',
    'yesterday',
    '2010-13-01',
    '2010-02-30',
    '13/1/10 8:26',
    '12/1/10 25:00',
    '12/1/10 8:61',
    '19971301',
    '32.01.2010',
    '2010-12-01T08:26:00+25:00',
    '13/1/10 13:00 PM',
    '1/2/1899',
  ])('unreadable: %j', (text) => {
    expect(parseDate(text, 'UTC')).toBeNull();
  });
});

describe('parseMoney', () => {
  test.each([
    ['3.39', 2, 339],
    ['3,39', 2, 339],
    ['1,234.50', 2, 123450],
    ['1.234,50', 2, 123450],
    ['1 234,50', 2, 123450],
    ['1,234', 2, 123400],
    ['1,234,567', 2, 123456700],
    ['0.85', 2, 85],
    ['.5', 2, 50],
    ['5.', 2, 500],
    ['$3.39', 2, 339],
    ['3,39 €', 2, 339],
    ['EUR 12.00', 2, 1200],
    ['-2.50', 2, -250],
    ['(2.50)', 2, -250],
    ['£-11,062.06', 2, -1106206],
    ['0.055', 2, 6],
    ['0.054', 2, 5],
    ['-0.055', 2, -6],
    ['0.001', 2, 0],
    ['1500', 0, 1500],
    ['1500.4', 0, 1500],
    ['1.234', 3, 1234],
    ['1,234', 3, 1234],
    ['0', 2, 0],
  ])('%j with %i decimals → %i', (text, exponent, expected) => {
    expect(parseMoney(text, exponent)).toBe(expected);
  });

  test.each(['', 'abc', '1.2.3,4,5', '1,23,456.00', '12a3', '--1', '99999999999999999999'])(
    'unreadable: %j',
    (text) => {
      expect(parseMoney(text, 2)).toBeNull();
    },
  );
});

describe('currencyExponent', () => {
  test.each([
    ['EUR', 2],
    ['usd', 2],
    ['JPY', 0],
    ['BHD', 3],
    ['XYZ1', null],
    ['', null],
  ])('%s → %s', (code, expected) => {
    expect(currencyExponent(code)).toBe(expected);
  });
});

describe('parseQuantity', () => {
  test.each([
    ['3', 3],
    ['-12', -12],
    ['+1', 1],
    ['3.0', 3],
    ['1,000', 1000],
    [' 7 ', 7],
    ['1.5', null],
    ['', null],
    ['x', null],
  ])('%j → %s', (text, expected) => {
    expect(parseQuantity(text)).toBe(expected);
  });
});
