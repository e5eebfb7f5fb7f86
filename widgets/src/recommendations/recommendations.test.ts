import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { commands, userEvent } from 'vitest/browser';
import { KantaProductRecommendations, KantaShopperRecommendations } from '../generated/operations.ts';
import { supportedLocales } from '../i18n/locales.ts';
import { configure, resetConfig } from '../internal/config.ts';
import { formatMoney } from '../internal/format.ts';
import { createRealStore, type RealStore } from '../testing/real-kanta.ts';
import {
  abortable,
  deferred,
  expectNoAxeViolations,
  mount,
  networkFailure,
  part,
  unmountAll,
} from '../testing/widget-testing.ts';
import './define.ts';
import { en } from './messages.en.ts';
import type { ProductRecommendations } from './recommendations.ts';

// Names in no particular language, so "no English left over" checks only the widget's own strings.
const PRODUCTS = [
  { sku: 'MUKI', name: 'Muki', price: 1_200, image: true },
  { sku: 'KAHVI', name: 'Kahvipapu', price: 990, image: true },
  { sku: 'KATTILA', name: 'Vedenkeitin', price: 4_000, image: true },
  { sku: 'LAHJA', name: 'Lahjakortti', price: 2_500, image: false },
  { sku: 'LAPIO', name: 'Lapio', price: 3_000, image: true },
  { sku: 'HARAVA', name: 'Harava', price: 2_000, image: true },
];

// Co-purchases: MUKI's strongest neighbour is KAHVI (3 buyers), then KATTILA and LAHJA.
const ORDERS: [string, string[]][] = [
  ['c1', ['MUKI', 'KAHVI']],
  ['c2', ['MUKI', 'KAHVI', 'KATTILA']],
  ['c3', ['MUKI', 'KAHVI']],
  ['c4', ['MUKI', 'LAHJA']],
  ['c5', ['LAPIO', 'HARAVA']],
  ['c6', ['LAPIO', 'HARAVA', 'KATTILA']],
  ['aino', ['MUKI']],
];

let store: RealStore;
let emptyStore: RealStore;
// What the server itself serves for MUKI (first 3) and for aino, as skus: the widget must show these.
let mukiList: string[];
let ainoList: string[];
const nameOf = (sku: string) => PRODUCTS.find((product) => product.sku === sku)?.name;

async function served(documentId: string, variables: Record<string, unknown>, token?: string): Promise<string[]> {
  const { data } = await store.storefront({ documentId, variables }, token);
  const list = data.product?.recommendations ?? data.me.recommendations;
  return list.items.map((item: { product: { sku: string } }) => item.product.sku);
}

beforeAll(async () => {
  store = await createRealStore('Recommendations shop');
  emptyStore = await createRealStore('Empty shop');
  await store.admin('mutation($i:[ProductInput!]!){ upsertProducts(input:$i){ __typename } }', {
    i: PRODUCTS.map(({ sku, name, price, image }) => ({
      sku,
      name,
      price,
      currency: 'EUR',
      categoryPath: ['Koti'],
      url: `https://shop.example/p/${sku.toLowerCase()}`,
      ...(image ? { imageUrl: `https://shop.example/img/${sku.toLowerCase()}.png` } : {}),
    })),
  });
  const price = new Map(PRODUCTS.map((product) => [product.sku, product.price]));
  await store.admin('mutation($i:[OrderInput!]!){ recordOrders(input:$i){ __typename } }', {
    i: ORDERS.map(([customer, skus], index) => ({
      externalId: `O-${index + 1}`,
      channel: 'ONLINE',
      currency: 'EUR',
      placedAt: new Date(Date.now() - (10 - index) * 86_400_000).toISOString(),
      customer: { identities: [{ source: 'web', externalId: customer }] },
      lines: skus.map((sku) => ({ sku, name: sku, quantity: 1, unitPrice: price.get(sku) })),
    })),
  });
  await store.drain();
  await store.rebuildRecommendations();
  mukiList = await served(KantaProductRecommendations.documentId, { sku: 'MUKI', first: 3 });
  ainoList = await served(KantaShopperRecommendations.documentId, { first: 4 }, await store.token('web:aino'));
  // Co-purchases decide: MUKI's buyers bought KAHVI most.
  expect(mukiList[0]).toBe('KAHVI');
  expect(mukiList).toHaveLength(3);
}, 60_000);

afterEach(async () => {
  unmountAll();
  resetConfig();
  vi.restoreAllMocks();
  await commands.emulateMedia({ colorScheme: null, reducedMotion: null });
});

type Attributes = Record<string, string>;

// Network round trips on a busy CI machine can take more than expect.poll's default second.
const poll = <T>(value: () => T | Promise<T>) => expect.poll(value, { timeout: 10_000 });

async function mountList(attributes: Attributes, parent?: ParentNode): Promise<ProductRecommendations> {
  return mount(
    'product-recommendations',
    (element) => {
      for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    },
    parent,
  );
}

/** Waits until the list has settled (success, error or empty). */
async function settled(element: ProductRecommendations): Promise<void> {
  await poll(
    () =>
      element.hasAttribute('empty') ||
      element.shadowRoot?.querySelector('[role=status]')?.getAttribute('aria-busy') === 'false',
  ).toBe(true);
  await element.updateComplete;
}

const names = (element: ProductRecommendations) =>
  [...(element.shadowRoot?.querySelectorAll('[part=name]') ?? [])].map((node) => node.textContent);

// biome-ignore lint/performance/useDomNodeTextContent: rendered text, as a visitor reads it.
const visibleText = (element: ProductRecommendations) => (part(element, 'base')?.innerText ?? '').replace(/\s+/g, ' ');

async function performance(): Promise<{ impressions: number; clicks: number }> {
  const range = {
    from: new Date(Date.now() - 3_600_000).toISOString(),
    to: new Date(Date.now() + 3_600_000).toISOString(),
  };
  const data = await store.admin<{ recommendationPerformance: { impressions: number; clicks: number } }>(
    'query($r: DateRangeInput!){ recommendationPerformance(range: $r){ impressions clicks } }',
    { r: range },
  );
  return data.recommendationPerformance;
}

interface Tracked {
  kind: string;
  listId: string;
  skus: string[];
  position: number;
  keepalive: boolean;
  /** How many events the server stored for this request (its answer). */
  recorded?: number;
}

/** Records the track mutations the widget sends (they go to the real server too) and the server's answers. */
function spyTracking(): Tracked[] {
  const sent: Tracked[] = [];
  const original = window.fetch.bind(window);
  vi.spyOn(window, 'fetch').mockImplementation(async (input, init) => {
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const response = await original(input, init);
    if (body?.documentId?.startsWith('KantaTrackRecommendationEvent:')) {
      const entry: Tracked = { ...body.variables.input, keepalive: init?.keepalive === true };
      sent.push(entry);
      void response
        .clone()
        .json()
        .then((answer) => {
          entry.recorded = answer.data?.trackRecommendationEvent?.recorded;
        });
    }
    return response;
  });
  return sent;
}

describe('<product-recommendations>', () => {
  test('product page: the co-purchased products, linked, with images and Intl prices', async () => {
    await store.use();
    const element = await mountList({ sku: 'MUKI', first: '3' });
    await settled(element);

    expect(part(element, 'heading')?.textContent).toBe(en.alsoBought);
    expect(names(element)).toEqual(mukiList.map(nameOf));
    expect(mukiList).toEqual(expect.arrayContaining(['KAHVI', 'LAHJA']));
    const cards = element.shadowRoot!.querySelectorAll<HTMLAnchorElement>('a[part=card]');
    expect(cards).toHaveLength(3);
    expect(cards[0]!.href).toBe('https://shop.example/p/kahvi');
    const image = cards[0]!.querySelector('img')!;
    expect(image.getAttribute('loading')).toBe('lazy');
    expect([image.getAttribute('width'), image.getAttribute('height')]).toEqual(['240', '240']);
    expect(image.alt).toBe('Kahvipapu');
    // No image: a neutral placeholder, hidden from assistive technology.
    expect(cards[mukiList.indexOf('LAHJA')]!.querySelector('[part~=placeholder]')?.getAttribute('aria-hidden')).toBe(
      'true',
    );
    expect(cards[0]!.querySelector('[part=price]')?.textContent).toBe(formatMoney('en', 990, 'EUR'));
    expect(cards[0]!.querySelector('[part=price]')?.textContent).toBe('€9.90');
    expect(element.hidden).toBe(false);
    await expectNoAxeViolations(element);
  });

  test('bought-together, custom heading and level, exclude', async () => {
    await store.use();
    const element = await mountList({
      sku: 'MUKI',
      kind: 'bought-together',
      heading: 'Sopii yhteen',
      'heading-level': '3',
      exclude: 'KAHVI',
    });
    await settled(element);
    expect(part(element, 'heading')?.textContent).toBe('Sopii yhteen');
    expect(part(element, 'heading')?.getAttribute('aria-level')).toBe('3');
    expect(names(element)).not.toContain('Kahvipapu');
    expect(names(element).length).toBeGreaterThan(0);

    element.removeAttribute('heading');
    await element.updateComplete;
    expect(part(element, 'heading')?.textContent).toBe(en.together);
  });

  test('cart: frequently bought together with the cart, never the cart itself', async () => {
    await store.use();
    const element = await mountList({ skus: 'LAPIO, HARAVA', first: '2' });
    await settled(element);
    expect(part(element, 'heading')?.textContent).toBe(en.cart);
    expect(names(element)[0]).toBe('Vedenkeitin');
    expect(names(element)).toHaveLength(2);
    expect(names(element)).not.toContain('Lapio');
    expect(names(element)).not.toContain('Harava');
  });

  test('shopper: a signed-in shopper gets a personal list without what they bought; signed out falls back', async () => {
    await store.use('web:aino');
    const element = await mountList({ context: 'shopper' });
    await settled(element);
    expect(part(element, 'heading')?.textContent).toBe(en.personal);
    expect(names(element)).toEqual(ainoList.map(nameOf));
    expect(names(element)).toContain('Kahvipapu');
    expect(names(element)).not.toContain('Muki');

    // Signing out switches to the store's list.
    configure({ customerToken: undefined });
    await poll(() => part(element, 'heading')?.textContent).toBe(en.cart);
    await settled(element);
    expect(names(element).length).toBeGreaterThan(0);
    expect(names(element)).toContain('Muki');

    // A widget-level token works too.
    element.setAttribute('customer-token', await store.token('web:aino'));
    await poll(() => part(element, 'heading')?.textContent).toBe(en.personal);
    await settled(element);
    expect(names(element)).not.toContain('Muki');
  });

  test('impressions: reported once, batched, only when half the list is in view', async () => {
    await store.use();
    const sent = spyTracking();
    const before = await performance();
    const spacer = document.createElement('div');
    spacer.style.blockSize = '3000px';
    document.body.prepend(spacer);
    try {
      const element = await mountList({ sku: 'MUKI', first: '3' });
      await settled(element);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sent).toEqual([]);

      element.scrollIntoView();
      await poll(() => sent.length).toBe(1);
      expect(sent[0]).toMatchObject({ kind: 'IMPRESSION', skus: mukiList, position: 1 });
      // The server stored the three impressions (other tests' lists may be counted meanwhile).
      await poll(async () => (await performance()).impressions >= before.impressions + 3).toBe(true);

      // Scrolling away and back, or a re-render, reports nothing again.
      window.scrollTo(0, 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      element.scrollIntoView();
      element.requestUpdate();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sent).toHaveLength(1);
    } finally {
      spacer.remove();
      window.scrollTo(0, 0);
    }
  });

  test('click: reported with its position, keepalive, without blocking navigation (also ctrl/middle click)', async () => {
    await store.use('web:c5');
    const sent = spyTracking();
    const before = await performance();
    const element = await mountList({ sku: 'MUKI', first: '3' });
    await settled(element);
    await poll(() => sent.length).toBe(1); // the impression

    const clicks: CustomEvent[] = [];
    element.addEventListener('kanta-recommendation-click', (event) => clicks.push(event));
    const navigation: boolean[] = [];
    // The test page must not navigate away: cancel after the widget has had its turn.
    const stop = (event: MouseEvent) => {
      navigation.push(event.defaultPrevented);
      event.preventDefault();
    };
    document.addEventListener('click', stop);
    document.addEventListener('auxclick', stop);
    try {
      const cards = element.shadowRoot!.querySelectorAll<HTMLAnchorElement>('a[part=card]');
      await userEvent.click(cards[1]!);
      const second = mukiList[1]!;
      expect(clicks[0]?.detail).toEqual({
        listId: sent[0]!.listId,
        sku: second,
        position: 2,
        url: `https://shop.example/p/${second.toLowerCase()}`,
      });
      await poll(() => sent.length).toBe(2);
      expect(sent[1]).toMatchObject({
        kind: 'CLICK',
        listId: sent[0]!.listId,
        skus: [second],
        position: 2,
        keepalive: true,
      });
      await poll(async () => (await performance()).clicks >= before.clicks + 1).toBe(true);

      // Ctrl-click (new tab) and middle click are reported too, once per product.
      await userEvent.click(cards[2]!, { modifiers: ['Control'] } as never);
      cards[0]!.dispatchEvent(
        new MouseEvent('auxclick', { button: 1, bubbles: true, composed: true, cancelable: true }),
      );
      await poll(() => sent.map((event) => event.skus[0])).toEqual([...mukiList, mukiList[0]]);
      await userEvent.click(cards[1]!);
      expect(clicks).toHaveLength(4);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sent).toHaveLength(4);
      // Nobody before the page cancelled the navigation.
      expect(navigation.every((prevented) => !prevented)).toBe(true);
    } finally {
      document.removeEventListener('click', stop);
      document.removeEventListener('auxclick', stop);
    }
  });

  test('keyboard: Tab reaches each card, Enter opens it and is tracked', async () => {
    await store.use();
    const sent = spyTracking();
    const element = await mountList({ sku: 'MUKI', first: '3' });
    await settled(element);
    const cards = element.shadowRoot!.querySelectorAll<HTMLAnchorElement>('a[part=card]');
    const stop = (event: Event) => event.preventDefault();
    document.addEventListener('click', stop);
    try {
      await userEvent.tab();
      expect(element.shadowRoot!.activeElement).toBe(cards[0]);
      expect(getComputedStyle(cards[0]!).outlineStyle).toBe('solid');
      await userEvent.tab();
      expect(element.shadowRoot!.activeElement).toBe(cards[1]);
      await userEvent.keyboard('{Enter}');
      await poll(() => sent.find((event) => event.kind === 'CLICK')).toMatchObject({
        skus: [mukiList[1]],
        position: 2,
      });
      // Cards are at least 24×24 px targets.
      const box = cards[1]!.getBoundingClientRect();
      expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(24);
    } finally {
      document.removeEventListener('click', stop);
    }
  });

  test('empty: with nothing to recommend the element hides itself and says so with `empty`', async () => {
    await emptyStore.use();
    const element = await mountList({ skus: '' });
    await settled(element);
    expect(element.hasAttribute('empty')).toBe(true);
    expect(element.hidden).toBe(true);
    expect(part(element, 'list')).toBeNull();
    expect(element.getBoundingClientRect().height).toBe(0);

    // Pointing it at a store with products shows it again.
    await store.use();
    await poll(() => element.hasAttribute('empty')).toBe(false);
    await settled(element);
    expect(element.hidden).toBe(false);
    expect(names(element).length).toBeGreaterThan(0);

    // An unknown product is empty too, and a page's own `hidden` is left alone.
    const unknown = await mountList({ sku: 'NOPE', hidden: '' });
    await settled(unknown);
    expect(unknown.hasAttribute('empty')).toBe(true);
    unknown.sku = 'MUKI';
    await poll(() => unknown.hasAttribute('empty')).toBe(false);
    expect(unknown.hidden).toBe(true);
  });

  test('loading: a skeleton in a busy live region, still under reduced motion', async () => {
    const response = deferred<Response>();
    configure({
      endpoint: store.endpoint,
      key: store.publishableKey,
      fetch: (_, init) => abortable(response.promise, init?.signal ?? undefined),
    });
    const element = await mountList({ sku: 'MUKI', first: '3' });
    const status = element.shadowRoot!.querySelector('[role=status]')!;
    expect(status.getAttribute('aria-busy')).toBe('true');
    expect(part(element, 'loading')?.textContent).toBe(en.loading);
    const skeleton = part(element, 'skeleton')!;
    expect(skeleton.getAttribute('aria-hidden')).toBe('true');
    expect(skeleton.children).toHaveLength(3);
    expect(getComputedStyle(skeleton.children[0]!).animationName).toBe('kanta-pulse');
    await expectNoAxeViolations(element);
    await commands.emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle(skeleton.children[0]!).animationName).toBe('none');
  });

  test('error then retry: the API is down, the visitor retries, and the list appears', async () => {
    let down = true;
    configure({
      endpoint: store.endpoint,
      key: store.publishableKey,
      fetch: (input, init) => (down ? networkFailure() : window.fetch(input, init)),
    });
    const warn = vi.spyOn(console, 'error');
    const element = await mountList({ sku: 'MUKI', first: '3' });
    await settled(element);
    expect(part(element, 'error')?.textContent).toContain(en.error);
    expect(part(element, 'list')).toBeNull();
    expect(element.hidden).toBe(false);
    await expectNoAxeViolations(element);

    down = false;
    await userEvent.click(part(element, 'retry-button')!);
    await poll(() => names(element)).toEqual(mukiList.map(nameOf));
    expect(part(element, 'error')).toBeNull();
    expect(warn).not.toHaveBeenCalled();
  });

  test('error: without endpoint or key it shows the error state instead of throwing', async () => {
    const element = await mountList({ sku: 'MUKI' });
    await settled(element);
    expect(part(element, 'retry-button')).not.toBeNull();
  });

  test.each(supportedLocales)(
    'locale %s: heading, prices and errors in the locale, no English left over',
    async (locale) => {
      await store.use();
      const element = await mountList({ sku: 'MUKI', first: '3', locale });
      await settled(element);
      await poll(() => part(element, 'heading')?.textContent).toBeTruthy();
      const { default: messages = en } = locale === 'en' ? {} : await import(`./messages.${locale}.ts`);
      expect(part(element, 'heading')?.textContent).toBe(messages.alsoBought);
      expect(part(element, 'base')?.getAttribute('lang')).toBe(locale);
      const prices = [...element.shadowRoot!.querySelectorAll('[part=price]')].map((node) => node.textContent);
      expect(prices[0]).toBe(new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(9.9));
      if (locale !== 'en') {
        const text = visibleText(element);
        for (const english of Object.values(en)) expect(text).not.toContain(english);
      }
      await expectNoAxeViolations(element);

      // The error state too.
      element.endpoint = 'http://127.0.0.1:9/graphql';
      element.key = 'pk_test';
      await poll(() => part(element, 'retry-button')).not.toBeNull();
      expect(part(element, 'error')?.textContent).toContain(messages.error);
      if (locale !== 'en') expect(visibleText(element)).not.toMatch(/Try again|could not/);
    },
  );

  test('dark mode: dark palette, accessible', async () => {
    await commands.emulateMedia({ colorScheme: 'dark' });
    await store.use();
    const element = await mountList({ sku: 'MUKI', first: '3' });
    await settled(element);
    const card = part(element, 'card')!;
    expect(getComputedStyle(card).backgroundColor).toBe('rgb(41, 51, 61)');
    await expectNoAxeViolations(element);
  });

  test('theming: --kanta-* custom properties and ::part() reach inside; the grid follows the card width; RTL', async () => {
    const style = document.createElement('style');
    style.textContent = `
      .themed { --kanta-card-min-width: 100px; --kanta-card-background: rgb(250, 240, 230); inline-size: 430px; }
      .themed::part(price) { color: rgb(200, 0, 0); }
      .themed::part(heading) { text-transform: uppercase; }
    `;
    document.head.append(style);
    try {
      await store.use();
      const wrapper = document.createElement('div');
      wrapper.dir = 'rtl';
      document.body.append(wrapper);
      const element = await mountList({ sku: 'MUKI', first: '4', class: 'themed' }, wrapper);
      await settled(element);
      expect(getComputedStyle(part(element, 'card')!).backgroundColor).toBe('rgb(250, 240, 230)');
      expect(getComputedStyle(part(element, 'price')!).color).toBe('rgb(200, 0, 0)');
      expect(getComputedStyle(part(element, 'heading')!).textTransform).toBe('uppercase');
      const list = getComputedStyle(part(element, 'list')!);
      // 430px wide with 100px cards and 0.75rem gaps: 3 columns.
      expect(list.gridTemplateColumns.split(' ')).toHaveLength(3);
      // RTL: the first card is on the right.
      const items = element.shadowRoot!.querySelectorAll('[part=item]');
      expect(items[0]!.getBoundingClientRect().left).toBeGreaterThan(items[1]!.getBoundingClientRect().left);
      await expectNoAxeViolations(element);
      wrapper.remove();
    } finally {
      style.remove();
    }
  });
});
