import type { RatingMessages } from './rating-messages.en.ts';

const hu: RatingMessages = {
  rated: 'Értékelés: {average}/5, {count} vélemény alapján',
  ratedOne: 'Értékelés: {average}/5, 1 vélemény alapján',
  noReviews: 'Még nincs vélemény',
};

export default hu;
