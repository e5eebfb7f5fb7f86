import type { Database, PrismaClient } from '../db/database.ts';
import { uuidv7 } from '../db/uuid7.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';

/**
 * The domain events modules exchange. Payloads are plain JSON (ids, amounts in minor units as
 * numbers, ISO dates) because they are stored in the outbox before delivery.
 */
export interface DomainEventMap {
  'customer.created': { customerId: string };
  'customer.merged': { keptCustomerId: string; mergedCustomerId: string };
  'customer.erased': { customerId: string };
  /** A sale or a return was recorded (once per order, never on replays). */
  'order.recorded': {
    orderId: string;
    externalId: string;
    customerId: string | null;
    kind: 'SALE' | 'RETURN';
    returnOfId: string | null;
    channel: 'STORE' | 'ONLINE' | 'APP' | 'OTHER';
    currency: string;
    /** Signed: negative for returns. */
    total: number;
    placedAt: string;
  };
  /** Goods came back: `amount` (positive) is the value returned; `returnOfId` the original order, if known. */
  'order.returned': {
    returnOrderId: string;
    returnOfId: string | null;
    customerId: string | null;
    currency: string;
    amount: number;
    returnedAt: string;
  };
  /** An order was cancelled; `previousNetTotal` is what it was worth before. */
  'order.cancelled': {
    orderId: string;
    externalId: string;
    customerId: string | null;
    currency: string;
    previousNetTotal: number;
    cancelledAt: string;
  };
  /** A ledger row was written (earn, redeem, expire, reverse, adjust). */
  'points.changed': {
    customerId: string;
    transactionId: string;
    kind: 'EARN' | 'REDEEM' | 'EXPIRE' | 'REVERSE' | 'ADJUST';
    points: number;
    balance: number;
    source: string;
  };
  /** A customer moved to another tier (null: below the first tier). */
  'tier.changed': {
    customerId: string;
    from: string | null;
    to: string | null;
    direction: 'UP' | 'DOWN';
    at: string;
  };
  /** Points will expire soon: for a reminder e-mail. One event per customer per expiry date. */
  'points.expiring': { customerId: string; points: number; expiresAt: string };
  /** A reward was redeemed and a code issued. */
  'reward.redeemed': { customerId: string; rewardId: string; rewardCodeId: string; pointsCost: number };
  /** An invitation is due: the sending integration e-mails or texts a link carrying `token`. */
  'survey.invitation.due': {
    invitationId: string;
    surveyId: string;
    customerId: string;
    orderId: string | null;
    /** The signed token for the response link (valid until `expiresAt`). */
    token: string;
    locale: string | null;
    expiresAt: string;
  };
  /** A survey response was submitted or edited (`edited`). */
  'survey.responded': {
    responseId: string;
    surveyId: string;
    type: 'NPS' | 'CSAT' | 'CES';
    score: number;
    customerId: string | null;
    orderId: string | null;
    edited: boolean;
  };
  'case.opened': { caseId: string; responseId: string; customerId: string | null };
  /** A follow-up case was resolved: tell the customer `reply`; re-survey them when `resurvey`. */
  'case.resolved': {
    caseId: string;
    responseId: string;
    customerId: string | null;
    reply: string | null;
    resurvey: boolean;
  };
  'review.submitted': {
    reviewId: string;
    sku: string;
    customerId: string | null;
    status: 'PENDING' | 'PUBLISHED' | 'REJECTED';
  };
  /** Ask the customer to review what they bought (`skus`): the sending integration e-mails them. */
  'review.request.due': {
    reviewRequestId: string;
    customerId: string;
    orderId: string;
    skus: string[];
    locale: string | null;
  };
  /** A review was published (first time only): the loyalty module gives the REVIEW bonus. */
  'review.published': { reviewId: string; sku: string; customerId: string | null };
  /** A completed period missed a store's target (once per target and period). */
  'metric.off_track': {
    targetId: string;
    name: string;
    metric: string;
    comparator: 'AT_LEAST' | 'AT_MOST';
    target: number;
    value: number;
    periodStart: string;
    periodEnd: string;
  };
  /** The store's purchase and spend models were refitted and customer predictions recomputed. */
  'analytics.models.fitted': { fitId: string; customers: number };
}

export type DomainEventType = keyof DomainEventMap;

export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  id: string;
  storeId: string;
  type: T;
  payload: DomainEventMap[T];
  createdAt: Date;
}

type Writer = Pick<Prisma.TransactionClient, 'outboxEvent' | '$executeRawUnsafe'>;

/** Writes an event into the outbox; call it inside the transaction that makes the change. */
export async function emit<T extends DomainEventType>(
  tx: Writer,
  storeId: string,
  type: T,
  payload: DomainEventMap[T],
) {
  await tx.outboxEvent.create({
    data: { storeId, type, payload: payload as Prisma.InputJsonValue },
    select: { id: true },
  });
}

/** Many events in one statement (a batch of 1,000 orders emits 1,000+ events). */
export async function emitMany(
  tx: Writer,
  events: { storeId: string; type: DomainEventType; payload: DomainEventMap[DomainEventType] }[],
) {
  if (events.length === 0) return;
  // Ids come from here, time-ordered and increasing, because the dispatcher delivers in id order.
  await tx.$executeRawUnsafe(
    `INSERT INTO "OutboxEvent" (id, "storeId", type, payload)
     SELECT x.id, x."storeId", x.type, x.payload
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "storeId" uuid, type text, payload jsonb)`,
    JSON.stringify(events.map((event) => ({ id: uuidv7(), ...event }))),
  );
}

export type EventHandler<T extends DomainEventType> = (event: DomainEvent<T>, prisma: PrismaClient) => Promise<void>;
export type BatchEventHandler<T extends DomainEventType> = (
  events: DomainEvent<T>[],
  prisma: PrismaClient,
) => Promise<void>;

/** How long a claimed event stays invisible to other dispatchers: a crashed process's claims expire. */
const LEASE_MS = 60_000;
const BATCH = 100;

/** Exponential backoff from 1 s up to 10 minutes. */
/**
 * The sales of known customers in a batch of `order.recorded` events, as order ids per store (in
 * event order): what the loyalty and recommendation subscribers each process store by store.
 */
export function customerSalesByStore(batch: readonly DomainEvent<'order.recorded'>[]): Map<string, string[]> {
  const sales = new Map<string, string[]>();
  for (const { storeId, payload } of batch)
    if (payload.kind === 'SALE' && payload.customerId) {
      const orderIds = sales.get(storeId);
      if (orderIds) orderIds.push(payload.orderId);
      else sales.set(storeId, [payload.orderId]);
    }
  return sales;
}

export function retryDelayMs(attempts: number): number {
  return Math.min(1_000 * 2 ** Math.max(attempts - 1, 0), 600_000);
}

/**
 * In-process subscribers fed from the outbox. Handlers run after commit and must be idempotent:
 * an event is retried (with backoff) until every handler succeeds, and a crash between commit and
 * delivery only delays it. Several API processes can dispatch at once; claims use SKIP LOCKED.
 */
export class DomainEvents {
  private readonly handlers = new Map<DomainEventType, { name: string; handle: EventHandler<any> }[]>();
  private readonly batchHandlers = new Map<DomainEventType, { name: string; handle: BatchEventHandler<any> }[]>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private kicked = false;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
  ) {}

  /**
   * A handler that takes every claimed event of `type` at once (in id order), for work that is much
   * cheaper in bulk. If it throws, each event is retried alone, so one bad event fails only itself.
   */
  subscribeBatch<T extends DomainEventType>(type: T, name: string, handle: BatchEventHandler<T>): void {
    const list = this.batchHandlers.get(type) ?? [];
    list.push({ name, handle });
    this.batchHandlers.set(type, list);
  }

  subscribe<T extends DomainEventType>(type: T, name: string, handle: EventHandler<T>): void {
    const list = this.handlers.get(type) ?? [];
    list.push({ name, handle });
    this.handlers.set(type, list);
  }

  /** Polls the outbox every `intervalMs` (a safety net: `kick()` delivers right after a commit). */
  start(intervalMs = 1_000): void {
    this.timer ??= setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  /** Asks for a delivery round soon, without waiting for it. */
  kick(): void {
    if (this.running) {
      this.kicked = true;
      return;
    }
    let handled = 0;
    this.running = this.dispatchOnce()
      .then((count) => {
        handled = count;
        return count;
      })
      .catch((error) => {
        this.logger.error({ err: error }, 'event dispatch failed');
        return 0;
      })
      .finally(() => {
        this.running = undefined;
        // Handlers may have emitted events of their own (an order's points, then a live update):
        // another round delivers them now instead of at the next poll.
        if ((this.kicked || handled > 0) && this.timer) {
          this.kicked = false;
          this.kick();
        }
      });
  }

  /** Delivers everything that is due, now (tests and CLI commands use this). Returns the number handled. */
  async drain(): Promise<number> {
    await this.running?.catch(() => {});
    let total = 0;
    for (;;) {
      const handled = await this.dispatchOnce();
      total += handled;
      if (handled === 0) return total;
    }
  }

  private async claim(): Promise<DomainEvent[]> {
    const schema = `"${this.db.schema.replaceAll('"', '""')}"`;
    const rows = await this.db.prisma.$queryRawUnsafe<
      { id: string; storeId: string; type: string; payload: unknown; createdAt: Date }[]
    >(
      `UPDATE ${schema}."OutboxEvent" SET "availableAt" = now() + interval '${LEASE_MS} milliseconds'
       WHERE id IN (
         SELECT id FROM ${schema}."OutboxEvent"
         WHERE "processedAt" IS NULL AND "availableAt" <= now()
         ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING id, "storeId", type, payload, "createdAt"`,
    );
    return rows
      .map((row) => ({ ...row, type: row.type as DomainEventType, payload: row.payload as never }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  private async dispatchOnce(): Promise<number> {
    const events = await this.claim();
    const delivered: string[] = [];
    const batchFailures = new Map<string, string[]>();
    for (const [type, list] of this.batchHandlers) {
      const ofType = events.filter((event) => event.type === type);
      if (ofType.length === 0) continue;
      for (const handler of list) {
        try {
          await handler.handle(ofType, this.db.prisma);
        } catch (batchError) {
          this.logger.warn(
            { err: batchError, type, handler: handler.name, events: ofType.length },
            'batch event handler failed; retrying its events one by one',
          );
          for (const event of ofType) {
            try {
              await handler.handle([event], this.db.prisma);
            } catch (error) {
              batchFailures.set(event.id, [
                ...(batchFailures.get(event.id) ?? []),
                `${handler.name}: ${(error as Error).message}`,
              ]);
              this.logger.error(
                { err: error, eventId: event.id, type: event.type, handler: handler.name },
                'event handler failed',
              );
            }
          }
        }
      }
    }
    for (const event of events) {
      const failures: string[] = [...(batchFailures.get(event.id) ?? [])];
      for (const handler of this.handlers.get(event.type) ?? []) {
        try {
          await handler.handle(event, this.db.prisma);
        } catch (error) {
          failures.push(`${handler.name}: ${(error as Error).message}`);
          this.logger.error(
            { err: error, eventId: event.id, type: event.type, handler: handler.name },
            'event handler failed',
          );
        }
      }
      if (failures.length === 0) {
        delivered.push(event.id);
      } else {
        const { attempts } = await this.db.prisma.outboxEvent.update({
          where: { id: event.id },
          data: { attempts: { increment: 1 }, lastError: failures.join('; ').slice(0, 2_000) },
          select: { attempts: true },
        });
        await this.db.prisma.outboxEvent.update({
          where: { id: event.id },
          data: { availableAt: new Date(Date.now() + retryDelayMs(attempts)) },
          select: { id: true },
        });
      }
    }
    // One statement for the batch; a crash before it only redelivers (handlers are idempotent).
    if (delivered.length > 0)
      await this.db.prisma.outboxEvent.updateMany({
        where: { id: { in: delivered } },
        data: { processedAt: new Date() },
      });
    return events.length;
  }
}
