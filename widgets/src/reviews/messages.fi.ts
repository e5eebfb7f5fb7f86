import type { ReviewsMessages } from './messages.en.ts';

const fi: ReviewsMessages = {
  heading: 'Asiakkaiden arvostelut',
  loading: 'Ladataan arvosteluja…',
  loadError: 'Arvosteluja ei voitu ladata.',
  rated: 'Arvosana {average}/5, {count} arvostelua',
  ratedOne: 'Arvosana {average}/5, 1 arvostelu',
  breakdown: 'Arvosanojen jakauma',
  starsN: '{n} tähteä',
  starsOne: '1 tähti',
  stars: '{n}/5 tähteä',
  noReviews: 'Ei vielä arvosteluja',
  sort: 'Järjestys',
  NEWEST: 'Uusimmat',
  MOST_HELPFUL: 'Hyödyllisimmät',
  HIGHEST: 'Paras arvosana',
  LOWEST: 'Huonoin arvosana',
  more: 'Näytä lisää arvosteluja',
  verified: 'Varmennettu ostos',
  photo: 'Arvostelun kuva {n} (avautuu uuteen välilehteen)',
  reply: 'Kaupan vastaus',
  helpful: 'Hyödyllinen ({count})',
  signIn: 'Kirjaudu sisään äänestääksesi.',
  voteError: 'Ääntäsi ei voitu tallentaa.',
  write: 'Kirjoita arvostelu',
};

export default fi;
