import { randomUUID } from 'node:crypto';
import type { Principal } from '../context.ts';

/**
 * What the HTTP layer learns about a request before GraphQL runs (its id, its principal), keyed by
 * the Request object so later hooks (context factory, validation rules, logging) can read it.
 */
export interface RequestState {
  requestId: string;
  startedAt: number;
  principal: Principal | null;
}

const states = new WeakMap<Request, RequestState>();

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function requestStateOf(request: Request): RequestState {
  let state = states.get(request);
  if (!state) {
    const incoming = request.headers.get('x-request-id');
    state = {
      requestId: incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID(),
      startedAt: performance.now(),
      principal: null,
    };
    states.set(request, state);
  }
  return state;
}
