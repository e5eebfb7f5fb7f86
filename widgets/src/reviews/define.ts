import { defineLazy, defineOnce } from '../internal/define.ts';
import { ProductRating } from './product-rating.ts';
import { ProductReviews } from './product-reviews.ts';

defineOnce('product-rating', ProductRating);
defineOnce('product-reviews', ProductReviews);
defineLazy('review-form', () => import('./review-form.define.ts'));

declare global {
  interface HTMLElementTagNameMap {
    'product-rating': ProductRating;
    'product-reviews': ProductReviews;
  }
}
