#!/usr/bin/env node
// Fails the build when a bundle outgrows its budget: widgets load on every
// storefront page view, so every kilobyte is paid by shoppers, not by us.
//
// "Initial" is what a page downloads before the widget renders: the entry
// file and every chunk it imports statically. "On demand" parts (the loyalty
// panel, the review form) and locale catalogues load later, only when used;
// they have budgets of their own. Sizes are gzip -9, summed per file as a
// browser downloads them. 1 KB = 1,000 bytes.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(
    'Usage: node scripts/size-budget.mjs [--json]\n\nChecks widgets/dist against the size budgets (run after scripts/build.mjs).',
  );
  process.exit(0);
}

const KB = 1000;
export const BUDGETS = {
  /** Every widget together, before any on-demand part. */
  all: 35 * KB,
  /** One widget's standalone build, including Lit and urql. */
  standalone: 20 * KB,
  /** One on-demand part (e.g. the loyalty panel) with the chunks it alone needs. */
  onDemand: 12 * KB,
  /** One locale's catalogues for every widget. */
  locale: 6 * KB,
  /** The classic-script build, everything inlined (all parts and locales). */
  classic: 60 * KB,
};

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const gzipCache = new Map();
function gzipSize(file) {
  if (!gzipCache.has(file)) gzipCache.set(file, gzipSync(fs.readFileSync(dist + file), { level: 9 }).length);
  return gzipCache.get(file);
}

function analyse(manifestFile, base) {
  const manifest = JSON.parse(fs.readFileSync(dist + manifestFile, 'utf8'));
  const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);
  const files = (keys, seen = new Set()) => {
    for (const key of keys) {
      if (seen.has(key)) continue;
      seen.add(key);
      files(manifest[key].imports ?? [], seen);
    }
    return seen;
  };
  const initial = files([entryKey]);
  const size = (keys) => [...keys].reduce((sum, key) => sum + gzipSize(base + manifest[key].file), 0);
  const dynamicKeys = new Set();
  const collect = (key, seen = new Set()) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const dynamic of manifest[key].dynamicImports ?? []) {
      dynamicKeys.add(dynamic);
      collect(dynamic, seen);
    }
    for (const imported of manifest[key].imports ?? []) collect(imported, seen);
  };
  collect(entryKey);
  const parts = [];
  const locales = {};
  for (const key of dynamicKeys) {
    const own = [...files([key])].filter((k) => !initial.has(k));
    const bytes = size(own);
    const locale = /messages\.(\w+)\.ts$/.exec(key)?.[1];
    if (locale) locales[locale] = (locales[locale] ?? 0) + bytes;
    else parts.push({ name: key.replace(/^src\//, ''), bytes });
  }
  return { initial: size(initial), parts, locales };
}

const rows = [];
const check = (name, bytes, budget) => rows.push({ name, bytes, budget, ok: bytes <= budget });

const all = analyse('kanta.manifest.json', '');
check('kanta.js (all widgets, initial)', all.initial, BUDGETS.all);
for (const part of all.parts) check(`  on demand: ${part.name}`, part.bytes, BUDGETS.onDemand);
for (const [locale, bytes] of Object.entries(all.locales))
  check(`  locale ${locale} (all widgets)`, bytes, BUDGETS.locale);
check('kanta.iife.js (classic, everything)', gzipSize('kanta.iife.js'), BUDGETS.classic);
const standaloneDir = 'standalone/';
for (const file of fs
  .readdirSync(dist + standaloneDir)
  .filter((name) => name.endsWith('.manifest.json'))
  .sort()) {
  const tag = file.replace('.manifest.json', '');
  const one = analyse(standaloneDir + file, standaloneDir);
  check(`standalone/${tag}.js (initial)`, one.initial, BUDGETS.standalone);
}

const kb = (bytes) => `${(bytes / KB).toFixed(2)} KB`;
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  const width = Math.max(...rows.map((row) => row.name.length));
  console.log(`${'Bundle'.padEnd(width)}  ${'gzip'.padStart(9)}  ${'budget'.padStart(9)}  status`);
  for (const row of rows) {
    const status = row.ok
      ? `ok (${Math.round((row.bytes / row.budget) * 100)}%)`
      : `OVER by ${kb(row.bytes - row.budget)}`;
    console.log(`${row.name.padEnd(width)}  ${kb(row.bytes).padStart(9)}  ${kb(row.budget).padStart(9)}  ${status}`);
  }
}
if (rows.some((row) => !row.ok)) {
  console.error('\nSize budget exceeded. Trim the widgets or move heavy parts behind import().');
  process.exit(1);
}
