import { afterEach, describe, expect, test } from 'vitest';
import '../store-badge/define.ts';
import { resetConfig } from '../internal/config.ts';
import { createRealStore } from './real-kanta.ts';
import { mount, part, unmountAll } from './widget-testing.ts';

afterEach(() => {
  unmountAll();
  resetConfig();
});

describe('the real Kanta server behind the widget tests', () => {
  test('a widget configured page-wide reads its store through a persisted operation', async () => {
    const store = await createRealStore('Real Badge Shop');
    await store.use();
    const badge = await mount('kanta-store-badge');
    await expect.poll(() => part(badge, 'store-name')?.textContent).toBe('Real Badge Shop');
  });

  test('storefront keys may not send their own documents, only persisted ones', async () => {
    const store = await createRealStore();
    const raw = await store.storefront({ query: '{ storefront { name } }' });
    expect(raw.status).toBe(403);
    expect(raw.errors?.[0]?.extensions?.code).toBe('PERSISTED_DOCUMENT_REQUIRED');

    const unknown = await store.storefront({ documentId: 'Nope:0000000000000000' });
    expect(unknown.status).toBe(400);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_DOCUMENT_NOT_FOUND');

    // The secret key may send any document.
    await expect(store.admin<{ store: { name: string } }>('{ store { name } }')).resolves.toMatchObject({
      store: { name: expect.any(String) },
    });
  });
});
