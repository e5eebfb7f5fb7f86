export const en = {
  rated: 'Rated {average} out of 5 from {count} reviews',
  ratedOne: 'Rated {average} out of 5 from 1 review',
  noReviews: 'No reviews yet',
};

export type RatingMessages = typeof en;
