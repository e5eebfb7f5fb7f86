import { builder } from '../../builder.ts';

builder.prismaObject('Customer', {
  description: 'One person across every channel the store sells through.',
  fields: (t) => ({
    id: t.exposeID('id'),
  }),
});
