import { html, nothing, type TemplateResult } from 'lit';
import { query } from 'lit/decorators.js';
import { KantaStorefront } from '../generated/operations.ts';
import { KantaElement } from '../internal/kanta-element.ts';
import { DataTask } from '../internal/task.ts';
import { storeBadgeStyles } from './store-badge.styles.ts';
import { storeBadgeMessages } from './strings.ts';

export interface Storefront {
  name: string;
  defaultLocale: string;
}

interface StorefrontQueryData {
  storefront: Storefront | null;
}

/** Thrown (and shown as the error state) when neither endpoint nor key is configured. */
class MissingConfigurationError extends Error {
  override name = 'MissingConfigurationError';
}

let warnedAboutConfiguration = false;

/**
 * "Powered by Kanta · Store name": shows that the store's retention features
 * run on Kanta, in the visitor's language.
 *
 * Never throws into the host page: when the API is unreachable it shows a
 * short message with a retry button.
 *
 * @fires kanta-retry - The visitor asked to load the store's details again after an error.
 *
 * @csspart base - The badge container; also the live region announcing results.
 * @csspart spinner - The loading indicator.
 * @csspart loading - The loading text.
 * @csspart label - The "Powered by Kanta" text.
 * @csspart separator - The dot between the label and the store name.
 * @csspart store-name - The store's public name.
 * @csspart error - The error message.
 * @csspart retry-button - The button that loads again after an error.
 *
 * @cssproperty --kanta-font-family - Font of the badge. Default: system-ui.
 * @cssproperty --kanta-font-size - Font size of the badge. Default: 0.875rem.
 * @cssproperty --kanta-color-text - Text colour.
 * @cssproperty --kanta-color-muted - Colour of the loading text.
 * @cssproperty --kanta-color-background - Badge background.
 * @cssproperty --kanta-color-border - Badge border colour.
 * @cssproperty --kanta-color-accent - Retry button background and focus ring.
 * @cssproperty --kanta-color-on-accent - Retry button text.
 * @cssproperty --kanta-color-error - Error message colour.
 * @cssproperty --kanta-radius - Corner radius of the badge and button. Default: fully rounded.
 * @cssproperty --kanta-spacing - Gap between the badge's pieces. Default: 0.5rem.
 * @cssproperty --kanta-badge-padding - Padding inside the badge.
 *
 * @tag kanta-store-badge
 */
export class KantaStoreBadge extends KantaElement {
  static override styles = storeBadgeStyles;

  @query('.base') private base?: HTMLElement;
  @query('.retry-button') private retryButton?: HTMLButtonElement;

  // Set when a retry starts from the focused retry button, which disappears on
  // success: focus then moves to the badge instead of falling to <body>.
  private keepFocus = false;

  private readonly storefront = new DataTask(this, {
    args: () => [this.api] as const,
    task: async ([api], { signal }) => {
      if (!api) {
        if (!warnedAboutConfiguration) {
          warnedAboutConfiguration = true;
          console.warn(
            'kanta-store-badge: no endpoint or publishable key; set data-endpoint and data-key on the kanta.js script.',
          );
        }
        throw new MissingConfigurationError('Kanta endpoint or publishable key missing');
      }
      const data = await api.query<StorefrontQueryData>(KantaStorefront, {}, signal);
      return data.storefront;
    },
  });

  /** Loads the store's details again, e.g. after the host page regained connectivity. */
  reload(): Promise<void> {
    return this.storefront.run();
  }

  override render(): TemplateResult {
    const messages = storeBadgeMessages[this.resolvedLocale];
    const { status } = this.storefront;
    // A retry keeps the error view (with its focused button) until it settles.
    const retrying = status === 'pending' && this.storefront.error !== undefined;
    return html`<div
      part="base"
      class="base"
      role="status"
      tabindex="-1"
      lang=${this.resolvedLocale}
      aria-busy=${status === 'pending' ? 'true' : 'false'}
    >
      ${
        retrying
          ? this.renderError(true)
          : this.storefront.render({
              initial: () => this.renderLoading(),
              pending: () => this.renderLoading(),
              complete: (storefront) => html`
                <span part="label" class="label">${messages.poweredBy}</span>
                ${
                  storefront
                    ? html`<span part="separator" class="separator" aria-hidden="true">·</span>
                        <span part="store-name" class="store-name">${storefront.name}</span>`
                    : nothing
                }
              `,
              error: () => this.renderError(false),
            })
      }
    </div>`;
  }

  private renderLoading(): TemplateResult {
    return html`<span part="spinner" class="spinner" aria-hidden="true"></span>
      <span part="loading" class="loading">${storeBadgeMessages[this.resolvedLocale].storeLoading}</span>`;
  }

  // One template for both error states, so Lit keeps the same <button> element
  // (and its focus) while a retry is in flight.
  private renderError(retrying: boolean): TemplateResult {
    return html`<span part="error" class="error">${storeBadgeMessages[this.resolvedLocale].storeLoadError}</span>
      <button
        part="retry-button"
        class="retry-button"
        type="button"
        aria-disabled=${retrying ? 'true' : 'false'}
        @click=${this.onRetryClick}
      >
        ${this.messages.retry}
      </button>`;
  }

  private onRetryClick(): void {
    // aria-disabled rather than disabled keeps the button focusable mid-retry.
    if (this.storefront.status === 'pending') return;
    this.keepFocus = this.retryButton !== undefined && this.shadowRoot?.activeElement === this.retryButton;
    this.emit('retry', undefined);
    void this.storefront.run();
  }

  protected override updated(): void {
    if (!this.keepFocus || this.storefront.status === 'pending') return;
    this.keepFocus = false;
    if (this.storefront.status === 'complete') this.base?.focus();
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'kanta-retry': CustomEvent<undefined>;
  }
}
