import { css } from 'lit';

/**
 * The theme every Kanta widget shares. Public knobs are `--kanta-*` custom
 * properties (documented in the README and each widget's JSDoc); the `--_*`
 * aliases resolve each knob once, on the host, against the light or dark
 * default. `theme="light|dark"` on a widget forces a scheme; otherwise it
 * follows `prefers-color-scheme`. Layout uses logical properties only, so
 * right-to-left pages mirror correctly.
 *
 * Widgets add their own sheet after this one: `static styles = [kantaBase, css`…`]`.
 */
export const kantaBase = css`
  :host {
    /* light-dark() picks by the host's color-scheme: the page's preference, or theme="light|dark". */
    --_text: var(--kanta-color-text, light-dark(#1f2933, #e4e7eb));
    --_muted: var(--kanta-color-muted, light-dark(#52606d, #b8c2cc));
    --_background: var(--kanta-color-background, light-dark(#ffffff, #1f2933));
    --_surface: var(--kanta-color-surface, light-dark(#f5f7fa, #29333d));
    --_border: var(--kanta-color-border, light-dark(#cbd2d9, #7b8794));
    --_accent: var(--kanta-color-accent, light-dark(#0b5cad, #8ec5ff));
    --_on-accent: var(--kanta-color-on-accent, light-dark(#ffffff, #0b1a2b));
    --_error: var(--kanta-color-error, light-dark(#b42318, #ffb4ab));
    --_success: var(--kanta-color-success, light-dark(#1a7f37, #7ee2a8));
    --_star: var(--kanta-color-star, light-dark(#b25e09, #f7c948));
    --_radius: var(--kanta-radius, 0.5rem);
    --_spacing: var(--kanta-spacing, 0.75rem);
    --_shadow: var(--kanta-shadow, 0 4px 16px rgb(15 23 42 / 0.16));

    color-scheme: light dark;
    font-family: var(--kanta-font-family, system-ui, sans-serif);
    font-size: var(--kanta-font-size, 1rem);
    line-height: 1.45;
    color: var(--_text);
  }

  :host([theme='light']) {
    color-scheme: light;
  }

  :host([theme='dark']) {
    color-scheme: dark;
  }

  :host([hidden]) {
    display: none !important;
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }

  button {
    font: inherit;
  }

  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.375rem;
    min-block-size: 2.25rem;
    min-inline-size: 2.25rem;
    padding: 0.375rem 0.875rem;
    border: 1px solid var(--_accent);
    border-radius: var(--_radius);
    background: var(--_accent);
    color: var(--_on-accent);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
    text-decoration: none;
  }

  .button.secondary {
    background: transparent;
    color: var(--_accent);
  }

  .button[aria-disabled='true'],
  .button:disabled {
    cursor: not-allowed;
    opacity: 0.65;
  }

  .muted {
    color: var(--_muted);
  }

  .error {
    color: var(--_error);
  }

  .visually-hidden {
    position: absolute !important;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  .spinner {
    display: inline-block;
    inline-size: 0.875em;
    block-size: 0.875em;
    border: 2px solid currentColor;
    border-inline-end-color: transparent;
    border-radius: 50%;
    animation: kanta-spin 0.8s linear infinite;
    vertical-align: -0.125em;
  }

  @keyframes kanta-spin {
    to {
      transform: rotate(1turn);
    }
  }

  .state {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 0.5rem;
  }

  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation-duration: 0s !important;
      transition-duration: 0s !important;
    }
    /* A still ring still says "working" without motion. */
    .spinner {
      animation: none;
      border-inline-end-color: currentColor;
      opacity: 0.6;
    }
  }
`;
