import type { Messages } from './messages.ts';

export const en: Messages = {
  poweredBy: 'Powered by Kanta',
  storeLoading: 'Loading store…',
  storeLoadError: 'Store details could not be loaded.',
  retry: 'Try again',
};
