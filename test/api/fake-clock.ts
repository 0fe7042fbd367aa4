/**
 * A virtual clock for client tests: `sleep` records the wait and moves time forward instead of
 * waiting, so backoff and 429 pauses are asserted without real delays.
 */
export interface FakeClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Every sleep requested, in ms, in order. */
  sleeps: number[];
  /** Moves time forward without a sleep (e.g. "the server took 3 s"). */
  advance: (ms: number) => void;
}

/** Starts at `start` ms (default 2026-11-26T12:00:00Z). */
export function createFakeClock(start = Date.parse('2026-11-26T12:00:00Z')): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleeps,
    advance: (ms) => {
      t += ms;
    },
    // Wake time is measured from the call, so concurrent sleepers do not add up.
    sleep: async (ms) => {
      sleeps.push(ms);
      const wake = t + ms;
      await Promise.resolve();
      t = Math.max(t, wake);
    },
  };
}
