import type { Messages } from './messages.ts';

export const en: Messages = {
  retry: 'Try again',
};
