import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { commands } from 'vitest/browser';
import { configure, resetConfig } from '../internal/config.ts';
import type { RealStore } from '../testing/real-kanta.ts';
import { UNREACHABLE_ENDPOINT } from '../testing/real-kanta.ts';
import { expectNoAxeViolations, mount, part, unmountAll } from '../testing/widget-testing.ts';
import './define.ts';
import type { ProductRating } from './product-rating.ts';
import { en } from './rating-messages.en.ts';
import { buy, seedStore, writeReview } from './seed.testing.ts';

let store: RealStore;

beforeAll(async () => {
  store = await seedStore('Rating shop', [
    { sku: 'MUG', name: 'Mug' },
    { sku: 'ONE', name: 'One' },
    { sku: 'NONE', name: 'None yet' },
  ]);
  const ratings = [5, 4, 4, 5, 4, 3, 5, 4, 4, 5, 4, 5]; // 52 / 12 = 4.33
  for (const [index, rating] of ratings.entries()) {
    await buy(store, `r${index}`, ['MUG']);
    await writeReview(store, `r${index}`, { sku: 'MUG', rating, body: `Review number ${index} of the mug, honestly.` });
  }
  await buy(store, 'solo', ['ONE']);
  await writeReview(store, 'solo', { sku: 'ONE', rating: 2, body: 'Only one review here, sadly mediocre.' });
});

afterEach(async () => {
  unmountAll();
  resetConfig();
  await commands.emulateMedia({ colorScheme: null });
});

async function rating(attributes: Record<string, string>): Promise<ProductRating> {
  const element = await mount('product-rating', (el) => {
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  });
  await expect.poll(() => part(element, 'base')).not.toBeNull();
  return element;
}

const visible = (element: Element) => (part(element, 'base')?.innerText ?? '').replace(/\s+/g, ' ').trim();

describe('<product-rating>', () => {
  test('stars partly filled to the average, average, count and one accessible name', async () => {
    await store.use();
    const element = await rating({ sku: 'MUG' });
    const base = part(element, 'base')!;
    expect(base.tagName).toBe('SPAN');
    expect(base.getAttribute('role')).toBe('img');
    expect(base.getAttribute('aria-label')).toBe('Rated 4.3 out of 5 from 12 reviews');
    expect(part(element, 'average')?.textContent).toBe('4.3');
    expect(part(element, 'count')?.textContent).toBe('(12)');
    const stars = part(element, 'stars')!;
    expect(stars.getAttribute('aria-hidden')).toBe('true');
    const fill = getComputedStyle(stars, '::after');
    // 4.33 of 5 stars: about 87 % of the row is filled.
    const ratio = Number.parseFloat(fill.width) / stars.getBoundingClientRect().width;
    expect(ratio).toBeGreaterThan(0.84);
    expect(ratio).toBeLessThan(0.9);
    await expectNoAxeViolations(element);
  });

  test('one review reads in the singular; href makes it a link', async () => {
    await store.use();
    const element = await rating({ sku: 'ONE', href: '#reviews' });
    const link = part<HTMLAnchorElement>(element, 'base')!;
    expect(link.tagName).toBe('A');
    expect(link.getAttribute('href')).toBe('#reviews');
    expect(link.getAttribute('aria-label')).toBe('Rated 2.0 out of 5 from 1 review');
    link.focus();
    expect(element.shadowRoot?.activeElement).toBe(link);
    await expectNoAxeViolations(element);
  });

  test('empty: "No reviews yet", or nothing with hide-empty', async () => {
    await store.use();
    const element = await rating({ sku: 'NONE' });
    expect(visible(element)).toBe('No reviews yet');
    expect(part(element, 'stars')).toBeNull();
    await expectNoAxeViolations(element);

    const hidden = await mount('product-rating', (el) => {
      el.sku = 'NONE';
      el.hideEmpty = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hidden.shadowRoot?.textContent?.trim()).toBe('');
    expect(hidden.getBoundingClientRect().width).toBe(0);
  });

  test('API down: renders nothing and warns once for all ratings of the page', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    configure({ endpoint: UNREACHABLE_ENDPOINT, key: 'pk_down_rating' });
    const elements = await Promise.all(['A', 'B', 'C'].map((sku) => mount('product-rating', (el) => (el.sku = sku))));
    await expect.poll(() => warn.mock.calls.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(warn).toHaveBeenCalledTimes(1);
    for (const element of elements) {
      expect(part(element, 'base')).toBeNull();
      expect(element.getBoundingClientRect().width).toBe(0);
    }
    warn.mockRestore();
  });

  test('a product list: many ratings share one client, identical queries go out once', async () => {
    const requests: string[] = [];
    const realFetch = globalThis.fetch.bind(globalThis);
    await store.use();
    configure({
      fetch: (input, init) => {
        requests.push(String(init?.body));
        return realFetch(input, init);
      },
    });
    const skus = ['MUG', 'MUG', 'MUG', 'ONE', 'ONE', 'NONE'];
    const elements = await Promise.all(skus.map((sku) => mount('product-rating', (el) => (el.sku = sku))));
    await expect.poll(() => elements.every((element) => part(element, 'base'))).toBe(true);
    expect(requests).toHaveLength(3);
    expect(part(elements[2]!, 'base')?.getAttribute('aria-label')).toBe('Rated 4.3 out of 5 from 12 reviews');
  });

  test('each locale: no English left over, numbers in the locale', async () => {
    await store.use();
    const labels: Record<string, string> = {};
    for (const locale of ['fi', 'hu', 'bs', 'hy']) {
      const element = await rating({ sku: 'MUG', locale });
      await expect.poll(() => part(element, 'base')?.getAttribute('lang')).toBe(locale);
      const label = part(element, 'base')!.getAttribute('aria-label')!;
      labels[locale] = label;
      expect(label).not.toContain('Rated');
      expect(label).not.toContain('reviews');
      expect(label).toContain('12');
      const empty = await rating({ sku: 'NONE', locale });
      await expect.poll(() => part(empty, 'base')?.getAttribute('lang')).toBe(locale);
      expect(visible(empty)).not.toBe(en.noReviews);
    }
    expect(labels.fi).toContain('4,3');
    expect(part(document.querySelector('product-rating[locale="fi"]')!, 'average')?.textContent).toBe('4,3');
  });

  test('dark mode and theming: --kanta-color-star and ::part', async () => {
    await commands.emulateMedia({ colorScheme: 'dark' });
    await store.use();
    const style = document.createElement('style');
    style.textContent = `
      .themed { --kanta-color-star: rgb(200, 0, 120); }
      .themed::part(count) { font-style: italic; }
    `;
    document.head.append(style);
    const dark = await rating({ sku: 'MUG' });
    expect(getComputedStyle(part(dark, 'stars')!, '::after').color).toBe('rgb(247, 201, 72)');
    await expectNoAxeViolations(dark);

    const themed = await rating({ sku: 'MUG', class: 'themed' });
    expect(getComputedStyle(part(themed, 'stars')!, '::after').color).toBe('rgb(200, 0, 120)');
    expect(getComputedStyle(part(themed, 'count')!).fontStyle).toBe('italic');
    style.remove();
  });
});

// The lead's catalogue test covers `<widget>/messages.*.ts`; these two catalogues of the folder are checked here.
describe('rating and review-form catalogues', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
  for (const name of ['rating-messages', 'form-messages']) {
    test(`${name}: every locale has the English keys, non-empty, with the same placeholders`, async () => {
      const english = Object.values(await import(`./${name}.en.ts`))[0] as Record<string, string>;
      for (const locale of ['fi', 'hu', 'bs', 'hy']) {
        const messages = (await import(`./${name}.${locale}.ts`)).default as Record<string, string>;
        expect([locale, Object.keys(messages).sort()]).toEqual([locale, Object.keys(english).sort()]);
        for (const [key, text] of Object.entries(messages)) {
          expect(text.trim(), `${locale}.${key}`).not.toBe('');
          expect(placeholders(text), `${locale}.${key}`).toEqual(placeholders(english[key]!));
        }
      }
    });
  }
});
