import type { Messages } from './messages.ts';

export const hu: Messages = {
  retry: 'Próbálja újra',
};
