import { createRequest } from '@urql/core';
import { css, html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import {
  KantaCartRecommendations,
  KantaProductRecommendations,
  KantaShopperRecommendations,
  KantaTrackRecommendationEvent,
} from '../generated/operations.ts';
import type { KantaApi } from '../internal/api.ts';
import { formatMoney } from '../internal/format.ts';
import { KantaElement } from '../internal/kanta-element.ts';
import { Localize } from '../internal/localize.ts';
import { asDocument } from '../internal/operation.ts';
import { renderError } from '../internal/states.ts';
import { kantaBase } from '../internal/styles.ts';
import { DataTask } from '../internal/task.ts';
import { en } from './messages.en.ts';

export interface RecommendedProduct {
  sku: string;
  name: string;
  price: number | null;
  currency: string | null;
  imageUrl: string | null;
  url: string | null;
}

export interface RecommendationList {
  id: string;
  strategy: string;
  items: { position: number; source: string; because: string[]; product: RecommendedProduct }[];
}

/** Detail of `kanta-recommendation-click`. */
export interface RecommendationClickDetail {
  listId: string;
  sku: string;
  /** 1-based place in the list. */
  position: number;
  url: string | null;
}

type Lists = {
  product?: { recommendations: RecommendationList } | null;
  recommendations?: RecommendationList;
  me?: { recommendations: RecommendationList };
};

// Lists whose impressions (or clicked skus) were reported, for the page's lifetime: a list is
// reported once even if the element re-renders or is moved.
const reported = new Set<string>();

const list = (value?: string) =>
  value
    ?.split(',')
    .map((sku) => sku.trim())
    .filter(Boolean) ?? [];

/**
 * Products to show with a product, a cart or a signed-in shopper, as a grid of linked cards.
 *
 * `sku` → "customers also bought" (or `kind="bought-together"`); `skus` → "frequently bought
 * together" for a cart (empty: the store's trending and popular products); `context="shopper"` →
 * the signed-in shopper's personal list (signed out: the store's list).
 *
 * With no products to show, the element hides itself (`hidden`) and gets an `empty` attribute,
 * so the page can hide a surrounding section too (`section:has(product-recommendations[empty])`).
 *
 * Impressions are reported once per list when half of it is visible, clicks (mouse, Enter,
 * ctrl/middle-click) without delaying navigation.
 *
 * @fires kanta-recommendation-click - A card was opened; detail `{ listId, sku, position, url }`.
 *
 * @csspart base - The section around the heading and list.
 * @csspart heading - The heading.
 * @csspart list - The grid of cards (`<ul>`).
 * @csspart item - One list item.
 * @csspart card - A card: a link to the product (a `<div>` when it has no URL).
 * @csspart image - The product image, or the placeholder.
 * @csspart placeholder - The neutral box shown when a product has no image.
 * @csspart name - The product name.
 * @csspart price - The product price.
 * @csspart skeleton - The loading placeholder cards.
 * @csspart loading - The loading state (visually hidden text).
 * @csspart error - The error state.
 * @csspart retry-button - The button that loads again after an error.
 *
 * @cssproperty --kanta-card-min-width - Smallest card width in the auto-filling grid. Default: 10rem.
 * @cssproperty --kanta-card-background - Card background. Default: the surface colour.
 * @cssproperty --kanta-image-fit - `object-fit` of product images. Default: cover.
 * @cssproperty --kanta-image-ratio - Aspect ratio of images. Default: 1.
 * @cssproperty --kanta-color-text - Text colour.
 * @cssproperty --kanta-color-muted - Price colour.
 * @cssproperty --kanta-color-surface - Card and placeholder background.
 * @cssproperty --kanta-color-border - Card border.
 * @cssproperty --kanta-color-accent - Focus ring and retry button.
 * @cssproperty --kanta-radius - Card corner radius.
 * @cssproperty --kanta-spacing - Gap between cards.
 *
 * @tag product-recommendations
 */
export class ProductRecommendations extends KantaElement {
  static override styles = [
    kantaBase,
    css`
      :host {
        display: block;
      }
      section {
        background: var(--_background);
      }
      h2 {
        margin: 0 0 var(--_spacing);
        font-size: 1.25em;
      }
      ul {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, var(--kanta-card-min-width, 10rem)), 1fr));
        gap: var(--_spacing);
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .card {
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
        block-size: 100%;
        padding: 0.5rem;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--kanta-card-background, var(--_surface));
        color: inherit;
        text-decoration: none;
      }
      a.card:hover .name {
        text-decoration: underline;
      }
      .image {
        display: block;
        inline-size: 100%;
        block-size: auto;
        aspect-ratio: var(--kanta-image-ratio, 1);
        object-fit: var(--kanta-image-fit, cover);
        border-radius: calc(var(--_radius) / 2);
        background: var(--_background);
      }
      .name {
        font-weight: 600;
      }
      .price {
        color: var(--_muted);
      }
      .skeleton li {
        block-size: 14rem;
        border-radius: var(--_radius);
        background: var(--_surface);
        animation: kanta-pulse 1.2s ease-in-out infinite alternate;
      }
      @keyframes kanta-pulse {
        to {
          opacity: 0.5;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .skeleton li {
          animation: none;
        }
      }
    `,
  ];

  /** Product page: recommendations for this product. */
  @property() sku?: string;

  /** Cart: comma-separated skus in the cart (empty: the store's trending/popular products). */
  @property() skus?: string;

  /** `shopper`: the signed-in shopper's personal list (signed out: as `skus`). */
  @property() context?: string;

  /** With `sku`: `also-bought` (default) or `bought-together`. */
  @property() kind?: string;

  /** How many products (1–50). */
  @property({ type: Number }) first = 4;

  /** Replaces the localised default heading. */
  @property() heading?: string;

  /** Heading level announced to assistive technology (default 2). */
  @property({ attribute: 'heading-level', type: Number }) headingLevel?: number;

  /** Sales channel (`online`, `store`, `app`, `other`): popularity is read there. */
  @property() channel?: string;

  /** Comma-separated skus the page already shows; never recommended. */
  @property() exclude?: string;

  private readonly i18n = new Localize(this, en, {
    fi: () => import('./messages.fi.ts'),
    hu: () => import('./messages.hu.ts'),
    bs: () => import('./messages.bs.ts'),
    hy: () => import('./messages.hy.ts'),
  });

  private observer?: IntersectionObserver;
  private hiding = false;

  private readonly lists = new DataTask(this, {
    args: () =>
      [
        this.api,
        this.sku,
        this.skus,
        this.context === 'shopper' && this.signedIn,
        this.kind,
        this.first,
        this.channel,
        this.exclude,
      ] as const,
    task: async ([api, sku, skus, shopper, kind, first, channel, exclude], { signal }) => {
      if (!api) throw new Error('Kanta endpoint or publishable key missing');
      const variables = {
        first: Math.min(Math.max(first || 4, 1), 50),
        context: { channel: channel?.toUpperCase(), excludeSkus: list(exclude) },
        ...(sku ? { sku, kind: kind?.replace('-', '_').toUpperCase() } : { skus: list(skus) }),
      };
      const data = await api.query<Lists>(
        sku ? KantaProductRecommendations : shopper ? KantaShopperRecommendations : KantaCartRecommendations,
        variables,
        signal,
      );
      return (sku ? data.product?.recommendations : (data.me ?? data).recommendations) ?? null;
    },
  });

  /** Loads the list again. */
  reload(): Promise<void> {
    return this.lists.run();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
  }

  override render(): TemplateResult | typeof nothing {
    const t = this.i18n.t;
    const { status, value, error } = this.lists;
    if (status === 'complete' && !value?.items.length) return nothing;
    const loading = !t || (status !== 'complete' && !error) || status === 'initial';
    const heading =
      this.heading ??
      t?.[
        this.sku
          ? this.kind === 'bought-together'
            ? 'together'
            : 'alsoBought'
          : this.context === 'shopper' && this.signedIn
            ? 'personal'
            : 'cart'
      ];
    return html`<section part="base" lang=${this.resolvedLocale} aria-labelledby="h">
      <h2 part="heading" id="h" aria-level=${this.headingLevel ?? nothing}>${heading}</h2>
      <div role="status" aria-busy=${loading}>
        ${
          loading
            ? html`<span part="loading" class="visually-hidden">${t?.loading}</span>`
            : status === 'complete'
              ? nothing
              : renderError(t!.error, this.messages.retry, () => this.lists.run(), status === 'pending')
        }
      </div>
      ${
        loading
          ? html`<ul part="skeleton" class="skeleton" aria-hidden="true">
              ${Array.from({ length: Math.min(this.first || 4, 8) }, () => html`<li></li>`)}
            </ul>`
          : status === 'complete'
            ? this.renderList(value!)
            : nothing
      }
    </section>`;
  }

  private renderList(list: RecommendationList): TemplateResult {
    const locale = this.resolvedLocale;
    const open = (event: MouseEvent) => {
      // Left click, Enter (a click too) and middle click; right click only opens a menu.
      if (event.button > 1) return;
      const item = (event.target as Element).closest('li');
      const clicked = item && list.items[Number(item.dataset.i)];
      if (!clicked) return;
      const { sku, url } = clicked.product;
      this.emit('recommendation-click', { listId: list.id, sku, position: clicked.position, url });
      this.track('CLICK', list.id, [sku], clicked.position);
    };
    return html`<ul part="list" role="list" @click=${open} @auxclick=${open}>
      ${list.items.map(({ product }, i) => {
        const body = html`${
          product.imageUrl
            ? html`<img
                part="image"
                class="image"
                src=${product.imageUrl}
                alt=${product.name}
                width="240"
                height="240"
                loading="lazy"
                decoding="async"
              />`
            : html`<span part="image placeholder" class="image" aria-hidden="true"></span>`
        }<span part="name" class="name">${product.name}</span>${
          product.price != null && product.currency
            ? html`<span part="price" class="price">${formatMoney(locale, product.price, product.currency)}</span>`
            : nothing
        }`;
        return html`<li part="item" data-i=${i}>
          ${
            product.url
              ? html`<a part="card" class="card" href=${product.url}>${body}</a>`
              : html`<div part="card" class="card">${body}</div>`
          }
        </li>`;
      })}
    </ul>`;
  }

  protected override updated(): void {
    const { status, value } = this.lists;
    const empty = status === 'complete' && !value?.items.length;
    this.toggleAttribute('empty', empty);
    // Only undo a `hidden` set here, never one the page set.
    if (empty ? !this.hidden : this.hiding) this.hidden = this.hiding = empty;

    this.observer?.disconnect();
    const grid = this.renderRoot.querySelector('[part=list]');
    if (!grid || !value || reported.has(value.id)) return;
    this.observer = new IntersectionObserver(
      ([entry]) => {
        // Half the list in view, or half the viewport filled by a list taller than two screens.
        const { intersectionRatio, intersectionRect, rootBounds } = entry!;
        if (intersectionRatio < 0.5 && intersectionRect.height < (rootBounds?.height ?? 0) / 2) return;
        this.observer?.disconnect();
        if (reported.has(value.id)) return;
        reported.add(value.id);
        this.track(
          'IMPRESSION',
          value.id,
          value.items.map((item) => item.product.sku),
          value.items[0]!.position,
        );
      },
      { threshold: [0, 0.25, 0.5] },
    );
    this.observer.observe(grid);
  }

  // Fire and forget, with `keepalive` so a click's report outlives the navigation it starts.
  private track(kind: 'CLICK' | 'IMPRESSION', listId: string, skus: string[], position: number): void {
    const api = this.api as KantaApi | undefined;
    const key = `${listId} ${skus[0]}`;
    if (!api || (kind === 'CLICK' && reported.has(key))) return;
    if (kind === 'CLICK') reported.add(key);
    const { client } = api;
    const document = asDocument(KantaTrackRecommendationEvent);
    const base = client.createRequestOperation('mutation', createRequest(document, {})).context.fetchOptions;
    void client
      .mutation(
        document,
        { input: { kind, listId, skus, position } },
        { fetchOptions: () => ({ ...(typeof base === 'function' ? base() : base), keepalive: true }) },
      )
      .toPromise();
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'kanta-recommendation-click': CustomEvent<RecommendationClickDetail>;
  }
}
