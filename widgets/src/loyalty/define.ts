import { defineLazy, defineOnce } from '../internal/define.ts';
import { LoyaltyBadge } from './loyalty-badge.ts';

defineOnce('loyalty-badge', LoyaltyBadge);
// The panel's code loads when a <loyalty-panel> appears or the badge opens it.
defineLazy('loyalty-panel', () => import('./panel.define.ts'));

declare global {
  interface HTMLElementTagNameMap {
    'loyalty-badge': LoyaltyBadge;
  }
}
