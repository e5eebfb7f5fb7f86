import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { commands, userEvent } from 'vitest/browser';
import { createKantaClient } from '../client.ts';
import { resetConfig } from '../internal/config.ts';
import { createRealStore, type RealStore, UNREACHABLE_ENDPOINT } from '../testing/real-kanta.ts';
import {
  abortable,
  deferred,
  expectNoAxeViolations,
  fakeFetch,
  graphqlResponse,
  mount,
  part,
  unmountAll,
} from '../testing/widget-testing.ts';
import './define.ts';
import type { FeedbackForm } from './feedback-form.ts';
import bs from './messages.bs.ts';
import { en, type FeedbackMessages } from './messages.en.ts';
import fi from './messages.fi.ts';
import hu from './messages.hu.ts';
import hy from './messages.hy.ts';

let store: RealStore;
const surveys: Record<string, string> = {};
let orderCount = 0;

const SURVEY = 'mutation($i: SurveyInput!) { createSurvey(input: $i) { __typename ... on Survey { id } } }';
const ORDER = `mutation($i: [OrderInput!]!) { recordOrders(input: $i) { __typename
  ... on RecordOrdersPayload { results { order { id customer { id } } } } } }`;
const RESPONSES = `query($f: SurveyResponseFilter) { surveyResponses(filter: $f, first: 10) {
  edges { node { score comment via locale orderId } } } }`;

beforeAll(async () => {
  store = await createRealStore('Kanta Café');
  for (const type of ['NPS', 'CSAT', 'CES']) {
    const data = await store.admin(SURVEY, { i: { name: `${type} survey`, type, trigger: 'AFTER_ORDER' } });
    surveys[type] = data.createSurvey.id;
  }
});

/** A new order for shopper web:<shopper>: its id and the customer's. */
async function order(shopper: string): Promise<{ orderId: string; customerId: string }> {
  const data = await store.admin(ORDER, {
    i: [
      {
        externalId: `FF-${++orderCount}-${Date.now()}`,
        channel: 'ONLINE',
        placedAt: new Date().toISOString(),
        customer: { identities: [{ source: 'web', externalId: shopper }] },
        lines: [{ sku: 'MUG-1', name: 'Mug', quantity: 1, unitPrice: 1500 }],
      },
    ],
  });
  const { order } = data.recordOrders.results[0];
  return { orderId: order.id, customerId: order.customer.id };
}

async function link(type = 'NPS', shopper = `link-${++orderCount}`, expiresInSeconds?: number) {
  const { orderId, customerId } = await order(shopper);
  const token = await store.surveyLink({ surveyId: surveys[type]!, customerId, orderId, expiresInSeconds });
  return { token, orderId };
}

async function responses(orderId: string) {
  const data = await store.admin(RESPONSES, { f: { orderId } });
  return data.surveyResponses.edges.map((edge: { node: unknown }) => edge.node);
}

function form(setup: (element: FeedbackForm) => void) {
  return mount('feedback-form', setup);
}

function radios(element: FeedbackForm): HTMLInputElement[] {
  return [...(element.shadowRoot?.querySelectorAll<HTMLInputElement>('input[type=radio]') ?? [])];
}

function text(element: Element | null): string {
  // biome-ignore lint/performance/useDomNodeTextContent: rendered text is what a visitor reads.
  return ((element as HTMLElement | null)?.innerText ?? '').replace(/\s+/g, ' ').trim();
}

async function choose(element: FeedbackForm, score: number) {
  const radio = radios(element).find((input) => input.value === String(score))!;
  // The (transparent) radio covers its box: a real click lands on it.
  await userEvent.click(radio);
  await element.updateComplete;
}

/** Waits for the thank-you state (a real round trip to the server). */
async function thanked(element: FeedbackForm) {
  await expect.poll(() => part(element, 'thanks'), { timeout: 5_000 }).not.toBeNull();
}

afterEach(async () => {
  unmountAll();
  resetConfig();
  localStorage.clear();
  await commands.emulateMedia({ colorScheme: null });
});

describe('<feedback-form>', () => {
  test('NPS through a signed link: question, 0–10 scale, comment, thanks; stored on the server', async () => {
    await store.use();
    const { token, orderId } = await link('NPS');
    const submitted = vi.fn();
    document.addEventListener('kanta-submit', submitted);
    const element = await form((el) => {
      el.type = 'nps';
      el.token = token;
    });
    await expect
      .poll(() => text(part(element, 'question')))
      .toBe('How likely are you to recommend Kanta Café to a friend?');
    expect(radios(element).map((input) => input.value)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
    ]);
    expect(text(part(element, 'scale-labels'))).toBe('Not at all likely Extremely likely');
    expect(element.shadowRoot?.querySelector('fieldset legend')).toBe(part(element, 'question'));
    expect(part(element, 'comment')).toBeNull();
    await expectNoAxeViolations(element);

    await choose(element, 3);
    expect(text(part(element, 'comment-label'))).toBe(en.bad);
    await choose(element, 8);
    expect(text(part(element, 'comment-label'))).toBe(en.mid);
    await choose(element, 10);
    expect(text(part(element, 'comment-label'))).toBe(en.good);
    await expectNoAxeViolations(element);

    await userEvent.fill(part(element, 'comment')!, 'Lovely mugs');
    await userEvent.click(part(element, 'submit-button')!);
    await thanked(element);
    expect(element.shadowRoot?.activeElement).toBe(part(element, 'thanks'));
    expect(part(element, 'thanks')?.closest('[role=status]')).not.toBeNull();
    expect(submitted).toHaveBeenCalledTimes(1);
    expect(submitted.mock.calls[0]![0].detail).toEqual({ type: 'nps', score: 10 });
    expect(await responses(orderId)).toEqual([
      { score: 10, comment: 'Lovely mugs', via: 'LINK', locale: 'en', orderId },
    ]);
    expect(localStorage.length).toBe(0);
    await expectNoAxeViolations(element);
    document.removeEventListener('kanta-submit', submitted);
  });

  test('CSAT 1–5 and CES 1–7 render their scales and end labels; store-name and question attributes', async () => {
    await store.use();
    const csat = await form((el) => {
      el.type = 'csat';
      el.token = 'x';
    });
    expect(radios(csat).map((input) => input.value)).toEqual(['1', '2', '3', '4', '5']);
    expect(text(part(csat, 'question'))).toBe(en.csat);
    expect(text(part(csat, 'scale-labels'))).toBe('Very dissatisfied Very satisfied');
    await expectNoAxeViolations(csat);

    const ces = await form((el) => {
      el.type = 'ces';
      el.token = 'x';
      el.question = 'Was checkout easy?';
    });
    expect(radios(ces).map((input) => input.value)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(text(part(ces, 'question'))).toBe('Was checkout easy?');
    // CES: lower is better, so 1 is happy and 7 unhappy.
    await choose(ces, 1);
    expect(text(part(ces, 'comment-label'))).toBe(en.good);
    await choose(ces, 6);
    expect(text(part(ces, 'comment-label'))).toBe(en.bad);

    const nps = await form((el) => {
      el.token = 'x';
      el.storeName = 'Mökki';
    });
    expect(text(part(nps, 'question'))).toBe('How likely are you to recommend Mökki to a friend?');
  });

  test('keyboard: Tab into the group, arrows pick a score, Tab to the comment and the button, Enter sends', async () => {
    await store.use();
    const { token, orderId } = await link('CSAT');
    const before = document.createElement('button');
    before.textContent = 'before';
    document.body.prepend(before);
    const element = await form((el) => {
      el.type = 'csat';
      el.token = token;
    });
    before.focus();
    await userEvent.tab();
    const first = radios(element)[0]!;
    expect(element.shadowRoot?.activeElement).toBe(first);
    // Focus on a radio is visible.
    expect(getComputedStyle(first.nextElementSibling!).outlineStyle).toBe('solid');
    await userEvent.keyboard('{ArrowRight}');
    await userEvent.keyboard('{ArrowRight}');
    await userEvent.keyboard('{ArrowRight}');
    await element.updateComplete;
    expect(element.shadowRoot?.activeElement).toBe(radios(element)[3]);
    expect(radios(element)[3]?.checked).toBe(true);
    await userEvent.tab();
    expect(element.shadowRoot?.activeElement).toBe(part(element, 'comment'));
    await userEvent.keyboard('Quick delivery');
    await userEvent.tab();
    expect(element.shadowRoot?.activeElement).toBe(part(element, 'submit-button'));
    await userEvent.keyboard('{Enter}');
    await thanked(element);
    expect(await responses(orderId)).toEqual([
      { score: 4, comment: 'Quick delivery', via: 'LINK', locale: 'en', orderId },
    ]);
    before.remove();
  });

  test('sending: a busy live region says so and the button is inert until the answer is stored', async () => {
    const response = deferred<Response>();
    const api = fakeFetch((request) => abortable(response.promise, request.signal));
    const element = await form((el) => {
      el.token = 'signed-link';
      el.client = createKantaClient({ endpoint: '/graphql', publishableKey: 'pk', fetch: api.fetch });
      el.storeName = 'Mökki';
    });
    await choose(element, 6);
    await userEvent.click(part(element, 'submit-button')!);
    await element.updateComplete;
    expect(part(element, 'status')?.getAttribute('aria-busy')).toBe('true');
    expect(text(part(element, 'status'))).toBe(en.sending);
    expect(part(element, 'submit-button')?.getAttribute('aria-disabled')).toBe('true');
    part<HTMLButtonElement>(element, 'submit-button')?.click();
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.body).toMatchObject({
      documentId: expect.stringMatching(/^KantaSubmitSurveyLink:/),
      variables: { token: 'signed-link', score: 6, locale: 'en' },
    });
    await expectNoAxeViolations(element);
    response.resolve(
      graphqlResponse({
        data: { submitSurveyResponseWithToken: { __typename: 'SurveyAnswerPayload', thankYou: 'Kiitos, Mökki!' } },
      }),
    );
    await thanked(element);
    expect(text(part(element, 'thanks'))).toBe('Kiitos, Mökki!');
  });

  test('validation: an InvalidInputError about the comment is shown next to the comment', async () => {
    await store.use();
    const data = await store.admin(SURVEY, {
      i: { name: 'No comments', type: 'NPS', trigger: 'AFTER_ORDER', allowComment: false },
    });
    const { orderId, customerId } = await order('quiet');
    const token = await store.surveyLink({ surveyId: data.createSurvey.id, customerId, orderId });
    const element = await form((el) => {
      el.token = token;
    });
    await choose(element, 8);
    await userEvent.fill(part(element, 'comment')!, 'A comment');
    await userEvent.click(part(element, 'submit-button')!);
    await expect.poll(() => text(part(element, 'field-error')), { timeout: 5_000 }).toBe(en.commentError);
    const comment = part(element, 'comment')!;
    expect(comment.getAttribute('aria-invalid')).toBe('true');
    expect(comment.getAttribute('aria-describedby')).toBe(part(element, 'field-error')?.id);
    expect(localStorage.length).toBe(0);
    await expectNoAxeViolations(element);

    await userEvent.clear(comment);
    await userEvent.click(part(element, 'submit-button')!);
    await thanked(element);
    expect(await responses(orderId)).toEqual([{ score: 8, comment: null, via: 'LINK', locale: 'en', orderId }]);
  });

  test('option targets are at least 24×24 px', async () => {
    await store.use();
    const element = await form((el) => {
      el.token = 'x';
    });
    const box = part(element, 'option')!.getBoundingClientRect();
    expect(box.width).toBeGreaterThanOrEqual(24);
    expect(box.height).toBeGreaterThanOrEqual(24);
  });

  test('inline for a signed-in shopper: survey-id and order-id with a customer token', async () => {
    const { orderId } = await order('aino');
    await store.use('web:aino');
    const element = await form((el) => {
      el.type = 'ces';
      el.surveyId = surveys.CES;
      el.orderId = orderId;
      el.locale = 'fi';
    });
    await expect.poll(() => text(part(element, 'question'))).toBe(fi.ces);
    await choose(element, 2);
    await userEvent.click(part(element, 'submit-button')!);
    await thanked(element);
    expect(text(part(element, 'thanks'))).toBe(fi.thanks);
    expect(await responses(orderId)).toEqual([{ score: 2, comment: null, via: 'SHOPPER', locale: 'fi', orderId }]);
    await expectNoAxeViolations(element);
  });

  test('unavailable: without token or survey-id, or signed out in inline mode, explains quietly', async () => {
    await store.use();
    const none = await form(() => {});
    expect(text(part(none, 'unavailable'))).toBe(en.unavailable);
    expect(part(none, 'form')).toBeNull();
    await expectNoAxeViolations(none);

    const signedOut = await form((el) => {
      el.surveyId = surveys.NPS;
    });
    expect(text(part(signedOut, 'unavailable'))).toBe(en.signIn);
    await expectNoAxeViolations(signedOut);

    resetConfig();
    const unconfigured = await form((el) => {
      el.token = 'x';
    });
    expect(text(part(unconfigured, 'unavailable'))).toBe(en.unavailable);
  });

  test('link errors: expired, invalid and already answered show a clear message, no retry', async () => {
    await store.use();
    const expired = await link('NPS', undefined, -60);
    const cases: [string, string][] = [
      [expired.token, en.expired],
      ['not-a-real-token', en.invalid],
    ];
    for (const [token, message] of cases) {
      const element = await form((el) => {
        el.token = token;
      });
      await choose(element, 5);
      await userEvent.click(part(element, 'submit-button')!);
      await expect.poll(() => text(part(element, 'unavailable'))).toBe(message);
      expect(part(element, 'retry-button')).toBeNull();
      expect(part(element, 'status')?.getAttribute('role')).toBe('status');
      expect(localStorage.length).toBe(0);
      await expectNoAxeViolations(element);
    }
  });

  test('already answered after the edit window: "already answered"', async () => {
    await store.use();
    const { token } = await link('NPS');
    await store.admin('mutation { updateFeedbackSettings(input: { responseEditMinutes: 0 }) { __typename } }');
    try {
      const first = await form((el) => {
        el.token = token;
      });
      await choose(first, 9);
      await userEvent.click(part(first, 'submit-button')!);
      await thanked(first);
      const second = await form((el) => {
        el.token = token;
      });
      await choose(second, 2);
      await userEvent.click(part(second, 'submit-button')!);
      await expect.poll(() => text(part(second, 'unavailable'))).toBe(en.answered);
    } finally {
      await store.admin('mutation { updateFeedbackSettings(input: { responseEditMinutes: 60 }) { __typename } }');
    }
  });

  test('a failed send is kept, shown with Retry, and stored once after retrying', async () => {
    const { token, orderId } = await link('NPS');
    await store.use();
    const element = await form((el) => {
      el.token = token;
      el.endpoint = UNREACHABLE_ENDPOINT;
    });
    await choose(element, 7);
    await userEvent.fill(part(element, 'comment')!, 'Slow');
    await userEvent.click(part(element, 'submit-button')!);
    await expect.poll(() => part(element, 'retry-button'), { timeout: 10_000 }).not.toBeNull();
    expect(text(part(element, 'error'))).toContain(en.failed);
    expect(radios(element)[7]?.checked).toBe(true);
    expect((part(element, 'comment') as HTMLTextAreaElement).value).toBe('Slow');
    expect(JSON.parse(localStorage.getItem(`kanta-feedback:${token}`)!)).toEqual({ score: 7, comment: 'Slow' });
    await expectNoAxeViolations(element);

    element.endpoint = store.endpoint;
    await element.updateComplete;
    await userEvent.click(part(element, 'retry-button')!);
    await thanked(element);
    expect(await responses(orderId)).toEqual([{ score: 7, comment: 'Slow', via: 'LINK', locale: 'en', orderId }]);
    expect(localStorage.getItem(`kanta-feedback:${token}`)).toBeNull();
  });

  test('a kept answer is sent when the browser goes online, and when the form loads again', async () => {
    const { token, orderId } = await link('CSAT');
    await store.use();
    const element = await form((el) => {
      el.type = 'csat';
      el.token = token;
      el.endpoint = UNREACHABLE_ENDPOINT;
    });
    await choose(element, 2);
    await userEvent.click(part(element, 'submit-button')!);
    await expect.poll(() => part(element, 'retry-button'), { timeout: 10_000 }).not.toBeNull();
    element.endpoint = store.endpoint;
    window.dispatchEvent(new Event('online'));
    await thanked(element);
    expect(await responses(orderId)).toEqual([{ score: 2, comment: null, via: 'LINK', locale: 'en', orderId }]);

    // A page closed while offline: the stored answer goes out when the form loads again.
    const later = await link('CES');
    localStorage.setItem(`kanta-feedback:${later.token}`, JSON.stringify({ score: 6, comment: 'Hard' }));
    const reloaded = await form((el) => {
      el.type = 'ces';
      el.token = later.token;
    });
    await thanked(reloaded);
    expect(await responses(later.orderId)).toEqual([
      { score: 6, comment: 'Hard', via: 'LINK', locale: 'en', orderId: later.orderId },
    ]);
    expect(localStorage.length).toBe(0);
  });

  test('sending twice about the same order is safe: the server edits the answer', async () => {
    const { token, orderId } = await link('NPS');
    await store.use();
    for (const score of [4, 9]) {
      const element = await form((el) => {
        el.token = token;
      });
      await choose(element, score);
      await userEvent.click(part(element, 'submit-button')!);
      await thanked(element);
    }
    expect(await responses(orderId)).toEqual([{ score: 9, comment: null, via: 'LINK', locale: 'en', orderId }]);
  });

  const locales: [string, FeedbackMessages][] = [
    ['fi', fi],
    ['hu', hu],
    ['bs', bs],
    ['hy', hy],
  ];
  test.each(locales)('locale %s: form, comment, error and thanks without English', async (locale, t) => {
    await store.use();
    const { token } = await link('NPS');
    const element = await form((el) => {
      el.token = token;
      el.locale = locale;
      el.storeName = 'Kanta Café';
    });
    await expect.poll(() => text(part(element, 'question'))).toBe(t.npsStore.replace('{store}', 'Kanta Café'));
    await choose(element, 9);
    expect(part(element, 'form')?.getAttribute('lang')).toBe(locale);
    const englishWords = /\b(the|you|your|to|likely|send|optional)\b/i;
    expect(text(part(element, 'form'))).not.toMatch(englishWords);
    expect(text(part(element, 'comment-label'))).toBe(t.good);
    await expectNoAxeViolations(element);

    element.endpoint = UNREACHABLE_ENDPOINT;
    await element.updateComplete;
    await userEvent.click(part(element, 'submit-button')!);
    await expect.poll(() => part(element, 'retry-button'), { timeout: 10_000 }).not.toBeNull();
    expect(text(part(element, 'status'))).not.toMatch(englishWords);
    await expectNoAxeViolations(element);

    element.endpoint = store.endpoint;
    await userEvent.click(part(element, 'retry-button')!);
    await thanked(element);
    expect(text(part(element, 'thanks'))).not.toMatch(englishWords);
  });

  test('locale: the invalid link and unavailable messages are translated', async () => {
    await store.use();
    const element = await form((el) => {
      el.locale = 'hu';
    });
    await expect.poll(() => text(part(element, 'unavailable'))).toBe(hu.unavailable);
  });

  test('dark mode: palette switches, every state passes axe', async () => {
    await commands.emulateMedia({ colorScheme: 'dark' });
    await store.use();
    const { token } = await link('CSAT');
    const element = await form((el) => {
      el.type = 'csat';
      el.token = token;
    });
    await choose(element, 5);
    const option = radios(element)[4]!.nextElementSibling!;
    expect(getComputedStyle(option).backgroundColor).toBe('rgb(142, 197, 255)');
    await expectNoAxeViolations(element);
    element.endpoint = UNREACHABLE_ENDPOINT;
    await userEvent.click(part(element, 'submit-button')!);
    await expect.poll(() => part(element, 'retry-button'), { timeout: 10_000 }).not.toBeNull();
    await expectNoAxeViolations(element);
    element.endpoint = store.endpoint;
    await userEvent.click(part(element, 'retry-button')!);
    await thanked(element);
    await expectNoAxeViolations(element);
    const none = await form(() => {});
    await expectNoAxeViolations(none);
  });

  test('theming: --kanta-* custom properties and ::part() reach inside', async () => {
    await store.use();
    const style = document.createElement('style');
    style.textContent = `
      .themed { --kanta-color-accent: rgb(120, 20, 60); --kanta-feedback-option-size: 40px; }
      .themed::part(submit-button) { text-transform: uppercase; }
      .themed::part(scale) { gap: 7px; }
    `;
    document.head.append(style);
    const element = await form((el) => {
      el.token = 'x';
      el.classList.add('themed');
    });
    await choose(element, 10);
    const option = radios(element)[10]!.nextElementSibling!;
    expect(getComputedStyle(option).backgroundColor).toBe('rgb(120, 20, 60)');
    expect(getComputedStyle(option).minWidth).toBe('40px');
    expect(getComputedStyle(part(element, 'scale')!).columnGap).toBe('7px');
    expect(getComputedStyle(part(element, 'submit-button')!).textTransform).toBe('uppercase');
    style.remove();
  });
});
