/// <reference types="vite/client" />
import { describe, expect, test } from 'vitest';
import { supportedLocales } from './locales.ts';

// Every widget's catalogues: <widget>/messages.<locale>.ts (or <widget>/<part>-messages.<locale>.ts). English is the reference; every other
// locale must have exactly its keys, non-empty, with the same {placeholders}, so no widget ever shows a
// missing string or an English fallback in a translated page.
const modules = import.meta.glob<Record<string, unknown>>('../*/*messages.*.ts', { eager: true });

function catalogue(module: Record<string, unknown>): Record<string, string> {
  const value = (module.default ?? Object.values(module).find((item) => typeof item === 'object')) as Record<
    string,
    string
  >;
  return value;
}

const widgets = new Map<string, Map<string, Record<string, string>>>();
for (const [path, module] of Object.entries(modules) as [string, Record<string, unknown>][]) {
  const [, widget, locale] = /^\.\.\/([\w-]+\/(?:[\w-]+-)?)messages\.(\w+)\.ts$/.exec(path) ?? [];
  if (!widget || !locale) continue;
  if (!widgets.has(widget)) widgets.set(widget, new Map());
  widgets.get(widget)!.set(locale, catalogue(module));
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('widget message catalogues', () => {
  test('every widget with messages has all five locales', () => {
    expect(widgets.size).toBeGreaterThan(0);
    for (const [widget, locales] of widgets)
      expect([widget, [...locales.keys()].sort()]).toEqual([widget, [...supportedLocales].sort()]);
  });

  for (const [widget, locales] of widgets) {
    test(`${widget}: each locale has the English keys, non-empty, with the same placeholders`, () => {
      const en = locales.get('en');
      expect(en).toBeTruthy();
      for (const [locale, messages] of locales) {
        if (locale === 'en') continue;
        expect([locale, Object.keys(messages).sort()]).toEqual([locale, Object.keys(en!).sort()]);
        for (const [key, text] of Object.entries(en!)) {
          const translated = messages[key] ?? '';
          expect(translated.trim(), `${widget} ${locale}.${key} is empty`).not.toBe('');
          expect(placeholders(translated), `${widget} ${locale}.${key} placeholders`).toEqual(placeholders(text));
        }
      }
    });
  }
});
