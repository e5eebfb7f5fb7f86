import type { KantaYoga } from '../../src/yoga.ts';

/** A GraphQL subscription over SSE (yoga's default transport), read event by event. */

export const SUBSCRIPTION =
  'subscription { loyaltyChanged { points lifetimePoints history(first: 1) { edges { node { kind points } } } } }';

export interface Stream {
  /** The next `next` event's payload (waits up to `timeoutMs`). */
  next(timeoutMs?: number): Promise<{ data?: any; errors?: any[] }>;
  close(): void;
  status: number;
  contentType: string | null;
}

/** Opens an SSE subscription on `yoga` and reads its `next` events. */
export async function subscribe(
  yoga: KantaYoga,
  headers: Record<string, string>,
  query: string = SUBSCRIPTION,
): Promise<Stream> {
  const controller = new AbortController();
  const response = await yoga.fetch(
    new Request('http://kanta.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
      body: JSON.stringify({ query }),
      signal: controller.signal,
    }),
  );
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pending: { data?: any; errors?: any[] }[] = [];
  const read = async (): Promise<void> => {
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended');
    buffer += decoder.decode(value, { stream: true });
    let index = buffer.indexOf('\n\n');
    while (index >= 0) {
      const block = buffer.slice(0, index);
      buffer = buffer.slice(index + 2);
      const lines = block.split('\n');
      const event = lines
        .find((line) => line.startsWith('event:'))
        ?.slice(6)
        .trim();
      const data = lines
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n');
      if (event === 'next' && data) pending.push(JSON.parse(data));
      index = buffer.indexOf('\n\n');
    }
  };
  let reading: Promise<void> | undefined;
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    async next(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (pending.length === 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no event in time');
        let timer: NodeJS.Timeout | undefined;
        // One read in flight at a time: a read left pending by an earlier timeout still delivers
        // the next chunk, and a second reader.read() would wait for the chunk after it.
        if (!reading) {
          reading = read().finally(() => {
            reading = undefined;
          });
          // Handled here too: after close() the last read ends with "stream ended", awaited by no one.
          reading.catch(() => {});
        }
        await Promise.race([
          reading,
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('no event in time')), left);
          }),
        ]).finally(() => clearTimeout(timer));
      }
      return pending.shift()!;
    },
    close() {
      controller.abort();
      reader.cancel().catch(() => {});
    },
  };
}
