import type { SurveyType } from './scores.ts';

/**
 * The texts a survey shows when the retailer has not written its own, in the shipped locales.
 * `lowLabel` / `highLabel` name the ends of the scale: NPS 0 … 10, CSAT 1 … 5, CES 1 … 7 — CES
 * runs from "very easy" (1) to "very difficult" (7), matching its case threshold (≥ 5 is unhappy).
 */

export interface SurveyTextSet {
  /** The question above the scale. */
  question: string;
  /** The prompt above the optional comment box. */
  followUp: string;
  /** Shown after answering. */
  thankYou: string;
  lowLabel: string;
  highLabel: string;
}

export const DEFAULT_LOCALE = 'en';
export const SHIPPED_LOCALES = ['en', 'fi', 'hu', 'bs', 'hy'] as const;
export type ShippedLocale = (typeof SHIPPED_LOCALES)[number];

export const DEFAULT_SURVEY_TEXTS: Readonly<Record<SurveyType, Readonly<Record<ShippedLocale, SurveyTextSet>>>> = {
  NPS: {
    en: {
      question: 'How likely are you to recommend us to a friend or colleague?',
      followUp: 'What is the main reason for your score?',
      thankYou: 'Thank you for your feedback!',
      lowLabel: 'Not at all likely',
      highLabel: 'Extremely likely',
    },
    fi: {
      question: 'Kuinka todennäköisesti suosittelisit meitä ystävällesi tai kollegallesi?',
      followUp: 'Mikä on tärkein syy antamaasi arvosanaan?',
      thankYou: 'Kiitos palautteestasi!',
      lowLabel: 'Erittäin epätodennäköisesti',
      highLabel: 'Erittäin todennäköisesti',
    },
    hu: {
      question: 'Mennyire valószínű, hogy ajánlana minket egy barátjának vagy kollégájának?',
      followUp: 'Mi a fő oka az értékelésének?',
      thankYou: 'Köszönjük a visszajelzését!',
      lowLabel: 'Egyáltalán nem valószínű',
      highLabel: 'Nagyon valószínű',
    },
    bs: {
      question: 'Koliko je vjerovatno da biste nas preporučili prijatelju ili kolegi?',
      followUp: 'Koji je glavni razlog za vašu ocjenu?',
      thankYou: 'Hvala vam na povratnim informacijama!',
      lowLabel: 'Nimalo vjerovatno',
      highLabel: 'Izuzetno vjerovatno',
    },
    hy: {
      question: 'Որքա՞ն հավանական է, որ մեզ խորհուրդ կտաք ձեր ընկերոջը կամ գործընկերոջը։',
      followUp: 'Ո՞րն է ձեր գնահատականի հիմնական պատճառը։',
      thankYou: 'Շնորհակալություն ձեր կարծիքի համար։',
      lowLabel: 'Բոլորովին հավանական չէ',
      highLabel: 'Շատ հավանական է',
    },
  },
  CSAT: {
    en: {
      question: 'How satisfied are you with your experience with us?',
      followUp: 'Tell us more about your experience.',
      thankYou: 'Thank you for your feedback!',
      lowLabel: 'Very dissatisfied',
      highLabel: 'Very satisfied',
    },
    fi: {
      question: 'Kuinka tyytyväinen olet kokemukseesi kanssamme?',
      followUp: 'Kerro meille lisää kokemuksestasi.',
      thankYou: 'Kiitos palautteestasi!',
      lowLabel: 'Erittäin tyytymätön',
      highLabel: 'Erittäin tyytyväinen',
    },
    hu: {
      question: 'Mennyire elégedett a velünk szerzett tapasztalatával?',
      followUp: 'Kérjük, írja le részletesebben a tapasztalatát.',
      thankYou: 'Köszönjük a visszajelzését!',
      lowLabel: 'Nagyon elégedetlen',
      highLabel: 'Nagyon elégedett',
    },
    bs: {
      question: 'Koliko ste zadovoljni svojim iskustvom s nama?',
      followUp: 'Recite nam nešto više o svom iskustvu.',
      thankYou: 'Hvala vam na povratnim informacijama!',
      lowLabel: 'Veoma nezadovoljni',
      highLabel: 'Veoma zadovoljni',
    },
    hy: {
      question: 'Որքանո՞վ եք գոհ մեզ հետ ձեր փորձառությունից։',
      followUp: 'Պատմեք մեզ ավելին ձեր փորձառության մասին։',
      thankYou: 'Շնորհակալություն ձեր կարծիքի համար։',
      lowLabel: 'Շատ դժգոհ',
      highLabel: 'Շատ գոհ',
    },
  },
  CES: {
    en: {
      question: 'How easy or difficult was it to get what you needed?',
      followUp: 'What would have made it easier?',
      thankYou: 'Thank you for your feedback!',
      lowLabel: 'Very easy',
      highLabel: 'Very difficult',
    },
    fi: {
      question: 'Kuinka helppoa tai vaikeaa asiointi kanssamme oli?',
      followUp: 'Mikä olisi tehnyt siitä helpompaa?',
      thankYou: 'Kiitos palautteestasi!',
      lowLabel: 'Erittäin helppoa',
      highLabel: 'Erittäin vaikeaa',
    },
    hu: {
      question: 'Mennyire volt könnyű vagy nehéz elintéznie azt, amire szüksége volt?',
      followUp: 'Mi tette volna könnyebbé?',
      thankYou: 'Köszönjük a visszajelzését!',
      lowLabel: 'Nagyon könnyű',
      highLabel: 'Nagyon nehéz',
    },
    bs: {
      question: 'Koliko vam je bilo lako ili teško obaviti ono što vam je trebalo?',
      followUp: 'Šta bi vam to olakšalo?',
      thankYou: 'Hvala vam na povratnim informacijama!',
      lowLabel: 'Veoma lako',
      highLabel: 'Veoma teško',
    },
    hy: {
      question: 'Որքա՞ն հեշտ կամ դժվար էր ստանալ այն, ինչ ձեզ անհրաժեշտ էր։',
      followUp: 'Ի՞նչը կդարձներ դա ավելի հեշտ։',
      thankYou: 'Շնորհակալություն ձեր կարծիքի համար։',
      lowLabel: 'Շատ հեշտ',
      highLabel: 'Շատ դժվար',
    },
  },
};

export function isShippedLocale(locale: string): locale is ShippedLocale {
  return (SHIPPED_LOCALES as readonly string[]).includes(locale);
}

/** The default texts of `type` in `locale` (or its language, e.g. "fi-FI" → "fi"); English when not shipped. */
export function defaultSurveyTexts(
  type: SurveyType,
  locale?: string | null,
): SurveyTextSet & { locale: ShippedLocale } {
  const language = (locale ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  const chosen = isShippedLocale(language) ? language : DEFAULT_LOCALE;
  return { locale: chosen, ...DEFAULT_SURVEY_TEXTS[type][chosen] };
}
