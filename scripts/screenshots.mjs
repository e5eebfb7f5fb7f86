#!/usr/bin/env node
// Takes the README's screenshots of the demo storefront: docs/screenshots/{home,product,account,survey,theming}.png.
//
//   node scripts/screenshots.mjs                 starts `kanta serve --demo` on a temporary data directory and a free port
//   node scripts/screenshots.mjs --url http://localhost:4000   uses a demo that is already running
//
// Needs the widgets built (pnpm --filter @kanta/widgets build) and Debian's Chromium (/usr/bin/chromium,
// or CHROMIUM_PATH). Signs in as Aino (the shopper switcher), waits for the widgets to render.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = path.join(ROOT, 'docs', 'screenshots');
const WIDTH = 1280;

const PAGES = [
  { name: 'home', path: '/', wait: ['product-rating', 'product-recommendations'] },
  { name: 'product', path: '/product.html?sku=COF-ESP-250', wait: ['product-reviews', 'product-recommendations'] },
  { name: 'account', path: '/account.html', wait: ['loyalty-panel', 'feedback-form'] },
  { name: 'survey', path: '/survey.html', wait: ['feedback-form'] },
  { name: 'theming', path: '/theming.html', wait: ['product-rating', 'feedback-form'] },
];

function usage() {
  return `Usage: node scripts/screenshots.mjs [--url <demo url>] [--shopper <id>] [--out <dir>]

Writes ${PAGES.map((page) => `${page.name}.png`).join(', ')} (${WIDTH} px wide) of the demo storefront.
  --url      a running demo (\`pnpm start\`); default: start \`kanta serve --demo\` on a temporary data
             directory and a free port, and stop it afterwards
  --shopper  who is signed in: aino (default), bence, emina, armen or "" (signed out)
  --out      where to write the images (default docs/screenshots)
Needs the widgets built (pnpm --filter @kanta/widgets build) and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
`;
}

function parseArgs(argv) {
  const options = { url: undefined, shopper: 'aino', out: OUT };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(usage());
      process.exit(0);
    }
    const value = argv[index + 1];
    if ((arg === '--url' || arg === '--shopper' || arg === '--out') && value !== undefined) {
      options[arg.slice(2)] = value;
      index++;
    } else {
      process.stderr.write(`Unknown argument: ${arg}\n\n${usage()}`);
      process.exit(2);
    }
  }
  return options;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url, child, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`kanta serve --demo exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/demo/shoppers`);
      if (response.ok) return;
    } catch {
      // not yet listening
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the demo did not answer at ${url} within ${timeoutMs / 1000} s`);
}

async function startDemo() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanta-screenshots-'));
  const child = spawn(process.execPath, [path.join(ROOT, 'server', 'bin', 'kanta.mjs'), 'serve', '--demo'], {
    cwd: path.join(ROOT, 'server'),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      KANTA_DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://localhost:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForServer(url, child);
  } catch (error) {
    await stop();
    throw error;
  }
  // Points and tiers arrive through domain events after the seed: give the dispatcher a moment.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  return { url, stop };
}

/** Waits until each named widget on the page is defined and no longer shows its loading state. */
async function waitForWidgets(page, tags) {
  await page
    .waitForFunction(
      (names) =>
        names.every((name) => {
          const elements = [...document.querySelectorAll(name)];
          if (elements.length === 0) return true;
          return elements.every((element) => {
            if (!customElements.get(name)) return false;
            const root = element.shadowRoot;
            if (!root) return false;
            return !root.querySelector('[aria-busy="true"], [part~="loading"]');
          });
        }),
      tags,
      { timeout: 20_000 },
    )
    .catch(() => console.warn(`  (some of ${tags.join(', ')} still loading; taking the picture anyway)`));
  // Lazy chunks, fonts and images.
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForTimeout(500);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const require = createRequire(path.join(ROOT, 'widgets', 'package.json'));
  const { chromium } = require('playwright');
  const demo = options.url ? { url: options.url.replace(/\/$/, ''), stop: async () => {} } : await startDemo();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: WIDTH, height: 900 }, colorScheme: 'light' });
    // The shopper switcher keeps its choice in localStorage: sign in before the first page loads.
    await context.addInitScript((shopper) => {
      try {
        localStorage.setItem('kanta-demo-shopper', shopper);
        localStorage.removeItem('kanta-demo-language');
      } catch {}
    }, options.shopper);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.warn(`  page error: ${error.message}`));
    fs.mkdirSync(options.out, { recursive: true });
    for (const target of PAGES) {
      await page.goto(`${demo.url}${target.path}`, { waitUntil: 'load' });
      // Screenshots in English whatever the shopper's locale, so README readers can follow them.
      await page.selectOption('#language', 'en').catch(() => {});
      await waitForWidgets(page, target.wait);
      const file = path.join(options.out, `${target.name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`wrote ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    await browser.close();
    await demo.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
