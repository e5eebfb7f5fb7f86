import { defineOnce } from '../internal/define.ts';
import { ProductRecommendations } from './recommendations.ts';

defineOnce('product-recommendations', ProductRecommendations);

declare global {
  interface HTMLElementTagNameMap {
    'product-recommendations': ProductRecommendations;
  }
}
