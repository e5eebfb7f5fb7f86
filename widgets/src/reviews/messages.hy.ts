import type { ReviewsMessages } from './messages.en.ts';

const hy: ReviewsMessages = {
  heading: 'Գնորդների կարծիքներ',
  loading: 'Կարծիքները բեռնվում են…',
  loadError: 'Չհաջողվեց բեռնել կարծիքները։',
  rated: 'Գնահատական՝ {average}/5, {count} կարծիք',
  ratedOne: 'Գնահատական՝ {average}/5, 1 կարծիք',
  breakdown: 'Գնահատականների բաշխում',
  starsN: '{n} աստղ',
  starsOne: '1 աստղ',
  stars: '{n} աստղ 5-ից',
  noReviews: 'Կարծիքներ դեռ չկան',
  sort: 'Դասավորել ըստ',
  NEWEST: 'Ամենանորերը',
  MOST_HELPFUL: 'Ամենաօգտակարները',
  HIGHEST: 'Ամենաբարձր գնահատականը',
  LOWEST: 'Ամենացածր գնահատականը',
  more: 'Ցույց տալ ավելի շատ կարծիքներ',
  verified: 'Հաստատված գնում',
  photo: 'Կարծիքի լուսանկար {n} (բացվում է նոր ներդիրում)',
  reply: 'Խանութի պատասխանը',
  helpful: 'Օգտակար է ({count})',
  signIn: 'Մուտք գործեք՝ քվեարկելու համար։',
  voteError: 'Չհաջողվեց պահպանել ձեր ձայնը։',
  write: 'Գրել կարծիք',
};

export default hy;
