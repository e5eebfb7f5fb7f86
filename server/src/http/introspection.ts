import { GraphQLError, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestStateOf } from './request-context.ts';

/** Refuses __schema and __type for anyone but a secret key; __typename stays available to all. */
const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(
        new GraphQLError('Introspection is available to secret (sk_) keys only', {
          nodes: node,
          extensions: { code: 'INTROSPECTION_DISABLED' },
        }),
      );
    }
  },
});

export function useAdminOnlyIntrospection(): Plugin<{ request: Request }> {
  return {
    onValidate({ context, addValidationRule }) {
      if (requestStateOf(context.request).principal?.kind !== 'admin') addValidationRule(noIntrospection);
    },
  };
}
