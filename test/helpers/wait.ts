/**
 * Waiting on events instead of sleeping or polling: a condition is checked when something it
 * depends on happened (a `Signal` notified by a hook), and every wait is bounded by a timeout
 * that fails with what was awaited.
 */

/** Rejects with a clear message when `promise` does not settle within `timeoutMs`. */
export function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Something that happens again and again (a request finished); waits re-check on each. */
export class Signal {
  private waiters = new Set<() => void>();

  /** Call from the hook: re-checks every pending wait. */
  readonly notify = (): void => {
    for (const check of [...this.waiters]) check();
  };

  /** Resolves once `condition()` holds, checked now and after each notify. */
  until(condition: () => boolean, opts: { timeoutMs: number; what: string }): Promise<void> {
    let check: () => void = () => {};
    const met = new Promise<void>((resolve, reject) => {
      check = () => {
        try {
          if (!condition()) return;
        } catch (err) {
          reject(err as Error);
        }
        this.waiters.delete(check);
        resolve();
      };
    });
    this.waiters.add(check);
    check();
    return within(met, opts.timeoutMs, opts.what).finally(() => this.waiters.delete(check));
  }
}
