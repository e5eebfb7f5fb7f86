#!/usr/bin/env node
// The `kanta` command: runs the TypeScript CLI through tsx's loader, with no build step. Linked into
// the workspace root's node_modules/.bin, so `pnpm kanta …` runs it directly (no script banner on
// stdout, so `--json` output stays clean) in the caller's directory.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
