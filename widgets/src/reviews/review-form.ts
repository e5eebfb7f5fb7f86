import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { KantaSubmitReview } from '../generated/operations.ts';
import { KantaElement } from '../internal/kanta-element.ts';
import { format, Localize } from '../internal/localize.ts';
import { kantaBase } from '../internal/styles.ts';
import { en, type FormMessages } from './form-messages.en.ts';

type Field = 'rating' | 'title' | 'body' | 'authorName';

interface SubmitData {
  submitReview: { __typename: string; id?: string; status?: string; field?: string; message?: string };
}

/** The server's limits (review-text.ts). */
const limits = { title: 150, body: 5000, authorName: 100 } as const;

/**
 * The form a shopper writes a review with (loaded on demand by
 * `<product-reviews>`): stars as a radio group (arrow keys), title, text and
 * display name, with the server's field errors shown next to the fields.
 *
 * @fires kanta-review-submitted - The review was sent; detail `{ sku, id, status }` (PUBLISHED or PENDING).
 * @fires kanta-review-cancel - The shopper closed the form without sending.
 *
 * @csspart form - The form.
 * @csspart star - One star of the rating (a radio label).
 * @csspart field-error - The error next to a field.
 * @csspart submit-button - Sends the review.
 * @csspart cancel-button - Closes the form.
 * @csspart status - The result: published, awaiting moderation, or an error.
 *
 * @cssproperty --kanta-color-star - Chosen stars.
 *
 * @tag review-form
 */
export class ReviewForm extends KantaElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override styles = [
    kantaBase,
    css`
  :host{display:block}
  form,.field{display:grid;gap:0.5rem}
  form{gap:var(--_spacing);padding:var(--_spacing);border:1px solid var(--_border);border-radius:var(--_radius);background:var(--_background)}
  fieldset{border:0;margin:0;padding:0}
  legend,label{font-weight:600}
  .stars{display:flex}
  .star{display:inline-grid;place-items:center;min-inline-size:2.25rem;min-block-size:2.25rem;font-size:1.5em;color:var(--_muted);cursor:pointer}
  .star.on{color:var(--_star)}
  input:focus-visible + .star{outline:2px solid var(--_accent);outline-offset:-2px}
  input[type='text'],textarea{font:inherit;padding:0.375rem 0.5rem;color:var(--_text);background:var(--_background);border:1px solid var(--_border);border-radius:var(--_radius)}
  [aria-invalid='true']{border-color:var(--_error)}
  .actions{display:flex;flex-wrap:wrap;gap:0.5rem}
  .done{color:var(--_success);font-weight:600}
`,
  ];

  /** Sku of the product reviewed. */
  @property() sku = '';

  @state() private rating = 0;
  @state() private errors: Partial<Record<Field | 'form', string>> = {};
  @state() private sending = false;
  @state() private result?: 'PUBLISHED' | 'PENDING';

  private readonly i18n = new Localize(this, en, {
    fi: () => import('./form-messages.fi.ts'),
    hu: () => import('./form-messages.hu.ts'),
    bs: () => import('./form-messages.bs.ts'),
    hy: () => import('./form-messages.hy.ts'),
  });

  override render(): TemplateResult {
    const t = this.i18n.t ?? en;
    const status = html`<p part="status" role="status" class=${this.result ? 'done' : 'error'}>
      ${this.result ? (this.result === 'PUBLISHED' ? t.published : t.pending) : (this.errors.form ?? '')}
    </p>`;
    if (this.result) return html`<div lang=${this.resolvedLocale} tabindex="-1">${status}</div>`;
    return html`<form part="form" novalidate lang=${this.resolvedLocale} @submit=${this.submit} aria-labelledby="t">
      <strong id="t">${t.write}</strong>
      <fieldset aria-describedby="e-rating" aria-invalid=${this.errors.rating ? 'true' : 'false'}>
        <legend>${t.yourRating}</legend>
        <div class="stars">
          ${[1, 2, 3, 4, 5].map(
            (n) => html`<input
                id="r${n}"
                class="visually-hidden"
                type="radio"
                name="rating"
                value=${n}
                .checked=${this.rating === n}
                @change=${() => {
                  this.rating = n;
                }}
              /><label part="star" class="star ${n <= this.rating ? 'on' : ''}" for="r${n}"
                ><span aria-hidden="true">★</span><span class="visually-hidden">${format(t.stars, { n })}</span></label
              >`,
          )}
        </div>
        ${this.error('rating')}
      </fieldset>
      ${this.input(t, 'title', t.title)} ${this.input(t, 'body', t.body, true)} ${this.input(t, 'authorName', t.name)}
      ${status}
      <div class="actions">
        <button part="submit-button" class="button" type="submit" aria-disabled=${this.sending ? 'true' : 'false'}>
          ${this.sending ? t.sending : t.submit}
        </button>
        <button part="cancel-button" class="button secondary" type="button" @click=${() => this.emit('review-cancel', {})}>
          ${t.cancel}
        </button>
      </div>
    </form>`;
  }

  private error(field: Field): TemplateResult {
    return html`<span id="e-${field}" part="field-error" class="error">${this.errors[field] ?? nothing}</span>`;
  }

  private input(t: FormMessages, field: 'title' | 'body' | 'authorName', label: string, multiline = false) {
    const max = limits[field];
    const common = {
      invalid: this.errors[field] ? 'true' : 'false',
      describedby: `h-${field} e-${field}`,
    };
    return html`<div class="field">
      <label for=${field}>${label}</label>
      ${
        multiline
          ? html`<textarea id=${field} name=${field} rows="5" maxlength=${max} required aria-invalid=${common.invalid} aria-describedby=${common.describedby}></textarea>`
          : html`<input id=${field} name=${field} type="text" maxlength=${max} aria-invalid=${common.invalid} aria-describedby=${common.describedby} />`
      }
      <span id="h-${field}" class="muted">${format(t.maxChars, { max })}</span>
      ${this.error(field)}
    </div>`;
  }

  private focusField(field: Field): void {
    const target = field === 'rating' ? 'input[name=rating]' : `#${field}`;
    this.renderRoot.querySelector<HTMLElement>(target)?.focus();
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const t = this.i18n.t ?? en;
    const api = this.api;
    if (this.sending) return;
    if (!this.rating) {
      this.errors = { rating: t.ratingRequired };
      await this.updateComplete;
      this.focusField('rating');
      return;
    }
    const form = event.target as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    const optional = (name: string) => value(name).trim() || null;
    this.errors = {};
    this.sending = true;
    try {
      if (!api) throw new Error('no api');
      const data = await api.mutate<SubmitData>(KantaSubmitReview, {
        input: {
          sku: this.sku,
          rating: this.rating,
          title: optional('title'),
          body: value('body'),
          authorName: optional('authorName'),
          locale: this.resolvedLocale,
        },
      });
      const result = data.submitReview;
      if (result.__typename === 'Review') {
        this.result = result.status === 'PUBLISHED' ? 'PUBLISHED' : 'PENDING';
        this.emit('review-submitted', { sku: this.sku, id: result.id, status: result.status });
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('[tabindex]')?.focus();
      } else if (result.__typename === 'InvalidInputError') {
        const field = (result.field ?? '').replace(/^input\./, '').split('.')[0] as Field;
        const known = field in limits || field === 'rating';
        const message =
          this.resolvedLocale === 'en'
            ? `${t.invalid} (${(result.message ?? '').replace(/^[\w.]+: /, '')})`
            : t.invalid;
        this.errors = known ? { [field]: message } : { form: t.submitError };
        await this.updateComplete;
        if (known) this.focusField(field);
      } else {
        this.errors = { form: t.submitError };
      }
    } catch {
      this.errors = { form: t.submitError };
    }
    this.sending = false;
  }
}
