import { css } from 'lit';

// Public knobs are `--kanta-*`; the `--_*` aliases resolve each knob once, on
// the host, against the light or dark default.
export const storeBadgeStyles = css`
  :host {
    --_text: var(--kanta-color-text, #1f2933);
    --_muted: var(--kanta-color-muted, #52606d);
    --_background: var(--kanta-color-background, #ffffff);
    --_border: var(--kanta-color-border, #cbd2d9);
    --_accent: var(--kanta-color-accent, #0b5cad);
    --_on-accent: var(--kanta-color-on-accent, #ffffff);
    --_error: var(--kanta-color-error, #b42318);

    display: inline-block;
    font-family: var(--kanta-font-family, system-ui, sans-serif);
    font-size: var(--kanta-font-size, 0.875rem);
    line-height: 1.4;
    color: var(--_text);
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --_text: var(--kanta-color-text, #e4e7eb);
      --_muted: var(--kanta-color-muted, #b8c2cc);
      --_background: var(--kanta-color-background, #1f2933);
      --_border: var(--kanta-color-border, #52606d);
      --_accent: var(--kanta-color-accent, #8ec5ff);
      --_on-accent: var(--kanta-color-on-accent, #0b1a2b);
      --_error: var(--kanta-color-error, #ffb4ab);
    }
  }

  :host([hidden]) {
    display: none;
  }

  .base {
    display: inline-flex;
    align-items: center;
    flex-wrap: wrap;
    gap: var(--kanta-spacing, 0.5rem);
    padding: var(--kanta-badge-padding, 0.375rem 0.75rem);
    border: 1px solid var(--_border);
    border-radius: var(--kanta-radius, 999px);
    background: var(--_background);
    color: inherit;
  }

  .base:focus {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }

  .base:focus:not(:focus-visible) {
    outline: none;
  }

  .loading {
    color: var(--_muted);
  }

  .store-name {
    font-weight: 600;
  }

  .error {
    color: var(--_error);
  }

  .spinner {
    inline-size: 0.75em;
    block-size: 0.75em;
    border: 2px solid currentColor;
    border-inline-end-color: transparent;
    border-radius: 50%;
    animation: kanta-spin 0.8s linear infinite;
  }

  @keyframes kanta-spin {
    to {
      transform: rotate(1turn);
    }
  }

  .retry-button {
    min-block-size: 24px;
    padding: 0.125rem 0.625rem;
    border: 1px solid var(--_accent);
    border-radius: var(--kanta-radius, 999px);
    background: var(--_accent);
    color: var(--_on-accent);
    font: inherit;
    cursor: pointer;
  }

  .retry-button[aria-disabled='true'] {
    cursor: progress;
  }

  .retry-button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }

  @media (prefers-reduced-motion: reduce) {
    /* A still ring still says "working" without motion. */
    .spinner {
      animation: none;
      border-inline-end-color: currentColor;
      opacity: 0.6;
    }
  }
`;
