import { css, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { KantaCanReview, KantaProductReviews, KantaVoteReviewHelpful } from '../generated/operations.ts';
import type { KantaApi } from '../internal/api.ts';
import { formatDate, formatNumber, formatRating } from '../internal/format.ts';
import { KantaElement } from '../internal/kanta-element.ts';
import { format, Localize } from '../internal/localize.ts';
import { renderError, renderLoading } from '../internal/states.ts';
import { kantaBase } from '../internal/styles.ts';
import { DataTask } from '../internal/task.ts';
import { en, type ReviewsMessages } from './messages.en.ts';
import { renderStars, starStyles } from './stars.ts';

export interface Review {
  id: string;
  rating: number;
  title: string | null;
  body: string;
  authorName: string | null;
  createdAt: string;
  verifiedPurchase: boolean;
  photoUrls: string[];
  reply: string | null;
  helpfulCount: number;
}

interface Page {
  edges: { node: Review }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface ReviewsData {
  product: {
    jsonLdScript: string | null;
    rating: { average: number | null; count: number; histogram: number[] };
    reviews: Page;
  } | null;
}

/** Orders of the server's `ReviewSort`. */
export const reviewSorts = ['NEWEST', 'MOST_HELPFUL', 'HIGHEST', 'LOWEST'] as const;
export type ReviewSort = (typeof reviewSorts)[number];

/**
 * A product's reviews: average and count, a 5★…1★ histogram, reviews in the
 * chosen order with "Show more", verified-purchase badges, photos, the store's
 * replies and "Helpful" votes. Shoppers who bought the product get a "Write a
 * review" button that loads `<review-form>` on demand. Also puts the product's
 * schema.org JSON-LD (with its AggregateRating) in the light DOM as a
 * `<script type="application/ld+json">` child, for search engines.
 *
 * @fires kanta-review-submitted - A review was sent (from the form); detail `{ sku, id, status }`.
 * @fires kanta-review-helpful - The shopper marked a review helpful; detail `{ reviewId }`.
 *
 * @csspart base - The whole widget; also the live region for loading and errors.
 * @csspart summary - Average, stars and count.
 * @csspart average - The average number.
 * @csspart stars - Stars (summary and each review).
 * @csspart histogram - The list of 5★…1★ bars.
 * @csspart bar - One histogram bar (the track).
 * @csspart bar-fill - The filled part of a histogram bar.
 * @csspart sort - The sort select.
 * @csspart write-button - "Write a review".
 * @csspart form - The `<review-form>` element.
 * @csspart list - The list of reviews.
 * @csspart review - One review.
 * @csspart review-title - A review's title.
 * @csspart review-body - A review's text.
 * @csspart meta - Author and date.
 * @csspart verified - The "Verified purchase" badge.
 * @csspart photos - A review's photo thumbnails.
 * @csspart photo - One thumbnail (a link to the full-size photo, new tab).
 * @csspart reply - The store's reply.
 * @csspart helpful-button - The "Helpful (n)" button.
 * @csspart more-button - "Show more reviews".
 * @csspart empty - "No reviews yet".
 * @csspart loading - The loading state.
 * @csspart spinner - The loading indicator.
 * @csspart error - The error state.
 * @csspart retry-button - Loads again after an error.
 *
 * @cssproperty --kanta-color-star - Filled stars and histogram bars.
 * @cssproperty --kanta-color-text - Text colour.
 * @cssproperty --kanta-color-muted - Secondary text.
 * @cssproperty --kanta-color-background - Background of the widget.
 * @cssproperty --kanta-color-surface - Background of replies and bar tracks.
 * @cssproperty --kanta-color-border - Borders and empty stars.
 * @cssproperty --kanta-color-accent - Buttons and focus ring.
 * @cssproperty --kanta-color-on-accent - Text on buttons.
 * @cssproperty --kanta-color-success - The verified badge.
 * @cssproperty --kanta-color-error - Error text.
 * @cssproperty --kanta-radius - Corner radius.
 * @cssproperty --kanta-spacing - Spacing between parts.
 * @cssproperty --kanta-font-family - Font.
 * @cssproperty --kanta-font-size - Base font size.
 *
 * @tag product-reviews
 */
export class ProductReviews extends KantaElement {
  static override styles = [
    kantaBase,
    starStyles,
    css`
  :host{display:block}
  .base{padding:var(--_spacing);border-radius:var(--_radius);background:var(--_background)}
  .base,.list,.review{display:grid;gap:var(--_spacing)}
  h2,h3,p{margin:0}
  .summary,.row,.meta,.photos,.toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:0.5rem}
  .average{font-size:1.75em;font-weight:700}
  .histogram,.list{list-style:none;margin:0;padding:0}
  .row > :first-child{min-inline-size:5em}
  .bar{flex:1;max-inline-size:16rem;block-size:0.5rem;border-radius:var(--_radius);background:var(--_surface);overflow:hidden}
  .bar-fill{display:block;block-size:100%;background:var(--_star)}
  .review{padding-block:var(--_spacing);border-block-start:1px solid var(--_border)}
  .verified{color:var(--_success)}
  .photos img{display:block;inline-size:4rem;block-size:4rem;object-fit:cover}
  .reply{padding:var(--_spacing);border-radius:var(--_radius);background:var(--_surface);border-inline-start:3px solid var(--_accent)}
  .body,.reply p{white-space:pre-line;overflow-wrap:anywhere}
  select{font:inherit;min-block-size:2.25rem}
  .helpful[aria-pressed='true']{background:var(--_accent);color:var(--_on-accent)}
`,
  ];

  /** Sku of the product. */
  @property({ reflect: true }) sku = '';

  /** Reviews per page (1–50). Default: 5. */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 5;

  /** Order of the reviews: NEWEST, MOST_HELPFUL, HIGHEST or LOWEST. */
  @property() sort: ReviewSort = 'NEWEST';

  @state() private list: Review[] = [];
  /** The connection cursor of the next page; null on the last page. */
  @state() private cursor: string | null = null;
  @state() private loadingMore = false;
  @state() private moreFailed = false;
  @state() private formOpen = false;
  /** Helpful counts after the shopper's votes (optimistic, then the server's). */
  @state() private votes = new Map<string, number>();
  /** Per review: a message next to its vote button. */
  @state() private voteNotes = new Map<string, string>();

  private readonly i18n = new Localize(this, en, {
    fi: () => import('./messages.fi.ts'),
    hu: () => import('./messages.hu.ts'),
    bs: () => import('./messages.bs.ts'),
    hy: () => import('./messages.hy.ts'),
  });
  private jsonLd?: HTMLScriptElement;

  private readonly data = new DataTask(this, {
    args: () => [this.api, this.sku, this.sort, this.pageSize] as const,
    task: async ([api, sku, sort, first], { signal }) => {
      if (!api || !sku) throw new Error('product-reviews: no endpoint, key or sku');
      const product = await this.page(api, [sku, sort, first], null, signal);
      this.placeJsonLd(product?.jsonLdScript ?? null);
      return product;
    },
  });

  /** Loads a page of reviews (the first when `after` is null) into `list`. */
  private async page(
    api: KantaApi,
    [sku, sort, first]: readonly [string, ReviewSort, number],
    after: string | null,
    signal?: AbortSignal,
  ): Promise<ReviewsData['product']> {
    const { product } = await api.query<ReviewsData>(
      KantaProductReviews,
      { sku, sort, after, first: first > 0 ? Math.min(first, 50) : 5 },
      signal,
    );
    const reviews = product?.reviews;
    const nodes = reviews?.edges.map((edge) => edge.node) ?? [];
    this.list = after ? [...this.list, ...nodes] : nodes;
    this.cursor = reviews?.pageInfo.hasNextPage ? reviews.pageInfo.endCursor : null;
    return product;
  }

  private readonly eligible = new DataTask(this, {
    args: () => [this.api, this.sku, this.signedIn] as const,
    task: async ([api, sku, signedIn], { signal }) => {
      // An error leaves `value` undefined: no button, nothing else to show.
      if (!api || !sku || !signedIn) return false;
      const data = await api.query<{ me: { canReview: boolean } | null }>(KantaCanReview, { sku }, signal);
      return data.me?.canReview ?? false;
    },
  });

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('sku')) this.placeJsonLd(null);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.placeJsonLd(null);
  }

  private placeJsonLd(text: string | null): void {
    let script = this.jsonLd;
    if (text === null) {
      script?.remove();
      this.jsonLd = undefined;
      return;
    }
    if (!script) {
      script = this.jsonLd = document.createElement('script');
      script.type = 'application/ld+json';
    }
    if (script.textContent !== text) script.textContent = text;
    if (script.parentNode !== this) this.append(script);
  }

  override render(): TemplateResult {
    const t = this.i18n.t;
    const status = this.data.status;
    const busy = !t || status === 'pending' || status === 'initial';
    const retrying = status === 'pending' && this.data.error !== undefined;
    return html`<section part="base" class="base" lang=${this.resolvedLocale} aria-labelledby="h">
<h2 id="h">${t?.heading ?? ''}</h2>
<div role="status" aria-live="polite" aria-busy=${busy ? 'true' : 'false'}>
${
  !t
    ? nothing
    : retrying || status === 'error'
      ? renderError(t.loadError, this.messages.retry, () => void this.data.run(), retrying)
      : busy
        ? renderLoading(t.loading)
        : nothing
}
</div>
${
  t && (status === 'complete' || (status === 'pending' && !retrying && this.data.value !== undefined))
    ? this.renderProduct(t, this.data.value ?? null)
    : nothing
}
</section>`;
  }

  private renderProduct(t: ReviewsMessages, product: ReviewsData['product']): TemplateResult {
    const locale = this.resolvedLocale;
    const rating = product?.rating ?? { average: null, count: 0, histogram: [0, 0, 0, 0, 0] };
    const average = formatRating(locale, rating.average ?? 0);
    const count = formatNumber(locale, rating.count);
    const writeButton = this.eligible.value
      ? html`<button part="write-button" class="button" type="button" @click=${this.openForm}>${t.write}</button>`
      : nothing;
    const form = this.formOpen
      ? html`<review-form
part="form"
sku=${this.sku}
locale=${locale}
.client=${this.kantaClient}
@kanta-review-submitted=${() => void this.data.run()}
@kanta-review-cancel=${this.closeForm}
></review-form>`
      : nothing;
    // One template whatever the count, so the open form (and its thank-you) survives a reload.
    return html`${
      rating.count
        ? html`<div part="summary" class="summary" role="img" aria-label=${format(rating.count === 1 ? t.ratedOne : t.rated, { average, count })}>
<span part="average" class="average">${average}</span>${renderStars(rating.average ?? 0)}
<span class="muted">(${count})</span>
</div>
<ul part="histogram" class="histogram" aria-label=${t.breakdown}>
${[5, 4, 3, 2, 1].map((n) => {
  const value = rating.histogram[n - 1] ?? 0;
  return html`<li class="row">
<span>${n === 1 ? t.starsOne : format(t.starsN, { n })}</span>
<span part="bar" class="bar" aria-hidden="true"
><span part="bar-fill" class="bar-fill" style="inline-size:${(value / rating.count) * 100}%"></span
></span>
<span>${formatNumber(locale, value)}</span>
</li>`;
})}
</ul>`
        : html`<p part="empty" class="muted">${t.noReviews}</p>`
    }
<div class="toolbar">
${
  rating.count
    ? html`<label
>${t.sort}
<select part="sort" @change=${this.changeSort}>
${reviewSorts.map((sort) => html`<option value=${sort} ?selected=${sort === this.sort}>${t[sort]}</option>`)}
</select></label
>`
    : nothing
}
${writeButton}
</div>
${form}
<ul part="list" class="list">
${this.list.map((review) => this.renderReview(t, review))}
</ul>
${
  this.cursor
    ? html`<button
part="more-button"
class="button secondary"
type="button"
aria-disabled=${this.loadingMore ? 'true' : 'false'}
@click=${this.showMore}
>
${t.more}
</button>`
    : nothing
}
<p class="error" role="status">${this.moreFailed ? t.loadError : ''}</p>`;
  }

  private renderReview(t: ReviewsMessages, review: Review): TemplateResult {
    const locale = this.resolvedLocale;
    const helpful = this.votes.get(review.id) ?? review.helpfulCount;
    return html`<li part="review" class="review">
<div class="row">
<span role="img" aria-label=${format(t.stars, { n: review.rating })}>${renderStars(review.rating)}</span>
${review.title ? html`<h3 part="review-title">${review.title}</h3>` : nothing}
</div>
<p part="meta" class="meta muted">
${review.authorName ? html`<span>${review.authorName}</span> ·` : nothing}<time datetime=${review.createdAt}
>${formatDate(locale, review.createdAt)}</time
>
${review.verifiedPurchase ? html`<span part="verified" class="verified">✓ ${t.verified}</span>` : nothing}
</p>
<p part="review-body" class="body">${review.body}</p>
${
  review.photoUrls.length
    ? html`<div part="photos" class="photos">
${review.photoUrls.map(
  (url, index) =>
    html`<a href=${url} target="_blank" rel="noopener noreferrer"
><img part="photo" src=${url} alt=${format(t.photo, { n: index + 1 })} loading="lazy"
/></a>`,
)}
</div>`
    : nothing
}
${
  review.reply ? html`<div part="reply" class="reply"><strong>${t.reply}</strong><p>${review.reply}</p></div>` : nothing
}
<div class="row">
<button
part="helpful-button"
class="button secondary helpful"
type="button"
aria-pressed=${this.votes.has(review.id) ? 'true' : 'false'}
@click=${() => void this.vote(review)}
>
${format(t.helpful, { count: formatNumber(locale, helpful) })}
</button>
<span role="status" class="muted">${this.voteNotes.get(review.id) ?? ''}</span>
</div>
</li>`;
  }

  private changeSort(event: Event): void {
    this.sort = (event.target as HTMLSelectElement).value as ReviewSort;
  }

  private async showMore(): Promise<void> {
    const api = this.api;
    if (this.loadingMore || !api) return;
    this.loadingMore = true;
    this.moreFailed = false;
    try {
      await this.page(api, [this.sku, this.sort, this.pageSize], this.cursor);
    } catch {
      this.moreFailed = true;
    }
    this.loadingMore = false;
  }

  private note(id: string, message: string): void {
    this.voteNotes = new Map(this.voteNotes).set(id, message);
  }

  private async vote(review: Review): Promise<void> {
    const t = this.i18n.t ?? en;
    const api = this.api;
    if (!this.signedIn || !api) {
      this.note(review.id, t.signIn);
      return;
    }
    if (this.votes.has(review.id)) return;
    const before = review.helpfulCount;
    this.votes = new Map(this.votes).set(review.id, before + 1);
    this.note(review.id, '');
    try {
      const data = await api.mutate<{ voteReviewHelpful: { __typename: string; helpfulCount?: number } }>(
        KantaVoteReviewHelpful,
        { reviewId: review.id },
      );
      const result = data.voteReviewHelpful;
      if (result.__typename !== 'Review') throw new Error(result.__typename);
      this.votes = new Map(this.votes).set(review.id, result.helpfulCount ?? before + 1);
      this.emit('review-helpful', { reviewId: review.id });
    } catch {
      const votes = new Map(this.votes);
      votes.delete(review.id);
      this.votes = votes;
      this.note(review.id, t.voteError);
    }
  }

  private async openForm(): Promise<void> {
    // Its own chunk, fetched on the first click (also in the standalone build, which has no define.ts).
    await import('./review-form.define.ts');
    this.formOpen = true;
    await this.updateComplete;
    const form = this.renderRoot.querySelector('review-form') as
      | (HTMLElement & { updateComplete?: Promise<unknown> })
      | null;
    await form?.updateComplete;
    form?.focus();
  }

  private async closeForm(): Promise<void> {
    this.formOpen = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part="write-button"]')?.focus();
  }
}
