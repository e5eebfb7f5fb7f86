import type { RatingMessages } from './rating-messages.en.ts';

const fi: RatingMessages = {
  rated: 'Arvosana {average}/5, {count} arvostelua',
  ratedOne: 'Arvosana {average}/5, 1 arvostelu',
  noReviews: 'Ei vielä arvosteluja',
};

export default fi;
