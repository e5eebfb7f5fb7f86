import { describe, expect, test } from 'vitest';
import { getConfig } from './internal/config.ts';

describe('kanta.js entry', () => {
  test('reads data-endpoint (relative to the script) and data-key, registers widgets, exposes window.kanta', async () => {
    // type="text/plain": a loader tag the browser will not fetch or run.
    const script = document.createElement('script');
    script.type = 'text/plain';
    script.src = 'https://cdn.kanta.test/widgets/kanta.js?v=1';
    script.dataset.endpoint = '/graphql';
    script.dataset.key = 'pk_from_script';
    document.head.append(script);

    const entry = await import('./index.ts');

    expect(getConfig()).toMatchObject({ endpoint: 'https://cdn.kanta.test/graphql', key: 'pk_from_script' });
    expect(customElements.get('kanta-store-badge')).toBe(entry.KantaStoreBadge);
    expect(customElements.get('loyalty-badge')).toBe(entry.LoyaltyBadge);
    expect(customElements.get('feedback-form')).toBe(entry.FeedbackForm);
    expect(customElements.get('product-rating')).toBe(entry.ProductRating);
    expect(customElements.get('product-reviews')).toBe(entry.ProductReviews);
    expect(customElements.get('product-recommendations')).toBe(entry.ProductRecommendations);
    // Heavy parts are registered lazily: not defined until one is used.
    expect(customElements.get('loyalty-panel')).toBeUndefined();
    document.body.append(document.createElement('loyalty-panel'));
    await expect.poll(() => customElements.get('loyalty-panel')).toBeTruthy();
    document.querySelector('loyalty-panel')?.remove();
    expect(window.kanta?.configure).toBe(entry.configure);
    expect(window.kanta?.setCustomerToken).toBe(entry.setCustomerToken);

    window.kanta?.setCustomerToken('ct_script');
    expect(getConfig().customerToken).toBe('ct_script');
    script.remove();
  });
});
