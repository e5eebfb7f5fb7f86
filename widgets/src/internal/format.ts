/**
 * Numbers, money and dates in the widget's locale, through `Intl` (no
 * locale data ships with the widgets). Formatters are cached per locale:
 * constructing one costs far more than using it.
 */
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  key: string,
  create: () => T,
): T {
  let formatter = cache.get(key) as T | undefined;
  if (!formatter) {
    formatter = create();
    cache.set(key, formatter);
  }
  return formatter;
}

/** 1 234 (fi), 1,234 (en), 1 234 (hu)… */
export function formatNumber(locale: string, value: number, maximumFractionDigits = 0): string {
  return cached(
    `n|${locale}|${maximumFractionDigits}`,
    () => new Intl.NumberFormat(locale, { maximumFractionDigits }),
  ).format(value);
}

/** A rating average such as 4.3 / 4,3 (always one decimal). */
export function formatRating(locale: string, value: number): string {
  return cached(
    `r|${locale}`,
    () => new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
  ).format(value);
}

/** Money from minor units (cents), e.g. 1490 EUR → "14,90 €" in fi. */
export function formatMoney(locale: string, minorUnits: number, currency: string): string {
  try {
    const formatter = cached(
      `m|${locale}|${currency}`,
      () => new Intl.NumberFormat(locale, { style: 'currency', currency }),
    );
    const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
    return formatter.format(minorUnits / 10 ** digits);
  } catch {
    // An unknown currency code: show the amount with the code rather than nothing.
    return `${formatNumber(locale, minorUnits / 100, 2)} ${currency}`;
  }
}

/** A date such as "2 Dec 2026" / "2.12.2026", from an ISO string or Date. */
export function formatDate(locale: string, value: string | Date): string {
  return cached(`d|${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' })).format(new Date(value));
}

/** "3 days ago" / "3 päivää sitten", rounded to the largest sensible unit. */
export function formatRelative(locale: string, value: string | Date, now: Date = new Date()): string {
  const seconds = (new Date(value).getTime() - now.getTime()) / 1000;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['week', 604_800],
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  const formatter = cached(`t|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return formatter.format(Math.round(seconds / size), unit);
  }
  return formatter.format(0, 'minute');
}
