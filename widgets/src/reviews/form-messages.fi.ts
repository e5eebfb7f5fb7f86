import type { FormMessages } from './form-messages.en.ts';

const fi: FormMessages = {
  stars: '{n}/5 tähteä',
  write: 'Kirjoita arvostelu',
  yourRating: 'Arvosanasi',
  title: 'Otsikko (valinnainen)',
  body: 'Arvostelusi',
  maxChars: 'Enintään {max} merkkiä.',
  name: 'Näytettävä nimi (valinnainen)',
  submit: 'Lähetä arvostelu',
  cancel: 'Peruuta',
  sending: 'Lähetetään…',
  published: 'Kiitos! Arvostelusi on julkaistu.',
  pending: 'Kiitos! Arvostelusi näkyy tarkistuksen jälkeen.',
  submitError: 'Arvostelua ei voitu lähettää.',
  ratingRequired: 'Valitse arvosana.',
  invalid: 'Tarkista tämä kenttä.',
};

export default fi;
