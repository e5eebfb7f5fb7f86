import { builder } from './builder.ts';
import { DomainError, InvalidInputError, NotFoundError } from './errors.ts';

/** Every expected failure implements Error, so clients can select `... on Error { code message }`. */
export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'An expected failure: `code` is stable and machine-readable, `message` is for people.',
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
});

builder.objectType(InvalidInputError, {
  name: 'InvalidInputError',
  description: 'Input broke a rule; `field` names the input field and `message` the rule.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InvalidInputError,
  fields: (t) => ({
    field: t.exposeString('field'),
  }),
});
