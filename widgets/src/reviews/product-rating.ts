import { css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { KantaProductRating } from '../generated/operations.ts';
import { formatNumber, formatRating } from '../internal/format.ts';
import { KantaElement } from '../internal/kanta-element.ts';
import { format, Localize } from '../internal/localize.ts';
import { kantaBase } from '../internal/styles.ts';
import { DataTask } from '../internal/task.ts';
import { en } from './rating-messages.en.ts';
import { renderStars, starStyles } from './stars.ts';

interface RatingData {
  product: { rating: { average: number | null; count: number } } | null;
}

// One warning per API (endpoint and key) and page, not one per product tile.
const warned = new WeakSet<object>();
const noApi = {};

/**
 * Compact star rating of a product for product pages and lists: stars filled
 * to the average, the average and the review count, read out as one phrase
 * ("Rated 4.3 out of 5 from 12 reviews"). Decorative: when the API cannot be
 * reached it renders nothing and logs one `console.warn`. Many ratings on a
 * page share one client, so identical queries in flight are sent once.
 *
 * @csspart base - The rating (a link when `href` is set).
 * @csspart stars - The five stars.
 * @csspart average - The average, e.g. 4.3.
 * @csspart count - The number of reviews, e.g. (12).
 * @csspart empty - The "No reviews yet" text.
 *
 * @cssproperty --kanta-color-star - Colour of filled stars.
 * @cssproperty --kanta-color-border - Colour of empty stars.
 * @cssproperty --kanta-color-text - Text colour.
 * @cssproperty --kanta-color-background - Background behind the rating (light or dark scheme).
 * @cssproperty --kanta-color-muted - Colour of the count and "No reviews yet".
 * @cssproperty --kanta-color-accent - Focus ring of the link.
 * @cssproperty --kanta-font-size - Font size. Default: 1rem.
 *
 * @tag product-rating
 */
export class ProductRating extends KantaElement {
  static override styles = [
    kantaBase,
    starStyles,
    css`
  :host{display:inline-block}
  .base{display:inline-flex;align-items:center;gap:0.375em;padding-inline:0.25em;border-radius:var(--_radius);background:var(--_background);color:inherit;text-decoration:none;min-block-size:24px}
  a.base:hover .count{text-decoration:underline}
  .average{font-weight:600}
`,
  ];

  /** Sku of the product. */
  @property({ reflect: true }) sku = '';

  /** Makes the rating a link, e.g. to `#reviews`. */
  @property() href?: string;

  /** Renders nothing (instead of "No reviews yet") for a product without reviews. */
  @property({ type: Boolean, attribute: 'hide-empty' }) hideEmpty = false;

  private readonly i18n = new Localize(this, en, {
    fi: () => import('./rating-messages.fi.ts'),
    hu: () => import('./rating-messages.hu.ts'),
    bs: () => import('./rating-messages.bs.ts'),
    hy: () => import('./rating-messages.hy.ts'),
  });

  private readonly rating = new DataTask(this, {
    args: () => [this.api, this.sku] as const,
    task: async ([api, sku], { signal }) => {
      try {
        if (!api || !sku) throw new Error('no endpoint, key or sku');
        const data = await api.query<RatingData>(KantaProductRating, { sku }, signal);
        return data.product?.rating ?? { average: null, count: 0 };
      } catch (error) {
        const key = api ?? noApi;
        if (!signal.aborted && !warned.has(key)) {
          warned.add(key);
          console.warn('product-rating: the rating could not be loaded', error);
        }
        throw error;
      }
    },
  });

  override render() {
    const t = this.i18n.t;
    const rating = this.rating.status === 'complete' ? this.rating.value : undefined;
    if (!t || !rating || (this.hideEmpty && !rating.count)) return nothing;
    const locale = this.resolvedLocale;
    const average = formatRating(locale, rating.average ?? 0);
    const label = rating.count
      ? format(rating.count === 1 ? t.ratedOne : t.rated, { average, count: formatNumber(locale, rating.count) })
      : t.noReviews;
    const content = rating.count
      ? html`${renderStars(rating.average ?? 0)}<span part="average" class="average">${average}</span
          ><span part="count" class="count muted">(${formatNumber(locale, rating.count)})</span>`
      : html`<span part="empty" class="muted">${label}</span>`;
    return this.href
      ? html`<a part="base" class="base" href=${this.href} aria-label=${label} lang=${locale}>${content}</a>`
      : html`<span part="base" class="base" role="img" aria-label=${label} lang=${locale}>${content}</span>`;
  }
}
