/**
 * Request pacing and the client-wide 429 pause (docs/write-protocol.md#concurrency-and-pacing,
 * #429-handling). One pacer per client: a 429 on any request holds back every new request until
 * `Retry-After`, then requests go out no faster than the rate the server accepted before it
 * objected.
 */

/** First pause after a 429 without `Retry-After`; doubles per consecutive 429. */
export const RATE_LIMIT_BACKOFF_START_MS = 1_000;
/** Ceiling of that backoff. */
export const RATE_LIMIT_BACKOFF_MAX_MS = 60_000;
/** A pause is never shorter than this, so `Retry-After: 0` or a past date cannot spin. */
export const RATE_LIMIT_MIN_PAUSE_MS = 100;
/**
 * A gap this long without requests (planning between listing and writes, a person typing
 * `yes`) starts a new measuring window: counting the gap as if requests had been spread over
 * it would make the learnt rate far too low.
 */
export const RATE_WINDOW_IDLE_RESET_MS = 1_000;
/** A 429 while already pacing lowers the pace by this factor. */
export const PACE_DECREASE_FACTOR = 0.9;

export interface PacerOptions {
  /**
   * Client-side ceiling (docs/configuration.md#settings); undefined = none until a 429 teaches one.
   */
  maxRequestsPerSecond?: number;
  /** Total pause time allowed before giving up (docs/write-protocol.md#429-handling). */
  maxRateLimitWaitSeconds: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  onNotice?: (message: string) => void;
}

export interface Pacer {
  /** Resolves when a request may start: after any pause, and at most at the current pace. */
  acquire(): Promise<void>;
  /** A request was answered with something other than 429. */
  recordAccepted(): void;
  /**
   * A request was answered 429. Schedules (or extends) the pause and returns 'paused' — the
   * request is to be sent again — or 'exhausted' when the total pause budget would be
   * exceeded (then nothing is paused and the request fails).
   */
  recordRateLimited(retryAfter: string | null): 'paused' | 'exhausted';
  /** True once the pause budget has been spent. */
  exhausted(): boolean;
  /** The pace in requests per second now in force (undefined = unpaced); for tests and logs. */
  currentRate(): number | undefined;
}

/** Creates a pacer. */
export function createPacer(opts: PacerOptions): Pacer {
  const { now, sleep } = opts;
  const budgetMs = opts.maxRateLimitWaitSeconds * 1000;
  let pausedUntil = 0;
  let nextSlotAt = 0;
  let pausedTotalMs = 0;
  let isExhausted = false;
  let consecutive429 = 0;
  // The rate learnt from the first 429: requests accepted since `windowStart` over the time
  // until the server's window frees. With a sliding-window limit of N per W this comes out at
  // about N/W; later 429s lower it by PACE_DECREASE_FACTOR.
  let learntRate: number | undefined;
  let windowStart: number | undefined;
  let acceptedInWindow = 0;
  let lastActivityAt: number | undefined;

  const rate = (): number | undefined => {
    const limits = [opts.maxRequestsPerSecond, learntRate].filter(
      (r): r is number => r !== undefined && r > 0,
    );
    return limits.length === 0 ? undefined : Math.min(...limits);
  };

  return {
    async acquire() {
      for (;;) {
        const t = now();
        const start = Math.max(t, pausedUntil, nextSlotAt);
        if (start <= t) {
          const r = rate();
          nextSlotAt = r === undefined ? t : t + 1000 / r;
          if (
            windowStart === undefined ||
            (lastActivityAt !== undefined && t - lastActivityAt >= RATE_WINDOW_IDLE_RESET_MS)
          ) {
            windowStart = t;
            acceptedInWindow = 0;
          }
          lastActivityAt = t;
          return;
        }
        // Sleep, then look again: the pause may have been extended meanwhile.
        await sleep(start - t);
      }
    },

    recordAccepted() {
      consecutive429 = 0;
      acceptedInWindow++;
      lastActivityAt = now();
    },

    recordRateLimited(retryAfter) {
      if (isExhausted) return 'exhausted';
      const t = now();
      const alreadyPaused = t < pausedUntil;
      const told = parseRetryAfter(retryAfter, t);
      const requested = told ?? backoffMs(consecutive429);
      const resumeAt = t + Math.max(requested, RATE_LIMIT_MIN_PAUSE_MS);
      // `Retry-After` comes in whole seconds, rounded up: the window really frees up to 1 s
      // earlier. Learning from the rounded time would make the pace up to a whole window too
      // slow for short windows, so learn from the middle of that second (the pause itself
      // still lasts as long as the server asked).
      const learnAt = told === null ? resumeAt : resumeAt - Math.min(500, requested / 2);
      // Requests that were in flight when the pause began count only what they add.
      const addedMs = Math.max(0, resumeAt - Math.max(t, pausedUntil));
      if (pausedTotalMs + addedMs > budgetMs) {
        isExhausted = true;
        opts.onNotice?.(
          `rate limited: the ${opts.maxRateLimitWaitSeconds} s allowed for pauses ` +
            '(maxRateLimitWaitSeconds) are spent; giving up on rate-limited requests',
        );
        return 'exhausted';
      }
      if (!alreadyPaused) {
        consecutive429++;
        if (learntRate !== undefined) {
          // Already pacing, and still too fast (the estimate was high, or the server now
          // shares its budget with someone else): slow down a tenth and try again.
          learntRate *= PACE_DECREASE_FACTOR;
        } else if (acceptedInWindow > 0 && windowStart !== undefined && learnAt > windowStart) {
          learntRate = acceptedInWindow / ((learnAt - windowStart) / 1000);
        }
        windowStart = resumeAt;
        acceptedInWindow = 0;
      }
      if (addedMs > 0) {
        pausedTotalMs += addedMs;
        pausedUntil = resumeAt;
        opts.onNotice?.(`rate limited, resuming in ${Math.ceil((resumeAt - t) / 1000)} s`);
      }
      return 'paused';
    },

    exhausted: () => isExhausted,
    currentRate: rate,
  };
}

/** `Retry-After` as milliseconds from `nowMs`: delta-seconds or an HTTP date; null if absent/bad. */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only an HTTP date (it names a weekday or month): Date.parse would read "1.5" as a year.
  if (!/[a-z]/i.test(value)) return null;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

function backoffMs(consecutive: number): number {
  return Math.min(RATE_LIMIT_BACKOFF_MAX_MS, RATE_LIMIT_BACKOFF_START_MS * 2 ** consecutive);
}
