import { bs } from './bs.ts';
import { en } from './en.ts';
import { fi } from './fi.ts';
import { hu } from './hu.ts';
import { hy } from './hy.ts';
import type { Messages } from './messages.ts';

// All catalogues are bundled: together they are a few hundred bytes gzipped,
// far less than the round trip a lazily loaded catalogue would cost.
export const catalogues = { en, fi, hu, bs, hy } satisfies Record<string, Messages>;

export type Locale = keyof typeof catalogues;

export const supportedLocales = Object.keys(catalogues) as Locale[];

export const defaultLocale: Locale = 'en';

/**
 * Maps a BCP 47 tag to a supported locale by its language subtag
 * (`fi-FI` -> `fi`), or `undefined` when Kanta has no catalogue for it.
 */
export function matchLocale(tag: string | null | undefined): Locale | undefined {
  const language = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return language && Object.hasOwn(catalogues, language) ? (language as Locale) : undefined;
}

export function messagesFor(locale: Locale): Messages {
  return catalogues[locale];
}
