import { afterEach, describe, expect, test, vi } from 'vitest';
import { commands, userEvent } from 'vitest/browser';
import { createKantaClient } from '../client.ts';
import { catalogues, type Locale, supportedLocales } from '../i18n/locales.ts';
import { resetConfig } from '../internal/config.ts';
import {
  abortable,
  deferred,
  expectNoAxeViolations,
  type FakeResponder,
  fakeFetch,
  graphqlResponse,
  mount,
  networkFailure,
  part,
  unmountAll,
} from '../testing/widget-testing.ts';
import './define.ts';
import type { KantaStoreBadge } from './store-badge.ts';
import { storeBadgeMessages } from './strings.ts';

const storefront = { data: { storefront: { name: 'Demo Shop', defaultLocale: 'en' } } };

function mountBadge(respond: FakeResponder, setup: (badge: KantaStoreBadge) => void = () => {}) {
  const api = fakeFetch(respond);
  const client = createKantaClient({
    endpoint: 'https://kanta.test/graphql',
    publishableKey: 'pk_test_badge',
    fetch: api.fetch,
  });
  const mounted = mount('kanta-store-badge', (badge) => {
    badge.client = client;
    setup(badge);
  });
  return { api, mounted };
}

/** Visible text of the badge, whitespace-collapsed, as a sighted visitor reads it. */
function text(badge: KantaStoreBadge): string {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point (hidden nodes, text-transform).
  return (part(badge, 'base')?.innerText ?? '').replace(/\s+/g, ' ').trim();
}

async function settled(badge: KantaStoreBadge): Promise<void> {
  await expect.poll(() => part(badge, 'base')?.getAttribute('aria-busy')).toBe('false');
  await badge.updateComplete;
}

afterEach(async () => {
  unmountAll();
  resetConfig();
  await commands.emulateMedia({ colorScheme: null, reducedMotion: null });
});

describe('<kanta-store-badge>', () => {
  test('loading: shows a busy live region with a localised loading message', async () => {
    const response = deferred<Response>();
    const { mounted } = mountBadge((request) => abortable(response.promise, request.signal));
    const badge = await mounted;

    const base = part(badge, 'base');
    expect(base?.getAttribute('role')).toBe('status');
    expect(base?.getAttribute('aria-busy')).toBe('true');
    expect(text(badge)).toBe('Loading store…');
    const spinner = part(badge, 'spinner');
    expect(spinner?.getAttribute('aria-hidden')).toBe('true');
    expect(getComputedStyle(spinner!).animationName).toBe('kanta-spin');
    await expectNoAxeViolations(badge);

    response.resolve(graphqlResponse(storefront));
    await settled(badge);
  });

  test('success: "Powered by Kanta · <store name>" from one authorised query', async () => {
    const { api, mounted } = mountBadge(() => graphqlResponse(storefront));
    const badge = await mounted;
    await settled(badge);

    expect(text(badge)).toBe('Powered by Kanta · Demo Shop');
    expect(part(badge, 'store-name')?.textContent).toBe('Demo Shop');
    expect(part(badge, 'separator')?.getAttribute('aria-hidden')).toBe('true');
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.url).toBe('https://kanta.test/graphql');
    expect(api.requests[0]?.headers.get('authorization')).toBe('Bearer pk_test_badge');
    expect(api.requests[0]?.body).toMatchObject({ documentId: expect.stringMatching(/^KantaStorefront:/) });
    await expectNoAxeViolations(badge);
  });

  test('empty: without a storefront it still says "Powered by Kanta"', async () => {
    const { mounted } = mountBadge(() => graphqlResponse({ data: { storefront: null } }));
    const badge = await mounted;
    await settled(badge);

    expect(text(badge)).toBe('Powered by Kanta');
    expect(part(badge, 'store-name')).toBeNull();
    await expectNoAxeViolations(badge);
  });

  test('error then retry: the API is down, the visitor retries, and the store appears', async () => {
    const pageErrors: unknown[] = [];
    const recordPageError = (event: ErrorEvent | PromiseRejectionEvent) => pageErrors.push(event);
    window.addEventListener('error', recordPageError);
    window.addEventListener('unhandledrejection', recordPageError);

    const retryResponse = deferred<Response>();
    const { api, mounted } = mountBadge((_request, index) => (index === 0 ? networkFailure() : retryResponse.promise));
    const badge = await mounted;
    await settled(badge);

    expect(text(badge)).toBe('Store details could not be loaded. Try again');
    const button = part<HTMLButtonElement>(badge, 'retry-button');
    expect(button?.getAttribute('aria-disabled')).toBe('false');
    await expectNoAxeViolations(badge);

    const retries = vi.fn();
    document.addEventListener('kanta-retry', retries);
    // A real click through Playwright: focus moves to the button as it would for a visitor.
    await userEvent.click(button!);
    await badge.updateComplete;

    // While retrying, the same button stays (keeping focus) but is inert.
    expect(part(badge, 'retry-button')).toBe(button);
    expect(badge.shadowRoot?.activeElement).toBe(button);
    expect(button?.getAttribute('aria-disabled')).toBe('true');
    expect(part(badge, 'base')?.getAttribute('aria-busy')).toBe('true');
    // Playwright refuses to click an aria-disabled button; assistive technology
    // can still activate it, which must not start a second request.
    button?.click();
    expect(retries).toHaveBeenCalledTimes(1);
    expect(api.requests).toHaveLength(2);

    retryResponse.resolve(graphqlResponse(storefront));
    await settled(badge);
    expect(text(badge)).toBe('Powered by Kanta · Demo Shop');
    // The button is gone; focus lands on the badge rather than on <body>.
    expect(badge.shadowRoot?.activeElement).toBe(part(badge, 'base'));
    await expectNoAxeViolations(badge);

    document.removeEventListener('kanta-retry', retries);
    window.removeEventListener('error', recordPageError);
    window.removeEventListener('unhandledrejection', recordPageError);
    expect(pageErrors).toEqual([]);
  });

  test('error: GraphQL errors (e.g. a revoked key) show the error state too', async () => {
    const { mounted } = mountBadge(() =>
      graphqlResponse({ errors: [{ message: 'Unknown publishable key' }], data: null }),
    );
    const badge = await mounted;
    await settled(badge);

    expect(part(badge, 'error')?.textContent).toBe('Store details could not be loaded.');
    expect(part(badge, 'retry-button')).not.toBeNull();
  });

  test('error: without endpoint or key it shows the error state instead of throwing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const badge = await mount('kanta-store-badge');
    await settled(badge);

    expect(part(badge, 'error')).not.toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  test('removing the badge mid-load aborts its request', async () => {
    const { api, mounted } = mountBadge((request) => abortable(deferred<Response>().promise, request.signal));
    const badge = await mounted;
    await expect.poll(() => api.requests.length).toBe(1);

    badge.remove();
    expect(api.requests[0]?.signal?.aborted).toBe(true);
  });

  test.each(supportedLocales)(
    'locale %s: every state renders its own strings, with a matching lang',
    async (locale) => {
      const messages = { ...catalogues[locale as Locale], ...storeBadgeMessages[locale as Locale] };
      let fail = true;
      const { mounted } = mountBadge(
        () => (fail ? networkFailure() : graphqlResponse(storefront)),
        (badge) => {
          badge.locale = locale;
        },
      );
      const badge = await mounted;
      await settled(badge);

      expect(part(badge, 'base')?.getAttribute('lang')).toBe(locale);
      expect(text(badge)).toBe(`${messages.storeLoadError} ${messages.retry}`);
      await expectNoAxeViolations(badge);

      fail = false;
      await badge.reload();
      await badge.updateComplete;
      expect(text(badge)).toBe(`${messages.poweredBy} · Demo Shop`);
      expect(text(badge)).not.toMatch(/undefined|null/);
      await expectNoAxeViolations(badge);
    },
  );

  test('locale: follows the nearest lang attribute, and the locale property overrides it', async () => {
    const section = document.createElement('section');
    section.lang = 'fi-FI';
    document.body.append(section);
    const api = fakeFetch(() => graphqlResponse(storefront));
    const badge = await mount(
      'kanta-store-badge',
      (element) => {
        element.client = createKantaClient({ endpoint: '/graphql', publishableKey: 'pk', fetch: api.fetch });
      },
      section,
    );
    await settled(badge);
    expect(text(badge)).toBe('Palvelun tarjoaa Kanta · Demo Shop');

    section.lang = 'hu';
    await expect.poll(() => text(badge)).toBe('A Kanta támogatásával · Demo Shop');

    badge.setAttribute('locale', 'hy');
    await badge.updateComplete;
    expect(text(badge)).toBe('Աշխատում է Kanta-ի միջոցով · Demo Shop');

    // Unsupported languages fall back to English rather than showing keys.
    badge.locale = 'de';
    section.lang = 'de-AT';
    await expect.poll(() => text(badge)).toBe('Powered by Kanta · Demo Shop');
    expect(api.requests).toHaveLength(1);
    section.remove();
  });

  test('theming: --kanta-* custom properties and ::part() reach inside the shadow root', async () => {
    const style = document.createElement('style');
    style.textContent = `
      .themed {
        --kanta-color-text: rgb(10, 20, 30);
        --kanta-color-background: rgb(250, 240, 230);
        --kanta-radius: 3px;
        --kanta-font-family: monospace;
      }
      .themed::part(store-name) { text-transform: uppercase; }
    `;
    document.head.append(style);
    const { mounted } = mountBadge(
      () => graphqlResponse(storefront),
      (badge) => badge.classList.add('themed'),
    );
    const badge = await mounted;
    await settled(badge);

    const base = getComputedStyle(part(badge, 'base')!);
    expect(base.color).toBe('rgb(10, 20, 30)');
    expect(base.backgroundColor).toBe('rgb(250, 240, 230)');
    expect(base.borderTopLeftRadius).toBe('3px');
    expect(base.fontFamily).toBe('monospace');
    expect(getComputedStyle(part(badge, 'store-name')!).textTransform).toBe('uppercase');
    // biome-ignore lint/performance/useDomNodeTextContent: text-transform shows only in rendered text.
    expect(part(badge, 'base')?.innerText).toContain('DEMO SHOP');
    await expectNoAxeViolations(badge);
    style.remove();
  });

  test('dark mode and reduced motion: switches palette, stays accessible, stops the spinner', async () => {
    await commands.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    const response = deferred<Response>();
    const { mounted } = mountBadge((request) => abortable(response.promise, request.signal));
    const badge = await mounted;

    expect(getComputedStyle(part(badge, 'spinner')!).animationName).toBe('none');
    expect(getComputedStyle(part(badge, 'base')!).backgroundColor).toBe('rgb(31, 41, 51)');
    await expectNoAxeViolations(badge);

    response.resolve(graphqlResponse(storefront));
    await settled(badge);
    await expectNoAxeViolations(badge);

    await commands.emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
    expect(getComputedStyle(part(badge, 'base')!).backgroundColor).toBe('rgb(255, 255, 255)');
  });
});
