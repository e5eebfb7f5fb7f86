import type { RecommendationMessages } from './messages.en.ts';

const hu: RecommendationMessages = {
  alsoBought: 'A vásárlók ezeket is megvették',
  together: 'Gyakran együtt vásárolt termékek',
  cart: 'Ezek is tetszhetnek',
  personal: 'Neked ajánljuk',
  loading: 'Ajánlatok betöltése…',
  error: 'Az ajánlatokat nem sikerült betölteni.',
};

export default hu;
