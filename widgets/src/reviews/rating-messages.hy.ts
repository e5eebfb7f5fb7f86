import type { RatingMessages } from './rating-messages.en.ts';

const hy: RatingMessages = {
  rated: 'Գնահատական՝ {average}/5, {count} կարծիք',
  ratedOne: 'Գնահատական՝ {average}/5, 1 կարծիք',
  noReviews: 'Կարծիքներ դեռ չկան',
};

export default hy;
