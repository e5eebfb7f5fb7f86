import { builder } from '../../builder.ts';

builder.prismaObject('Order', {
  description: 'A sale or a return, in any channel. Money is in minor units of `currency`.',
  fields: (t) => ({
    id: t.exposeID('id'),
  }),
});
