import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../src/errors.ts';
import {
  hasControlCharacter,
  isDuplicateCheckable,
  normaliseReviewText,
  plainBody,
  plainLine,
  reviewContentHash,
  textLength,
} from '../../src/modules/feedback/review-text.ts';
import { parsePhotoUrls, parseReviewInput } from '../../src/modules/feedback/reviews.validation.ts';

describe('normaliseReviewText / reviewContentHash', () => {
  test.each([
    ['Great mug!!!', 'great mug'],
    ['  great   MUG ', 'great mug'],
    ['great\n\tmug.', 'great mug'],
    ['Great, mug; really — great…', 'great mug really great'],
    ['ＦＵＬＬＷＩＤＴＨ　text', 'fullwidth text'],
    ['Erittäin HYVÄ muki', 'erittäin hyvä muki'],
    ['Ça va? «Oui»', 'ça va oui'],
    ['Շատ լավ է։', 'շատ լավ է'],
    ['<img src=x onerror=alert(1)>', '<img src=x onerror=alert 1 >'],
  ])('%j → %j', (text, normalised) => {
    expect(normaliseReviewText(text)).toBe(normalised);
  });

  test('variants of one text hash alike; different words do not', () => {
    const hash = reviewContentHash('Keeps my coffee warm for hours!');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(reviewContentHash('keeps my COFFEE warm,   for hours')).toBe(hash);
    expect(reviewContentHash('Keeps my tea warm for hours!')).not.toBe(hash);
    // Diacritics are meaning in Finnish and Hungarian: not folded.
    expect(reviewContentHash('tuli')).not.toBe(reviewContentHash('tuli̇'));
    expect(reviewContentHash('sää')).not.toBe(reviewContentHash('saa'));
  });

  test.each([
    ['Love it!', false],
    ['Great product, would buy', true],
    ['!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!', false],
  ])('duplicate-checkable %j: %s', (text, checkable) => {
    expect(isDuplicateCheckable(text)).toBe(checkable);
  });
});

describe('plain text', () => {
  test.each([
    ['plain', false, false],
    ['tab\tand\nnew line\r\n', true, false],
    ['tab\t', false, true],
    ['bell\u0007', true, true],
    ['nul\u0000', true, true],
    ['escape\u001b[31m', true, true],
    ['del\u007f', true, true],
    ['c1 \u0085', true, true],
    ['no-break\u00a0space and emoji 😀 and <b>', true, false],
  ])('%j (multiline %s) has a control character: %s', (text, multiline, expected) => {
    expect(hasControlCharacter(text, multiline)).toBe(expected);
  });

  test('bodies are returned unchanged, never trimmed or escaped', () => {
    for (const body of [' leading and trailing ', '<script>alert(1)</script>', 'a & b', '\n\nline']) {
      expect(plainBody('body', body)).toBe(body);
    }
  });

  test('lengths count characters, not UTF-16 units', () => {
    expect(textLength('😀😀')).toBe(2);
    expect(plainBody('body', '😀'.repeat(5_000))).toHaveLength(10_000);
    expect(() => plainBody('body', '😀'.repeat(5_001))).toThrow(InvalidInputError);
  });

  test('optional lines: empty means none', () => {
    expect(plainLine('title', '', 150)).toBeNull();
    expect(plainLine('title', '   ', 150)).toBeNull();
    expect(plainLine('title', null, 150)).toBeNull();
    expect(plainLine('title', ' Nice ', 150)).toBe(' Nice ');
    expect(() => plainLine('title', 42, 150)).toThrow(InvalidInputError);
  });
});

describe('parseReviewInput', () => {
  test('normalises what may be normalised and hashes the body', () => {
    const valid = parseReviewInput({
      storeId: 's',
      customerId: 'c',
      sku: '  MUG-1 ',
      rating: 5,
      title: '',
      body: 'Great!',
      photoUrls: ['https://img.example/a.jpg', ' https://img.example/a.jpg '],
      locale: 'fi-fi',
      authorName: '  ',
    });
    expect(valid).toEqual({
      sku: 'MUG-1',
      rating: 5,
      title: null,
      body: 'Great!',
      photoUrls: ['https://img.example/a.jpg'],
      locale: 'fi-FI',
      authorName: null,
      contentHash: reviewContentHash('Great!'),
    });
  });

  test.each([['javascript:alert(1)'], ['data:image/png;base64,AAAA'], ['//img.example/a.jpg'], ['ftp://x/y.jpg']])(
    'refuses photo URL %s',
    (url) => {
      expect(() => parsePhotoUrls([url])).toThrow(InvalidInputError);
    },
  );
});
