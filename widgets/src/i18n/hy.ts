import type { Messages } from './messages.ts';

export const hy: Messages = {
  retry: 'Կրկին փորձել',
};
