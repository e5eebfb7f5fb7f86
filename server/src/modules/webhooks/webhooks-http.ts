import type { Plugin } from 'graphql-yoga';
import type { Database } from '../../db/database.ts';
import { DomainError, InvalidInputError } from '../../errors.ts';
import type { DomainEvents } from '../../events/events.ts';
import type { Logger } from '../../logger.ts';
import { parseShopifyJson } from './shopify.ts';
import { verifySignature } from './signature.ts';
import {
  findWebhookSecret,
  handleOrderWebhook,
  isOrderTopic,
  payloadFormatOf,
  WEBHOOK_ORDERS_PATH,
} from './webhooks.service.ts';

/** Shopify caps order payloads well below this; anything bigger is not an order webhook. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

const ROUTE = new RegExp(`^${WEBHOOK_ORDERS_PATH}/([^/]+)/?$`);

function reply(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers });
}

function failure(status: number, code: string, message: string, extra: Record<string, unknown> = {}): Response {
  return reply(status, { error: { code, message, ...extra } });
}

class BodyTooLargeError extends Error {}

/** The exact bytes received (the signature covers them, not a re-serialisation), refusing more than `limit`. */
async function readRawBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

export interface OrderWebhookOptions {
  db: Database;
  logger: Logger;
  events: DomainEvents;
}

/**
 * `POST /webhooks/orders/:source?store=<storeId>`: order webhooks from e-commerce platforms (Shopify's
 * format first). Outside GraphQL and its API keys: a delivery proves itself with an HMAC of its body
 * under the store's webhook secret, and nothing is read or written for a delivery that fails that.
 */
export function useOrderWebhooks(options: OrderWebhookOptions): Plugin {
  const { db, logger, events } = options;

  async function handle(request: Request, url: URL, encodedSource: string): Promise<Response> {
    if (request.method !== 'POST')
      return reply(
        405,
        { error: { code: 'METHOD_NOT_ALLOWED', message: 'Webhooks are delivered with POST' } },
        {
          allow: 'POST',
        },
      );
    let source: string;
    try {
      source = decodeURIComponent(encodedSource);
    } catch {
      source = encodedSource;
    }
    const storeId = url.searchParams.get('store') ?? '';
    const secret = payloadFormatOf(source) ? await findWebhookSecret(db.prisma, storeId, source) : null;
    if (!secret)
      return failure(
        404,
        'NOT_FOUND',
        `No webhook source "${source}" for store "${storeId}": create its secret with \`kanta webhooks secret --store <id> --source shopify\` and use the URL it prints`,
      );

    let body: Uint8Array;
    try {
      body = await readRawBody(request, MAX_WEBHOOK_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return failure(413, 'PAYLOAD_TOO_LARGE', `The body exceeds ${MAX_WEBHOOK_BODY_BYTES} bytes`);
      throw error;
    }

    const signature = request.headers.get('x-shopify-hmac-sha256');
    if (!verifySignature(secret, body, signature)) {
      logger.warn({ storeId, source, signed: signature !== null }, 'webhook refused: bad signature');
      return failure(
        401,
        'INVALID_SIGNATURE',
        signature
          ? 'X-Shopify-Hmac-Sha256 does not match the body: check that the webhook secret in Kanta is the one the platform signs with'
          : 'Missing X-Shopify-Hmac-Sha256: the body must be signed with the webhook secret (base64 HMAC-SHA256)',
      );
    }

    const topic = request.headers.get('x-shopify-topic');
    if (!isOrderTopic(topic))
      return reply(202, { ignored: true, topic, message: `Topic "${topic}" carries no order; nothing was done` });
    const webhookId = request.headers.get('x-shopify-webhook-id')?.trim() ?? '';
    if (!webhookId || webhookId.length > 200)
      return failure(400, 'BAD_REQUEST', 'X-Shopify-Webhook-Id must be present (at most 200 characters)');

    let payload: unknown;
    try {
      payload = parseShopifyJson(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      return failure(400, 'MALFORMED_JSON', 'The body is not valid UTF-8 JSON');
    }

    try {
      const outcome = await handleOrderWebhook(db.prisma, { storeId, source, webhookId, topic, payload });
      logger.info({ storeId, source, topic, webhookId, ...outcome }, 'webhook handled');
      if (!outcome.replayed) events.kick();
      return reply(200, { ...outcome });
    } catch (error) {
      if (error instanceof InvalidInputError) {
        logger.warn({ storeId, source, topic, webhookId, field: error.field, rule: error.rule }, 'webhook refused');
        return failure(422, error.code, error.message, { field: error.field });
      }
      if (error instanceof DomainError) return failure(422, error.code, error.message);
      throw error;
    }
  }

  return {
    async onRequest({ request, url, endResponse }) {
      const match = ROUTE.exec(url.pathname);
      if (!match) return;
      try {
        endResponse(await handle(request, url, match[1]!));
      } catch (error) {
        logger.error({ err: error, path: url.pathname }, 'webhook failed unexpectedly');
        // 5xx: the platform retries later, which is safe because handling is idempotent.
        endResponse(failure(500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.'));
      }
    },
  };
}
