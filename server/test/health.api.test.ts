import { afterAll, beforeAll, expect, test } from 'vitest';
import { openDatabase } from '../src/db/database.ts';
import { silentLogger } from '../src/logger.ts';
import { createKantaYoga } from '../src/yoga.ts';
import { createTestApp, type TestApp, testConfig } from './harness.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

test('/healthz answers while the process is up', async () => {
  const response = await app.fetch('/healthz');
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok' });
});

test('/readyz is ready on a migrated database', async () => {
  const response = await app.fetch('/readyz');
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({
    ready: true,
    database: 'ok',
    pendingMigrations: [],
    failedMigrations: [],
  });
});

test('/readyz answers 503 and lists pending migrations on an unmigrated database', async () => {
  const db = await openDatabase({ memory: true });
  try {
    const yoga = createKantaYoga({ db, config: testConfig(), logger: silentLogger() });
    const response = await yoga.fetch(new Request('http://kanta.test/readyz'));
    expect(response.status).toBe(503);
    const body = (await response.json()) as { ready: boolean; pendingMigrations: string[] };
    expect(body.ready).toBe(false);
    expect(body.pendingMigrations.length).toBeGreaterThan(0);
  } finally {
    await db.close();
  }
});

test('/readyz answers 503 when the database is gone', async () => {
  const db = await openDatabase({ memory: true });
  const yoga = createKantaYoga({ db, config: testConfig(), logger: silentLogger() });
  await db.close();
  const response = await yoga.fetch(new Request('http://kanta.test/readyz'));
  expect(response.status).toBe(503);
  expect(await response.json()).toMatchObject({ ready: false, database: 'unreachable' });
});

test('every response carries a request id, and a sane incoming one is kept', async () => {
  const generated = await app.fetch('/healthz');
  expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const kept = await app.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'abc-123' },
    body: '{"query":"{ __typename }"}',
  });
  expect(kept.headers.get('x-request-id')).toBe('abc-123');
  const replaced = await app.fetch('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
  expect(replaced.headers.get('x-request-id')).not.toBe('bad id with spaces');
});

test('GraphiQL is served at /graphql with the example query', async () => {
  const response = await app.fetch('/graphql', { headers: { accept: 'text/html' } });
  expect(response.status).toBe(200);
  const html = await response.text();
  expect(html).toContain('Kanta GraphiQL');
  expect(html).toContain('query MyStore');
});
