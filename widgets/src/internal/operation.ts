import type { TypedDocumentNode } from '@urql/core';

export type OperationKind = 'query' | 'mutation' | 'subscription';

/**
 * A persisted (trusted) document: only its id travels to the server, which
 * runs the text stored in schema/persisted-operations.json. `Data` and
 * `Variables` are phantom types the widget supplies where it calls the API.
 */
export interface KantaOperation {
  readonly kind: 'Document';
  readonly definitions: readonly [];
  readonly documentId: string;
  readonly operation: OperationKind;
}

/** Used by the generated operations module (scripts/operations.mjs). */
export function operation(documentId: string, kind: OperationKind): KantaOperation {
  return { kind: 'Document', definitions: [], documentId, operation: kind };
}

/** urql's document type for a persisted document (no definitions, only `documentId`). */
export function asDocument<Data>(operation: KantaOperation): TypedDocumentNode<Data, Record<string, unknown>> {
  return operation as unknown as TypedDocumentNode<Data, Record<string, unknown>>;
}
