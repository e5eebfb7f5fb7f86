import type { Messages } from './messages.ts';

export const fi: Messages = {
  retry: 'Yritä uudelleen',
};
