import { describe, expect, test } from 'vitest';
import {
  type JsonLdReview,
  jsonLdScriptContent,
  priceText,
  productJsonLd,
} from '../../src/modules/feedback/json-ld.ts';

/**
 * A small schema.org checker: for every type we emit, the properties schema.org defines for it
 * (https://schema.org/Product, /AggregateRating, /Review, /Rating, /Person, /Offer) with their
 * expected types, plus what search engines require for review snippets. Unknown properties,
 * wrong value types and missing required properties all fail.
 */
type Expected = 'Text' | 'URL' | 'Number' | 'Integer' | 'Date' | 'ItemAvailability' | 'CurrencyCode' | string;

const SCHEMA: Record<string, { properties: Record<string, Expected[]>; required: string[]; many?: string[] }> = {
  Product: {
    properties: {
      name: ['Text'],
      sku: ['Text'],
      url: ['URL'],
      image: ['URL'],
      description: ['Text'],
      offers: ['Offer'],
      aggregateRating: ['AggregateRating'],
      review: ['Review'],
    },
    required: ['name'],
    many: ['review'],
  },
  AggregateRating: {
    properties: {
      ratingValue: ['Number', 'Text'],
      reviewCount: ['Integer'],
      bestRating: ['Number', 'Text'],
      worstRating: ['Number', 'Text'],
    },
    required: ['ratingValue', 'reviewCount'],
  },
  Review: {
    properties: {
      author: ['Person', 'Organization'],
      reviewRating: ['Rating'],
      reviewBody: ['Text'],
      datePublished: ['Date'],
      name: ['Text'],
    },
    required: ['author', 'reviewRating'],
  },
  Rating: {
    properties: { ratingValue: ['Number', 'Text'], bestRating: ['Number', 'Text'], worstRating: ['Number', 'Text'] },
    required: ['ratingValue'],
  },
  Person: { properties: { name: ['Text'] }, required: ['name'] },
  Offer: {
    properties: {
      price: ['Number', 'Text'],
      priceCurrency: ['CurrencyCode'],
      availability: ['ItemAvailability'],
      url: ['URL'],
    },
    required: ['price', 'priceCurrency'],
  },
};

function matches(value: unknown, expected: Expected): boolean {
  switch (expected) {
    case 'Text':
      return typeof value === 'string';
    case 'URL':
      return typeof value === 'string' && /^https?:\/\/[^\s]+$/.test(value) && URL.canParse(value);
    case 'Number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'Integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'Date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
    case 'CurrencyCode':
      return typeof value === 'string' && /^[A-Z]{3}$/.test(value);
    case 'ItemAvailability':
      return (
        typeof value === 'string' && /^https:\/\/schema\.org\/(InStock|OutOfStock|PreOrder|Discontinued)$/.test(value)
      );
    default:
      return typeof value === 'object' && value !== null && (value as Record<string, unknown>)['@type'] === expected;
  }
}

/** Problems found, as "path: message" lines; empty when the node is valid. */
function validate(node: unknown, path = '$'): string[] {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return [`${path}: not an object`];
  const record = node as Record<string, unknown>;
  const type = record['@type'];
  if (typeof type !== 'string' || !SCHEMA[type]) return [`${path}: unknown @type ${String(type)}`];
  const spec = SCHEMA[type]!;
  const problems: string[] = [];
  for (const required of spec.required) if (!(required in record)) problems.push(`${path}: ${type} needs ${required}`);
  for (const [key, value] of Object.entries(record)) {
    if (key === '@type' || (key === '@context' && path === '$')) continue;
    const expected = spec.properties[key];
    if (!expected) {
      problems.push(`${path}.${key}: not a property of ${type}`);
      continue;
    }
    const values = Array.isArray(value) && spec.many?.includes(key) ? value : [value];
    for (const [index, item] of values.entries()) {
      const at = Array.isArray(value) ? `${path}.${key}[${index}]` : `${path}.${key}`;
      if (!expected.some((candidate) => matches(item, candidate)))
        problems.push(`${at}: expected ${expected.join(' | ')}, got ${JSON.stringify(item)}`);
      else if (typeof item === 'object' && item !== null) problems.push(...validate(item, at));
    }
  }
  // Ratings must lie between worst and best.
  if ((type === 'AggregateRating' || type === 'Rating') && typeof record.ratingValue === 'number') {
    const best = (record.bestRating as number | undefined) ?? 5;
    const worst = (record.worstRating as number | undefined) ?? 1;
    if (record.ratingValue < worst || record.ratingValue > best) problems.push(`${path}.ratingValue: out of range`);
  }
  return problems;
}

const product = {
  sku: 'MUG-1',
  name: 'Moomin mug',
  url: 'https://shop.example/mug',
  imageUrl: 'https://cdn.example/mug.jpg',
  price: 1290,
  currency: 'EUR',
  inStock: true,
};

const review = (overrides: Partial<JsonLdReview> = {}): JsonLdReview => ({
  authorName: 'Aino V.',
  rating: 5,
  title: 'Lovely',
  body: 'Holds a lot of coffee.',
  publishedAt: new Date('2026-11-30T22:30:00Z'),
  createdAt: new Date('2026-11-29T10:00:00Z'),
  status: 'PUBLISHED',
  ...overrides,
});

describe('productJsonLd', () => {
  test('Product + AggregateRating + Reviews, field by field', () => {
    const ld = productJsonLd(product, { average: 4.33, count: 3 }, [
      review(),
      review({ authorName: null, rating: 3, title: null }),
    ]);
    expect(validate(ld)).toEqual([]);
    expect(ld).toEqual({
      '@context': 'https://schema.org',
      '@type': 'Product',
      name: 'Moomin mug',
      sku: 'MUG-1',
      url: 'https://shop.example/mug',
      image: 'https://cdn.example/mug.jpg',
      offers: {
        '@type': 'Offer',
        price: '12.90',
        priceCurrency: 'EUR',
        availability: 'https://schema.org/InStock',
        url: 'https://shop.example/mug',
      },
      aggregateRating: { '@type': 'AggregateRating', ratingValue: 4.33, reviewCount: 3, bestRating: 5, worstRating: 1 },
      review: [
        {
          '@type': 'Review',
          author: { '@type': 'Person', name: 'Aino V.' },
          reviewRating: { '@type': 'Rating', ratingValue: 5, bestRating: 5, worstRating: 1 },
          reviewBody: 'Holds a lot of coffee.',
          datePublished: '2026-11-30',
          name: 'Lovely',
        },
        {
          '@type': 'Review',
          author: { '@type': 'Person', name: 'Anonymous' },
          reviewRating: { '@type': 'Rating', ratingValue: 3, bestRating: 5, worstRating: 1 },
          reviewBody: 'Holds a lot of coffee.',
          datePublished: '2026-11-30',
        },
      ],
    });
  });

  test('the checker catches wrong shapes (it is not vacuous)', () => {
    expect(validate({ '@type': 'Product' })).toEqual(['$: Product needs name']);
    expect(
      validate({
        '@type': 'Product',
        name: 'x',
        aggregateRating: { '@type': 'AggregateRating', ratingValue: '4', reviewCount: 1.5 },
      }),
    ).toEqual(['$.aggregateRating.reviewCount: expected Integer, got 1.5']);
    expect(validate({ '@type': 'Product', name: 'x', rating: 5 })).toEqual(['$.rating: not a property of Product']);
    expect(
      validate({
        '@type': 'Product',
        name: 'x',
        review: [
          {
            '@type': 'Review',
            author: 'Aino',
            reviewRating: { '@type': 'Rating', ratingValue: 7 },
            datePublished: '30.11.2026',
          },
        ],
      }),
    ).toEqual([
      '$.review[0].author: expected Person | Organization, got "Aino"',
      '$.review[0].reviewRating.ratingValue: out of range',
      '$.review[0].datePublished: expected Date, got "30.11.2026"',
    ]);
  });

  test('no AggregateRating without published reviews; no offers without a price', () => {
    const ld = productJsonLd({ sku: 'X', name: 'X' }, { average: null, count: 0 });
    expect(ld).toEqual({ '@context': 'https://schema.org', '@type': 'Product', name: 'X', sku: 'X' });
    expect(validate(ld)).toEqual([]);
    expect(productJsonLd({ sku: 'X', name: 'X' }, null)).not.toHaveProperty('aggregateRating');
  });

  test('only published reviews, at most maxReviews; datePublished falls back to createdAt', () => {
    const reviews = [
      review({ status: 'PENDING', body: 'pending' }),
      review({ status: 'REJECTED', body: 'rejected' }),
      ...Array.from({ length: 8 }, (_, index) => review({ body: `r${index}`, publishedAt: null })),
    ];
    const ld = productJsonLd(product, { average: 5, count: 8 }, reviews, { maxReviews: 3 }) as {
      review: { reviewBody: string; datePublished: string }[];
    };
    expect(ld.review.map((entry) => entry.reviewBody)).toEqual(['r0', 'r1', 'r2']);
    expect(ld.review[0]!.datePublished).toBe('2026-11-29');
    expect(validate(ld)).toEqual([]);
    expect(productJsonLd(product, { average: 5, count: 8 }, reviews)).toHaveProperty('review.length', 5);
  });

  test('unsafe URLs are left out rather than emitted', () => {
    const ld = productJsonLd({ ...product, url: 'javascript:alert(1)', imageUrl: 'data:image/png;base64,xx' }, null);
    expect(ld).not.toHaveProperty('url');
    expect(ld).not.toHaveProperty('image');
    expect(validate(ld)).toEqual([]);
  });

  test.each([
    [1290, 'EUR', '12.90'],
    [5, 'EUR', '0.05'],
    [0, 'EUR', '0.00'],
    [1200, 'JPY', '1200'],
    [12345, 'BHD', '12.345'],
    [199, 'XXQ', '1.99'],
  ])('priceText(%i, %s) = %s', (minor, currency, text) => {
    expect(priceText(minor, currency)).toBe(text);
  });
});

describe('jsonLdScriptContent', () => {
  const hostile = [
    '<img src=x onerror=alert(1)>',
    '</script><script>alert(1)</script>',
    '</SCRIPT >alert(1)',
    '<!-- <script>',
    '"quotes" & \\backslashes\\ \u2028\u2029',
  ];

  test.each(hostile)('cannot break out of the script element: %s', (text) => {
    const ld = productJsonLd({ sku: text, name: text }, { average: 1, count: 1 }, [
      review({ body: text, title: text, authorName: text, rating: 1 }),
    ]);
    const content = jsonLdScriptContent(ld);
    // No markup characters at all: the HTML tokenizer cannot see an end tag or a comment.
    expect(content).not.toMatch(/[<>&\u2028\u2029]/);
    const html = `<script type="application/ld+json">${content}</script>`;
    expect(html.toLowerCase().indexOf('</script')).toBe(html.length - '</script>'.length);
    // And it reads back as exactly the same data: the text is inert, not removed.
    expect(JSON.parse(content)).toEqual(ld);
    expect((JSON.parse(content) as { review: { reviewBody: string }[] }).review[0]!.reviewBody).toBe(text);
    expect(validate(JSON.parse(content))).toEqual([]);
  });

  test('escapes < as \\u003c', () => {
    expect(jsonLdScriptContent({ a: '<b>' })).toBe('{"a":"\\u003cb\\u003e"}');
  });
});
