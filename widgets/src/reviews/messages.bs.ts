import type { ReviewsMessages } from './messages.en.ts';

const bs: ReviewsMessages = {
  heading: 'Recenzije kupaca',
  loading: 'Učitavanje recenzija…',
  loadError: 'Recenzije se nisu mogle učitati.',
  rated: 'Ocjena {average} od 5, recenzija: {count}',
  ratedOne: 'Ocjena {average} od 5, 1 recenzija',
  breakdown: 'Raspodjela ocjena',
  starsN: 'Zvjezdica: {n}',
  starsOne: '1 zvjezdica',
  stars: '{n} od 5 zvjezdica',
  noReviews: 'Još nema recenzija',
  sort: 'Poredaj po',
  NEWEST: 'Najnovije',
  MOST_HELPFUL: 'Najkorisnije',
  HIGHEST: 'Najviša ocjena',
  LOWEST: 'Najniža ocjena',
  more: 'Prikaži još recenzija',
  verified: 'Potvrđena kupovina',
  photo: 'Fotografija {n} recenzije (otvara se u novoj kartici)',
  reply: 'Odgovor prodavnice',
  helpful: 'Korisno ({count})',
  signIn: 'Prijavite se da biste glasali.',
  voteError: 'Vaš glas nije sačuvan.',
  write: 'Napišite recenziju',
};

export default bs;
