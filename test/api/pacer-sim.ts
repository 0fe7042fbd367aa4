/**
 * A discrete-event simulation of many requests through one pacer against a rate-limited server,
 * on a virtual clock: `sleep` queues a timer and `run` fires timers in time order, letting every
 * promise settle in between, so concurrent workers see the same interleaving on every run.
 */
import { createPacer, type Pacer, type PacerOptions } from '../../src/api/pacer.js';
import type { RateDecision } from '../../src/emulator/rate-limit.js';

export const SIM_T0 = Date.parse('2026-11-26T12:00:00Z');

export interface SimClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Fires timers in order until none is left. */
  run: () => Promise<void>;
}

export function createSimClock(start = SIM_T0): SimClock {
  let t = start;
  let seq = 0;
  const timers: { at: number; seq: number; resolve: () => void }[] = [];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => t,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        timers.push({ at: t + Math.max(0, ms), seq: seq++, resolve });
      }),
    run: async () => {
      for (;;) {
        await settle();
        if (timers.length === 0) return;
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers.shift() as (typeof timers)[number];
        t = Math.max(t, next.at);
        next.resolve();
      }
    },
  };
}

/** A server limit: admits a request arriving at `nowMs` or says how long to wait. */
export interface SimLimiter {
  take(nowMs: number): RateDecision;
}

/** N per window, the count starting afresh at every multiple of the window. */
export class FixedWindow implements SimLimiter {
  private window = -1;
  private count = 0;

  constructor(
    private readonly requests: number,
    private readonly windowMs: number,
  ) {}

  take(nowMs: number): RateDecision {
    const w = Math.floor(nowMs / this.windowMs);
    if (w !== this.window) {
      this.window = w;
      this.count = 0;
    }
    if (this.count < this.requests) {
      this.count++;
      return { allowed: true };
    }
    const waitMs = (w + 1) * this.windowMs - nowMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}

export interface SimOptions {
  requests: number;
  parallelism: number;
  /** Round trip; the server decides halfway. */
  latencyMs: number;
  limiter: SimLimiter;
  pacer?: Partial<Omit<PacerOptions, 'now' | 'sleep'>>;
  /** Runs first, on the same pacer and server (e.g. slow work before the writes). */
  before?: (send: () => Promise<void>, clock: SimClock) => Promise<void>;
  /** Called as every request starts, with the pace then in force. */
  onStart?: (atMs: number, rate: number | undefined) => void;
}

export interface SimResult {
  /** Start time of every request sent (a request answered 429 and sent again counts twice). */
  starts: number[];
  /** Answers 429. */
  limited: number;
  /** 429s that began a pause (not ones that arrived during one). */
  pausesBegun: number;
  /** Requests given up on because the pause budget was spent. */
  failed: number;
  pausedMs: number;
  /** Time from the first request to the last answer. */
  elapsedMs: number;
  pacer: Pacer;
}

export async function simulate(o: SimOptions): Promise<SimResult> {
  const clock = createSimClock();
  const pacer = createPacer({
    maxRateLimitWaitSeconds: 1800,
    ...o.pacer,
    now: clock.now,
    sleep: clock.sleep,
  });
  const result: SimResult = {
    starts: [],
    limited: 0,
    pausesBegun: 0,
    failed: 0,
    pausedMs: 0,
    elapsedMs: 0,
    pacer,
  };
  let pausedUntil = 0;
  // One request, sent again while answered 429 and the budget lasts.
  const send = async () => {
    for (;;) {
      await pacer.acquire();
      o.onStart?.(clock.now(), pacer.currentRate());
      result.starts.push(clock.now());
      await clock.sleep(o.latencyMs / 2);
      const verdict = o.limiter.take(clock.now());
      await clock.sleep(o.latencyMs / 2);
      if (verdict.allowed) {
        pacer.recordAccepted();
        return;
      }
      result.limited++;
      if (clock.now() >= pausedUntil) result.pausesBegun++;
      pausedUntil = Math.max(pausedUntil, clock.now() + verdict.retryAfterSeconds * 1000);
      if (pacer.recordRateLimited(String(verdict.retryAfterSeconds)) === 'exhausted') {
        result.failed++;
        return;
      }
    }
  };
  const work = (async () => {
    if (o.before) await o.before(send, clock);
    let left = o.requests;
    const worker = async () => {
      while (left > 0) {
        left--;
        await send();
      }
    };
    await Promise.all(Array.from({ length: o.parallelism }, worker));
  })();
  await clock.run();
  await work;
  result.pausedMs = pacer.pausedMs();
  result.elapsedMs = clock.now() - SIM_T0;
  return result;
}
