import { css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { LoyaltyBadge as BadgeQuery, LoyaltyBadgeGuest, LoyaltyLive } from '../generated/operations.ts';
import { loadLazy } from '../internal/define.ts';
import { KantaElement } from '../internal/kanta-element.ts';
import { format, Localize } from '../internal/localize.ts';
import { renderError, renderLoading } from '../internal/states.ts';
import { kantaBase } from '../internal/styles.ts';
import { DataTask } from '../internal/task.ts';
import { badgeEn } from './badge.en.ts';
import { type LoyaltySummary, loaders, points, progress, progressText } from './shared.ts';

interface BadgeData {
  loyaltyProgram: { name: string; currency: string };
  me?: { loyalty: LoyaltySummary };
}

/**
 * A compact header button with the signed-in shopper's points, tier and
 * progress to the next tier (kept current over a live subscription). Signed
 * out, it invites the shopper to join the program. Activating it opens
 * `<loyalty-panel>` in a modal dialog; the panel's code loads only then.
 *
 * @fires kanta-retry - The shopper retried after a failed load.
 * @fires kanta-redeem - From the panel: a reward was redeemed (`detail: { code, rewardId, balance }`).
 *
 * @csspart base - The live region around every state.
 * @csspart button - The badge button.
 * @csspart points - The balance.
 * @csspart tier - The tier name.
 * @csspart progress - The progress track; `progress-bar` is its filled part.
 * @csspart progress-bar - The filled part of the progress track.
 * @csspart next - "320 points to Gold".
 * @csspart dialog - The `<dialog>` around the panel.
 * @csspart close-button - The dialog's close button.
 * @csspart panel - The `<loyalty-panel>` in the dialog.
 * @csspart loading - Loading state; `spinner` its spinner.
 * @csspart spinner - The loading spinner.
 * @csspart error - Error state; `retry-button` its button.
 * @csspart retry-button - Retries a failed load.
 *
 * @cssproperty --kanta-progress-color - Filled part of the progress bar (default: the accent colour).
 * @cssproperty --kanta-progress-track - Empty part of the progress bar (default: the border colour).
 * @cssproperty --kanta-dialog-width - Width of the panel dialog (default: 32rem).
 * @cssproperty --kanta-color-accent - Accent colour (buttons, focus ring), and every other `--kanta-*` theme knob.
 *
 * @tag loyalty-badge
 */
export class LoyaltyBadge extends KantaElement {
  static override styles = [
    kantaBase,
    css`
      :host {
        display: inline-block;
        font-size: var(--kanta-font-size, 0.875rem);
      }
      [part='base'] {
        background: var(--_background);
        border-radius: var(--_radius);
      }
      .badge {
        display: inline-grid;
        grid-template-columns: auto auto;
        align-items: center;
        gap: 0.125rem 0.5rem;
        min-block-size: 2.25rem;
        padding: 0.25rem 0.75rem;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_background);
        color: var(--_text);
        text-align: start;
        cursor: pointer;
      }
      .badge:hover {
        border-color: var(--_accent);
      }
      strong {
        font-weight: 700;
      }
      .track {
        grid-column: 1 / -1;
        block-size: 0.375rem;
        border-radius: 1rem;
        background: var(--kanta-progress-track, var(--_border));
        overflow: hidden;
      }
      .bar {
        display: block;
        block-size: 100%;
        background: var(--kanta-progress-color, var(--_accent));
        transition: inline-size 0.4s ease;
      }
      .next {
        grid-column: 1 / -1;
        font-size: 0.85em;
      }
      dialog {
        inline-size: min(var(--kanta-dialog-width, 32rem), calc(100vw - 2rem));
        max-block-size: calc(100vh - 2rem);
        padding: 0;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_background);
        color: var(--_text);
        box-shadow: var(--_shadow);
      }
      dialog::backdrop {
        background: rgb(15 23 42 / 0.5);
      }
      .close {
        position: sticky;
        inset-block-start: 0.5rem;
        float: inline-end;
        margin: 0.5rem;
        z-index: 1;
      }
    `,
  ];

  /** Where the panel's "Sign in" link goes when no shopper is signed in. */
  @property({ attribute: 'sign-in-url' }) signInUrl?: string;

  /** The latest account from the live subscription (replaces the loaded one). */
  @state() private live?: LoyaltySummary;
  @state() private open = false;
  @query('dialog') private dialog?: HTMLDialogElement;
  @query('.badge') private button?: HTMLButtonElement;

  private readonly i18n = new Localize(this, badgeEn, loaders);
  private stopLive?: () => void;
  private liveApi?: unknown;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private failures = 0;

  private readonly task = new DataTask(this, {
    args: () => [this.api, this.signedIn, this.resolvedLocale] as const,
    task: async ([api, signedIn, locale], { signal }) => {
      this.live = undefined;
      this.unsubscribe();
      if (!api) {
        console.warn('<loyalty-badge>: no Kanta endpoint or key configured');
        throw new Error('not configured');
      }
      return api.query<BadgeData>(signedIn ? BadgeQuery : LoyaltyBadgeGuest, { locale }, signal);
    },
  });

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved within the page: updated() subscribes again.
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe();
  }

  protected override updated(): void {
    // Live updates once the account has loaded; again after a failure, with backoff.
    const api = this.api;
    if (this.task.status === 'complete' && this.task.value?.me && api && this.liveApi !== api && this.isConnected) {
      this.liveApi = api;
      this.stopLive = api.subscribe<{ loyaltyChanged: LoyaltySummary }>(
        LoyaltyLive,
        {},
        (data) => {
          this.failures = 0;
          this.live = data.loyaltyChanged;
        },
        () => {
          // Keep showing the last data; try again later.
          this.unsubscribe();
          this.retryTimer = setTimeout(() => this.requestUpdate(), Math.min(60_000, 2_000 * 2 ** this.failures++));
        },
      );
    }
  }

  private unsubscribe(): void {
    clearTimeout(this.retryTimer);
    this.stopLive?.();
    this.stopLive = undefined;
    this.liveApi = undefined;
  }

  private async openPanel(): Promise<void> {
    // Loads the panel's module on first use; the dialog opens meanwhile.
    this.open = true;
    await this.updateComplete;
    if (!this.dialog?.open) this.dialog?.showModal();
    void loadLazy('loyalty-panel');
  }

  private closed(): void {
    this.open = false;
    this.button?.focus();
  }

  override render() {
    const t = this.i18n.t;
    const busy = !t || this.task.status === 'pending' || this.task.status === 'initial';
    return html`<div part="base" aria-live="polite" aria-busy=${busy ? 'true' : 'false'}>
      ${
        !t
          ? nothing
          : this.task.render({
              initial: () => renderLoading(t.loading),
              pending: () => (this.task.error ? this.renderFailure(t.error, true) : renderLoading(t.loading)),
              error: () => this.renderFailure(t.error, false),
              complete: (data) => this.renderBadge(data),
            })
      }
    </div>`;
  }

  private renderFailure(message: string, retrying: boolean) {
    return renderError(
      message,
      this.messages.retry,
      () => {
        this.emit('retry', {});
        void this.task.run();
      },
      retrying,
    );
  }

  private renderBadge(data: BadgeData) {
    const t = this.i18n.t!;
    const locale = this.resolvedLocale;
    const program = data.loyaltyProgram.name;
    const summary = this.live ?? data.me?.loyalty;
    let content: unknown;
    let label: string;
    if (summary) {
      const pointsText = points(t, locale, summary.points);
      const next = progressText(t, locale, summary, data.loyaltyProgram.currency);
      const tier = summary.tier?.name;
      label = [pointsText, tier, next].filter(Boolean).join(', ');
      content = html`<strong part="points">${pointsText}</strong>
        <span part="tier">${tier ?? ''}</span>
        <span part="progress" class="track"
          ><span part="progress-bar" class="bar" style="inline-size:${progress(summary)}%"></span
        ></span>
        <span part="next" class="next muted">${next}</span>`;
    } else {
      label = `${format(t.join, { program })}, ${t.joinHint}`;
      content = html`<strong part="points">${format(t.join, { program })}</strong>
        <span part="next" class="next muted">${t.joinHint}</span>`;
    }
    return html`<button
        part="button"
        class="badge"
        type="button"
        aria-label=${label}
        aria-haspopup="dialog"
        @click=${this.openPanel}
      >
        ${content}
      </button>
      ${
        this.open
          ? html`<dialog part="dialog" aria-label=${program} @close=${this.closed}>
              <button part="close-button" class="button secondary close" type="button" @click=${() => this.dialog?.close()}>
                ${t.close}
              </button>
              <loyalty-panel
                part="panel"
                .endpoint=${this.endpoint}
                .key=${this.key}
                .customerToken=${this.customerToken}
                .client=${this.client}
                locale=${locale}
                sign-in-url=${this.signInUrl ?? nothing}
                @kanta-redeem=${(event: CustomEvent<{ balance: number }>) => {
                  const summary = this.live ?? data.me?.loyalty;
                  if (summary) this.live = { ...summary, points: event.detail.balance };
                }}
              ></loyalty-panel>
            </dialog>`
          : nothing
      }`;
  }
}
