import type { Plugin } from 'graphql-yoga';
import { AuthenticationError, type PrincipalResolver } from '../auth/principal.ts';
import type { Logger } from '../logger.ts';
import { graphqlErrorResponse } from './json.ts';
import { requestStateOf } from './request-context.ts';

function sameOrigin(request: Request, origin: string): boolean {
  const url = new URL(request.url);
  if (url.origin === origin) return true;
  const host = request.headers.get('host');
  try {
    return host !== null && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Authenticates GraphQL requests and enforces the store's origin allowlist. Runs before parsing, so
 * a bad key costs one indexed lookup and nothing else.
 */
export function useKantaAuth(options: {
  resolver: PrincipalResolver;
  graphqlEndpoint: string;
  logger: Logger;
}): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== options.graphqlEndpoint || request.method === 'OPTIONS') return;
      const state = requestStateOf(request);
      let resolved: Awaited<ReturnType<PrincipalResolver['resolve']>>;
      try {
        resolved = await options.resolver.resolve(request.headers);
      } catch (error) {
        if (error instanceof AuthenticationError) {
          endResponse(graphqlErrorResponse(401, error.message, 'UNAUTHENTICATED'));
          return;
        }
        options.logger.error({ err: error, requestId: state.requestId }, 'authentication failed unexpectedly');
        endResponse(graphqlErrorResponse(500, 'Unexpected error.', 'INTERNAL_SERVER_ERROR'));
        return;
      }
      if (!resolved) return;
      const origin = request.headers.get('origin');
      if (origin && !sameOrigin(request, origin) && !resolved.allowedOrigins.includes(origin)) {
        const keyKind = resolved.principal.kind === 'admin' ? 'secret' : 'publishable';
        endResponse(
          graphqlErrorResponse(
            403,
            `Origin ${origin} may not use this store's ${keyKind} key: add it to the store's allowedOrigins (updateStore)`,
            'FORBIDDEN_ORIGIN',
          ),
        );
        return;
      }
      state.principal = resolved.principal;
    },
  };
}
