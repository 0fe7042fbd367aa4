/**
 * The client's concurrency limit (docs/configuration.md#settings `parallelism`: requests in flight
 * at once), a named unit so it can be tested on its own (STYLE.md "HTTP").
 */
import pLimit from 'p-limit';

/** Runs tasks with at most `concurrency` of them in flight. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly activeCount: number;
  /** Tasks waiting for a slot. */
  readonly pendingCount: number;
}

/** Creates a limiter; `concurrency` must be a positive integer. */
export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`parallelism must be a positive integer, got ${concurrency}`);
  }
  const limit = pLimit(concurrency);
  return {
    run: (task) => limit(task),
    get activeCount() {
      return limit.activeCount;
    },
    get pendingCount() {
      return limit.pendingCount;
    },
  };
}
