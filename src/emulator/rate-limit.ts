/**
 * new-api's global API limiter: one sliding window over all /api routes. A request is admitted
 * when fewer than `requests` were admitted in the last `windowSeconds`; refused requests are not
 * counted (new-api only records admitted ones).
 */

/** The verdict for one request. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A sliding-window limiter on an injected clock (ms). */
export class SlidingWindow {
  private readonly admitted: number[] = [];

  constructor(
    private readonly requests: number,
    private readonly windowMs: number,
  ) {}

  /** Admits and records the request, or says how long until a slot frees (ceil, ≥ 1 s). */
  take(nowMs: number): RateDecision {
    while (this.admitted.length > 0 && (this.admitted[0] as number) <= nowMs - this.windowMs) {
      this.admitted.shift();
    }
    if (this.admitted.length < this.requests) {
      this.admitted.push(nowMs);
      return { allowed: true };
    }
    const oldest = this.admitted[0] as number;
    const waitMs = oldest + this.windowMs - nowMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}
