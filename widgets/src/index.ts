/**
 * Entry point of kanta.js: registers every widget and reads the page-wide
 * configuration from the loader script:
 *
 * ```html
 * <script type="module" src="https://kanta.example/widgets/kanta.js"
 *   data-endpoint="https://kanta.example/graphql" data-key="pk_..."></script>
 * ```
 */
import { createKantaClient } from './client.ts';
import { configure, setCustomerToken } from './internal/config.ts';
import { KantaElement } from './internal/kanta-element.ts';
import './store-badge/define.ts';
import { KantaStoreBadge } from './store-badge/store-badge.ts';

export type { KantaClientOptions } from './client.ts';
export type { KantaConfig } from './internal/config.ts';
export type { Storefront } from './store-badge/store-badge.ts';
export { configure, createKantaClient, KantaElement, KantaStoreBadge, setCustomerToken };

// Captured while the script first runs: classic scripts (kanta.iife.js) have
// `document.currentScript` only now, module scripts never have it.
const loaderScript = findLoaderScript();
if (loaderScript) configureFromScript(loaderScript);

const api = { configure, setCustomerToken, KantaStoreBadge };

declare global {
  interface Window {
    /** Kanta's page-wide API, set by kanta.js. */
    kanta?: typeof api;
  }
}

// The first copy of kanta.js on a page wins: its classes are the ones defined
// as custom elements, so only its configure() reaches the widgets.
window.kanta ??= api;

function findLoaderScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  const marked = document.querySelector<HTMLScriptElement>('script[data-kanta]');
  if (marked) return marked;
  // Compare paths, not the raw attribute, so `kanta.js?v=2` also matches.
  for (const script of document.querySelectorAll<HTMLScriptElement>('script[src]')) {
    const path = safeUrl(script.src)?.pathname ?? '';
    if (path.endsWith('/kanta.js') || path.endsWith('/kanta.iife.js')) return script;
  }
  return null;
}

function configureFromScript(script: HTMLScriptElement): void {
  const { endpoint, key } = script.dataset;
  // A relative endpoint is relative to the script, not the storefront page:
  // kanta.js served from https://kanta.example/widgets/ with
  // data-endpoint="/graphql" means https://kanta.example/graphql.
  const base = script.src || document.baseURI;
  configure({
    ...(endpoint ? { endpoint: safeUrl(endpoint, base)?.href ?? endpoint } : {}),
    ...(key ? { key } : {}),
  });
}

function safeUrl(url: string, base?: string): URL | undefined {
  try {
    return new URL(url, base);
  } catch {
    return undefined;
  }
}
