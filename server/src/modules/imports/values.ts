/**
 * Parsing of the values found in retailers' exports: dates in the usual formats, decimal money in
 * either notation, whole quantities. Every function returns null for text it cannot read, so the
 * caller can skip the row with a reason instead of guessing.
 */

const exponents = new Map<string, number>();

/** Digits after the decimal point in `currency` (EUR 2, JPY 0, BHD 3); null for an unknown code. */
export function currencyExponent(currency: string): number | null {
  const code = currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) return null;
  let exponent = exponents.get(code);
  if (exponent === undefined) {
    try {
      exponent = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
        .maximumFractionDigits as number;
    } catch {
      return null;
    }
    exponents.set(code, exponent);
  }
  return exponent;
}

/**
 * Decimal money to integer minor units: "3.39", "1,234.50", "3,39", "1.234,50", "1 234,50",
 * "$3.39", "-2.50", "(2.50)". The last of "." and "," is the decimal separator when both appear;
 * a lone "," followed by exactly three digits ("1,234") is a thousands separator, otherwise a
 * decimal comma. More fraction digits than the currency has are rounded half away from zero
 * (unit prices like 0.055 GBP exist in real exports).
 */
export function parseMoney(text: string, exponent: number): number | null {
  let value = text.trim();
  if (value === '') return null;
  let negative = false;
  if (value.startsWith('(') && value.endsWith(')')) {
    negative = true;
    value = value.slice(1, -1);
  }
  // Currency symbols and codes around the number, and spaces used as thousands separators.
  value = value.replace(/[\s\u00a0\u202f]/g, '').replace(/^[^\d\-+.,]+|[^\d.,]+$/g, '');
  if (value.startsWith('-')) {
    negative = !negative;
    value = value.slice(1);
  } else if (value.startsWith('+')) value = value.slice(1);
  if (!/^[\d.,]+$/.test(value) || !/\d/.test(value)) return null;

  const lastDot = value.lastIndexOf('.');
  const lastComma = value.lastIndexOf(',');
  let integer: string;
  let fraction = '';
  if (lastDot >= 0 && lastComma >= 0) {
    const decimal = lastDot > lastComma ? '.' : ',';
    const thousands = decimal === '.' ? ',' : '.';
    const at = value.lastIndexOf(decimal);
    integer = value.slice(0, at);
    fraction = value.slice(at + 1);
    if (integer.includes(decimal) || fraction.includes(thousands)) return null;
    if (!validGrouping(integer, thousands)) return null;
    integer = integer.split(thousands).join('');
  } else if (lastComma >= 0 || lastDot >= 0) {
    const separator = lastComma >= 0 ? ',' : '.';
    const parts = value.split(separator);
    if (parts.length > 2) {
      if (!validGrouping(value, separator)) return null;
      integer = parts.join('');
    } else if (separator === ',' && parts[1]!.length === 3 && parts[0]!.length > 0 && exponent !== 3) {
      integer = parts.join('');
    } else {
      integer = parts[0]!;
      fraction = parts[1]!;
    }
  } else integer = value;
  if (!/^\d*$/.test(integer) || !/^\d*$/.test(fraction) || integer + fraction === '') return null;

  const kept = fraction.slice(0, exponent).padEnd(exponent, '0');
  let minor = Number((integer || '0') + kept);
  const next = fraction.charCodeAt(exponent);
  if (next >= 53 /* '5' */ && next <= 57) minor += 1;
  if (!Number.isSafeInteger(minor)) return null;
  return negative && minor !== 0 ? -minor : minor;
}

/** "1,234,567": groups of three after the first. */
function validGrouping(text: string, separator: string): boolean {
  const groups = text.split(separator);
  return groups.every((group, index) => (index === 0 ? /^\d{1,3}$/.test(group) : /^\d{3}$/.test(group)));
}

/** A whole quantity: "3", "-2", "+1", "3.0", "1,000"; null for fractions and text. */
export function parseQuantity(text: string): number | null {
  const value = text.trim().replace(/[\s,]/g, '');
  const match = /^([+-]?)(\d+)(?:\.0*)?$/.exec(value);
  if (!match) return null;
  const quantity = Number(match[2]);
  if (!Number.isSafeInteger(quantity)) return null;
  return match[1] === '-' && quantity !== 0 ? -quantity : quantity;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** Two-digit years: 00–69 are 2000–2069, 70–99 are 1970–1999 (POSIX strptime's pivot). */
function fullYear(text: string): number {
  const year = Number(text);
  if (text.length > 2) return year;
  return year < 70 ? 2000 + year : 1900 + year;
}

function time(
  hourText: string | undefined,
  minuteText: string | undefined,
  secondText: string | undefined,
  fractionText: string | undefined,
  meridiem: string | undefined,
) {
  let hour = hourText ? Number(hourText) : 0;
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    const pm = meridiem.toLowerCase().startsWith('p');
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  const millisecond = fractionText ? Math.round(Number(`0.${fractionText}`) * 1000) : 0;
  return {
    hour,
    minute: minuteText ? Number(minuteText) : 0,
    second: secondText ? Number(secondText) : 0,
    millisecond: Math.min(millisecond, 999),
  };
}

const TIME = String.raw`(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp][Mm])?)?`;
const ZONE = String.raw`\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?`;
const ISO = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})${TIME}${ZONE}$`);
const SLASH = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})${TIME}${ZONE}$`);
const DOTTED = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})${TIME}${ZONE}$`);
const COMPACT = new RegExp(String.raw`^(\d{4})(\d{2})(\d{2})(?:[T\s]?(\d{2})(\d{2})(\d{2})?)?${ZONE}$`);

/**
 * A date and time from an export, as an instant. Understands ISO 8601 with or without a zone
 * ("2010-12-01T08:26:00Z", "2010-12-01 08:26:00", "2019-06-13 13:05:24 +0200"), US M/D/YY[YY] H:MM
 * ("12/1/10 8:26", with optional seconds and AM/PM), European D.M.YYYY ("01.12.2010 08:26") and
 * YYYYMMDD ("19970101"). Times without a zone are wall-clock times in `timeZone` (an IANA name).
 * Slashed dates are month-first: that is what spreadsheet exports in English write; pass
 * `dayFirst` for D/M/Y files.
 */
export function parseDate(text: string, timeZone: string, options: { dayFirst?: boolean } = {}): Date | null {
  const value = text.trim();
  for (const format of DATE_FORMATS) {
    const match = format.pattern.exec(value);
    if (!match) continue;
    const wall = format.wall(match, options.dayFirst ?? false);
    if (!wall || !validWall(wall)) return null;
    const utc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
    const zone = match[format.zoneGroup];
    if (zone !== undefined) {
      const offset = zoneOffsetMinutes(zone);
      return offset === null ? null : new Date(utc - offset * 60_000);
    }
    return new Date(wallTimeToUtc(utc, timeZone));
  }
  return null;
}

interface DateFormat {
  pattern: RegExp;
  wall(match: RegExpExecArray, dayFirst: boolean): WallTime | null;
  zoneGroup: number;
}

function withTime(match: RegExpExecArray, year: number, month: string, day: string): WallTime | null {
  const t = time(match[4], match[5], match[6], match[7], match[8]);
  return t && { year, month: Number(month), day: Number(day), ...t };
}

const DATE_FORMATS: DateFormat[] = [
  { pattern: ISO, zoneGroup: 9, wall: (m) => withTime(m, Number(m[1]), m[2]!, m[3]!) },
  {
    pattern: SLASH,
    zoneGroup: 9,
    wall: (m, dayFirst) =>
      dayFirst ? withTime(m, fullYear(m[3]!), m[2]!, m[1]!) : withTime(m, fullYear(m[3]!), m[1]!, m[2]!),
  },
  { pattern: DOTTED, zoneGroup: 9, wall: (m) => withTime(m, fullYear(m[3]!), m[2]!, m[1]!) },
  {
    pattern: COMPACT,
    zoneGroup: 7,
    wall: (m) => {
      const t = time(m[4], m[5], m[6], undefined, undefined);
      return t && { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), ...t };
    },
  },
];

function validWall(wall: WallTime): boolean {
  if (wall.month < 1 || wall.month > 12 || wall.day < 1) return false;
  const daysInMonth = new Date(Date.UTC(wall.year, wall.month, 0)).getUTCDate();
  if (wall.day > daysInMonth) return false;
  return wall.hour < 24 && wall.minute < 60 && wall.second < 60 && wall.year >= 1900 && wall.year < 2200;
}

function zoneOffsetMinutes(zone: string): number | null {
  if (/^(z|utc|gmt)$/i.test(zone)) return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!match) return null;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  if (minutes > 14 * 60) return null;
  return match[1] === '-' ? -minutes : minutes;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/**
 * Offsets change a few times a year, on a quarter hour (zones like America/St_Johns switch at :30
 * UTC): cache them per zone and UTC quarter hour.
 */
const offsetCache = new Map<string, number>();

/** Whether `timeZone` is an IANA zone name this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    wallClockFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** A cached formatter giving the wall-clock parts (24-hour) of an instant in `timeZone`. */
export function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Minutes east of UTC in `timeZone` at the instant `utc`. */
function offsetAt(utc: number, timeZone: string): number {
  const quarter = Math.floor(utc / 900_000);
  const key = `${timeZone}@${quarter}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const parts: Record<string, number> = {};
  for (const part of wallClockFormatter(timeZone).formatToParts(new Date(quarter * 900_000)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const offset = Math.round((local - quarter * 900_000) / 60_000);
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/**
 * The instant at which clocks in `timeZone` show the wall time `wallAsUtc` (a wall time encoded as
 * if it were UTC). Like Temporal's "compatible" disambiguation: a time skipped by a spring-forward
 * gap moves forward by the gap; a time repeated in an autumn overlap is its first occurrence.
 */
export function wallTimeToUtc(wallAsUtc: number, timeZone: string): number {
  const before = offsetAt(wallAsUtc - 86_400_000, timeZone);
  const after = offsetAt(wallAsUtc + 86_400_000, timeZone);
  const early = wallAsUtc - before * 60_000;
  const late = wallAsUtc - after * 60_000;
  const earlyValid = offsetAt(early, timeZone) === before;
  const lateValid = offsetAt(late, timeZone) === after;
  if (earlyValid && lateValid) return Math.min(early, late);
  if (earlyValid) return early;
  if (lateValid) return late;
  // In the gap: read the wall time with the offset in force before it.
  return early;
}
