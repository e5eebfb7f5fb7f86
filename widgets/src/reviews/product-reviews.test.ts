import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { commands, userEvent } from 'vitest/browser';
import { createKantaClient } from '../client.ts';
import { KantaProductReviews } from '../generated/operations.ts';
import { configure, resetConfig } from '../internal/config.ts';
import type { RealStore } from '../testing/real-kanta.ts';
import {
  abortable,
  deferred,
  expectNoAxeViolations,
  fakeFetch,
  mount,
  networkFailure,
  part,
  unmountAll,
} from '../testing/widget-testing.ts';
import './define.ts';
import { en as formEn } from './form-messages.en.ts';
import { en } from './messages.en.ts';
import type { ProductReviews } from './product-reviews.ts';
import { buy, reply, seedStore, shopperApi, writeReview } from './seed.testing.ts';

let store: RealStore;
const ids: Record<string, string> = {};

// MUG: 7 published reviews, 24 stars → 3.4; histogram [1★ 1, 2★ 1, 3★ 1, 4★ 2, 5★ 2].
const mugReviews = [
  { ext: 'a1', rating: 5, title: 'Perfect mug', body: 'Keeps coffee hot for ages and looks lovely.', photo: true },
  { ext: 'a2', rating: 4, title: 'Nice', body: 'Nice colour, a bit smaller than I expected.' },
  { ext: 'a3', rating: 3, title: 'Fine', body: 'It is a mug. It holds coffee. Nothing more.' },
  { ext: 'a4', rating: 2, title: 'Meh', body: 'The glaze chipped in the dishwasher quickly.', unverified: true },
  { ext: 'a5', rating: 1, title: 'Broke', body: 'The handle broke off after a week of use.' },
  { ext: 'a6', rating: 5, title: 'Love it', body: 'My favourite mug, I bought two more for friends.' },
  { ext: 'a7', rating: 4, title: 'Good value', body: 'Good value for the price, sturdy and simple.' },
];

beforeAll(async () => {
  store = await seedStore('Reviews shop', [
    { sku: 'MUG', name: 'Mug' },
    { sku: 'KETTLE', name: 'Kettle' },
    { sku: 'PLATE', name: 'Plate' },
  ]);
  for (const review of mugReviews) {
    await buy(store, review.ext, [review.unverified ? 'PLATE' : 'MUG']);
    ids[review.ext] = await writeReview(store, review.ext, {
      sku: 'MUG',
      rating: review.rating,
      title: review.title,
      body: review.body,
      authorName: `${review.ext.toUpperCase()} V.`,
      ...(review.photo ? { photoUrls: ['https://cdn.example/mug-1.jpg'] } : {}),
    });
  }
  await reply(store, ids.a1!, 'Thank you, enjoy your coffee!');
  await buy(store, 'voter', ['PLATE']);
  await buy(store, 'writer', ['KETTLE']);
  await buy(store, 'bad-writer', ['KETTLE']);
  await buy(store, 'browser', ['PLATE']);
});

afterEach(async () => {
  unmountAll();
  resetConfig();
  await commands.emulateMedia({ colorScheme: null });
});

async function reviews(setup: (element: ProductReviews) => void = () => {}): Promise<ProductReviews> {
  const element = await mount('product-reviews', (el) => {
    el.sku = 'MUG';
    setup(el);
  });
  await settled(element);
  return element;
}

async function settled(element: ProductReviews): Promise<void> {
  await expect.poll(() => element.shadowRoot?.querySelector('[aria-busy]')?.getAttribute('aria-busy')).toBe('false');
  await element.updateComplete;
}

const text = (element: Element | null | undefined) =>
  ((element as HTMLElement | null)?.innerText ?? '').replace(/\s+/g, ' ').trim();
const titles = (element: ProductReviews) =>
  [...element.shadowRoot!.querySelectorAll('[part="review-title"]')].map((node) => node.textContent);
const review = (element: ProductReviews, title: string) =>
  [...element.shadowRoot!.querySelectorAll<HTMLElement>('[part="review"]')].find((node) =>
    node.querySelector('[part="review-title"]')?.textContent?.includes(title),
  )!;

describe('<product-reviews>', () => {
  test('loading: a busy live region with a localised message', async () => {
    const response = deferred<Response>();
    const api = fakeFetch((request) => abortable(response.promise, request.signal));
    const element = await mount('product-reviews', (el) => {
      el.sku = 'MUG';
      el.client = createKantaClient({
        endpoint: store.endpoint,
        publishableKey: store.publishableKey,
        fetch: api.fetch,
      });
    });
    await expect.poll(() => part(element, 'loading')).not.toBeNull();
    const region = element.shadowRoot!.querySelector('[aria-busy]')!;
    expect(region.getAttribute('role')).toBe('status');
    expect(region.getAttribute('aria-busy')).toBe('true');
    expect(text(part(element, 'loading'))).toBe(en.loading);
    await expectNoAxeViolations(element);
  });

  test('success: summary, histogram as text, reviews newest first with badge, photo and reply', async () => {
    await store.use();
    const element = await reviews();
    const summary = part(element, 'summary')!;
    expect(summary.getAttribute('aria-label')).toBe('Rated 3.4 out of 5 from 7 reviews');
    expect(text(part(element, 'average'))).toBe('3.4');
    const rows = [...part(element, 'histogram')!.querySelectorAll('li')].map((row) => text(row));
    expect(rows).toEqual(['5 stars 2', '4 stars 2', '3 stars 1', '2 stars 1', '1 star 1']);
    expect(part(element, 'histogram')?.getAttribute('aria-label')).toBe('Rating breakdown');
    // Newest first, a page of 5.
    expect(titles(element)).toEqual(['Good value', 'Love it', 'Broke', 'Meh', 'Fine']);
    expect(review(element, 'Good value').querySelector('[part="verified"]')?.textContent).toContain(
      'Verified purchase',
    );
    expect(review(element, 'Meh').querySelector('[part="verified"]')).toBeNull();
    expect(text(review(element, 'Good value').querySelector('[part="meta"]'))).toContain('A7 V.');
    await expectNoAxeViolations(element);

    // The rest after "Show more reviews", through the connection cursor.
    await userEvent.click(part(element, 'more-button')!);
    await expect
      .poll(() => titles(element))
      .toEqual(['Good value', 'Love it', 'Broke', 'Meh', 'Fine', 'Nice', 'Perfect mug']);
    expect(part(element, 'more-button')).toBeNull();
    const first = review(element, 'Perfect mug');
    const photo = first.querySelector<HTMLImageElement>('[part="photo"]')!;
    expect(photo.src).toBe('https://cdn.example/mug-1.jpg');
    expect(photo.alt).toBe('Photo 1 (opens in a new tab)');
    expect(photo.closest('a')?.target).toBe('_blank');
    expect(text(first.querySelector('[part="reply"]'))).toBe('Reply from the store Thank you, enjoy your coffee!');
    await expectNoAxeViolations(element);
  });

  test('sort: choosing another order re-orders the reviews (keyboard)', async () => {
    await store.use();
    const element = await reviews((el) => el.setAttribute('page-size', '3'));
    expect(titles(element)).toEqual(['Good value', 'Love it', 'Broke']);
    const select = part<HTMLSelectElement>(element, 'sort')!;
    expect([...select.options].map((option) => option.value)).toEqual(['NEWEST', 'MOST_HELPFUL', 'HIGHEST', 'LOWEST']);
    select.focus();
    await userEvent.selectOptions(select, 'LOWEST');
    await expect.poll(() => titles(element)).toEqual(['Broke', 'Meh', 'Fine']);
    await userEvent.selectOptions(part<HTMLSelectElement>(element, 'sort')!, 'HIGHEST');
    await expect.poll(() => titles(element)).toEqual(['Love it', 'Perfect mug', 'Good value']);
    await userEvent.click(part(element, 'more-button')!);
    await expect.poll(() => titles(element)).toEqual(['Love it', 'Perfect mug', 'Good value', 'Nice', 'Fine', 'Meh']);
    await expectNoAxeViolations(element);
  });

  test('helpful vote end to end: the count goes up once and the server agrees', async () => {
    await store.use('web:voter');
    const element = await reviews();
    const target = () => review(element, 'Love it').querySelector<HTMLButtonElement>('[part="helpful-button"]')!;
    expect(text(target())).toBe('Helpful (0)');
    const events = vi.fn();
    document.addEventListener('kanta-review-helpful', events);
    target().focus();
    await userEvent.keyboard('{Enter}');
    expect(text(target())).toBe('Helpful (1)'); // optimistic
    await expect.poll(() => events.mock.calls.length).toBe(1);
    expect(target().getAttribute('aria-pressed')).toBe('true');
    await userEvent.click(target());
    expect(text(target())).toBe('Helpful (1)');
    document.removeEventListener('kanta-review-helpful', events);

    const api = await shopperApi(store, 'voter');
    const data = await api.query<{ product: { reviews: { edges: { node: { id: string; helpfulCount: number } }[] } } }>(
      KantaProductReviews,
      { sku: 'MUG', first: 10, sort: 'MOST_HELPFUL' },
    );
    expect(data.product.reviews.edges[0]?.node).toMatchObject({ id: ids.a6, helpfulCount: 1 });
    await expectNoAxeViolations(element);
  });

  test('helpful vote: a failed vote rolls the count back and says so', async () => {
    await store.use('web:voter');
    const realFetch = globalThis.fetch.bind(globalThis);
    configure({
      fetch: (input, init) =>
        String(init?.body).includes('KantaVoteReviewHelpful') ? networkFailure() : realFetch(input, init),
    });
    const element = await reviews();
    const item = review(element, 'Broke');
    const button = item.querySelector<HTMLButtonElement>('[part="helpful-button"]')!;
    await userEvent.click(button);
    await expect.poll(() => text(item.querySelector('[role="status"]'))).toBe(en.voteError);
    expect(text(button)).toBe('Helpful (0)');
    expect(button.getAttribute('aria-pressed')).toBe('false');
  });

  test('signed out: voting explains that signing in is needed; no write button', async () => {
    await store.use();
    const element = await reviews();
    const item = review(element, 'Fine');
    await userEvent.click(item.querySelector('[part="helpful-button"]')!);
    expect(text(item.querySelector('[role="status"]'))).toBe('Sign in to vote.');
    expect(text(item.querySelector('[part="helpful-button"]'))).toBe('Helpful (0)');
    expect(part(element, 'write-button')).toBeNull();
    await expectNoAxeViolations(element);
  });

  test('a signed-in shopper who did not buy the product sees no write button', async () => {
    await store.use('web:browser');
    const element = await reviews();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await element.updateComplete;
    expect(part(element, 'write-button')).toBeNull();
  });

  test('error then retry: the API is down, the shopper retries, and the reviews appear', async () => {
    await store.use();
    const realFetch = globalThis.fetch.bind(globalThis);
    let calls = 0;
    configure({ fetch: (input, init) => (++calls === 1 ? networkFailure() : realFetch(input, init)) });
    const element = await reviews();
    expect(text(part(element, 'error'))).toBe(`${en.loadError} Try again`);
    await expectNoAxeViolations(element);
    await userEvent.click(part(element, 'retry-button')!);
    await settled(element);
    await expect.poll(() => titles(element).length).toBe(5);
    expect(part(element, 'error')).toBeNull();
  });

  test('empty: "No reviews yet"', async () => {
    await store.use();
    const element = await reviews((el) => (el.sku = 'PLATE'));
    expect(text(part(element, 'empty'))).toBe('No reviews yet');
    expect(part(element, 'histogram')).toBeNull();
    await expectNoAxeViolations(element);
  });

  test('JSON-LD in the light DOM with the aggregate rating; removed with the element or a new sku', async () => {
    await store.use();
    const element = await reviews();
    const scripts = () => element.querySelectorAll('script[type="application/ld+json"]');
    await expect.poll(() => scripts().length).toBe(1);
    const jsonLd = JSON.parse(scripts()[0]!.textContent!);
    expect(jsonLd['@type']).toBe('Product');
    expect(jsonLd.aggregateRating).toMatchObject({ ratingValue: 3.43, reviewCount: 7 });
    // Sorting reloads but keeps the single script.
    await userEvent.selectOptions(part<HTMLSelectElement>(element, 'sort')!, 'LOWEST');
    await settled(element);
    expect(scripts()).toHaveLength(1);

    element.sku = 'PLATE';
    await element.updateComplete;
    await settled(element);
    await expect.poll(() => scripts().length).toBe(1);
    expect(JSON.parse(scripts()[0]!.textContent!).aggregateRating).toBeUndefined();
    expect(JSON.parse(scripts()[0]!.textContent!).name).toBe('Plate');

    element.remove();
    expect(scripts()).toHaveLength(0);
  });

  test('each locale renders without English left over', async () => {
    await store.use();
    for (const locale of ['fi', 'hu', 'bs', 'hy'] as const) {
      const element = await reviews((el) => (el.locale = locale));
      await expect.poll(() => titles(element).length).toBe(5);
      const catalogue = (await import(`./messages.${locale}.ts`)).default as typeof en;
      await expect.poll(() => text(element.shadowRoot!.querySelector('h2'))).toBe(catalogue.heading);
      const shown = `${text(part(element, 'base'))} ${part(element, 'summary')?.getAttribute('aria-label')} ${part(element, 'histogram')?.getAttribute('aria-label')}`;
      for (const [key, english] of Object.entries(en)) {
        if (english.includes('{') || catalogue[key as keyof typeof en] === english) continue;
        expect(shown, `${locale}: ${key}`).not.toContain(english);
      }
      const photo = element.shadowRoot!.querySelectorAll<HTMLImageElement>('[part="photo"]');
      for (const image of photo) expect(image.alt).not.toContain('Photo');
      expect(shown).not.toMatch(/Helpful|Verified|stars|Sort by/);
      await expectNoAxeViolations(element);
      element.remove();
    }
  });

  test('dark mode, ::part and --kanta-* theming', async () => {
    await commands.emulateMedia({ colorScheme: 'dark' });
    await store.use();
    const style = document.createElement('style');
    style.textContent = `
      product-reviews.themed { --kanta-color-star: rgb(200, 0, 120); }
      product-reviews.themed::part(verified) { text-transform: uppercase; }
    `;
    document.head.append(style);
    const element = await reviews((el) => el.classList.add('themed'));
    expect(getComputedStyle(part(element, 'bar-fill')!).backgroundColor).toBe('rgb(200, 0, 120)');
    expect(getComputedStyle(part(element, 'verified')!).textTransform).toBe('uppercase');
    expect(getComputedStyle(part(element, 'base')!).color).toBe('rgb(228, 231, 235)');
    await expectNoAxeViolations(element);
    style.remove();
  });
});

describe('<review-form> through <product-reviews>', () => {
  const form = (element: ProductReviews) => element.shadowRoot!.querySelector('review-form')!;
  const inForm = <T extends HTMLElement>(element: ProductReviews, selector: string) =>
    form(element).shadowRoot!.querySelector<T>(selector)!;

  test('a verified buyer writes a review with the keyboard only; it is published', async () => {
    await store.use('web:writer');
    expect(customElements.get('review-form')).toBeUndefined(); // not in the initial code
    const element = await reviews((el) => (el.sku = 'KETTLE'));
    await expect.poll(() => part(element, 'write-button')).not.toBeNull();
    expect(text(part(element, 'empty'))).toBe('No reviews yet');
    const submitted = vi.fn();
    document.addEventListener('kanta-review-submitted', submitted);

    part(element, 'write-button')!.focus();
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => customElements.get('review-form')).toBeDefined();
    await expect.poll(() => form(element)?.shadowRoot?.querySelector('form')).toBeTruthy();
    await expectNoAxeViolations(element);
    // Focus moved into the form, on the star radio group: arrows choose the stars.
    await expect.poll(() => form(element).shadowRoot!.activeElement?.getAttribute('name')).toBe('rating');
    await userEvent.keyboard('{ArrowRight}{ArrowRight}{ArrowRight}');
    expect(inForm<HTMLInputElement>(element, 'input[name=rating]:checked').value).toBe('4');
    expect(form(element).shadowRoot!.querySelectorAll('[part~="star"].on')).toHaveLength(4);
    await userEvent.tab();
    await userEvent.keyboard('Boils fast');
    await userEvent.tab();
    await userEvent.keyboard('Boils a litre in two minutes and is quiet too.');
    await userEvent.tab();
    await userEvent.keyboard('Writer W.');
    await userEvent.tab();
    expect(form(element).shadowRoot!.activeElement?.getAttribute('part')).toBe('submit-button');
    await userEvent.keyboard('{Enter}');

    await expect.poll(() => text(inForm(element, '[part="status"]'))).toBe('Thank you! Your review is published.');
    expect(submitted).toHaveBeenCalledTimes(1);
    expect(submitted.mock.calls[0]![0].detail).toMatchObject({ sku: 'KETTLE', status: 'PUBLISHED' });
    document.removeEventListener('kanta-review-submitted', submitted);
    // The list reloads with the new review; the thank-you stays.
    await expect.poll(() => titles(element)).toEqual(['Boils fast']);
    expect(text(inForm(element, '[part="status"]'))).toBe('Thank you! Your review is published.');
    const written = review(element, 'Boils fast');
    expect(written.querySelector('[part="verified"]')).not.toBeNull();
    expect(text(written.querySelector('[part="meta"]'))).toContain('Writer W.');
    await expectNoAxeViolations(element);
  });

  test('validation: a missing rating, then the server refuses a blank review next to the field', async () => {
    await store.use('web:bad-writer');
    const element = await reviews((el) => (el.sku = 'KETTLE'));
    await expect.poll(() => part(element, 'write-button')).not.toBeNull();
    await userEvent.click(part(element, 'write-button')!);
    await expect.poll(() => form(element)?.shadowRoot?.querySelector('form')).toBeTruthy();

    await userEvent.click(inForm(element, '[part="submit-button"]'));
    await expect.poll(() => text(inForm(element, '#e-rating'))).toBe('Choose a rating.');
    expect(form(element).shadowRoot!.activeElement?.getAttribute('name')).toBe('rating');

    await userEvent.click(inForm(element, 'label[for="r2"]'));
    await userEvent.fill(inForm(element, '#body'), '    ');
    await userEvent.click(inForm(element, '[part="submit-button"]'));
    await expect.poll(() => text(inForm(element, '#e-body'))).toBe('Check this field. (must not be empty)');
    const body = inForm(element, '#body');
    expect(body.getAttribute('aria-invalid')).toBe('true');
    expect(body.getAttribute('aria-describedby')).toContain('e-body');
    expect(form(element).shadowRoot!.activeElement).toBe(body);
    expect(text(inForm(element, '#e-rating'))).toBe('');
    await expectNoAxeViolations(element);

    // Cancel closes the form and returns focus to the write button.
    await userEvent.click(inForm(element, '[part="cancel-button"]'));
    await expect.poll(() => element.shadowRoot!.querySelector('review-form')).toBeNull();
    expect(element.shadowRoot!.activeElement).toBe(part(element, 'write-button'));
  });

  test('the form in Finnish and in dark mode', async () => {
    await commands.emulateMedia({ colorScheme: 'dark' });
    await store.use('web:bad-writer');
    const element = await reviews((el) => {
      el.sku = 'KETTLE';
      el.locale = 'fi';
    });
    await expect.poll(() => part(element, 'write-button')).not.toBeNull();
    await userEvent.click(part(element, 'write-button')!);
    await expect.poll(() => form(element)?.shadowRoot?.querySelector('form')).toBeTruthy();
    await expect.poll(() => text(inForm(element, 'legend'))).toBe('Arvosanasi');
    const shown = text(inForm(element, 'form'));
    for (const english of [
      formEn.write,
      formEn.body,
      formEn.submit,
      formEn.cancel,
      formEn.yourRating,
      'characters',
      'out of 5',
    ]) {
      expect(shown).not.toContain(english);
    }
    await expectNoAxeViolations(element);
  });
});
