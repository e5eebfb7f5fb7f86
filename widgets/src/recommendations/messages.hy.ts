import type { RecommendationMessages } from './messages.en.ts';

const hy: RecommendationMessages = {
  alsoBought: 'Գնորդները գնել են նաև',
  together: 'Հաճախ գնում են միասին',
  cart: 'Ձեզ կարող է դուր գալ նաև',
  personal: 'Առաջարկվում է ձեզ',
  loading: 'Առաջարկները բեռնվում են…',
  error: 'Չհաջողվեց բեռնել առաջարկները։',
};

export default hy;
