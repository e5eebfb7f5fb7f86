import type { Client } from '@urql/core';
import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { createKantaClient } from '../client.ts';
import { defaultLocale, type Locale, matchLocale, messagesFor } from '../i18n/locales.ts';
import type { Messages } from '../i18n/messages.ts';
import { KantaApi } from './api.ts';
import { getConfig, onConfigChange } from './config.ts';

/**
 * Base class of every Kanta widget: where the API is, which key to use, which
 * language to speak, and how to tell the host page about user actions.
 */
export abstract class KantaElement extends LitElement {
  /** GraphQL endpoint URL. Defaults to the loader script's `data-endpoint`. */
  @property() endpoint?: string;

  /** Publishable key (`pk_...`). Defaults to the loader script's `data-key`. */
  @property() key?: string;

  /**
   * Language of the widget (`en`, `fi`, `hu`, `bs`, `hy`; region subtags are
   * ignored). Defaults to the nearest `lang` attribute, then English.
   */
  @property() locale?: string;

  /**
   * Signed token of the signed-in shopper, from the store's back end. Defaults
   * to the page-wide token (`kanta.setCustomerToken()` or the loader script's
   * `data-customer-token`). An empty attribute means "signed out" here.
   */
  @property({ attribute: 'customer-token' }) customerToken?: string;

  /** A ready client to use instead of one built from `endpoint` and `key` (tests, custom exchanges). */
  @property({ attribute: false }) client?: Client;

  private stopListening?: () => void;

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-render when kanta.configure() runs or a `lang` attribute changes,
    // since both feed the getters below.
    this.stopListening = onConfigChange(() => this.requestUpdate());
    watchLang(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopListening?.();
    unwatchLang(this);
  }

  /** The locale actually used: the first supported of `locale`, the nearest `lang`, English. */
  get resolvedLocale(): Locale {
    return matchLocale(this.locale) ?? matchLocale(nearestLang(this)) ?? defaultLocale;
  }

  protected get messages(): Messages {
    return messagesFor(this.resolvedLocale);
  }

  /** The client to query with, or `undefined` when no endpoint or key is configured. */
  protected get kantaClient(): Client | undefined {
    if (this.client) return this.client;
    const config = getConfig();
    const endpoint = this.endpoint ?? config.endpoint;
    const key = this.key ?? config.key;
    if (!endpoint || !key) return undefined;
    return sharedClient(endpoint, key, config.fetch, this.customerToken);
  }

  /** Persisted operations over `kantaClient`, or `undefined` when no endpoint or key is configured. */
  protected get api(): KantaApi | undefined {
    const client = this.kantaClient;
    if (!client) return undefined;
    let api = apis.get(client);
    if (!api) {
      api = new KantaApi(client);
      apis.set(client, api);
    }
    return api;
  }

  /** Whether a shopper is signed in for this widget (a customer token is set). */
  get signedIn(): boolean {
    return Boolean(this.customerToken ?? getConfig().customerToken);
  }

  /**
   * Dispatches `kanta-<name>`, bubbling and composed so the host page can
   * listen on any ancestor or on `document`. Returns false if a listener
   * called `preventDefault()` on a cancelable event.
   */
  protected emit<Detail>(name: string, detail: Detail, options: { cancelable?: boolean } = {}): boolean {
    return this.dispatchEvent(
      new CustomEvent(`kanta-${name}`, {
        detail,
        bubbles: true,
        composed: true,
        cancelable: options.cancelable ?? false,
      }),
    );
  }
}

// One client per endpoint and key, shared by all widgets on the page so that
// identical in-flight queries are deduplicated. The customer token is read at
// request time, so setCustomerToken() needs no new client.
// A widget with its own `customer-token` attribute gets a client of its own.
const clients = new Map<string, { fetch: typeof fetch | undefined; client: Client }>();
const apis = new WeakMap<Client, KantaApi>();

function sharedClient(
  endpoint: string,
  key: string,
  fetchOverride: typeof fetch | undefined,
  tokenOverride: string | undefined,
): Client {
  const cacheKey = `${endpoint}\n${key}\n${tokenOverride ?? ''}`;
  const cached = clients.get(cacheKey);
  if (cached && cached.fetch === fetchOverride) return cached.client;
  const client = createKantaClient({
    endpoint,
    publishableKey: key,
    customerToken: tokenOverride !== undefined ? tokenOverride || undefined : () => getConfig().customerToken,
    fetch: fetchOverride,
  });
  clients.set(cacheKey, { fetch: fetchOverride, client });
  return client;
}

/** The nearest `lang` attribute, looking through shadow roots into the host page. */
function nearestLang(element: Element): string | undefined {
  let node: Element | null = element;
  while (node) {
    const withLang = node.closest('[lang]');
    if (withLang) return withLang.getAttribute('lang') ?? undefined;
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return undefined;
}

// One observer for the whole page rather than one per widget: `lang` changes
// are rare, and re-rendering a few small widgets then is cheap.
const langWatchers = new Set<KantaElement>();
let langObserver: MutationObserver | undefined;

function watchLang(element: KantaElement): void {
  langWatchers.add(element);
  if (langObserver) return;
  langObserver = new MutationObserver(() => {
    for (const watcher of langWatchers) watcher.requestUpdate();
  });
  langObserver.observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['lang'],
    subtree: true,
  });
}

function unwatchLang(element: KantaElement): void {
  langWatchers.delete(element);
  if (langWatchers.size > 0 || !langObserver) return;
  langObserver.disconnect();
  langObserver = undefined;
}
