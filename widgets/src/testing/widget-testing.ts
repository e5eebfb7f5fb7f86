/**
 * Test-only helpers for widget tests in the browser: a fake Kanta API behind a
 * `fetch` stub, mounting, and an axe-core check. Never imported by index.ts.
 */
import axe from 'axe-core';
import { expect } from 'vitest';
import type { EmulateMediaOptions } from '../../vitest.config.ts';

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** Defined in widgets/vitest.config.ts. `null` restores the browser's default. */
    emulateMedia(options: EmulateMediaOptions): Promise<void>;
  }
}

export interface RecordedRequest {
  url: string;
  headers: Headers;
  /** What the widget sent: a persisted operation's `documentId` (never GraphQL text) and variables. */
  body: { documentId?: string; query?: string; operationName?: string; variables?: Record<string, unknown> };
  signal: AbortSignal | undefined;
}

export type FakeResponder = (request: RecordedRequest, index: number) => Response | Promise<Response>;

/** A `fetch` stand-in that records each GraphQL request and answers with `respond`. */
export function fakeFetch(respond: FakeResponder): { fetch: typeof fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const stub = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const request: RecordedRequest = {
      url: String(input),
      headers: new Headers(init.headers),
      body: JSON.parse(String(init.body)),
      signal: init.signal ?? undefined,
    };
    requests.push(request);
    return respond(request, requests.length - 1);
  };
  return { fetch: stub as typeof fetch, requests };
}

export function graphqlResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/graphql-response+json' },
  });
}

/** What a browser's fetch does when the server is unreachable. */
export function networkFailure(): Promise<Response> {
  return Promise.reject(new TypeError('Failed to fetch'));
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Resolves with `response` when it arrives, or rejects like fetch when `signal` aborts first. */
export function abortable(response: Promise<Response>, signal: AbortSignal | undefined): Promise<Response> {
  return new Promise((resolve, reject) => {
    // As a real fetch does: reject with the signal's reason.
    signal?.addEventListener('abort', () => reject(signal.reason));
    response.then(resolve, reject);
  });
}

const mounted = new Set<Element>();

/** Creates `tagName`, lets `setup` set properties before it connects, and waits for its first render. */
export async function mount<K extends keyof HTMLElementTagNameMap>(
  tagName: K,
  setup: (element: HTMLElementTagNameMap[K]) => void = () => {},
  parent: ParentNode = document.body,
): Promise<HTMLElementTagNameMap[K]> {
  const element = document.createElement(tagName);
  setup(element);
  parent.append(element);
  mounted.add(element);
  await (element as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
  return element;
}

/** Removes everything `mount` added; call from `afterEach`. */
export function unmountAll(): void {
  for (const element of mounted) element.remove();
  mounted.clear();
}

/** The element exposed as `part` inside `host`'s shadow root. */
export function part<T extends Element = HTMLElement>(host: Element, name: string): T | null {
  return host.shadowRoot?.querySelector<T>(`[part~="${name}"]`) ?? null;
}

/** Runs axe-core on `element` (shadow roots included) and fails listing every violation. */
export async function expectNoAxeViolations(element: Element): Promise<void> {
  const results = await axe.run(element, { resultTypes: ['violations'] });
  const summary = results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
  );
  expect(summary).toEqual([]);
}
