/**
 * Stands in for `@0no-co/graphql.web` in the widget bundles (aliased in
 * scripts/build.mjs and vitest.config.ts). Widgets send persisted documents
 * only — an id, never GraphQL text — so urql never parses or prints a query;
 * leaving out the parser and printer saves about 2 KB gzip per bundle.
 */
export const Kind = {
  DOCUMENT: 'Document',
  OPERATION_DEFINITION: 'OperationDefinition',
  FRAGMENT_DEFINITION: 'FragmentDefinition',
  FIELD: 'Field',
  NAME: 'Name',
} as const;

/** What urql builds from each entry of a response's `errors`. */
export class GraphQLError extends Error {
  readonly path: readonly (string | number)[] | undefined;
  readonly extensions: Record<string, unknown>;
  readonly originalError: unknown;

  constructor(
    message: string,
    _nodes?: unknown,
    _source?: unknown,
    _positions?: unknown,
    path?: readonly (string | number)[],
    originalError?: unknown,
    extensions?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'GraphQLError';
    this.path = path;
    this.originalError = originalError;
    this.extensions = extensions ?? {};
  }
}

export function parse(): never {
  throw new Error('Kanta widgets send persisted documents only (see scripts/operations.mjs)');
}

/** urql prints a document to key it; a persisted document has no definitions to print. */
export function print(): string {
  return '';
}
