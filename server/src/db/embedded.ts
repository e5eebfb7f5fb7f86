import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The embedded database. PGlite is Postgres compiled to WASM and admits a single process, so the
 * first Kanta process to open a data directory (server or CLI) becomes its owner: it opens PGlite
 * and serves it over a private unix socket; every process, the owner included, talks to it through
 * that socket with the same `pg` driver and Prisma adapter used for real PostgreSQL. A lock file
 * beside the data directory names the owner's pid and socket, so a CLI command run while the
 * server is up shares the server's database instead of failing or corrupting it.
 */
export interface EmbeddedEndpoint {
  /** Directory holding the `.s.PGSQL.5432` socket; pass it to pg as `host`. */
  socketDirectory: string;
  /** True when this process opened PGlite and must close it. */
  owner: boolean;
  /** An archive of the whole database (in-memory databases only), to use as a template. */
  dump?: () => Promise<Blob>;
  close(): Promise<void>;
}

interface LockContents {
  pid: number;
  socketDirectory: string;
}

const SOCKET_FILE = '.s.PGSQL.5432';
/** Connections the socket multiplexer accepts: a server pool, a CLI command and some headroom. */
const MAX_SOCKET_CONNECTIONS = 32;

export function lockFileFor(dataDir: string): string {
  return `${dataDir.replace(/[\\/]+$/, '')}.lock`;
}

function socketDirectoryFor(key: string): string {
  // Unix socket paths are limited to ~107 bytes, so the socket lives under the temp dir, named by a
  // hash of the data directory rather than inside it.
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `kanta-${digest}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(lockFile: string): LockContents | undefined {
  try {
    const contents = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as LockContents;
    return typeof contents.pid === 'number' && typeof contents.socketDirectory === 'string' ? contents : undefined;
  } catch {
    return undefined;
  }
}

async function serve(db: PGlite, socketDirectory: string): Promise<PGLiteSocketServer> {
  fs.mkdirSync(socketDirectory, { recursive: true, mode: 0o700 });
  fs.rmSync(path.join(socketDirectory, SOCKET_FILE), { force: true });
  const server = new PGLiteSocketServer({
    db,
    path: path.join(socketDirectory, SOCKET_FILE),
    maxConnections: MAX_SOCKET_CONNECTIONS,
  });
  await server.start();
  return server;
}

/** Opens (or joins) the embedded database persisted in `dataDir`. */
export async function openEmbedded(dataDir: string): Promise<EmbeddedEndpoint> {
  const lockFile = lockFileFor(dataDir);
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 50; attempt++) {
    let handle: number;
    try {
      handle = fs.openSync(lockFile, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const lock = readLock(lockFile);
      if (lock && lock.pid !== process.pid && processAlive(lock.pid)) {
        if (fs.existsSync(path.join(lock.socketDirectory, SOCKET_FILE))) {
          return { socketDirectory: lock.socketDirectory, owner: false, close: async () => {} };
        }
        // The owner is starting up and has not opened its socket yet.
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      if (!lock) {
        // Another process has just created the lock and not written it yet, or it is garbage.
        const age = Date.now() - (fs.statSync(lockFile, { throwIfNoEntry: false })?.mtimeMs ?? 0);
        if (age < 2_000) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          continue;
        }
      }
      // A stale lock from a process that died without cleaning up.
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    const socketDirectory = socketDirectoryFor(path.resolve(dataDir));
    try {
      fs.mkdirSync(dataDir, { recursive: true });
      const db = await PGlite.create(dataDir);
      const server = await serve(db, socketDirectory);
      fs.writeSync(handle, JSON.stringify({ pid: process.pid, socketDirectory } satisfies LockContents));
      fs.closeSync(handle);
      return {
        socketDirectory,
        owner: true,
        close: async () => {
          await server.stop();
          await db.close();
          if (readLock(lockFile)?.pid === process.pid) fs.rmSync(lockFile, { force: true });
          fs.rmSync(socketDirectory, { recursive: true, force: true });
        },
      };
    } catch (error) {
      fs.closeSync(handle);
      fs.rmSync(lockFile, { force: true });
      throw error;
    }
  }
  throw new Error(`could not open the embedded database in ${dataDir}: ${lockFile} stays locked`);
}

/**
 * A throwaway in-memory database on its own socket, for tests and scratch work. `template` is a
 * `dumpDataDir()` archive to start from: loading one takes a fraction of a fresh initdb.
 */
export async function openInMemory(template?: Blob): Promise<EmbeddedEndpoint> {
  const db = await PGlite.create(template ? { loadDataDir: template } : {});
  const socketDirectory = socketDirectoryFor(`memory:${process.pid}:${randomUUID()}`);
  const server = await serve(db, socketDirectory);
  return {
    socketDirectory,
    owner: true,
    dump: () => db.dumpDataDir('gzip'),
    close: async () => {
      await server.stop();
      await db.close();
      fs.rmSync(socketDirectory, { recursive: true, force: true });
    },
  };
}
