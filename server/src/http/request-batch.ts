/**
 * Per-request batching for fields that would otherwise send one query per parent (N+1): calls made
 * while a list of parents resolves are collected and loaded with one call of `load` once the current
 * resolvers have run (the next macrotask), and each key is loaded at most once per request. Prisma
 * batches its own findUnique calls like this; raw SQL needs this helper.
 */
type Load<V> = (keys: string[]) => Promise<Map<string, V>>;

interface Batch<V> {
  load: Load<V>;
  results: Map<string, Promise<V | null>>;
  pending: Map<string, { resolve(value: V | null): void; reject(error: unknown): void }>;
  scheduled: boolean;
}

const batches = new WeakMap<object, Map<string, Batch<unknown>>>();

export function loadBatched<V>(request: object, name: string, key: string, load: Load<V>): Promise<V | null> {
  let byName = batches.get(request);
  if (!byName) {
    byName = new Map();
    batches.set(request, byName);
  }
  let batch = byName.get(name) as Batch<V> | undefined;
  if (!batch) {
    batch = { load, results: new Map(), pending: new Map(), scheduled: false };
    byName.set(name, batch as Batch<unknown>);
  }
  const known = batch.results.get(key);
  if (known) return known;
  const current = batch;
  const result = new Promise<V | null>((resolve, reject) => current.pending.set(key, { resolve, reject }));
  current.results.set(key, result);
  if (!current.scheduled) {
    current.scheduled = true;
    setImmediate(() => {
      const waiting = new Map(current.pending);
      current.pending.clear();
      current.scheduled = false;
      current.load([...waiting.keys()]).then(
        (values) => {
          for (const [id, callbacks] of waiting) callbacks.resolve(values.get(id) ?? null);
        },
        (error: unknown) => {
          for (const callbacks of waiting.values()) callbacks.reject(error);
        },
      );
    });
  }
  return result;
}
