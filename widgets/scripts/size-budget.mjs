// Fails the build when a bundle outgrows its budget: widgets load on every
// storefront page view, so every kilobyte is paid by shoppers, not by us.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const KiB = 1024;
const budgets = [
  { file: 'kanta.js', gzipBudget: 20 * KiB },
  { file: 'kanta.iife.js', gzipBudget: 22 * KiB },
];

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

const rows = budgets.map(({ file, gzipBudget }) => {
  let content;
  try {
    content = readFileSync(dist + file);
  } catch {
    return { file, minified: '-', gzip: '-', budget: formatKiB(gzipBudget), status: 'MISSING', ok: false };
  }
  const gzip = gzipSync(content, { level: 9 }).length;
  const ok = gzip <= gzipBudget;
  return {
    file,
    minified: formatKiB(content.length),
    gzip: formatKiB(gzip),
    budget: formatKiB(gzipBudget),
    status: ok ? `ok (${Math.round((gzip / gzipBudget) * 100)}%)` : `OVER by ${formatKiB(gzip - gzipBudget)}`,
    ok,
  };
});

const columns = [
  ['file', 'File'],
  ['minified', 'Minified'],
  ['gzip', 'Gzip -9'],
  ['budget', 'Budget (gzip)'],
  ['status', 'Status'],
];
const widths = columns.map(([key, title]) => Math.max(title.length, ...rows.map((row) => row[key].length)));
const line = (cells) =>
  cells
    .map((cell, index) => cell.padEnd(widths[index]))
    .join('  ')
    .trimEnd();
console.log(line(columns.map(([, title]) => title)));
console.log(line(widths.map((width) => '-'.repeat(width))));
for (const row of rows) console.log(line(columns.map(([key]) => row[key])));

if (rows.some((row) => !row.ok)) {
  console.error('\nSize budget exceeded (or bundle missing). Trim the widgets or move heavy parts behind import().');
  process.exit(1);
}

function formatKiB(bytes) {
  return `${(bytes / KiB).toFixed(2)} KiB`;
}
