import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { createYoga, maskError, type YogaServerInstance } from 'graphql-yoga';
import { PrincipalResolver } from './auth/principal.ts';
import type { KantaConfig } from './config.ts';
import type { KantaContext } from './context.ts';
import type { Database } from './db/database.ts';
import type { DomainEvents } from './events/events.ts';
import { createMemoryPubSub, type KantaPubSub } from './events/pubsub.ts';
import { createDomainEvents, pubsubOf } from './events/subscribers.ts';
import { useKantaAuth } from './http/auth-plugin.ts';
import { useHealthChecks } from './http/health.ts';
import { useAdminOnlyIntrospection } from './http/introspection.ts';
import { usePageSizeLimit } from './http/page-size.ts';
import { requestStateOf } from './http/request-context.ts';
import { useStaticFiles } from './http/static.ts';
import { loadPersistedOperations, useTrustedDocuments } from './http/trusted-documents.ts';
import type { Logger } from './logger.ts';
import { useOrderWebhooks } from './modules/webhooks/webhooks-http.ts';
import { schema } from './schema.ts';

let persisted: ReadonlyMap<string, string> | undefined;
/** The persisted widget operations, read once per process. */
function persistedOperations(): ReadonlyMap<string, string> {
  persisted ??= loadPersistedOperations();
  return persisted;
}

export const GRAPHQL_ENDPOINT = '/graphql';

const EXAMPLE_QUERY = `# Welcome to Kanta's GraphQL API.
#
# Every request needs an API key in the Headers tab below:
#   { "Authorization": "Bearer sk_…" }   your store's secret key: everything in your store
#   { "Authorization": "Bearer pk_…" }   a publishable key: what a storefront page may see
# Create a store and its keys with:  pnpm kanta store create --name "My shop"

query MyStore {
  store {
    id
    name
    defaultCurrency
    defaultLocale
    timezone
    allowedOrigins
    apiKeys(first: 10) {
      edges {
        node { kind name prefix createdAt lastUsedAt revokedAt }
      }
    }
  }
}
`;

export interface KantaYogaOptions {
  db: Database;
  config: KantaConfig;
  logger: Logger;
  /** Domain events; by default a dispatcher with every module's subscribers, not started. */
  events?: DomainEvents;
  /**
   * Where subscriptions listen; by default the pub/sub the events' live subscribers publish to
   * (`createDomainEvents(db, logger, pubsub)`), else a new in-memory one.
   */
  pubsub?: KantaPubSub;
  /** Serve the demo storefront and prefill GraphiQL with the demo store's secret key. */
  demo?: { publishableKey: string; secretKey: string } | undefined;
}

export type KantaYoga = YogaServerInstance<Record<string, never>, KantaContext>;

/** The GraphQL server and its HTTP routes; `server.ts` puts it on a port, tests call `yoga.fetch`. */
export function createKantaYoga(options: KantaYogaOptions): KantaYoga {
  const { db, config, logger } = options;
  const resolver = new PrincipalResolver(db);
  const events = options.events ?? createDomainEvents(db, logger, options.pubsub);
  const pubsub = options.pubsub ?? pubsubOf(events) ?? createMemoryPubSub().pubsub;
  const limits = config.limits;

  return createYoga<Record<string, never>, KantaContext>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    landingPage: false,
    batching: false,
    graphiql: {
      title: 'Kanta GraphiQL',
      defaultQuery: EXAMPLE_QUERY,
      headers: options.demo
        ? JSON.stringify({ Authorization: `Bearer ${options.demo.secretKey}` }, null, 2)
        : undefined,
    },
    // Bearer keys, never cookies: any origin may attempt a request; the auth plugin then refuses
    // keys used from origins outside their store's allowlist.
    cors: (request) => ({
      origin: request.headers.get('origin') ?? '*',
      credentials: false,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['authorization', 'content-type', 'x-kanta-customer', 'x-request-id', 'x-graphql-yoga-csrf'],
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    }),
    maskedErrors: {
      // Never include stack traces or original messages, whatever NODE_ENV says.
      isDev: false,
      maskError: (error, message) => {
        const masked = maskError(error, message, false);
        // Log what was hidden; expected GraphQL errors pass through unchanged and are not logged.
        if (masked !== error)
          logger.error({ err: (error as { originalError?: unknown }).originalError ?? error }, 'unexpected error');
        return masked;
      },
    },
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error(args.map(String).join(' ')),
    },
    context: ({ request }) => {
      const state = requestStateOf(request);
      return {
        db,
        prisma: db.prisma,
        config,
        logger: logger.child({ requestId: state.requestId }),
        requestId: state.requestId,
        principal: state.principal,
        events,
        pubsub,
      };
    },
    plugins: [
      {
        onRequest({ request }) {
          requestStateOf(request);
        },
        onResponse({ request, response, serverContext }) {
          const state = requestStateOf(request);
          response.headers.set('x-request-id', state.requestId);
          const url = new URL(request.url);
          if (url.pathname === '/healthz' || url.pathname === '/readyz') return;
          logger.info(
            {
              requestId: state.requestId,
              method: request.method,
              path: url.pathname,
              status: response.status,
              durationMs: Math.round((performance.now() - state.startedAt) * 10) / 10,
              storeId: state.principal?.storeId,
              principal: state.principal?.kind,
            },
            'request',
          );
          void serverContext;
        },
      },
      useHealthChecks(db),
      useStaticFiles({ demo: options.demo && { ...options.demo, prisma: db.prisma } }),
      useOrderWebhooks({ db, logger, events }),
      useKantaAuth({ resolver, graphqlEndpoint: GRAPHQL_ENDPOINT, logger }),
      // Requests carrying our auth headers are never "simple" requests, so they cannot be forged by
      // a plain HTML form; anything else must show a header a form cannot set.
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'authorization', 'x-kanta-customer'] }),
      useAdminOnlyIntrospection(),
      useTrustedDocuments({ operations: persistedOperations(), storefront: config.storefrontOperations }),
      EnvelopArmorPlugin({
        maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true },
        maxAliases: { n: limits.maxAliases, allowList: [] },
        maxDirectives: { n: 20 },
        maxTokens: { n: 5_000 },
        costLimit: { enabled: false },
        blockFieldSuggestion: { enabled: false },
      }),
      usePageSizeLimit(limits.maxPageSize),
    ],
  });
}
