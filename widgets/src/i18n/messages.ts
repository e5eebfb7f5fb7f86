/**
 * Every user-visible string of every widget. Each locale's catalogue is typed
 * `Messages`, so a missing (or misspelt extra) key fails the type check.
 */
export interface Messages {
  /** Badge text before the store name ("Powered by Kanta"). Kanta is a brand: do not translate it. */
  poweredBy: string;
  /** Shown while the store's details load. */
  storeLoading: string;
  /** Shown when the store's details could not be loaded. */
  storeLoadError: string;
  /** Button that loads again after an error. */
  retry: string;
}
