/**
 * Defines a custom element once: a page may load kanta.js and a standalone
 * widget build (or the ES and classic builds) together, and a second
 * `define()` of the same tag would throw.
 */
export function defineOnce(tag: string, elementClass: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, elementClass);
}

const lazy = new Map<string, () => Promise<unknown>>();
let observer: MutationObserver | undefined;

/**
 * Registers `tag` without loading its code: the module `load` imports (which
 * must call `defineOnce(tag, …)`) is fetched the first time such an element is
 * in the page, or when `loadLazy(tag)` asks for it (e.g. a button opening a
 * panel). Until then the element is an unknown element and renders nothing.
 */
export function defineLazy(tag: string, load: () => Promise<unknown>): void {
  if (customElements.get(tag) || lazy.has(tag)) return;
  lazy.set(tag, load);
  if (document.getElementsByTagName(tag).length > 0) {
    void loadLazy(tag);
    return;
  }
  observer ??= new MutationObserver(() => {
    for (const name of lazy.keys()) if (document.getElementsByTagName(name).length > 0) void loadLazy(name);
    if (lazy.size === 0) {
      observer?.disconnect();
      observer = undefined;
    }
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
}

/** Loads a `defineLazy` element now; resolves once it is defined. */
export async function loadLazy(tag: string): Promise<CustomElementConstructor> {
  const load = lazy.get(tag);
  if (load) {
    lazy.delete(tag);
    await load();
  }
  return customElements.whenDefined(tag);
}
