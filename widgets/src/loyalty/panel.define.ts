import { defineOnce } from '../internal/define.ts';
import { LoyaltyPanel } from './loyalty-panel.ts';

defineOnce('loyalty-panel', LoyaltyPanel);

declare global {
  interface HTMLElementTagNameMap {
    'loyalty-panel': LoyaltyPanel;
  }
}
