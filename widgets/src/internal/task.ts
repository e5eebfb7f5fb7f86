import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type TaskStatus = 'initial' | 'pending' | 'complete' | 'error';

export interface DataTaskOptions<Args extends readonly unknown[], Value> {
  /** Loads the data; must stop work and settle when `signal` aborts. */
  task: (args: Args, options: { signal: AbortSignal }) => Promise<Value>;
  /** Read before every host update; the task re-runs when any item changes (`Object.is`). */
  args: () => Args;
}

export interface DataTaskRenderers<Value, Result> {
  initial?: () => Result;
  pending?: () => Result;
  complete?: (value: Value) => Result;
  error?: (error: unknown) => Result;
}

/**
 * A minimal stand-in for `@lit/task` (not a dependency, to stay small): runs an
 * async load when its arguments change, aborts the superseded run, and exposes
 * the outcome as an explicit status for rendering.
 *
 * While a new run is pending, `value` and `error` keep the last settled outcome
 * so a widget can, say, keep its retry button in place during the retry.
 */
export class DataTask<Args extends readonly unknown[], Value> implements ReactiveController {
  status: TaskStatus = 'initial';
  value: Value | undefined;
  error: unknown;

  private lastArgs: Args | undefined;
  private abortController: AbortController | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: DataTaskOptions<Args, Value>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    // A run abandoned on disconnect starts over when the element comes back
    // (e.g. moved within the page); Lit does not update on reconnection itself.
    if (this.lastArgs === undefined && this.status !== 'initial') this.host.requestUpdate();
  }

  hostUpdate(): void {
    const args = this.options.args();
    if (this.lastArgs !== undefined && sameItems(args, this.lastArgs)) return;
    void this.run(args);
  }

  hostDisconnected(): void {
    if (this.status !== 'pending') return;
    this.abortController?.abort();
    this.lastArgs = undefined;
  }

  /** Starts a run now (e.g. a retry), aborting any run in progress. Never rejects. */
  async run(args: Args = this.options.args()): Promise<void> {
    this.abortController?.abort();
    const abortController = new AbortController();
    this.abortController = abortController;
    this.lastArgs = args;
    this.status = 'pending';
    this.host.requestUpdate();
    try {
      const value = await this.options.task(args, { signal: abortController.signal });
      if (abortController.signal.aborted) return;
      this.status = 'complete';
      this.value = value;
      this.error = undefined;
    } catch (error) {
      if (abortController.signal.aborted) return;
      this.status = 'error';
      this.error = error;
    }
    this.host.requestUpdate();
  }

  render<Result>(renderers: DataTaskRenderers<Value, Result>): Result | undefined {
    switch (this.status) {
      case 'initial':
        return renderers.initial?.();
      case 'pending':
        return renderers.pending?.();
      case 'complete':
        return renderers.complete?.(this.value as Value);
      case 'error':
        return renderers.error?.(this.error);
    }
  }
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, index) => Object.is(item, b[index]));
}
