import { css, html, type TemplateResult } from 'lit';

/**
 * Five stars filled to `value` (0–5, partial fill for averages; the server keeps it in range). Decorative:
 * the caller gives the rating in words.
 */
export function renderStars(value: number): TemplateResult {
  return html`<span part="stars" class="stars" aria-hidden="true" style="--_fill:${value * 20}%"></span>`;
}

export const starStyles = css`
   .stars{position:relative;display:inline-block;color:var(--_border);letter-spacing:0.05em;white-space:nowrap;line-height:1}
  .stars::before,.stars::after{content:'★★★★★'}
  .stars::after{position:absolute;inset-block-start:0;inset-inline-start:0;inline-size:var(--_fill);overflow:hidden;color:var(--_star)}
`;
