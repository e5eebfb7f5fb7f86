/**
 * Page-wide defaults shared by every widget on the page: set from the loader
 * script's data attributes, by `kanta.configure()`, or in tests.
 */
export interface KantaConfig {
  endpoint?: string;
  /** Publishable key (`pk_...`). */
  key?: string;
  customerToken?: string;
  /** Replacement for `globalThis.fetch` (tests, proxies). */
  fetch?: typeof fetch;
}

type Listener = () => void;

let current: Readonly<KantaConfig> = {};
const listeners = new Set<Listener>();

export function getConfig(): Readonly<KantaConfig> {
  return current;
}

/** Merges `changes` into the page-wide configuration and updates connected widgets. */
export function configure(changes: KantaConfig): void {
  current = { ...current, ...changes };
  for (const listener of listeners) listener();
}

/** Sets (or with `undefined`, clears) the signed-in customer's token. */
export function setCustomerToken(token: string | undefined): void {
  configure({ customerToken: token });
}

/** Restores an empty configuration; for tests. */
export function resetConfig(): void {
  current = {};
  for (const listener of listeners) listener();
}

export function onConfigChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
