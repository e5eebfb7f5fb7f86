/**
 * What every Kanta bundle (kanta.js, kanta.iife.js and each standalone
 * widget build) does first: read the page-wide configuration from the script
 * tag that loaded it, and offer `window.kanta` to the page:
 *
 * ```html
 * <script type="module" src="https://kanta.example/widgets/kanta.js"
 *   data-endpoint="https://kanta.example/graphql" data-key="pk_..."></script>
 * <script>kanta.setCustomerToken(tokenFromYourBackEnd)</script>
 * ```
 */
import { configure, setCustomerToken } from './config.ts';

export type { KantaConfig } from './config.ts';

const api = { configure, setCustomerToken };

declare global {
  interface Window {
    /** Kanta's page-wide API, set by kanta.js or a standalone widget build. */
    kanta?: typeof api;
  }
}

// Captured while the script first runs: classic scripts (kanta.iife.js) have
// `document.currentScript` only now, module scripts never have it.
const loaderScript = findLoaderScript();
if (loaderScript) configureFromScript(loaderScript);

// The first Kanta script on a page wins: its classes are the ones defined as
// custom elements, so only its configure() reaches the widgets.
window.kanta ??= api;

function findLoaderScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  const marked = document.querySelector<HTMLScriptElement>('script[data-kanta]');
  if (marked) return marked;
  // Compare paths, not the raw attribute, so `kanta.js?v=2` also matches.
  for (const script of document.querySelectorAll<HTMLScriptElement>('script[src]')) {
    const path = safeUrl(script.src)?.pathname ?? '';
    // kanta.js, kanta.iife.js, or a standalone build: …/standalone/<tag>.js.
    if (/\/(kanta(\.iife)?|standalone\/[\w-]+)\.js$/.test(path)) return script;
  }
  return null;
}

function configureFromScript(script: HTMLScriptElement): void {
  const { endpoint, key, customerToken } = script.dataset;
  // A relative endpoint is relative to the script, not the storefront page:
  // kanta.js served from https://kanta.example/widgets/ with
  // data-endpoint="/graphql" means https://kanta.example/graphql.
  const base = script.src || document.baseURI;
  configure({
    ...(endpoint ? { endpoint: safeUrl(endpoint, base)?.href ?? endpoint } : {}),
    ...(key ? { key } : {}),
    ...(customerToken ? { customerToken } : {}),
  });
}

function safeUrl(url: string, base?: string): URL | undefined {
  try {
    return new URL(url, base);
  } catch {
    return undefined;
  }
}
