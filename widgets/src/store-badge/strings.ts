import type { Locale } from '../i18n/locales.ts';

/** The store badge's strings, all five locales bundled (the badge ships only in kanta.js). */
export interface StoreBadgeMessages {
  /** Badge text before the store name ("Powered by Kanta"). Kanta is a brand: do not translate it. */
  poweredBy: string;
  /** Shown while the store's details load. */
  storeLoading: string;
  /** Shown when the store's details could not be loaded. */
  storeLoadError: string;
}

export const storeBadgeMessages: Record<Locale, StoreBadgeMessages> = {
  en: {
    poweredBy: 'Powered by Kanta',
    storeLoading: 'Loading store…',
    storeLoadError: 'Store details could not be loaded.',
  },
  fi: {
    poweredBy: 'Palvelun tarjoaa Kanta',
    storeLoading: 'Ladataan kauppaa…',
    storeLoadError: 'Kaupan tietoja ei voitu ladata.',
  },
  hu: {
    poweredBy: 'A Kanta támogatásával',
    storeLoading: 'Bolt betöltése…',
    storeLoadError: 'A bolt adatait nem sikerült betölteni.',
  },
  bs: {
    poweredBy: 'Pokreće Kanta',
    storeLoading: 'Učitavanje trgovine…',
    storeLoadError: 'Nije moguće učitati podatke o trgovini.',
  },
  hy: {
    poweredBy: 'Աշխատում է Kanta-ի միջոցով',
    storeLoading: 'Խանութը բեռնվում է…',
    storeLoadError: 'Չհաջողվեց բեռնել խանութի տվյալները։',
  },
};
