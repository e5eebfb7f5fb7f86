/**
 * Widget page-load benchmark: a real Kanta server (PGlite in memory, seeded store) serves the built
 * kanta.js; a minimal storefront page on another origin loads it with one widget (a <loyalty-badge>
 * with a customer token by default). Headless Chromium (Playwright) opens the page N times, each in a
 * fresh browser context (cold cache, as a first visit), and measures the time from navigation start
 * to the first animation frame in which the widget shows its data. The baseline, in the same run, is
 * the same page with a static element holding the same text instead of the widget and kanta.js.
 *
 *   node scripts/pnpm.mjs --filter @kanta/server exec tsx ../bench/widgets.ts [--runs N] [--element TAG]
 */
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signCustomerToken } from '../server/src/auth/sign-customer-token.ts';
import { loadConfig } from '../server/src/config.ts';
import { createDomainEvents } from '../server/src/events/subscribers.ts';
import { silentLogger } from '../server/src/logger.ts';
import { EXAMPLE_RULES } from '../server/src/modules/loyalty/example-program.ts';
import { updateProgram } from '../server/src/modules/loyalty/program.service.ts';
import { recordOrders } from '../server/src/modules/orders/orders.service.ts';
import { upsertProducts } from '../server/src/modules/products/products.service.ts';
import { rebuildRecommendations } from '../server/src/modules/recommendations/build.service.ts';
import { createStore } from '../server/src/modules/stores/stores.service.ts';
import { createKantaYoga } from '../server/src/yoga.ts';
import { machineLine, openPglite, percentile, printTable, status } from './lib.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'widgets', 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// As in widgets/vitest.config.ts.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * What each element shows once it has its data: a selector inside its shadow root whose text must
 * contain a digit (points, a price), and the text the static baseline element shows instead.
 */
const ELEMENTS: Record<string, { ready: string; attributes: (seed: Seed) => string; baseline: string }> = {
  'loyalty-badge': {
    ready: '[part~="points"]',
    attributes: (seed) => `customer-token="${seed.token}"`,
    baseline: '1,234 points',
  },
  'product-recommendations': {
    ready: '[part~="price"]',
    attributes: () => 'sku="MUG-1"',
    baseline: 'Coffee beans €9.00',
  },
};

const HELP = `Usage: node scripts/pnpm.mjs --filter @kanta/server exec tsx ../bench/widgets.ts [options]

Starts a real Kanta server on PGlite (in memory) with a seeded store, serves a minimal storefront
page (its own origin) that loads /widgets/kanta.js with one widget, and measures in headless Chromium
the time from navigation start to the first frame showing the widget with its data (loyalty-badge:
the signed-in shopper's points). Every run uses a fresh browser context (cold cache).
Baseline, same run: the same page with a static element instead of the widget and kanta.js.
Prints p50/p95 of both and the widget/baseline ratio, plus DOMContentLoaded and load.

Needs the built widgets: node scripts/pnpm.mjs --filter @kanta/widgets build

Options:
  --runs N          page loads per variant (default 20)
  --element TAG     ${Object.keys(ELEMENTS).join(' or ')} (default loyalty-badge)
  --timeout MS      give up on one page load after MS (default 30000)
  -h, --help        this text

Environment: CHROMIUM_PATH (default /usr/bin/chromium).`;

// The little of Playwright's API used here (its types live in the widgets package, not the server's).
interface Page {
  on(event: 'pageerror', listener: (error: Error) => void): void;
  goto(url: string, options: { waitUntil: 'load'; timeout: number }): Promise<unknown>;
  waitForFunction(
    probe: () => unknown,
    arg: null,
    options: { timeout: number },
  ): Promise<{ jsonValue(): Promise<unknown> }>;
  evaluate<T, A = undefined>(probe: (arg: A) => T, arg?: A): Promise<T>;
}
interface Chromium {
  launch(options: { executablePath: string; args: string[]; headless: boolean }): Promise<{
    newContext(): Promise<{ newPage(): Promise<Page>; close(): Promise<void> }>;
    close(): Promise<void>;
  }>;
}

interface Seed {
  publishableKey: string;
  token: string;
}

interface Sample {
  ready: number;
  domContentLoaded: number;
  load: number;
}

const DAY = 86_400_000;

async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '20' },
      element: { type: 'string', default: 'loyalty-badge' },
      timeout: { type: 'string', default: '30000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const runs = Number(values.runs);
  const timeout = Number(values.timeout);
  const tag = values.element!;
  const element = ELEMENTS[tag];
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError('--runs must be a positive integer');
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError('--timeout must be a positive number');
  if (!element) throw new UsageError(`--element must be one of: ${Object.keys(ELEMENTS).join(', ')}`);
  if (!fs.existsSync(path.join(DIST, 'kanta.js'))) {
    throw new UsageError(
      `widgets/dist/kanta.js is missing. Build the widgets first:\n  node scripts/pnpm.mjs --filter @kanta/widgets build`,
    );
  }
  if (!fs.existsSync(CHROMIUM)) throw new UsageError(`Chromium not found at ${CHROMIUM}; set CHROMIUM_PATH.`);
  // Playwright is a dev dependency of the widgets package, not of the server.
  const { chromium } = createRequire(path.join(ROOT, 'widgets', 'package.json'))('playwright') as {
    chromium: Chromium;
  };

  // The storefront's own origin (cross-origin to Kanta, as on a real shop).
  let page = '';
  const storefront = http.createServer((request, response) => {
    if (request.url === '/' || request.url?.startsWith('/?')) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(request.url.includes('baseline') ? baselinePage(tag, element.baseline) : page);
    } else {
      response.writeHead(404).end();
    }
  });
  const shopOrigin = await listen(storefront);

  status('PGlite: migrating and seeding a store');
  const target = await openPglite();
  const { db } = target;
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', KANTA_STOREFRONT_OPERATIONS: 'persisted' });
  const events = createDomainEvents(db, silentLogger());
  const store = await createStore(db.prisma, {
    name: 'Bench widgets shop',
    defaultCurrency: 'EUR',
    defaultLocale: 'en',
    allowedOrigins: [shopOrigin],
  });
  await updateProgram(db.prisma, store.id, { name: 'Bench rewards', rules: EXAMPLE_RULES });
  await upsertProducts(db.prisma, store.id, [
    { sku: 'MUG-1', name: 'Mug', price: 1_200, currency: 'EUR', categoryPath: ['Kitchen'], url: `${shopOrigin}/p/mug` },
    {
      sku: 'COFFEE-1',
      name: 'Coffee beans',
      price: 900,
      currency: 'EUR',
      categoryPath: ['Coffee'],
      url: `${shopOrigin}/p/coffee`,
    },
    {
      sku: 'KETTLE-1',
      name: 'Kettle',
      price: 4_000,
      currency: 'EUR',
      categoryPath: ['Kitchen'],
      url: `${shopOrigin}/p/kettle`,
    },
  ]);
  await recordOrders(
    db.prisma,
    store.id,
    Array.from({ length: 12 }, (_, index) => ({
      externalId: `B-${index + 1}`,
      channel: 'ONLINE' as const,
      currency: 'EUR',
      placedAt: new Date(Date.now() - (index + 1) * DAY),
      customer: { identities: [{ source: 'web', externalId: `shopper-${index % 4}` }] },
      lines: [
        { sku: 'MUG-1', name: 'Mug', quantity: 1, unitPrice: 1_200 },
        { sku: index % 2 ? 'COFFEE-1' : 'KETTLE-1', name: 'More', quantity: 1, unitPrice: 90_000 },
      ],
    })),
  );
  await events.drain();
  await rebuildRecommendations(db.prisma, store.id, { full: true });
  const seed: Seed = {
    publishableKey: store.publishableKey,
    token: await signCustomerToken(store.secretKey, 'web:shopper-0'),
  };

  const yoga = createKantaYoga({ db, config, logger: silentLogger(), events });
  const api = http.createServer(yoga);
  const kantaOrigin = await listen(api);
  page = widgetPage(tag, element.ready, element.attributes(seed), kantaOrigin, seed.publishableKey);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const load = async (url: string): Promise<Sample> => {
      const context = await browser.newContext();
      try {
        const tab = await context.newPage();
        const errors: string[] = [];
        tab.on('pageerror', (error) => errors.push(error.message));
        await tab.goto(url, { waitUntil: 'load', timeout });
        const handle = await tab
          .waitForFunction(() => (window as unknown as { __kantaReady?: number }).__kantaReady, null, { timeout })
          .catch(async () => {
            const shown = await tab
              .evaluate((name) => document.querySelector(name)?.shadowRoot?.textContent ?? '', tag)
              .catch(() => '');
            throw new Error(
              `${url}: <${tag}> did not show its data within ${timeout} ms (it shows: ${JSON.stringify(shown.replace(/\s+/g, ' ').trim())})${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`,
            );
          });
        const ready = (await handle.jsonValue()) as number;
        const timing = await tab.evaluate(() => {
          const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
          return { domContentLoaded: navigation!.domContentLoadedEventEnd, load: navigation!.loadEventEnd };
        });
        return { ready, ...timing };
      } finally {
        await context.close();
      }
    };

    // One warm-up of each (Chromium start-up, the server's first queries), not counted.
    await load(`${shopOrigin}/?baseline`);
    await load(shopOrigin);
    const baseline: Sample[] = [];
    const widget: Sample[] = [];
    // Interleaved, so drift (CPU frequency, GC) hits both alike.
    for (let run = 0; run < runs; run++) {
      baseline.push(await load(`${shopOrigin}/?baseline`));
      widget.push(await load(shopOrigin));
      status(
        `run ${run + 1}/${runs}: <${tag}> ${widget.at(-1)!.ready.toFixed(0)} ms, static ${baseline.at(-1)!.ready.toFixed(0)} ms`,
      );
    }

    const stats = (samples: Sample[], key: keyof Sample) => {
      const sorted = samples.map((sample) => sample[key]).sort((a, b) => a - b);
      return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
    };
    const ms = (value: number) => value.toFixed(1);
    const rows: string[][] = [];
    for (const [name, samples] of [
      [`static element (baseline)`, baseline],
      [`<${tag}> with kanta.js`, widget],
    ] as const) {
      const ready = stats(samples, 'ready');
      const dcl = stats(samples, 'domContentLoaded');
      const loaded = stats(samples, 'load');
      rows.push([name, ms(ready.p50), ms(ready.p95), ms(dcl.p50), ms(loaded.p50)]);
    }
    console.log(`\nWidget page load, ${runs} cold page loads per variant (headless Chromium, PGlite in memory)`);
    console.log(machineLine());
    printTable(
      ['page', 'shown p50 ms', 'shown p95 ms', 'DOMContentLoaded p50', 'load p50'],
      rows,
      new Set([1, 2, 3, 4]),
    );
    const widgetReady = stats(widget, 'ready');
    const baseReady = stats(baseline, 'ready');
    console.log(
      `\nRatio widget/baseline: p50 ${(widgetReady.p50 / baseReady.p50).toFixed(2)}×, p95 ${(widgetReady.p95 / baseReady.p95).toFixed(2)}×` +
        ` (+${ms(widgetReady.p50 - baseReady.p50)} ms at p50)`,
    );
  } finally {
    await browser.close();
    await new Promise((resolve) => api.close(resolve));
    await new Promise((resolve) => storefront.close(resolve));
    await events.stop();
    await target.dispose();
  }
}

/**
 * Records, in the page, the first animation frame in which `find()` returns an element with a digit
 * in its text: performance.mark('kanta-ready') and window.__kantaReady (ms since navigation start).
 */
function readyProbe(find: string): string {
  return `<script>
  (function () {
    function check() {
      var node = (${find})();
      if (node && /\\d/.test(node.textContent || '')) {
        window.__kantaReady = performance.now();
        performance.mark('kanta-ready');
        return;
      }
      requestAnimationFrame(check);
    }
    requestAnimationFrame(check);
  })();
  </script>`;
}

function shell(head: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bench shop</title>
<style>body { font-family: system-ui, sans-serif; margin: 2rem; } header { display: flex; justify-content: space-between; }</style>
${head}
</head>
<body>
<header><strong>Bench shop</strong>${body}</header>
<main><h1>Welcome</h1><p>A minimal storefront page for the widget benchmark.</p></main>
</body>
</html>`;
}

function widgetPage(tag: string, ready: string, attributes: string, kantaOrigin: string, key: string): string {
  const find = `function () { var el = document.querySelector(${JSON.stringify(tag)}); return el && el.shadowRoot && el.shadowRoot.querySelector(${JSON.stringify(ready)}); }`;
  return shell(
    `${readyProbe(find)}
<script type="module" src="${kantaOrigin}/widgets/kanta.js" data-endpoint="${kantaOrigin}/graphql" data-key="${key}"></script>`,
    `<${tag} ${attributes}></${tag}>`,
  );
}

function baselinePage(tag: string, text: string): string {
  return shell(
    readyProbe(`function () { return document.querySelector('.static-widget'); }`),
    `<div class="static-widget" data-instead-of="${tag}">${text}</div>`,
  );
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

class UsageError extends Error {}

main().catch((error) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
