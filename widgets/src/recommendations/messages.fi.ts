import type { RecommendationMessages } from './messages.en.ts';

const fi: RecommendationMessages = {
  alsoBought: 'Muut ostivat myös',
  together: 'Usein ostetaan yhdessä',
  cart: 'Saatat pitää myös näistä',
  personal: 'Suosituksia sinulle',
  loading: 'Ladataan suosituksia…',
  error: 'Suosituksia ei voitu ladata.',
};

export default fi;
