import { css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { KantaStorefront, KantaSubmitSurvey, KantaSubmitSurveyLink } from '../generated/operations.ts';
import { formatNumber } from '../internal/format.ts';
import { KantaElement } from '../internal/kanta-element.ts';
import { format, Localize } from '../internal/localize.ts';
import { renderError } from '../internal/states.ts';
import { kantaBase } from '../internal/styles.ts';
import { en, type FeedbackMessages } from './messages.en.ts';

type Kind = 'nps' | 'csat' | 'ces';
// [min, max] as the server validates them (server/src/modules/feedback/scores.ts).
const scales: Record<Kind, [number, number]> = { nps: [0, 10], csat: [1, 5], ces: [1, 7] };
/** Why the form cannot (or no longer) take an answer; a key of the messages. */
type Stop = 'expired' | 'invalid' | 'answered' | 'closed' | 'unavailable' | 'signIn';

interface Answer {
  __typename: string;
  thankYou?: string | null;
  field?: string;
  reason?: 'EXPIRED' | 'INVALID';
}

/**
 * A one-question satisfaction survey: NPS (0–10), CSAT (1–5) or CES (1–7) as a
 * radio group, then an optional comment worded after the score, then thanks.
 *
 * Answers through a signed invitation link (`token`) or, for a signed-in
 * shopper, inline (`survey-id`, optional `order-id`). An answer that cannot be
 * sent is kept (in the form and in `localStorage`) and sent again on Retry,
 * when the browser comes back online, or the next time the form loads.
 *
 * @fires kanta-submit - The answer was stored. `detail: { type, score }`.
 *
 * @csspart form - The form.
 * @csspart question - The legend holding the question.
 * @csspart scale - The row of options.
 * @csspart option - One option (a label wrapping its radio).
 * @csspart scale-labels - The words under the ends of the scale.
 * @csspart comment - The comment textarea.
 * @csspart comment-label - Its label.
 * @csspart field-error - A message next to a field the server refused.
 * @csspart submit-button - The send button.
 * @csspart status - The live region (sending, error, thanks).
 * @csspart thanks - The thank-you message.
 * @csspart unavailable - Why the form cannot be answered.
 * @csspart error - The failed-send message; @csspart retry-button - its Retry button.
 *
 * @cssproperty --kanta-color-background - Background of the form and options.
 * @cssproperty --kanta-color-accent - Selected option and send button.
 * @cssproperty --kanta-feedback-option-size - Size of an option (default 2.75rem, at least 24px).
 * @cssproperty --kanta-radius - Corner radius of options and button.
 *
 * @tag feedback-form
 */
export class FeedbackForm extends KantaElement {
  static override styles = [
    kantaBase,
    css`
      :host { display: block; background: var(--_background); }
      fieldset { margin: 0; padding: 0; border: 0; min-inline-size: 0; }
      legend { padding: 0; margin-block-end: 0.5rem; font-weight: 600; }
      .scale { display: flex; flex-wrap: wrap; gap: 0.25rem; }
      .option { position: relative; }
      .option input { position: absolute; opacity: 0; inset: 0; margin: 0; }
      .option span {
        display: grid; place-items: center;
        min-inline-size: var(--kanta-feedback-option-size, 2.75rem);
        min-block-size: var(--kanta-feedback-option-size, 2.75rem);
        border: 1px solid var(--_border); border-radius: var(--_radius);
        background: var(--_background); cursor: pointer;
      }
      .option input:checked + span { background: var(--_accent); color: var(--_on-accent); border-color: var(--_accent); font-weight: 600; }
      .option input:focus-visible + span { outline: 2px solid var(--_accent); outline-offset: 2px; }
      .ends { display: flex; justify-content: space-between; gap: 1rem; margin-block: 0.25rem 0.75rem; font-size: 0.875em; }
      label[for] { display: block; margin-block-end: 0.25rem; }
      textarea {
        display: block; inline-size: 100%; min-block-size: 5rem; padding: 0.5rem; font: inherit;
        color: inherit; background: var(--_background); border: 1px solid var(--_border); border-radius: var(--_radius);
      }
      .button { margin-block-start: 0.75rem; }
      .status:not(:empty) { margin-block-start: 0.75rem; }
      [tabindex='-1']:focus { outline: none; }
    `,
  ];

  /** Survey type: `nps`, `csat` or `ces`. */
  @property() type: Kind = 'nps';

  /** Signed invitation link token (from the link's query string). */
  @property() token?: string;

  /** Survey to answer inline as the signed-in shopper (instead of `token`). */
  @property({ attribute: 'survey-id' }) surveyId?: string;

  /** Order the inline answer is about (the shopper's own). */
  @property({ attribute: 'order-id' }) orderId?: string;

  /** Store name for the NPS question; defaults to the store's public name. */
  @property({ attribute: 'store-name' }) storeName?: string;

  /** Replaces the built-in question. */
  @property() question?: string;

  @state() private score?: number;
  @state() private comment = '';
  @state() private phase: 'idle' | 'sending' | 'done' = 'idle';
  /** The last send did not reach the server; the answer is kept for a retry. */
  @state() private failed = false;
  @state() private stop?: Stop;
  @state() private fieldError?: 'score' | 'comment';
  @state() private thankYou?: string;
  @state() private shopName?: string;

  private readonly i18n = new Localize(this, en, {
    fi: () => import('./messages.fi.ts'),
    hu: () => import('./messages.hu.ts'),
    bs: () => import('./messages.bs.ts'),
    hy: () => import('./messages.hy.ts'),
  });

  private readonly onOnline = () => {
    if (this.failed) void this.send();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('online', this.onOnline);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('online', this.onOnline);
  }

  private get kind(): Kind | undefined {
    const kind = this.type?.toLowerCase() as Kind;
    return scales[kind] ? kind : undefined;
  }

  /** Where a pending answer is kept; undefined when the form cannot answer. */
  private get storageKey(): string | undefined {
    if (this.token) return `kanta-feedback:${this.token}`;
    if (this.surveyId && this.signedIn) return `kanta-feedback:${this.surveyId}:${this.orderId ?? ''}`;
    return undefined;
  }

  private get blocked(): Stop | undefined {
    if (this.stop) return this.stop;
    if (!this.kind || !this.api || !(this.token || this.surveyId)) return 'unavailable';
    if (!this.token && !this.signedIn) return 'signIn';
    return undefined;
  }

  protected override firstUpdated(): void {
    const key = this.storageKey;
    const saved = key && !this.blocked ? read(key) : undefined;
    if (saved) {
      this.score = saved.score;
      this.comment = saved.comment;
      void this.send();
    }
    if (this.kind === 'nps' && !this.storeName && !this.question && this.api) {
      this.api
        .query<{ storefront: { name: string } }>(KantaStorefront, {})
        .then((data) => {
          this.shopName = data.storefront.name;
        })
        .catch(() => {});
    }
  }

  private async send(): Promise<void> {
    const key = this.storageKey;
    const api = this.api;
    const kind = this.kind;
    if (this.phase === 'sending' || this.score === undefined || !key || !api || !kind) return;
    const score = this.score;
    const comment = this.comment.trim() || undefined;
    const locale = this.resolvedLocale;
    save(key, JSON.stringify({ score, comment: this.comment }));
    this.phase = 'sending';
    this.fieldError = undefined;
    let answer: Answer;
    try {
      answer = this.token
        ? (
            await api.mutate<{ submitSurveyResponseWithToken: Answer }>(KantaSubmitSurveyLink, {
              token: this.token,
              score,
              comment,
              locale,
            })
          ).submitSurveyResponseWithToken
        : (
            await api.mutate<{ submitSurveyResponse: Answer }>(KantaSubmitSurvey, {
              input: { surveyId: this.surveyId, orderId: this.orderId, score, comment, locale },
            })
          ).submitSurveyResponse;
    } catch {
      this.phase = 'idle';
      this.failed = true;
      return;
    }
    this.phase = 'idle';
    this.failed = false;
    const type = answer.__typename;
    if (type === 'InvalidInputError') {
      // Fixable by the shopper: keep the answer in the form, not in storage.
      this.fieldError = answer.field?.includes('comment') ? 'comment' : 'score';
    } else if (type === 'SurveyAnswerPayload') {
      this.thankYou = answer.thankYou ?? undefined;
      this.phase = 'done';
      this.emit('submit', { type: kind, score });
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part~="thanks"]')?.focus());
    } else {
      this.stop =
        type === 'SurveyLinkError'
          ? answer.reason === 'EXPIRED'
            ? 'expired'
            : 'invalid'
          : type === 'SurveyResponseLockedError'
            ? 'answered'
            : type === 'SurveyClosedError'
              ? 'closed'
              : type === 'AnonymousNotAllowedError'
                ? 'signIn'
                : 'unavailable';
    }
    save(key);
  }

  override render() {
    const t = this.i18n.t;
    if (!t) return html`<div part="status" class="status" role="status" aria-busy="true"></div>`;
    const blocked = this.blocked;
    const kind = this.kind;
    if (blocked || !kind || this.phase === 'done')
      return html`<div part="status" class="status" role="status">
        ${
          blocked
            ? html`<p part="unavailable" class="muted">${t[blocked]}</p>`
            : html`<p part="thanks" tabindex="-1">${this.thankYou || t.thanks}</p>`
        }
      </div>`;
    return this.renderForm(t, kind);
  }

  private renderForm(t: FeedbackMessages, kind: Kind) {
    const [min, max] = scales[kind];
    const score = this.score;
    const store = this.storeName || this.shopName;
    const question = this.question || (kind === 'nps' && store ? format(t.npsStore, { store }) : t[kind]);
    const error = this.fieldError;
    const sending = this.phase === 'sending';
    // Comment wording by mood: 0 unhappy, 1 neutral, 2 happy (CES: lower is better).
    const mood =
      score === undefined
        ? 0
        : kind === 'nps'
          ? +(score > 6) + +(score > 8)
          : kind === 'csat'
            ? +(score > 2) + +(score > 3)
            : +(score < 5) + +(score < 3);
    const options = [];
    for (let value = min; value <= max; value++)
      options.push(html`<label part="option" class="option">
        <input
          type="radio"
          name="score"
          .value=${String(value)}
          .checked=${score === value}
          aria-describedby=${value === min ? 'low' : value === max ? 'high' : nothing}
          @change=${() => {
            this.score = value;
          }}
        /><span>${formatNumber(this.resolvedLocale, value)}</span>
      </label>`);
    return html`<form
      part="form"
      lang=${this.resolvedLocale}
      @submit=${(event: Event) => {
        event.preventDefault();
        void this.send();
      }}
    >
      <fieldset aria-describedby=${error === 'score' ? 'score-error' : nothing}>
        <legend part="question">${question}</legend>
        <div part="scale" class="scale">${options}</div>
        <div part="scale-labels" class="ends muted">
          <span id="low">${t[`${kind}Low`]}</span><span id="high">${t[`${kind}High`]}</span>
        </div>
        ${error === 'score' ? html`<p id="score-error" part="field-error" class="error">${t.scoreError}</p>` : nothing}
      </fieldset>
      ${
        score === undefined
          ? nothing
          : html`<label part="comment-label" for="comment">${t[(['bad', 'mid', 'good'] as const)[mood]!]}</label>
            <textarea
              id="comment"
              part="comment"
              maxlength="2000"
              aria-invalid=${error === 'comment' ? 'true' : 'false'}
              aria-describedby=${error === 'comment' ? 'comment-error' : nothing}
              .value=${this.comment}
              @input=${(event: Event) => {
                this.comment = (event.target as HTMLTextAreaElement).value;
              }}
            ></textarea>
            ${
              error === 'comment'
                ? html`<p id="comment-error" part="field-error" class="error">${t.commentError}</p>`
                : nothing
            }
            <button part="submit-button" class="button" type="submit" aria-disabled=${sending ? 'true' : 'false'}>
              ${t.submit}
            </button>`
      }
      <div part="status" class="status" role="status" aria-busy=${sending ? 'true' : 'false'}>
        ${
          this.failed
            ? renderError(t.failed, this.messages.retry, () => void this.send(), sending)
            : sending
              ? html`<span class="muted">${t.sending}</span>`
              : nothing
        }
      </div>
    </form>`;
  }
}

/** Keeps (or, without a value, forgets) a pending answer; storage may be unavailable. */
function save(key: string, value?: string): void {
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch {}
}

function read(key: string): { score: number; comment: string } | undefined {
  try {
    const saved = JSON.parse(localStorage.getItem(key) ?? 'null');
    return typeof saved?.score === 'number' ? { score: saved.score, comment: String(saved.comment ?? '') } : undefined;
  } catch {
    return undefined;
  }
}
