import type { RecommendationMessages } from './messages.en.ts';

const bs: RecommendationMessages = {
  alsoBought: 'Kupci su kupili i',
  together: 'Često se kupuje zajedno',
  cart: 'Moglo bi vam se svidjeti',
  personal: 'Preporučeno za vas',
  loading: 'Učitavanje preporuka…',
  error: 'Preporuke nije moguće učitati.',
};

export default bs;
