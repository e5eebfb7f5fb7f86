import type { Locale } from '../i18n/locales.ts';
import { formatMoney, formatNumber } from '../internal/format.ts';
import type { CatalogueLoaders } from '../internal/localize.ts';
import { format } from '../internal/localize.ts';
import type { badgeEn } from './badge.en.ts';

type BadgeMessages = typeof badgeEn;

/** `LoyaltySummary` in schema/operations/loyalty.graphql. */
export interface LoyaltySummary {
  points: number;
  tier: { key: string; name: string; threshold: number } | null;
  nextTier: { name: string; metric: 'POINTS' | 'SPEND'; remaining: number; threshold: number } | null;
}

/**
 * The badge's catalogues: a locale's module holds the panel's strings too, so
 * it loads once for both elements. (The panel keeps its own loaders object:
 * Localize caches English per loaders object, and the badge's English is a subset.)
 */
export const loaders: CatalogueLoaders<BadgeMessages> = {
  fi: () => import('./messages.fi.ts'),
  hu: () => import('./messages.hu.ts'),
  bs: () => import('./messages.bs.ts'),
  hy: () => import('./messages.hy.ts'),
};

export const points = (t: BadgeMessages, locale: Locale, count: number): string =>
  format(t.points, { count: formatNumber(locale, count) });

/** "320 points to Gold" (or money for spend tiers), or "Top tier". */
export function progressText(t: BadgeMessages, locale: Locale, summary: LoyaltySummary, currency: string): string {
  const next = summary.nextTier;
  if (!next) return t.topTier;
  return next.metric === 'SPEND'
    ? format(t.spendToNext, { amount: formatMoney(locale, next.remaining, currency), tier: next.name })
    : format(t.toNext, { count: formatNumber(locale, next.remaining), tier: next.name });
}

/** Progress from the current tier's threshold to the next, 0–100. */
export function progress(summary: LoyaltySummary): number {
  const next = summary.nextTier;
  if (!next) return 100;
  const from = summary.tier?.threshold ?? 0;
  const span = next.threshold - from;
  return span > 0 ? Math.max(0, Math.min(100, ((next.threshold - next.remaining - from) / span) * 100)) : 0;
}
