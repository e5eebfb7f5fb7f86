/**
 * Entry point of kanta.js: registers every widget and reads the page-wide
 * configuration from the loader script (see internal/loader.ts):
 *
 * ```html
 * <script type="module" src="https://kanta.example/widgets/kanta.js"
 *   data-endpoint="https://kanta.example/graphql" data-key="pk_..."></script>
 * ```
 *
 * Each widget class is exported too, for pages that register tags of their
 * own (`customElements.define('my-badge', class extends LoyaltyBadge {})`).
 * Heavy parts (the loyalty panel, the review form) load on first use: their
 * classes (`LoyaltyPanel`, `ReviewForm`) are `customElements.get(tag)` once
 * `loadLazy(tag)` resolves.
 */
import './internal/loader.ts';
import './store-badge/define.ts';
import './loyalty/define.ts';
import './feedback/define.ts';
import './reviews/define.ts';
import './recommendations/define.ts';

export type { KantaClientOptions } from './client.ts';
export { createKantaClient } from './client.ts';
export { FeedbackForm } from './feedback/feedback-form.ts';
export { KantaApi, KantaApiError } from './internal/api.ts';
export { configure, type KantaConfig, setCustomerToken } from './internal/config.ts';
export { defineLazy, defineOnce, loadLazy } from './internal/define.ts';
export { KantaElement } from './internal/kanta-element.ts';
export { LoyaltyBadge } from './loyalty/loyalty-badge.ts';
export { ProductRecommendations } from './recommendations/recommendations.ts';
export { ProductRating } from './reviews/product-rating.ts';
export { ProductReviews } from './reviews/product-reviews.ts';
export type { Storefront } from './store-badge/store-badge.ts';
export { KantaStoreBadge } from './store-badge/store-badge.ts';
