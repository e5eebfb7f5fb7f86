import type { Messages } from './messages.ts';

export const bs: Messages = {
  poweredBy: 'Pokreće Kanta',
  storeLoading: 'Učitavanje trgovine…',
  storeLoadError: 'Nije moguće učitati podatke o trgovini.',
  retry: 'Pokušajte ponovo',
};
