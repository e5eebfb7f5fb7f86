import { html, type TemplateResult } from 'lit';

/**
 * The loading and error-with-retry states every widget shows, with the same
 * parts everywhere (`loading`, `spinner`, `error`, `retry-button`), so a
 * storefront themes them once. Put them inside the widget's live region
 * (`role="status"` / `aria-live="polite"`, `aria-busy` while loading).
 */
export function renderLoading(label: string): TemplateResult {
  return html`<div part="loading" class="state loading muted">
    <span part="spinner" class="spinner" aria-hidden="true"></span><span>${label}</span>
  </div>`;
}

/**
 * `retrying` keeps the same button (and its focus) while the retry runs; the
 * button is `aria-disabled`, not `disabled`, so focus stays on it.
 */
export function renderError(
  message: string,
  retryLabel: string,
  onRetry: () => void,
  retrying = false,
): TemplateResult {
  return html`<div part="error" class="state">
    <span class="error">${message}</span>
    <button
      part="retry-button"
      class="button secondary retry-button"
      type="button"
      aria-disabled=${retrying ? 'true' : 'false'}
      @click=${() => {
        if (!retrying) onRetry();
      }}
    >
      ${retryLabel}
    </button>
  </div>`;
}
