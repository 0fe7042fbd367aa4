/**
 * Request pacing and the client-wide 429 pause (docs/write-protocol.md#concurrency-and-pacing,
 * #429-handling). One pacer per client: a 429 on any request holds back every new request until
 * `Retry-After`, then requests go out no faster than the rate the server accepted before it
 * objected. That pace is raised again additively after stretches without a 429 and cut
 * multiplicatively at the next one (AIMD), with a plateau just below the last pace that was
 * refused, so that a rate learnt too low recovers while 429s against a fixed limit stay few.
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
/**
 * Each stretch at the pace without a 429 raises it by this fraction of the pace set by the last
 * 429 (additive increase: a constant step, so a pace learnt at half the server's limit is back at
 * it after ten stretches). One step overshoots a limit the pace was below by at most this
 * fraction of it, which the next cut (PACE_DECREASE_FACTOR) takes back.
 */
export const PACE_INCREASE_FRACTION = 0.1;
/**
 * A stretch lasts this many times the longest pause the server asked for, and at least
 * PACE_STRETCH_MIN_MS. `Retry-After` is at most the server's window, and a pace above a sliding
 * window's limit shows as a 429 once a whole window has been sent at it, so a raise is refused
 * (if it is) before the next one: a pace never climbs more than one step past a limit.
 */
export const PACE_STRETCH_PAUSES = 2;
export const PACE_STRETCH_MIN_MS = 1_000;
/**
 * A stretch counts only when requests really went out at the pace (at least this share of it):
 * a client held back by its own parallelism or latency learns nothing about the server's limit
 * and must not raise a pace it is not using.
 */
export const PACE_IN_USE_FRACTION = 0.8;
/** After a 429 while pacing, raises stop at this share of the lowest pace refused... */
export const PACE_PLATEAU_FACTOR = 0.95;
/**
 * ...for this many stretches, doubled at every further 429 while pacing; then the pace may probe
 * above it again (the server's limit may have risen, or the refusal was someone else's share).
 * The doubling keeps probes, each costing about one 429, to a logarithm of the run's length.
 */
export const PACE_PROBE_HOLD_STRETCHES = 15;
/** Raising stops once pauses have spent this share of `maxRateLimitWaitSeconds`. */
export const PACE_RAISE_BUDGET_SHARE = 0.5;

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
  /** Total pause time scheduled by 429s so far, in ms; for tests and logs. */
  pausedMs(): number;
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
  // about N/W; later 429s cut it by PACE_DECREASE_FACTOR, and stretches without one raise it.
  let learntRate: number | undefined;
  let windowStart: number | undefined;
  let acceptedInWindow = 0;
  let lastActivityAt: number | undefined;
  // Additive increase: the step (a fraction of the pace the last 429 set), the current stretch
  // (since `stretchStart`, `startedInStretch` requests), the longest pause asked for (the
  // stretch's length), and the plateau: the lowest pace refused, held for a time that doubles
  // per refusal (`pacedRefusals`), counted from the end of the pause (`plateauSince`).
  let increaseStep = 0;
  let stretchStart: number | undefined;
  let startedInStretch = 0;
  let longestPauseMs = 0;
  let refusedRate: number | undefined;
  let pacedRefusals = 0;
  let plateauSince = 0;

  const rate = (): number | undefined => {
    const limits = [opts.maxRequestsPerSecond, learntRate].filter(
      (r): r is number => r !== undefined && r > 0,
    );
    return limits.length === 0 ? undefined : Math.min(...limits);
  };

  const stretchMs = () => Math.max(PACE_STRETCH_MIN_MS, PACE_STRETCH_PAUSES * longestPauseMs);

  // Called as a request starts at `t`: closes a stretch that has lasted long enough, raising
  // the pace when the requests of the stretch went out at it.
  const maybeRaise = (t: number) => {
    if (learntRate === undefined) return;
    if (stretchStart === undefined) {
      stretchStart = t;
      startedInStretch = 0;
    }
    const elapsed = t - stretchStart;
    if (elapsed >= stretchMs()) {
      const pace = rate() as number;
      const inUse = startedInStretch >= PACE_IN_USE_FRACTION * pace * (elapsed / 1000);
      // A whole stretch at or above the pace last refused went through: the limit has risen.
      if (inUse && refusedRate !== undefined && pace >= refusedRate) refusedRate = undefined;
      if (inUse && pausedTotalMs <= PACE_RAISE_BUDGET_SHARE * budgetMs) {
        let next = learntRate + increaseStep;
        const holdMs =
          PACE_PROBE_HOLD_STRETCHES * stretchMs() * 2 ** Math.min(pacedRefusals - 1, 20);
        if (refusedRate !== undefined && t - plateauSince < holdMs) {
          next = Math.min(next, refusedRate * PACE_PLATEAU_FACTOR);
        }
        if (opts.maxRequestsPerSecond !== undefined) {
          next = Math.min(next, opts.maxRequestsPerSecond);
        }
        if (next > learntRate) learntRate = next;
      }
      stretchStart = t;
      startedInStretch = 0;
    }
    startedInStretch++;
  };

  return {
    async acquire() {
      for (;;) {
        const t = now();
        const start = Math.max(t, pausedUntil, nextSlotAt);
        if (start <= t) {
          maybeRaise(t);
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
      longestPauseMs = Math.max(longestPauseMs, requested);
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
          // Already pacing, and still too fast (the estimate or a raise was high, or the server
          // now shares its budget with someone else): slow down a tenth from the pace in force
          // (a configured ceiling included), and raise no higher than just below it for a while.
          const pace = rate() as number;
          learntRate = pace * PACE_DECREASE_FACTOR;
          // The plateau stays below the lowest pace refused (a probe above it refused again
          // says nothing new), until a stretch above it goes through.
          refusedRate = Math.min(refusedRate ?? pace, pace);
          pacedRefusals++;
        } else if (acceptedInWindow > 0 && windowStart !== undefined && learnAt > windowStart) {
          learntRate = acceptedInWindow / ((learnAt - windowStart) / 1000);
        }
        if (learntRate !== undefined) increaseStep = learntRate * PACE_INCREASE_FRACTION;
        windowStart = resumeAt;
        acceptedInWindow = 0;
        plateauSince = resumeAt;
      }
      if (addedMs > 0) {
        pausedTotalMs += addedMs;
        pausedUntil = resumeAt;
        // The next stretch begins when the pause ends.
        stretchStart = resumeAt;
        startedInStretch = 0;
        opts.onNotice?.(`rate limited, resuming in ${Math.ceil((resumeAt - t) / 1000)} s`);
      }
      return 'paused';
    },

    exhausted: () => isExhausted,
    currentRate: rate,
    pausedMs: () => pausedTotalMs,
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
