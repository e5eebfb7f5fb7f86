import type { Messages } from './messages.ts';

export const hu: Messages = {
  poweredBy: 'A Kanta támogatásával',
  storeLoading: 'Bolt betöltése…',
  storeLoadError: 'A bolt adatait nem sikerült betölteni.',
  retry: 'Próbálja újra',
};
