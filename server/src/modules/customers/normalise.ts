/**
 * Canonical forms of the keys customers are matched by. Both functions are idempotent (normalising a
 * normalised value changes nothing), because inputs may pass through them more than once.
 */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trimmed and lower-cased, or null when it is not an email address. */
export function normaliseEmail(value: string): string | null {
  const email = value.trim().toLowerCase();
  return email.length <= 254 && EMAIL.test(email) ? email : null;
}

/**
 * "+" and digits only: spaces, dashes, dots and parentheses dropped, a "00" international prefix
 * turned into "+". A number without a country code stays as its digits (Kanta cannot guess the
 * country). Null when anything else remains or the digit count is implausible (E.164: at most 15).
 */
export function normalisePhone(value: string): string | null {
  let phone = value.trim().replace(/[\s\-.()/]/g, '');
  if (phone.startsWith('00')) phone = `+${phone.slice(2)}`;
  if (!/^\+?\d+$/.test(phone)) return null;
  const digits = phone.replace('+', '').length;
  return digits >= 5 && digits <= 15 ? phone : null;
}
