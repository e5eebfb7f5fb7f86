import { KantaStoreBadge } from './store-badge.ts';

// Guarded: a page may load kanta.js twice (e.g. the ES and classic builds);
// a second define() would throw.
if (!customElements.get('kanta-store-badge')) {
  customElements.define('kanta-store-badge', KantaStoreBadge);
}

declare global {
  interface HTMLElementTagNameMap {
    'kanta-store-badge': KantaStoreBadge;
  }
}
