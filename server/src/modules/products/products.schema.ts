import { builder } from '../../builder.ts';

builder.prismaObject('Product', {
  description: 'A catalogue entry.',
  fields: (t) => ({
    id: t.exposeID('id'),
  }),
});
