import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { requestStateOf } from './request-context.ts';

/** schema/persisted-operations.json, written by `node scripts/operations.mjs` from schema/operations/. */
export const PERSISTED_OPERATIONS_FILE = fileURLToPath(
  new URL('../../../schema/persisted-operations.json', import.meta.url),
);

export type StorefrontOperations = 'persisted' | 'any';

export function loadPersistedOperations(file = PERSISTED_OPERATIONS_FILE): ReadonlyMap<string, string> {
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  return new Map(Object.entries(manifest));
}

/**
 * Trusted documents. A request may name a stored operation by `documentId` (what the widgets send)
 * instead of carrying its text; any key may do so. With `storefront: 'persisted'` (the default) a
 * publishable key (with or without a customer token) may run only those operations: a stolen
 * storefront key cannot run arbitrary, costly or probing queries. Secret keys may send any document.
 */
export function useTrustedDocuments(options: {
  operations: ReadonlyMap<string, string>;
  storefront: StorefrontOperations;
}): Plugin {
  const { operations, storefront } = options;
  return {
    onParams({ params, request, setParams }) {
      const documentId = (params as { documentId?: unknown }).documentId;
      if (documentId !== undefined && documentId !== null) {
        const query = typeof documentId === 'string' ? operations.get(documentId) : undefined;
        if (query === undefined) {
          throw createGraphQLError(
            `Unknown documentId ${JSON.stringify(documentId)}: this server does not store that operation (widgets and server from different versions?)`,
            { extensions: { code: 'PERSISTED_DOCUMENT_NOT_FOUND', http: { status: 400 } } },
          );
        }
        if (params.query !== undefined && params.query !== null && params.query !== query) {
          throw createGraphQLError('Send either documentId or query, not both', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
        const { documentId: _omitted, ...rest } = params as typeof params & { documentId?: unknown };
        setParams({ ...rest, query });
        return;
      }
      if (storefront === 'any' || params.query === undefined || params.query === null) return;
      const principal = requestStateOf(request).principal;
      if (principal && (principal.kind === 'storefront' || principal.kind === 'customer')) {
        throw createGraphQLError(
          'Storefront keys may run only the persisted widget operations (send a documentId from schema/persisted-operations.json); use a secret key for other documents, or set KANTA_STOREFRONT_OPERATIONS=any',
          { extensions: { code: 'PERSISTED_DOCUMENT_REQUIRED', http: { status: 403 } } },
        );
      }
    },
  };
}
