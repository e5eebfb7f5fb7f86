import type { Plugin } from 'graphql-yoga';
import type { Database } from '../db/database.ts';
import { checkReadiness } from '../db/readiness.ts';

/** `GET /healthz`: the process is up. `GET /readyz`: database reachable and fully migrated. */
export function useHealthChecks(db: Database): Plugin {
  return {
    async onRequest({ url, request, endResponse }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === '/healthz') {
        endResponse(Response.json({ status: 'ok' }));
      } else if (url.pathname === '/readyz') {
        const readiness = await checkReadiness(db);
        endResponse(
          Response.json(
            { status: readiness.ready ? 'ready' : 'not ready', ...readiness },
            { status: readiness.ready ? 200 : 503 },
          ),
        );
      }
    },
  };
}
