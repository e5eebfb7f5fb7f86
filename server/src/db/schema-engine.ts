// Loads Prisma's schema engine compiled to WebAssembly (`@prisma/schema-engine-wasm`). The Prisma CLI
// wants a native schema-engine binary that cannot be downloaded on an offline machine; the wasm build
// is the same engine and talks to the database through a driver adapter instead.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';

export type * from '@prisma/schema-engine-wasm/schema_engine_bg';

let loaded: typeof bindings | undefined;
let lastPanic: string | undefined;

/** The message of the engine's most recent panic (a Rust panic surfaces in JS only as "unreachable"). */
export function takeEnginePanic(): string | undefined {
  const message = lastPanic;
  lastPanic = undefined;
  return message;
}

/**
 * Instantiates the engine's wasm module once per process and returns its bindings.
 *
 * The package's own entry point does `import * as wasm from './schema_engine_bg.wasm'`, which needs
 * Node's `--experimental-wasm-modules`; compiling the bytes ourselves works on every supported Node.
 */
export function loadSchemaEngine(): typeof bindings {
  if (loaded) return loaded;
  // The engine reports panics through this global before aborting; without it the panic hook itself
  // throws a TypeError and the real message is lost.
  const registry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
  registry.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      lastPanic = message;
    },
  };
  // createRequire rather than import.meta.resolve: Vite's module runner (Vitest global setup) lacks the latter.
  const wasmPath = path.join(
    path.dirname(createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
    'schema_engine_bg.wasm',
  );
  const module = new WebAssembly.Module(fs.readFileSync(wasmPath));
  const imports: Record<string, unknown> = { ...bindings };
  for (const name of Object.keys(imports)) {
    // The engine arms a ~10 s timer after applying migrations (a connection-idle timeout inside its
    // runtime). A referenced timer keeps short-lived processes such as test workers alive for those
    // 10 s; nothing needs it to fire before exit, so let it be unref'd. CLIs should still call
    // process.exit() when done, as driver pools or other handles may linger.
    if (name.startsWith('__wbg_setTimeout_')) {
      imports[name] = (callback: () => void, ms: number) => {
        const timer = setTimeout(callback, ms >>> 0);
        timer.unref();
        return timer;
      };
    }
  }
  const [importModule = './schema_engine_bg.js'] = new Set(
    WebAssembly.Module.imports(module).map((entry) => entry.module),
  );
  const instance = new WebAssembly.Instance(module, { [importModule]: imports as WebAssembly.ModuleImports });
  bindings.__wbg_set_wasm(instance.exports);
  const start = instance.exports.__wbindgen_start;
  if (typeof start === 'function') start();
  loaded = bindings;
  return bindings;
}
