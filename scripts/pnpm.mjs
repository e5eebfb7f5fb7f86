#!/usr/bin/env node
// Runs the pinned pnpm without asking anyone to install it: uses `pnpm` on PATH when it is
// the pinned version, else `npx -y pnpm@<pinned>` (npm ships with Node, so a fresh machine
// with only Node works). The pinned version comes from package.json's packageManager field.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const { packageManager } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const version = packageManager.replace(/^pnpm@/, '');
const args = process.argv.slice(2);

const onPath = spawnSync('pnpm', ['--version'], { encoding: 'utf8', shell: false });
const useLocal = onPath.status === 0 && onPath.stdout.trim() === version;
const [command, commandArgs] = useLocal ? ['pnpm', args] : ['npx', ['-y', `pnpm@${version}`, ...args]];
const result = spawnSync(command, commandArgs, { stdio: 'inherit', cwd: root });
if (result.error) {
  console.error(`kanta: could not run pnpm ${version}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
