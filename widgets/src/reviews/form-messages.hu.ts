import type { FormMessages } from './form-messages.en.ts';

const hu: FormMessages = {
  stars: '{n}/5 csillag',
  write: 'Vélemény írása',
  yourRating: 'Értékelésed',
  title: 'Cím (nem kötelező)',
  body: 'Véleményed',
  maxChars: 'Legfeljebb {max} karakter.',
  name: 'Megjelenített név (nem kötelező)',
  submit: 'Vélemény küldése',
  cancel: 'Mégse',
  sending: 'Küldés…',
  published: 'Köszönjük! A véleményed megjelent.',
  pending: 'Köszönjük! A véleményed ellenőrzés után jelenik meg.',
  submitError: 'A véleményt nem sikerült elküldeni.',
  ratingRequired: 'Válassz értékelést.',
  invalid: 'Ellenőrizd ezt a mezőt.',
};

export default hu;
