import type { Messages } from './messages.ts';

export const bs: Messages = {
  retry: 'Pokušajte ponovo',
};
