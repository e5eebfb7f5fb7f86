/** English strings of <product-recommendations>; the other locales mirror these keys. */
export const en = {
  alsoBought: 'Customers also bought',
  together: 'Frequently bought together',
  cart: 'You may also like',
  personal: 'Recommended for you',
  loading: 'Loading recommendations…',
  error: 'Recommendations could not be loaded.',
};

export type RecommendationMessages = typeof en;
