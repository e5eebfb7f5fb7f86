import { css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { LoyaltyAccount, LoyaltyHistory, LoyaltyProgramGuest, LoyaltyRedeem } from '../generated/operations.ts';
import { KantaApiError } from '../internal/api.ts';
import { formatDate, formatMoney, formatNumber } from '../internal/format.ts';
import { KantaElement } from '../internal/kanta-element.ts';
import { type CatalogueLoaders, format, Localize } from '../internal/localize.ts';
import { renderError, renderLoading } from '../internal/states.ts';
import { kantaBase } from '../internal/styles.ts';
import { DataTask } from '../internal/task.ts';
import { en, type LoyaltyMessages } from './messages.en.ts';
import { type LoyaltySummary, loaders, points, progress, progressText } from './shared.ts';

const panelLoaders = { ...loaders } as CatalogueLoaders<LoyaltyMessages>;

interface Reward {
  id: string;
  name: string;
  description: string | null;
  pointsCost: number;
  available: boolean;
}

interface Program {
  name: string;
  currency: string;
  waysToEarn: { action: string; points: number; description: string }[];
  tiers: { key: string; name: string; threshold: number; metric: 'POINTS' | 'SPEND'; perks: string }[];
  rewards: Reward[];
  referral: { enabled: boolean; refereePoints: number; referrerPoints: number };
}

interface Account extends LoyaltySummary {
  expiringPoints: { points: number; on: string }[];
  rewards: Reward[];
  referral: { code: string; url: string | null } | null;
}

interface PanelData {
  loyaltyProgram: Program;
  me?: { loyalty: Account };
}

interface HistoryRow {
  id: string;
  kind: 'EARN' | 'REDEEM' | 'EXPIRE' | 'ADJUST' | 'REVERSE';
  points: number;
  reason: string;
  occurredAt: string;
}

type RedeemResult =
  | { __typename: 'RewardRedemption'; balance: number; rewardCode: { code: string; expiresAt: string | null } }
  | { __typename: 'InsufficientPointsError'; needed: number; balance: number }
  | { __typename: string; message?: string };

const TABS = ['earn', 'rewards', 'history', 'refer'] as const;
type Tab = (typeof TABS)[number];

const uuid = (): string => crypto.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;

/**
 * The loyalty program and the shopper's account: ways to earn and tiers,
 * rewards to redeem (with a confirmation step and a copyable code), the
 * points history and a referral link. Signed out, it explains the program
 * and links to sign-in. Opened by `<loyalty-badge>` or placed on an account page.
 *
 * @fires kanta-redeem - A reward was redeemed: `detail: { code, rewardId, balance }`.
 * @fires kanta-retry - The shopper retried after a failed load.
 *
 * @csspart base - The whole panel.
 * @csspart heading - The program name.
 * @csspart summary - Balance, tier and progress.
 * @csspart progress - The progress track; `progress-bar` its filled part.
 * @csspart progress-bar - The filled part of the progress track.
 * @csspart expiring - The expiring points notice.
 * @csspart sign-in - The sign-in link (signed out).
 * @csspart tabs - The tab list; `tab` each tab, `tabpanel` the shown section.
 * @csspart tab - A tab.
 * @csspart tabpanel - The shown section.
 * @csspart reward - A reward; `redeem-button`, `confirm`, `confirm-button`, `cancel-button` inside.
 * @csspart redeem-button - Starts redeeming a reward.
 * @csspart confirm - The confirmation step.
 * @csspart confirm-button - Spends the points.
 * @csspart cancel-button - Leaves the confirmation.
 * @csspart issued - The issued code, with `code` and `copy-button`.
 * @csspart code - A code or link to copy.
 * @csspart copy-button - Copies a code or link.
 * @csspart share-button - Shares the referral link.
 * @csspart history-row - One points history row.
 * @csspart more-button - Loads more history.
 * @csspart message - A redeem error message.
 * @csspart loading - Loading state; `spinner` its spinner.
 * @csspart spinner - The loading spinner.
 * @csspart error - Error state; `retry-button` its button.
 * @csspart retry-button - Retries a failed load.
 *
 * @cssproperty --kanta-progress-color - Filled part of the progress bar (default: the accent colour).
 * @cssproperty --kanta-progress-track - Empty part of the progress bar (default: the border colour).
 * @cssproperty --kanta-panel-padding - Padding around the panel (default: 1rem).
 * @cssproperty --kanta-color-accent - Accent colour, and every other `--kanta-*` theme knob.
 *
 * @tag loyalty-panel
 */
export class LoyaltyPanel extends KantaElement {
  static override styles = [
    kantaBase,
    css`
      :host {
        display: block;
      }
      .base {
        display: grid;
        gap: var(--_spacing);
        padding: var(--kanta-panel-padding, 1rem);
        background: var(--_background);
        border-radius: var(--_radius);
      }
      h2,
      h3,
      p,
      ul,
      ol {
        margin: 0;
      }
      h2 {
        font-size: 1.25em;
      }
      h3 {
        font-size: 1em;
      }
      ul,
      ol {
        display: grid;
        gap: 0.5rem;
        padding: 0;
        list-style: none;
      }
      li,
      .box {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: 0.5rem;
        padding: 0.5rem;
        border-radius: var(--_radius);
        background: var(--_surface);
      }
      .box {
        display: grid;
        justify-content: stretch;
      }
      .grow {
        flex: 1 1 12rem;
      }
      .track {
        display: block;
        block-size: 0.5rem;
        border-radius: 1rem;
        background: var(--kanta-progress-track, var(--_border));
        overflow: hidden;
      }
      .bar {
        display: block;
        block-size: 100%;
        background: var(--kanta-progress-color, var(--_accent));
      }
      [role='tablist'] {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        border-block-end: 1px solid var(--_border);
      }
      [role='tab'] {
        min-block-size: 2.25rem;
        padding: 0.25rem 0.75rem;
        border: 0;
        border-block-end: 3px solid transparent;
        background: none;
        color: var(--_text);
        cursor: pointer;
      }
      [role='tab'][aria-selected='true'] {
        border-block-end-color: var(--_accent);
        font-weight: 700;
      }
      [role='tabpanel'] {
        display: grid;
        gap: var(--_spacing);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      input {
        flex: 1 1 10rem;
        min-block-size: 2.25rem;
        padding: 0.25rem 0.5rem;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_background);
        color: var(--_text);
        font: inherit;
        font-family: ui-monospace, monospace;
      }
      .plus {
        color: var(--_success);
        font-weight: 700;
      }
      .notice {
        padding: 0.5rem;
        border-inline-start: 3px solid var(--_star);
        background: var(--_surface);
      }
    `,
  ];

  /** Where the "Sign in" link goes when no shopper is signed in. */
  @property({ attribute: 'sign-in-url' }) signInUrl?: string;

  @state() private tab: Tab = 'earn';
  @state() private confirming?: Reward;
  @state() private busy = false;
  @state() private redeemError = '';
  @state() private issued?: { code: string; reward: string; expiresAt: string | null; balance: number };
  @state() private announce = '';
  @state() private rows: HistoryRow[] = [];
  @state() private historyStatus: 'idle' | 'loading' | 'error' | 'done' | 'more' = 'idle';
  private cursor: string | null = null;
  private redeemKey = '';

  private readonly i18n = new Localize(this, en, panelLoaders);

  private readonly task = new DataTask(this, {
    args: () => [this.api, this.signedIn, this.resolvedLocale] as const,
    task: async ([api, signedIn, locale], { signal }) => {
      this.rows = [];
      this.historyStatus = 'idle';
      if (!api) throw new Error('not configured');
      return api.query<PanelData>(signedIn ? LoyaltyAccount : LoyaltyProgramGuest, { locale }, signal);
    },
  });

  override render() {
    const t = this.i18n.t;
    const status = this.task.status;
    const data = this.task.value;
    const busy = !t || status === 'pending' || status === 'initial';
    return html`<div part="base" class="base" aria-busy=${busy ? 'true' : 'false'}>
      <div role="status">
        ${
          !t
            ? nothing
            : status === 'error' || (status === 'pending' && this.task.error)
              ? renderError(
                  t.error,
                  this.messages.retry,
                  () => {
                    this.emit('retry', {});
                    void this.task.run();
                  },
                  status === 'pending',
                )
              : busy || !data
                ? renderLoading(t.loading)
                : nothing
        }
      </div>
      ${t && status === 'complete' && data ? this.renderPanel(t, data) : nothing}
      <p class="visually-hidden" aria-live="polite">${this.announce}</p>
    </div>`;
  }

  private renderPanel(t: LoyaltyMessages, data: PanelData) {
    const locale = this.resolvedLocale;
    const program = data.loyaltyProgram;
    const account = data.me?.loyalty;
    const label = { earn: t.earn, rewards: t.rewards, history: t.history, refer: t.refer };
    const tabs = account ? TABS : TABS.filter((tab) => tab !== 'history');
    return html`<h2 id="heading" part="heading">${program.name}</h2>
      ${
        account
          ? html`<div part="summary" class="box">
              <strong>${format(t.balance, { count: formatNumber(locale, account.points) })}</strong>
              ${account.tier ? html`<span>${t.current}: ${account.tier.name}</span>` : nothing}
              <span part="progress" class="track"
                ><span part="progress-bar" class="bar" style="inline-size:${progress(account)}%"></span
              ></span>
              <span class="muted">${progressText(t, locale, account, program.currency)}</span>
            </div>`
          : html`<p>${t.guestIntro}</p>
              ${this.signInUrl ? html`<a part="sign-in" class="button" href=${this.signInUrl}>${t.signIn}</a>` : nothing}`
      }
      ${account?.expiringPoints.map(
        (lot) =>
          html`<p part="expiring" class="notice">
            ${format(t.expiring, { count: formatNumber(locale, lot.points), date: formatDate(locale, lot.on) })}
          </p>`,
      )}
      <div role="tablist" part="tabs" aria-labelledby="heading" @keydown=${this.onTabKey}>
        ${tabs.map(
          (tab) => html`<button
            role="tab"
            part="tab"
            id="tab-${tab}"
            aria-controls="panel"
            aria-selected=${this.tab === tab ? 'true' : 'false'}
            tabindex=${this.tab === tab ? 0 : -1}
            @click=${() => this.select(tab)}
          >
            ${label[tab]}
          </button>`,
        )}
      </div>
      <div role="tabpanel" part="tabpanel" id="panel" aria-labelledby="tab-${this.tab}" tabindex="0">
        ${
          this.tab === 'earn'
            ? this.renderEarn(t, program, account)
            : this.tab === 'rewards'
              ? this.renderRewards(t, account?.rewards ?? program.rewards, account)
              : this.tab === 'history'
                ? this.renderHistory(t)
                : this.renderRefer(t, program, account)
        }
      </div>`;
  }

  private renderEarn(t: LoyaltyMessages, program: Program, account?: Account) {
    const locale = this.resolvedLocale;
    return html`<ul>
        ${program.waysToEarn.map(
          (way) =>
            html`<li><span class="grow">${way.description}</span><strong>+${formatNumber(locale, way.points)}</strong></li>`,
        )}
      </ul>
      <h3>${t.tiers}</h3>
      <ul>
        ${program.tiers.map(
          (tier) => html`<li>
            <span class="grow"
              ><strong>${tier.name}</strong>${account?.tier?.key === tier.key ? html` (${t.current})` : nothing}
              <br /><span class="muted">${tier.perks}</span></span
            >
            <span
              >${
                tier.metric === 'SPEND'
                  ? format(t.tierSpend, { amount: formatMoney(locale, tier.threshold, program.currency) })
                  : format(t.tierFrom, { count: formatNumber(locale, tier.threshold) })
              }</span
            >
          </li>`,
        )}
      </ul>`;
  }

  private renderRewards(t: LoyaltyMessages, rewards: Reward[], account?: Account) {
    const locale = this.resolvedLocale;
    const issued = this.issued;
    return html`${
      issued
        ? html`<div part="issued" class="box">
            <strong>${format(t.code, { reward: issued.reward })}</strong>
            ${this.renderCopy(t, issued.code, format(t.code, { reward: issued.reward }))}
            ${issued.expiresAt ? html`<span class="muted">${format(t.validUntil, { date: formatDate(locale, issued.expiresAt) })}</span>` : nothing}
            <span>${format(t.newBalance, { count: formatNumber(locale, issued.balance) })}</span>
          </div>`
        : nothing
    }
      ${
        rewards.length === 0
          ? html`<p class="muted">${t.noRewards}</p>`
          : html`<ul>
              ${rewards.map((reward) => this.renderReward(t, reward, account))}
            </ul>`
      }`;
  }

  private renderReward(t: LoyaltyMessages, reward: Reward, account?: Account) {
    const locale = this.resolvedLocale;
    const cost = points(t, locale, reward.pointsCost);
    let action: unknown = nothing;
    if (account) {
      const missing = reward.pointsCost - account.points;
      if (this.confirming?.id === reward.id) {
        action = html`<div part="confirm" class="box" role="group" aria-labelledby="confirm-text">
          <strong id="confirm-text">${format(t.confirm, { count: formatNumber(locale, reward.pointsCost), reward: reward.name })}</strong>
          ${this.redeemError ? html`<p part="message" class="error" role="alert">${this.redeemError}</p>` : nothing}
          <div class="row">
            <button
              part="confirm-button"
              class="button"
              type="button"
              aria-disabled=${this.busy ? 'true' : 'false'}
              @click=${() => this.redeem(reward)}
            >
              ${this.busy ? t.redeeming : t.yes}
            </button>
            <button part="cancel-button" class="button secondary" type="button" @click=${() => this.cancel(reward)}>
              ${t.cancel}
            </button>
          </div>
        </div>`;
      } else if (!reward.available) action = html`<span class="muted">${t.unavailable}</span>`;
      else if (missing > 0)
        action = html`<span class="muted">${format(t.needMore, { count: formatNumber(locale, missing) })}</span>`;
      else
        action = html`<button
          part="redeem-button"
          class="button"
          id="redeem-${reward.id}"
          type="button"
          aria-describedby="reward-${reward.id}"
          @click=${() => this.startRedeem(reward)}
        >
          ${t.redeem}
        </button>`;
    }
    return html`<li part="reward">
      <span class="grow" id="reward-${reward.id}"
        ><strong>${reward.name}</strong> · ${cost}${reward.description ? html`<br /><span class="muted">${reward.description}</span>` : nothing}</span
      >
      ${action}
    </li>`;
  }

  private renderHistory(t: LoyaltyMessages) {
    const locale = this.resolvedLocale;
    const status = this.historyStatus;
    if (status === 'error' && this.rows.length === 0)
      return renderError(t.historyError, this.messages.retry, () => this.loadHistory(), false);
    if (this.rows.length === 0)
      return status === 'done' ? html`<p class="muted">${t.noHistory}</p>` : renderLoading(t.loading);
    return html`<ol>
        ${this.rows.map(
          (row) => html`<li part="history-row">
            <span class="grow"
              >${t[row.kind] ?? row.kind}${row.reason ? html` · ${row.reason}` : nothing}<br /><span class="muted"
                >${formatDate(locale, row.occurredAt)}</span
              ></span
            >
            <strong class=${row.points > 0 ? 'plus' : ''}
              >${row.points > 0 ? '+' : ''}${formatNumber(locale, row.points)}</strong
            >
          </li>`,
        )}
      </ol>
      ${status === 'error' ? html`<p class="error" role="alert">${t.historyError}</p>` : nothing}
      ${
        status === 'more' || status === 'loading' || status === 'error'
          ? html`<button
              part="more-button"
              class="button secondary"
              type="button"
              aria-disabled=${status === 'loading' ? 'true' : 'false'}
              @click=${() => status !== 'loading' && this.loadHistory()}
            >
              ${t.more}
            </button>`
          : nothing
      }`;
  }

  private renderRefer(t: LoyaltyMessages, program: Program, account?: Account) {
    const locale = this.resolvedLocale;
    if (!program.referral.enabled) return html`<p class="muted">${t.referOff}</p>`;
    const url = account?.referral?.url;
    return html`<p>
        ${format(t.referText, {
          friend: formatNumber(locale, program.referral.refereePoints),
          you: formatNumber(locale, program.referral.referrerPoints),
        })}
      </p>
      ${
        !account
          ? html`<p class="muted">${t.referGuest}</p>`
          : account.referral
            ? html`${this.renderCopy(t, url ?? account.referral.code, t.referLink)}
              ${
                url && 'share' in navigator
                  ? html`<button
                      part="share-button"
                      class="button secondary"
                      type="button"
                      @click=${() => navigator.share({ title: program.name, url }).catch(() => {})}
                    >
                      ${t.share}
                    </button>`
                  : nothing
              }`
            : html`<p class="muted">${t.referOff}</p>`
      }`;
  }

  private renderCopy(t: LoyaltyMessages, value: string, label: string) {
    return html`<div class="row">
      <input part="code" readonly .value=${value} aria-label=${label} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
      <button part="copy-button" class="button secondary" type="button" @click=${(e: Event) => this.copy(e, value)}>
        ${t.copy}
      </button>
    </div>`;
  }

  private async copy(event: Event, value: string): Promise<void> {
    const t = this.i18n.t ?? en;
    this.announce = '';
    await this.updateComplete;
    try {
      await navigator.clipboard.writeText(value);
      this.announce = t.copied;
    } catch {
      // No clipboard access: select the text so the shopper can copy it.
      const input = (event.currentTarget as HTMLElement | null)?.previousElementSibling as HTMLInputElement | null;
      input?.focus();
      input?.select();
      this.announce = t.copyFailed;
    }
  }

  private select(tab: Tab, focus = false): void {
    this.tab = tab;
    if (tab === 'history' && this.historyStatus === 'idle') void this.loadHistory();
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${tab}`)?.focus());
  }

  private onTabKey(event: KeyboardEvent): void {
    const tabs = [...this.renderRoot.querySelectorAll<HTMLElement>('[role=tab]')].map((el) => el.id.slice(4) as Tab);
    const index = tabs.indexOf(this.tab);
    const rtl = getComputedStyle(this).direction === 'rtl';
    const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[event.key];
    let next: Tab | undefined;
    if (step) next = tabs[(index + step + tabs.length) % tabs.length];
    else if (event.key === 'Home') next = tabs[0];
    else if (event.key === 'End') next = tabs[tabs.length - 1];
    if (!next) return;
    event.preventDefault();
    this.select(next, true);
  }

  private async loadHistory(): Promise<void> {
    const api = this.api;
    if (!api) return;
    this.historyStatus = 'loading';
    try {
      const data = await api.query<{
        me: {
          loyalty: {
            history: { edges: { node: HistoryRow }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
          };
        };
      }>(LoyaltyHistory, { first: 10, after: this.cursor });
      const { edges, pageInfo } = data.me.loyalty.history;
      this.rows = [...this.rows, ...edges.map((edge) => edge.node)];
      this.cursor = pageInfo.endCursor;
      this.historyStatus = pageInfo.hasNextPage ? 'more' : 'done';
    } catch {
      this.historyStatus = 'error';
    }
  }

  private async startRedeem(reward: Reward): Promise<void> {
    this.confirming = reward;
    // One key per confirmation: a retry after a network error reuses it, so nothing is redeemed twice.
    this.redeemKey = uuid();
    this.redeemError = '';
    this.issued = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part=confirm-button]')?.focus();
  }

  private async cancel(reward: Reward): Promise<void> {
    this.confirming = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#redeem-${CSS.escape(reward.id)}`)?.focus();
  }

  private async redeem(reward: Reward): Promise<void> {
    const api = this.api;
    const t = this.i18n.t ?? en;
    if (this.busy || !api) return;
    this.busy = true;
    this.redeemError = '';
    try {
      const { redeemReward: result } = await api.mutate<{ redeemReward: RedeemResult }>(LoyaltyRedeem, {
        rewardId: reward.id,
        idempotencyKey: this.redeemKey,
      });
      if ('rewardCode' in result) {
        const code = result.rewardCode.code;
        this.issued = { code, reward: reward.name, expiresAt: result.rewardCode.expiresAt, balance: result.balance };
        this.confirming = undefined;
        const account = this.task.value?.me?.loyalty;
        if (account) account.points = result.balance;
        this.rows = [];
        this.cursor = null;
        this.historyStatus = 'idle';
        this.emit('redeem', { code, rewardId: reward.id, balance: result.balance });
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('[part=issued] input')?.focus();
      } else {
        this.redeemError =
          'needed' in result
            ? format(t.errPoints, { count: formatNumber(this.resolvedLocale, result.needed) })
            : ({
                RewardOutOfStockError: t.errStock,
                RewardLimitReachedError: t.errLimit,
                RewardUnavailableError: t.errUnavailable,
              }[result.__typename] ?? t.errFailed);
      }
    } catch (error) {
      this.redeemError = error instanceof KantaApiError && error.network ? t.errNetwork : t.errFailed;
    } finally {
      this.busy = false;
    }
  }
}
