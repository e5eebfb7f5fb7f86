#!/usr/bin/env node
// The widget tests run in a real Chromium. Playwright cannot download its own browser offline, so
// the suite uses the system's: CHROMIUM_PATH, else /usr/bin/chromium. On Debian/Ubuntu as root this
// installs Debian's package when it is missing, so `npm test` needs no manual step there.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (fs.existsSync(path)) process.exit(0);

const canApt = process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
if (canApt && !process.env.CHROMIUM_PATH) {
  console.error("kanta: Chromium is missing; installing Debian's chromium package for the widget tests…");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install =
    update.status === 0 && spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  if (install && install.status === 0 && fs.existsSync(path)) process.exit(0);
}
console.error(
  `kanta: the widget tests need Chromium at ${path}. Install it (Debian/Ubuntu: sudo apt-get install chromium) ` +
    'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
);
process.exit(1);
