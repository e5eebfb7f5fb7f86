import type { ReviewsMessages } from './messages.en.ts';

const hu: ReviewsMessages = {
  heading: 'Vásárlói vélemények',
  loading: 'Vélemények betöltése…',
  loadError: 'A véleményeket nem sikerült betölteni.',
  rated: 'Értékelés: {average}/5, {count} vélemény alapján',
  ratedOne: 'Értékelés: {average}/5, 1 vélemény alapján',
  breakdown: 'Értékelések megoszlása',
  starsN: '{n} csillag',
  starsOne: '1 csillag',
  stars: '{n}/5 csillag',
  noReviews: 'Még nincs vélemény',
  sort: 'Rendezés',
  NEWEST: 'Legújabb',
  MOST_HELPFUL: 'Leghasznosabb',
  HIGHEST: 'Legjobb értékelés',
  LOWEST: 'Legrosszabb értékelés',
  more: 'További vélemények',
  verified: 'Igazolt vásárlás',
  photo: 'A vélemény {n}. fotója (új lapon nyílik meg)',
  reply: 'A bolt válasza',
  helpful: 'Hasznos ({count})',
  signIn: 'A szavazáshoz jelentkezz be.',
  voteError: 'A szavazatot nem sikerült menteni.',
  write: 'Vélemény írása',
};

export default hu;
