import type { RatingMessages } from './rating-messages.en.ts';

const bs: RatingMessages = {
  rated: 'Ocjena {average} od 5, recenzija: {count}',
  ratedOne: 'Ocjena {average} od 5, 1 recenzija',
  noReviews: 'Još nema recenzija',
};

export default bs;
