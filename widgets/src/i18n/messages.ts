/**
 * Strings every widget shares, bundled in all five locales (a few bytes
 * each). A widget's own strings live in its folder (`messages.<locale>.ts`,
 * loaded through `Localize`). Each locale's catalogue is typed `Messages`,
 * so a missing (or misspelt extra) key fails the type check.
 */
export interface Messages {
  /** Button that loads again after an error. */
  retry: string;
}
