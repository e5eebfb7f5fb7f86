import type { FormMessages } from './form-messages.en.ts';

const bs: FormMessages = {
  stars: '{n} od 5 zvjezdica',
  write: 'Napišite recenziju',
  yourRating: 'Vaša ocjena',
  title: 'Naslov (neobavezno)',
  body: 'Vaša recenzija',
  maxChars: 'Najviše {max} znakova.',
  name: 'Prikazano ime (neobavezno)',
  submit: 'Pošalji recenziju',
  cancel: 'Odustani',
  sending: 'Slanje…',
  published: 'Hvala! Vaša recenzija je objavljena.',
  pending: 'Hvala! Vaša recenzija će se pojaviti nakon provjere.',
  submitError: 'Recenzija nije poslana.',
  ratingRequired: 'Odaberite ocjenu.',
  invalid: 'Provjerite ovo polje.',
};

export default bs;
