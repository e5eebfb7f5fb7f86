import type { ReactiveController } from 'lit';
import type { Locale } from '../i18n/locales.ts';
import type { KantaElement } from './kanta-element.ts';

/** How a widget's non-English catalogues load: one lazily imported module per locale. */
export type CatalogueLoaders<Messages> = Record<Exclude<Locale, 'en'>, () => Promise<{ default: Messages }>>;

const loaded = new Map<CatalogueLoaders<unknown>, Map<Locale, unknown>>();

/**
 * A widget's strings in the widget's locale. English ships in the widget;
 * other locales are fetched on first use (a small chunk each), shared by
 * every widget of the page, so a Finnish page never downloads Armenian.
 *
 * `t` is `undefined` until the catalogue has arrived: render the loading
 * state (or nothing) meanwhile. A catalogue that fails to load falls back to
 * English rather than leaving the widget empty.
 *
 * ```ts
 * private readonly i18n = new Localize(this, en, {
 *   fi: () => import('./messages.fi.ts'), hu: …, bs: …, hy: …,
 * });
 * render() { const t = this.i18n.t; if (!t) return this.renderLoading(); … }
 * ```
 */
export class Localize<Messages> implements ReactiveController {
  private readonly cache: Map<Locale, unknown>;
  private pending: Locale | undefined;

  constructor(
    private readonly host: KantaElement,
    private readonly en: Messages,
    private readonly loaders: CatalogueLoaders<Messages>,
  ) {
    host.addController(this);
    let cache = loaded.get(loaders as CatalogueLoaders<unknown>);
    if (!cache) {
      cache = new Map<Locale, unknown>([['en', en]]);
      loaded.set(loaders as CatalogueLoaders<unknown>, cache);
    }
    this.cache = cache;
  }

  /** The catalogue of the host's locale, or `undefined` while it loads. */
  get t(): Messages | undefined {
    return this.cache.get(this.host.resolvedLocale) as Messages | undefined;
  }

  /** The locale `t` is in (the host's, once loaded). */
  get locale(): Locale {
    return this.host.resolvedLocale;
  }

  /** Resolves when the host's catalogue is available (tests, pre-loading). */
  async ready(): Promise<Messages> {
    await this.load(this.host.resolvedLocale);
    return this.t ?? this.en;
  }

  hostUpdate(): void {
    const locale = this.host.resolvedLocale;
    if (!this.cache.has(locale) && this.pending !== locale) void this.load(locale);
  }

  private async load(locale: Locale): Promise<void> {
    if (this.cache.has(locale) || locale === 'en') return;
    this.pending = locale;
    try {
      const module = await this.loaders[locale]();
      this.cache.set(locale, module.default);
    } catch {
      // Offline or a missing chunk: English beats an empty widget.
      this.cache.set(locale, this.en);
    } finally {
      if (this.pending === locale) this.pending = undefined;
      this.host.requestUpdate();
    }
  }
}

/** Fills `{name}` placeholders: `format('{count} points', { count: '1 200' })`. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : match,
  );
}
