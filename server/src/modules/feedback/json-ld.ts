/**
 * schema.org structured data for a product page: a `Product` with its `AggregateRating` and a few
 * `Review`s, as a plain object (pure: no database). Embed it with
 *
 *   <script type="application/ld+json">${jsonLdScriptContent(productJsonLd(product, rating, reviews))}</script>
 *
 * `jsonLdScriptContent` escapes `<`, `>` and `&` (and U+2028/U+2029) as JSON \u escapes, so no review
 * text — `</script>`, `<img src=x onerror=alert(1)>`, `<!--` — can end the script element or start
 * markup; JSON parsers read the escapes back as the original characters.
 */

export interface JsonLdProduct {
  sku: string;
  name: string;
  url?: string | null;
  imageUrl?: string | null;
  description?: string | null;
  /** Minor units of `currency`. */
  price?: number | null;
  currency?: string | null;
  inStock?: boolean | null;
}

export interface JsonLdRating {
  /** Average stars; null (or count 0): no AggregateRating is emitted. */
  average: number | null;
  count: number;
}

export interface JsonLdReview {
  authorName?: string | null;
  rating: number;
  title?: string | null;
  body: string;
  publishedAt?: Date | null;
  createdAt: Date;
  /** When given, only PUBLISHED reviews are included. */
  status?: string;
}

export interface JsonLdOptions {
  /** At most this many reviews (default 5). */
  maxReviews?: number;
  /** The author shown for a review without a name (default "Anonymous"). */
  anonymousName?: string;
}

export const SCHEMA_ORG = 'https://schema.org';
export const BEST_RATING = 5;
export const WORST_RATING = 1;

/** Minor units as the decimal text schema.org prices use ("12.90"; "1200" for JPY). */
export function priceText(minor: number, currency: string): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {}
  const negative = minor < 0;
  const abs = Math.abs(Math.trunc(minor))
    .toString()
    .padStart(digits + 1, '0');
  const text = digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
  return negative ? `-${text}` : text;
}

/** schema.org Date: YYYY-MM-DD (UTC). */
function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function httpUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function reviewJsonLd(review: JsonLdReview, options: JsonLdOptions = {}): Record<string, unknown> {
  const result: Record<string, unknown> = {
    '@type': 'Review',
    author: {
      '@type': 'Person',
      name: review.authorName?.trim() ? review.authorName : (options.anonymousName ?? 'Anonymous'),
    },
    reviewRating: { '@type': 'Rating', ratingValue: review.rating, bestRating: BEST_RATING, worstRating: WORST_RATING },
    reviewBody: review.body,
    datePublished: isoDate(review.publishedAt ?? review.createdAt),
  };
  if (review.title) result.name = review.title;
  return result;
}

/**
 * A schema.org Product. `aggregateRating` only when something is published (search engines reject
 * a rating with reviewCount 0); `review` with up to `maxReviews` published reviews; `offers` when the
 * product has a price and currency.
 */
export function productJsonLd(
  product: JsonLdProduct,
  rating: JsonLdRating | null,
  reviews: JsonLdReview[] = [],
  options: JsonLdOptions = {},
): Record<string, unknown> {
  const result: Record<string, unknown> = {
    '@context': SCHEMA_ORG,
    '@type': 'Product',
    name: product.name,
    sku: product.sku,
  };
  const url = httpUrl(product.url);
  if (url) result.url = url;
  const image = httpUrl(product.imageUrl);
  if (image) result.image = image;
  if (product.description) result.description = product.description;
  if (product.price != null && product.currency) {
    const offer: Record<string, unknown> = {
      '@type': 'Offer',
      price: priceText(product.price, product.currency),
      priceCurrency: product.currency,
    };
    if (product.inStock != null)
      offer.availability = product.inStock ? `${SCHEMA_ORG}/InStock` : `${SCHEMA_ORG}/OutOfStock`;
    if (url) offer.url = url;
    result.offers = offer;
  }
  if (rating && rating.count > 0 && rating.average !== null) {
    result.aggregateRating = {
      '@type': 'AggregateRating',
      ratingValue: rating.average,
      reviewCount: rating.count,
      bestRating: BEST_RATING,
      worstRating: WORST_RATING,
    };
  }
  const max = Math.max(0, options.maxReviews ?? 5);
  const shown = reviews.filter((review) => review.status === undefined || review.status === 'PUBLISHED').slice(0, max);
  if (shown.length > 0) result.review = shown.map((review) => reviewJsonLd(review, options));
  return result;
}

const UNSAFE = /[<>&\u2028\u2029]/g;
const ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** JSON text that is safe between <script type="application/ld+json"> and </script>. */
export function jsonLdScriptContent(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (char) => ESCAPES[char]!);
}
