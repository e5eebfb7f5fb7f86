import type { Messages } from './messages.ts';

export const hy: Messages = {
  poweredBy: 'Աշխատում է Kanta-ի միջոցով',
  storeLoading: 'Խանութը բեռնվում է…',
  storeLoadError: 'Չհաջողվեց բեռնել խանութի տվյալները։',
  retry: 'Կրկին փորձել',
};
