import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { PrismaClient } from '../../db/database.ts';
import { InvalidInputError, isUuid, NotFoundError } from '../../errors.ts';
import { cancelOrder, recordOrders } from '../orders/orders.service.ts';
import { firstIssue } from '../stores/stores.validation.ts';
import { mapShopifyOrder, shopifyCancellation } from './shopify.ts';

export const WEBHOOK_ORDERS_PATH = '/webhooks/orders';

export const webhookSourceName = z
  .string()
  .trim()
  .regex(/^[a-z0-9_-]{1,32}$/, 'must be 1-32 characters of a-z, 0-9, _ and -');

/** Shopify's own signing secrets are 32+ characters; anything shorter is guessable. */
export const webhookSecretValue = z
  .string()
  .trim()
  .min(16, 'must be at least 16 characters')
  .max(500, 'must be at most 500 characters');

/** The payload formats Kanta reads. A source is named after its platform, optionally with a suffix (`shopify-outlet`). */
export type PayloadFormat = 'shopify';

export function payloadFormatOf(source: string): PayloadFormat | null {
  const platform = source.split(/[-_]/)[0];
  return platform === 'shopify' ? 'shopify' : null;
}

/** The topics that carry an order; anything else (refunds/create, customers/update…) is acknowledged and ignored. */
export const ORDER_TOPICS = ['orders/create', 'orders/paid', 'orders/updated', 'orders/cancelled'] as const;
export type OrderTopic = (typeof ORDER_TOPICS)[number];

export function isOrderTopic(topic: string | null): topic is OrderTopic {
  return (ORDER_TOPICS as readonly (string | null)[]).includes(topic);
}

/** Where a platform must send a store's order webhooks, below the public address of this Kanta server. */
export function webhookUrl(baseUrl: string, storeId: string, source: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${WEBHOOK_ORDERS_PATH}/${source}?store=${storeId}`;
}

function parse<T>(schema: z.ZodType<T>, field: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidInputError(field, firstIssue(result.error).rule);
  return result.data;
}

/**
 * Creates or replaces the store's secret for a source. Without a secret, 32 random bytes are generated
 * (for platforms that let you choose one); Shopify generates its own, which is passed in.
 */
export async function setWebhookSecret(
  prisma: PrismaClient,
  storeId: string,
  input: { source: string; secret?: string | null | undefined },
): Promise<{ source: string; secret: string; created: boolean }> {
  const source = parse(webhookSourceName, 'source', input.source);
  // A secret for a platform whose payloads Kanta cannot read would only produce 404s later.
  if (!payloadFormatOf(source))
    throw new InvalidInputError(
      'source',
      'must name a supported platform: shopify, optionally with a suffix (shopify-eu)',
    );
  const secret =
    input.secret == null ? randomBytes(32).toString('hex') : parse(webhookSecretValue, 'secret', input.secret);
  if (!isUuid(storeId)) throw new NotFoundError('Store');
  const store = await prisma.store.findUnique({ where: { id: storeId }, select: { id: true } });
  if (!store) throw new NotFoundError('Store');
  const existing = await prisma.webhookSource.findUnique({
    where: { storeId_source: { storeId, source } },
    select: { id: true },
  });
  await prisma.webhookSource.upsert({
    where: { storeId_source: { storeId, source } },
    create: { storeId, source, secret },
    update: { secret },
    select: { id: true },
  });
  return { source, secret, created: !existing };
}

/** The secret deliveries for this store and source must be signed with, or null when none is set. */
export async function findWebhookSecret(prisma: PrismaClient, storeId: string, source: string): Promise<string | null> {
  if (!isUuid(storeId) || !webhookSourceName.safeParse(source).success) return null;
  const row = await prisma.webhookSource.findUnique({
    where: { storeId_source: { storeId, source } },
    select: { secret: true },
  });
  return row?.secret ?? null;
}

export interface OrderWebhookDelivery {
  storeId: string;
  source: string;
  /** The platform's delivery id (X-Shopify-Webhook-Id): the same for every retry of one delivery. */
  webhookId: string;
  topic: OrderTopic;
  /** The parsed JSON body, already verified against the store's secret. */
  payload: unknown;
}

export interface OrderWebhookOutcome {
  orderId: string;
  /** False when the order already existed (a retry, another topic for the same order, a replay). */
  created: boolean;
  /** True when this delivery cancelled the order. */
  cancelled: boolean;
  /** True when this webhook id had been handled before and nothing was done. */
  replayed: boolean;
}

/**
 * Handles a verified delivery exactly once in effect.
 *
 * The receipt cannot share a transaction with the order write (recordOrders and cancelOrder commit on
 * their own), so the order goes first and the receipt after:
 * - a crash after the order and before the receipt loses nothing; the platform retries the delivery,
 *   recordOrders finds the order by externalId (created: false), cancelOrder finds it cancelled, and the
 *   receipt is written then;
 * - a crash before the order commits leaves no trace, and the retry records it;
 * - two concurrent copies of one delivery both reach recordOrders, which keeps one order per
 *   externalId, and the receipt insert skips the duplicate (ON CONFLICT DO NOTHING).
 * Writing the receipt first would be worse: a crash after it would turn the retry into a "replay" and
 * lose the order. The receipt is what makes a replay answer from the record without touching orders.
 */
export async function handleOrderWebhook(
  prisma: PrismaClient,
  delivery: OrderWebhookDelivery,
): Promise<OrderWebhookOutcome> {
  const { storeId, source, webhookId, topic } = delivery;
  const receipt = await prisma.webhookReceipt.findUnique({
    where: { storeId_source_webhookId: { storeId, source, webhookId } },
    select: { outcome: true },
  });
  if (receipt) {
    const previous = receipt.outcome as { orderId?: string };
    return { orderId: previous.orderId ?? '', created: false, cancelled: false, replayed: true };
  }

  const format = payloadFormatOf(source);
  if (format !== 'shopify') throw new NotFoundError(`Webhook source "${source}"`);
  const mapped = mapShopifyOrder(delivery.payload, { identitySource: source });
  const [recorded] = await recordOrders(prisma, storeId, [mapped.order], { source: `webhook:${source}` });
  let cancelled = false;
  if (topic === 'orders/cancelled' || mapped.cancellation) {
    const cancellation = shopifyCancellation(mapped);
    const result = await cancelOrder(prisma, storeId, cancellation.externalId, {
      reason: cancellation.reason,
      cancelledAt: cancellation.cancelledAt,
    });
    cancelled = result.changed;
  }
  const outcome = { orderId: recorded!.orderId, created: recorded!.created, cancelled };
  await prisma.webhookReceipt.createMany({
    data: [{ storeId, source, webhookId, topic, outcome }],
    skipDuplicates: true,
  });
  return { ...outcome, replayed: false };
}
