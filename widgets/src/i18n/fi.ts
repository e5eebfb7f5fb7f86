import type { Messages } from './messages.ts';

export const fi: Messages = {
  poweredBy: 'Palvelun tarjoaa Kanta',
  storeLoading: 'Ladataan kauppaa…',
  storeLoadError: 'Kaupan tietoja ei voitu ladata.',
  retry: 'Yritä uudelleen',
};
