import { html } from 'lit';
import { afterEach, describe, expect, test } from 'vitest';
import { KantaStorefront } from '../generated/operations.ts';
import { fakeFetch, graphqlResponse, mount, unmountAll } from '../testing/widget-testing.ts';
import { configure, resetConfig, setCustomerToken } from './config.ts';
import { KantaElement } from './kanta-element.ts';

class TestKantaElement extends KantaElement {
  override render() {
    return html`<button @click=${() => this.emit('poke', { times: 1 })}>${this.messages.retry}</button>
      <output>${this.kantaClient ? 'configured' : 'unconfigured'}</output>`;
  }

  query() {
    const api = this.api;
    if (!api) throw new Error('no client');
    return api.query(KantaStorefront, {}, new AbortController().signal);
  }
}
customElements.define('test-kanta-element', TestKantaElement);

declare global {
  interface HTMLElementTagNameMap {
    'test-kanta-element': TestKantaElement;
  }
}

const shadowText = (element: Element, selector: string) => element.shadowRoot?.querySelector(selector)?.textContent;

afterEach(() => {
  unmountAll();
  resetConfig();
});

describe('KantaElement', () => {
  test('emit() dispatches a prefixed event that bubbles out of the shadow root', async () => {
    const element = await mount('test-kanta-element');
    const received: CustomEvent[] = [];
    const listener = (event: Event) => received.push(event as CustomEvent);
    document.addEventListener('kanta-poke', listener);

    element.shadowRoot?.querySelector('button')?.click();
    document.removeEventListener('kanta-poke', listener);

    expect(received).toHaveLength(1);
    expect(received[0]?.detail).toEqual({ times: 1 });
    // Retargeted: the host page sees the widget, not its internals.
    expect(received[0]?.target).toBe(element);
    expect(received[0]?.composed).toBe(true);
  });

  test('endpoint and key default to the page-wide configuration, with the customer token read per request', async () => {
    const api = fakeFetch(() => graphqlResponse({ data: { storefront: { name: 'Shop' } } }));
    const element = await mount('test-kanta-element');
    expect(shadowText(element, 'output')).toBe('unconfigured');

    configure({ endpoint: 'https://kanta.test/graphql', key: 'pk_page', fetch: api.fetch });
    await element.updateComplete;
    expect(shadowText(element, 'output')).toBe('configured');

    await element.query();
    setCustomerToken('ct_1');
    await element.query();

    expect(api.requests.map((request) => request.url)).toEqual([
      'https://kanta.test/graphql',
      'https://kanta.test/graphql',
    ]);
    expect(api.requests.map((request) => request.headers.get('authorization'))).toEqual([
      'Bearer pk_page',
      'Bearer pk_page',
    ]);
    expect(api.requests.map((request) => request.headers.get('x-kanta-customer'))).toEqual([null, 'ct_1']);
  });

  test('endpoint and key attributes override the page-wide configuration', async () => {
    const api = fakeFetch(() => graphqlResponse({ data: { storefront: null } }));
    configure({ endpoint: 'https://page.test/graphql', key: 'pk_page', fetch: api.fetch });
    const element = await mount('test-kanta-element', (created) => {
      created.setAttribute('endpoint', 'https://other.test/graphql');
      created.setAttribute('key', 'pk_element');
    });

    await element.query();

    expect(api.requests[0]?.url).toBe('https://other.test/graphql');
    expect(api.requests[0]?.headers.get('authorization')).toBe('Bearer pk_element');
  });

  test('finds the nearest lang across shadow roots, then <html lang>, then English', async () => {
    const host = document.createElement('div');
    host.lang = 'bs';
    document.body.append(host);
    const shadow = host.attachShadow({ mode: 'open' });
    const inner = await mount('test-kanta-element', () => {}, shadow);
    const outer = await mount('test-kanta-element');

    expect(inner.resolvedLocale).toBe('bs');
    expect(shadowText(inner, 'button')).toBe('Pokušajte ponovo');

    const pageLang = document.documentElement.getAttribute('lang');
    document.documentElement.lang = 'fi';
    await expect.poll(() => shadowText(outer, 'button')).toBe('Yritä uudelleen');
    document.documentElement.removeAttribute('lang');
    await expect.poll(() => shadowText(outer, 'button')).toBe('Try again');
    if (pageLang !== null) document.documentElement.setAttribute('lang', pageLang);
    host.remove();
  });
});
