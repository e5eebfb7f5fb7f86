import { afterAll, beforeAll, expect, test } from 'vitest';
import { DomainEvents, emit, retryDelayMs } from '../src/events/events.ts';
import { silentLogger } from '../src/logger.ts';
import type { CreatedStore } from '../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from './harness.ts';

/** The transactional outbox: nothing lost between commit and delivery, nothing delivered twice. */
let app: TestApp;
let store: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  store = await app.createStore('Outbox');
});
afterAll(() => app.close());

async function emitCustomerCreated(customerId: string) {
  await app.db.prisma.$transaction((tx) => emit(tx, store.id, 'customer.created', { customerId }));
}

const pending = () => app.db.prisma.outboxEvent.count({ where: { storeId: store.id, processedAt: null } });

test('a failing handler is retried with backoff until it succeeds; the others see the event again', async () => {
  const events = new DomainEvents(app.db, silentLogger());
  const seen: string[] = [];
  let failuresLeft = 1;
  events.subscribe('customer.created', 'flaky', async (event) => {
    if (failuresLeft-- > 0) throw new Error('mail server down');
    seen.push(`flaky:${event.payload.customerId}`);
  });
  events.subscribe('customer.created', 'steady', async (event) => {
    seen.push(`steady:${event.payload.customerId}`);
  });
  // Delivered by this dispatcher alone.
  await emitCustomerCreated('c-2');
  const before = Date.now();
  expect(await events.drain()).toBe(1);
  const failed = await app.db.prisma.outboxEvent.findFirstOrThrow({ where: { storeId: store.id, processedAt: null } });
  expect(failed.attempts).toBe(1);
  expect(failed.lastError).toContain('flaky: mail server down');
  expect(failed.availableAt.getTime()).toBeGreaterThanOrEqual(before + retryDelayMs(1) - 50);
  expect(await events.drain()).toBe(0); // not due yet

  await app.db.prisma.outboxEvent.update({ where: { id: failed.id }, data: { availableAt: new Date(Date.now() - 1) } });
  expect(await events.drain()).toBe(1);
  expect(await pending()).toBe(0);
  expect(seen).toEqual(['steady:c-2', 'flaky:c-2', 'steady:c-2']);
});

test('an event committed but never delivered (the process died) is delivered by the next process', async () => {
  await emitCustomerCreated('c-3');
  // Simulate a dispatcher that claimed the event and then crashed: the claim is a lease that expires.
  await app.db.prisma.outboxEvent.updateMany({
    where: { storeId: store.id, processedAt: null },
    data: { availableAt: new Date(Date.now() + 60_000) },
  });
  const restarted = new DomainEvents(app.db, silentLogger());
  const seen: string[] = [];
  restarted.subscribe('customer.created', 'record', async (event) => {
    seen.push(event.payload.customerId);
  });
  expect(await restarted.drain()).toBe(0);
  await app.db.prisma.outboxEvent.updateMany({
    where: { storeId: store.id, processedAt: null },
    data: { availableAt: new Date(Date.now() - 1) },
  });
  expect(await restarted.drain()).toBe(1);
  expect(seen).toEqual(['c-3']);
});

test('events are delivered in the order they were written, and two dispatchers never deliver one twice', async () => {
  const ids = Array.from({ length: 30 }, (_, index) => `order-${String(index).padStart(2, '0')}`);
  for (const id of ids) await emitCustomerCreated(id);
  const seen: string[] = [];
  const make = () => {
    const events = new DomainEvents(app.db, silentLogger());
    events.subscribe('customer.created', 'record', async (event) => {
      seen.push(event.payload.customerId);
    });
    return events;
  };
  const [first, second] = await Promise.all([make().drain(), make().drain()]);
  expect(first + second).toBe(ids.length);
  expect([...seen].sort()).toEqual(ids);
  expect(new Set(seen).size).toBe(ids.length);
  if (first === ids.length || second === ids.length) expect(seen).toEqual(ids);
  expect(await pending()).toBe(0);
});
