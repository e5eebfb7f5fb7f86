import { describe, expect, test } from 'vitest';
import { storeBadgeMessages } from '../store-badge/strings.ts';
import { catalogues, matchLocale, supportedLocales } from './locales.ts';

describe('message catalogues', () => {
  const englishKeys = Object.keys(catalogues.en).sort();

  test('Kanta ships en, fi, hu, bs and hy', () => {
    expect(supportedLocales).toEqual(['en', 'fi', 'hu', 'bs', 'hy']);
  });

  // The type check already rejects a missing key; this also catches
  // catalogues edited through casts or blank strings left for a translator.
  test.each(supportedLocales)('%s has every key, each with text', (locale) => {
    const catalogue = new Map<string, unknown>(Object.entries(catalogues[locale]));
    expect([...catalogue.keys()].sort()).toEqual(englishKeys);
    for (const key of englishKeys) {
      const message = catalogue.get(key);
      expect(typeof message, `${locale}.${key}`).toBe('string');
      expect(String(message).trim(), `${locale}.${key}`).not.toBe('');
    }
  });

  test.each(supportedLocales.filter((locale) => locale !== 'en'))(
    '%s is translated, not copied from English',
    (locale) => {
      for (const key of englishKeys) {
        expect(catalogues[locale][key as keyof typeof catalogues.en], `${locale}.${key}`).not.toBe(
          catalogues.en[key as keyof typeof catalogues.en],
        );
      }
    },
  );

  test('the brand name stays "Kanta" in every language', () => {
    for (const locale of supportedLocales) expect(storeBadgeMessages[locale].poweredBy).toContain('Kanta');
  });

  test.each(supportedLocales.filter((locale) => locale !== 'en'))('%s store badge strings are translated', (locale) => {
    for (const [key, text] of Object.entries(storeBadgeMessages.en))
      expect(storeBadgeMessages[locale][key as keyof typeof storeBadgeMessages.en], `${locale}.${key}`).not.toBe(text);
  });
});

describe('matchLocale', () => {
  test.each([
    ['fi', 'fi'],
    ['fi-FI', 'fi'],
    ['HU', 'hu'],
    ['bs-Latn-BA', 'bs'],
    ['hy_AM', 'hy'],
    [' en-GB ', 'en'],
    ['de', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
    ['constructor', undefined],
  ])('%j -> %j', (tag, expected) => {
    expect(matchLocale(tag)).toBe(expected);
  });
});
