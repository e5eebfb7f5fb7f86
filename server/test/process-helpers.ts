import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/**
 * Helpers for tests that run Kanta as a user does: as separate `node` processes (the CLI, the
 * server), so that argument parsing, exit codes, stderr and the embedded database's one-owner lock
 * are exercised for real rather than through in-process imports.
 */
export const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MIGRATIONS_DIR = path.resolve(SERVER_DIR, '../prisma/migrations');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment a child gets: the test runner's, minus anything that would point the child at
 * another database or port than the test chose, plus `env`. A variable set to undefined is removed.
 */
export function childEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'PORT', 'HOST', 'KANTA_DATA_DIR', 'REDIS_URL', 'LOG_LEVEL', 'NODE_OPTIONS']) {
    delete base[name];
  }
  // vitest sets NODE_ENV=test; the CLI must behave as it does for a user.
  delete base.NODE_ENV;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

/** Starts `node --import tsx src/cli/main.ts <args>` in server/ (what `pnpm kanta` runs). */
export function spawnCli(args: string[], env: Record<string, string | undefined> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: SERVER_DIR,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's output and resolves when it exits; kills it (and fails) after `timeoutMs`. */
export function completion(child: ChildProcess, timeoutMs = 100_000, label = 'process'): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * At most this many short-lived processes run at once across the concurrent tests of a file. Each
 * one compiles PGlite's WASM and loads the whole server graph (several CPU-seconds); starting them
 * all at once on a 2-core CI machine makes every one of them slow enough to hit its timeout.
 */
const PROCESS_SLOTS = Math.max(2, Math.min(4, os.availableParallelism() + 1));
let running = 0;
const waiting: (() => void)[] = [];

/** Runs `start` when a process slot is free; the timeout of the process starts only then. */
export async function withProcessSlot<T>(start: () => Promise<T>): Promise<T> {
  // A finishing process hands its slot straight to the next waiter, so `running` never overshoots.
  if (running < PROCESS_SLOTS) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await start();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** Runs one CLI command to completion. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 100_000,
): Promise<RunResult> {
  return withProcessSlot(() => completion(spawnCli(args, env), timeoutMs, `kanta ${args.join(' ')}`));
}

/** Runs a CLI command that must succeed and returns its stdout; a failure shows the command's stderr. */
export async function cliOk(args: string[], env: Record<string, string | undefined> = {}): Promise<string> {
  const result = await runCli(args, env);
  if (result.code !== 0) {
    throw new Error(
      `kanta ${args.join(' ')} exited with ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
    );
  }
  return result.stdout;
}

/** Runs a `--json` CLI command that must succeed and parses its stdout. */
export async function cliJson<T = unknown>(args: string[], env: Record<string, string | undefined> = {}): Promise<T> {
  const stdout = await cliOk(args, env);
  try {
    return JSON.parse(stdout) as T;
  } catch {
    throw new Error(`kanta ${args.join(' ')} printed something that is not JSON:\n${stdout}`);
  }
}

/** Runs `run` over `items` with at most `limit` at a time (each CLI process costs a core for a second or two). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface TempDataDir {
  /** Value for KANTA_DATA_DIR; its lock file and demo-keys.json land beside it, inside `root`. */
  dataDir: string;
  root: string;
  cleanup(): Promise<void>;
}

/**
 * A private embedded-database directory under the OS temp dir. With `from`, the data directory
 * starts as a copy of that (closed) PGlite directory; otherwise it does not exist yet.
 */
export function tempDataDir(from?: string): TempDataDir {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kanta-cli-test-'));
  const dataDir = path.join(root, 'data');
  if (from) fs.cpSync(from, dataDir, { recursive: true });
  return {
    dataDir,
    root,
    cleanup: async () => {
      // An owner killed without cleaning up leaves its socket directory behind (named in the lock file).
      try {
        const lock = JSON.parse(fs.readFileSync(`${dataDir}.lock`, 'utf8')) as { socketDirectory?: unknown };
        const socketDirectory = typeof lock.socketDirectory === 'string' ? lock.socketDirectory : '';
        if (path.dirname(socketDirectory) === os.tmpdir() && path.basename(socketDirectory).startsWith('kanta-')) {
          fs.rmSync(socketDirectory, { recursive: true, force: true });
        }
      } catch {}
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * An initialised, empty (unmigrated) PGlite data directory to copy into tests' data directories.
 * Creating one costs several CPU-seconds (initdb in WASM); a copy is a plain, fresh database too,
 * the same as what a first Kanta process would create, only cheaper.
 */
export async function createEmptyDatabaseTemplate(): Promise<TempDataDir> {
  const template = tempDataDir();
  const db = await PGlite.create(template.dataDir);
  await db.close();
  return template;
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Resolves when the process exits, with its whole output. */
  exited: Promise<RunResult>;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<RunResult>;
}

/** Starts `kanta serve` on a free port and waits until /healthz answers. */
export async function startServe(
  env: Record<string, string | undefined>,
  options: { port?: number; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const timeoutMs = options.timeoutMs ?? 100_000;
  const child = spawnCli(['serve', '--port', String(port), '--host', '127.0.0.1'], env);
  // No time limit of its own: the test stops it, or kills it when the test fails.
  const exited = completion(child, 600_000, 'kanta serve');
  let exitedEarly: RunResult | undefined;
  exited.then(
    (result) => {
      exitedEarly = result;
    },
    () => {},
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitedEarly) {
      throw new Error(`kanta serve exited with ${exitedEarly.code} before answering\nstderr: ${exitedEarly.stderr}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      const result = await exited.catch((error: Error) => ({ stderr: error.message }));
      throw new Error(`kanta serve did not answer /healthz within ${timeoutMs} ms\nstderr: ${result.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    child,
    url,
    exited,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Makes sure a server started by a test is gone, even when the test failed half-way. */
export async function killServer(server: ServerProcess | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGKILL');
  await server.exited.catch(() => {});
}

export interface GraphQLResult {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** POSTs a GraphQL query, with `Authorization: Bearer <key>` when a key is given. */
/** POSTs a document (`query`, text) or a persisted operation (`{ documentId }`) to a running server. */
export async function graphql(
  url: string,
  query: string | { documentId: string },
  key?: string,
): Promise<GraphQLResult> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(typeof query === 'string' ? { query } : query),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as GraphQLResult['body'] };
  } catch {
    throw new Error(`POST /graphql answered ${response.status} with a body that is not JSON: ${text}`);
  }
}

export interface SlowRequest {
  /** Sends the rest of the body. */
  finish(): void;
  /** The complete response (status and whole body), or an error if the connection broke. */
  response: Promise<{ status: number; body: string }>;
}

/**
 * Starts a GraphQL POST whose body arrives in two halves: the server has the request in flight (its
 * headers are parsed) until `finish()` sends the rest. This makes a request slow without adding any
 * test-only code to the server.
 */
export function slowGraphqlRequest(url: string, query: string, key: string): SlowRequest {
  const body = Buffer.from(JSON.stringify({ query }));
  const half = Math.floor(body.length / 2);
  const request = http.request(`${url}/graphql`, {
    method: 'POST',
    agent: false,
    headers: {
      'content-type': 'application/json',
      'content-length': String(body.length),
      authorization: `Bearer ${key}`,
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.once('error', reject);
      res.once('aborted', () => reject(new Error('the response was cut off')));
      res.once('end', () => {
        if (!res.complete) reject(new Error('the response ended before it was complete'));
        else resolve({ status: res.statusCode ?? 0, body: text });
      });
    });
  });
  request.flushHeaders();
  request.write(body.subarray(0, half));
  return { finish: () => request.end(body.subarray(half)), response };
}

/** Names of the migration directories in prisma/migrations, in the order they are applied. */
export function migrationNames(): string[] {
  if (!fs.existsSync(MIGRATIONS_DIR)) return [];
  return fs
    .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(MIGRATIONS_DIR, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
}
