import { describe, expect, it } from 'vitest';
import {
  createPacer,
  PACE_DECREASE_FACTOR,
  PACE_INCREASE_FRACTION,
  PACE_PLATEAU_FACTOR,
  PACE_PROBE_HOLD_STRETCHES,
  PACE_STRETCH_PAUSES,
} from '../../src/api/pacer.js';
import { createCometClient } from '../../src/api/client.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { LoggedRequest } from '../../src/emulator/index.js';
import { SlidingWindow } from '../../src/emulator/rate-limit.js';
import { offline } from '../helpers/offline.js';
import { createFakeClock } from './fake-clock.js';
import { FixedWindow, simulate, type SimLimiter, type SimOptions } from './pacer-sim.js';

offline();

const T0 = Date.parse('2026-11-26T12:00:00Z');

function setup(extra: { maxRequestsPerSecond?: number; maxRateLimitWaitSeconds?: number } = {}) {
  const clock = createFakeClock(T0);
  const pacer = createPacer({
    maxRateLimitWaitSeconds: 1800,
    ...extra,
    now: clock.now,
    sleep: clock.sleep,
  });
  /** `n` requests one after another, each answered at once and accepted. */
  const accept = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await pacer.acquire();
      pacer.recordAccepted();
    }
  };
  /** The pace after each of `n` accepted requests. */
  const paceOver = async (n: number) => {
    const rates: number[] = [];
    for (let i = 0; i < n; i++) {
      await accept(1);
      rates.push(pacer.currentRate() as number);
    }
    return rates;
  };
  /** The highest pace over accepted requests for `ms`. */
  const maxPaceFor = async (ms: number) => {
    const until = clock.now() + ms;
    let max = 0;
    while (clock.now() < until) {
      await accept(1);
      max = Math.max(max, pacer.currentRate() as number);
    }
    return max;
  };
  return { clock, pacer, accept, paceOver, maxPaceFor };
}

// Slow work before the writes (requests 500 ms apart, never the idle gap that starts a new
// measuring window), then 20 at once and a 429 asking for 1 s: 30 accepted over 5 s, 6/s.
async function learnTooLow(s: ReturnType<typeof setup>) {
  for (let i = 0; i < 10; i++) {
    await s.accept(1);
    if (i < 9) await s.clock.sleep(500);
  }
  await s.accept(20);
  s.pacer.recordRateLimited('1');
}

// A rate learnt too low, raised over 200 requests, then a 429 at that pace: returns the pace.
async function refusedAfterClimb(s: ReturnType<typeof setup>) {
  await learnTooLow(s);
  await s.accept(200);
  const refused = s.pacer.currentRate() as number;
  s.pacer.recordRateLimited('1');
  return refused;
}

// A stretch after 429s asking for 1 s.
const STRETCH_MS = PACE_STRETCH_PAUSES * 1000;

describe('pacer: additive increase', () => {
  it('raises a rate learnt too low by a constant step per stretch at the pace', async () => {
    const s = setup();
    await learnTooLow(s);
    const r0 = s.pacer.currentRate() as number;
    expect(r0).toBeCloseTo(6, 10);
    // Each step is a tenth of the learnt rate, once per 2 s in which requests went out at it.
    const distinct = [...new Set(await s.paceOver(300))];
    expect(distinct.length).toBeGreaterThan(5);
    distinct.forEach((r, i) => expect(r).toBeCloseTo(r0 * (1 + i * PACE_INCREASE_FRACTION), 9));
  });

  it('gets a rate learnt too low back to the server limit within a bounded number of requests', async () => {
    // The situation the bench saw: the rate learnt at about half the server's 20/s.
    const limit = 20;
    const s = setup();
    await learnTooLow(s);
    const r0 = s.pacer.currentRate() as number;
    // Stretches to climb from r0 to the limit, and the requests they take at most: each
    // stretch sends at most its pace for its length (plus the one that closes it).
    const stretches = Math.ceil((limit / r0 - 1) / PACE_INCREASE_FRACTION);
    let bound = 0;
    for (let k = 0; k < stretches; k++) {
      bound += Math.ceil(r0 * (1 + k * PACE_INCREASE_FRACTION) * (STRETCH_MS / 1000)) + 1;
    }
    let sent = 0;
    while ((s.pacer.currentRate() as number) < limit) {
      await s.accept(1);
      sent++;
      expect(sent).toBeLessThanOrEqual(bound);
    }
    // 24 stretches, about 50 s and 700 requests, where the learnt rate would have held all run.
    expect(stretches).toBe(24);
  });

  it('does not raise a pace the client is not using', async () => {
    const s = setup();
    await learnTooLow(s);
    const r0 = s.pacer.currentRate() as number;
    // One request every 400 ms (2.5/s, under the 6/s pace) for 40 s: the client is the limit.
    for (let i = 0; i < 100; i++) {
      await s.accept(1);
      await s.clock.sleep(400);
    }
    expect(s.pacer.currentRate()).toBe(r0);
  });

  it('never raises above maxRequestsPerSecond, and reaches it', async () => {
    const s = setup({ maxRequestsPerSecond: 9 });
    await learnTooLow(s);
    const rates = await s.paceOver(1000);
    expect(Math.max(...rates)).toBe(9);
    expect(rates.at(-1)).toBe(9);
  });

  it('cuts from the pace in force, a configured ceiling included', async () => {
    const s = setup({ maxRequestsPerSecond: 2 });
    await s.accept(20);
    s.pacer.recordRateLimited('0'); // learnt 2.08/s, above the configured 2/s
    await s.accept(5);
    s.pacer.recordRateLimited('1');
    expect(s.pacer.currentRate()).toBeCloseTo(2 * PACE_DECREASE_FACTOR, 10);
  });

  it('stops just below a pace refused while pacing, then probes above it after a hold', async () => {
    const s = setup();
    const refused = await refusedAfterClimb(s);
    expect(s.pacer.currentRate()).toBeCloseTo(refused * PACE_DECREASE_FACTOR, 10);
    const plateau = refused * PACE_PLATEAU_FACTOR;
    const maxInHold = await s.maxPaceFor(1000 + PACE_PROBE_HOLD_STRETCHES * STRETCH_MS);
    expect(maxInHold).toBeCloseTo(plateau, 10);
    await s.accept(100);
    expect(s.pacer.currentRate()).toBeGreaterThan(refused);
  });

  it('after another 429 the hold doubles and the plateau stays below the lowest pace refused', async () => {
    const s = setup();
    const first = await refusedAfterClimb(s);
    // Past the hold and one step above the refused pace, refused again.
    for (let i = 0; i < 2000 && (s.pacer.currentRate() as number) <= first; i++) await s.accept(1);
    expect(s.pacer.currentRate()).toBeGreaterThan(first);
    s.pacer.recordRateLimited('1');
    const maxInHold = await s.maxPaceFor(1000 + 2 * PACE_PROBE_HOLD_STRETCHES * STRETCH_MS);
    expect(maxInHold).toBeCloseTo(first * PACE_PLATEAU_FACTOR, 10);
  });

  it('stops raising once pauses have spent half of maxRateLimitWaitSeconds', async () => {
    const s = setup({ maxRateLimitWaitSeconds: 10 });
    await s.accept(20);
    s.pacer.recordRateLimited('6');
    const learnt = s.pacer.currentRate() as number;
    await s.accept(500);
    expect(s.pacer.currentRate()).toBe(learnt);
  });
});

/**
 * The bound on pauses (429s that start one; 429s arriving during a pause add none) against a
 * fixed limit of `limit` requests per second, for a run lasting `durationMs`:
 * - 1: the first 429, before any pace is known;
 * - the cuts that bring the first learnt pace r0 under the limit: ⌈ln(r0 / limit) / ln(1/0.9)⌉;
 * - 3: while a plateau holds, every 429 comes at or below it, 95% of the lowest pace refused,
 *   so each lowers that pace by 5% or more; from at most limit / 0.9 (the pace before the cut
 *   that went under the limit) to the limit that is ⌈ln(1/0.9) / ln(1/0.95)⌉ = 3;
 * - one per probe: a probe starts only when a hold has passed, holds double from 15 stretches,
 *   so a run of length D has at most ⌊log2(D / hold + 1)⌋ of them, and a probe's pace is at most
 *   one step (10%) over the limit, which its cut takes back.
 * The increase itself adds at most 1 + 3 + probes; the rest is the first estimate.
 */
function pauseBound(r0: number, limit: number, durationMs: number, stretchMs: number) {
  const descent = Math.max(0, Math.ceil(Math.log(r0 / limit) / Math.log(1 / PACE_DECREASE_FACTOR)));
  const settle = Math.ceil(Math.log(1 / PACE_DECREASE_FACTOR) / Math.log(1 / PACE_PLATEAU_FACTOR));
  const probes = Math.floor(Math.log2(durationMs / (PACE_PROBE_HOLD_STRETCHES * stretchMs) + 1));
  return 1 + descent + 1 + settle + probes;
}

async function run(limiter: SimLimiter, o: Partial<SimOptions> = {}) {
  const rates: number[] = [];
  const result = await simulate({
    requests: 2000,
    parallelism: 10,
    latencyMs: 50,
    limiter,
    onStart: (_t, rate) => {
      if (rate !== undefined) rates.push(rate);
    },
    ...o,
  });
  return { ...result, r0: rates[0] as number, rates };
}

// The bench's situation: slow work before the writes makes the first estimate about half.
const slowStart: SimOptions['before'] = async (send, clock) => {
  for (let i = 0; i < 10; i++) {
    await send();
    await clock.sleep(250);
  }
};

describe('pacer against a simulated server limit (2,000 requests, 10 in parallel)', () => {
  const limit = 20;
  const floorMs = (2000 / limit) * 1000;
  const cases = [
    ['a sliding window', () => new SlidingWindow(limit, 1000), undefined],
    ['a fixed window', () => new FixedWindow(limit, 1000), undefined],
    ['a sliding window, first estimate too low', () => new SlidingWindow(limit, 1000), slowStart],
    ['a fixed window, first estimate too low', () => new FixedWindow(limit, 1000), slowStart],
  ] as const;

  for (const [name, limiter, before] of cases) {
    it(`${limit}/s in ${name}: few 429s, short pauses, close to the limit's pace`, async () => {
      const r = await run(limiter(), { before });
      expect(r.failed).toBe(0);
      expect(r.pausesBegun).toBeLessThanOrEqual(pauseBound(r.r0, limit, r.elapsedMs, STRETCH_MS));
      // Every 429 asks for 1 s here; one that arrives during a pause was sent before it began,
      // so extends it by at most its latency: a few seconds of the 1,800 allowed.
      expect(r.pausedMs).toBeLessThanOrEqual(
        r.pausesBegun * 1000 + (r.limited - r.pausesBegun) * 50,
      );
      expect(r.pausedMs).toBeLessThan(0.01 * 1800 * 1000);
      // At most 10 in flight at the first 429, one or two at the pace later.
      expect(r.limited).toBeLessThanOrEqual(10 + 2 * (r.pausesBegun - 1));
      // The pace ends within a step of the limit, and the run is close to its floor.
      expect(r.rates.at(-1)).toBeGreaterThan(0.9 * limit);
      expect(r.rates.at(-1)).toBeLessThanOrEqual(limit * 1.1);
      expect(r.elapsedMs).toBeLessThan(1.25 * floorMs);
    });
  }

  it('a longer run (20,000 requests) adds only a logarithm of probes', async () => {
    const short = await run(new SlidingWindow(limit, 1000));
    const long = await run(new SlidingWindow(limit, 1000), { requests: 20_000 });
    expect(long.failed).toBe(0);
    expect(long.pausesBegun).toBeLessThanOrEqual(
      pauseBound(long.r0, limit, long.elapsedMs, STRETCH_MS),
    );
    expect(long.pausesBegun - short.pausesBegun).toBeLessThanOrEqual(
      Math.ceil(Math.log2(long.elapsedMs / short.elapsedMs)),
    );
    expect(long.elapsedMs).toBeLessThan(1.1 * 10 * short.elapsedMs);
  });

  it("new-api's 360 per 180 s: one long pause, then the few short ones of the increase", async () => {
    // The window is long: raises wait for two of the longest pause asked for (about 6 minutes).
    const r = await run(new SlidingWindow(360, 180_000));
    expect(r.failed).toBe(0);
    const stretchMs = PACE_STRETCH_PAUSES * 180_000;
    expect(r.pausesBegun).toBeLessThanOrEqual(pauseBound(r.r0, 2, r.elapsedMs, stretchMs));
    expect(r.pausedMs).toBeLessThanOrEqual(180_000 + (r.pausesBegun - 1) * 1000);
    expect(r.elapsedMs).toBeLessThan(1.1 * 1000 * 1000);
  });

  it('never goes faster than maxRequestsPerSecond, below or above the server limit', async () => {
    for (const ceiling of [15, 25]) {
      const r = await run(new SlidingWindow(limit, 1000), {
        before: slowStart,
        pacer: { maxRequestsPerSecond: ceiling },
      });
      expect(Math.max(...r.rates)).toBeLessThanOrEqual(ceiling);
      const gaps = r.starts.slice(1).map((t, i) => t - (r.starts[i] as number));
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000 / ceiling - 1e-6);
      expect(r.failed).toBe(0);
      if (ceiling < limit) expect(r.limited).toBe(0);
      expect(r.rates.at(-1)).toBeGreaterThan(Math.min(ceiling, limit) * 0.9);
    }
  });
});

describe('pacer in the client, against the emulator', () => {
  it('climbs from a rate learnt too low back to the limit, through the client', async () => {
    const limit = 20;
    const clock = createFakeClock(T0);
    const rateLimit = { requests: limit, windowSeconds: 1 };
    const emu = await startEmulator({ now: clock.now, seed: 1, rateLimit });
    try {
      const { url: baseUrl, token } = emu;
      const { now, sleep } = clock;
      const client = createCometClient({ baseUrl, token, now, sleep, random: () => 0 });
      const [key] = await client.listKeys();
      const id = (key as { id: number }).id;
      // Slow work first (requests 250 ms apart), then reads one after another as fast as the
      // pacer lets them go; every request takes no time on the fake clock.
      for (let i = 0; i < 10; i++) {
        await client.getKey(id);
        await clock.sleep(250);
      }
      for (let i = 0; i < 600; i++) await client.getKey(id);
      expect(client.rateLimitExhausted()).toBe(false);
      const sent = emu.requests();
      const accepted = sent.filter((r) => r.status === 200);
      const rateOf = (rs: LoggedRequest[]) =>
        (rs.length - 1) /
        (((rs.at(-1) as LoggedRequest).time - (rs[0] as LoggedRequest).time) / 1000);
      const firstLimited = sent.findIndex((r) => r.status === 429);
      const afterFirst = sent.slice(firstLimited + 1).filter((r) => r.status === 200);
      // Learnt at about half the limit, and back at it by the end.
      expect(rateOf(afterFirst.slice(0, 20))).toBeLessThan(0.6 * limit);
      expect(rateOf(accepted.slice(-200))).toBeGreaterThan(0.9 * limit);
      // One request in flight: every 429 begins a pause. The first estimate was under the limit,
      // so no cuts bring it down to it.
      const elapsedMs = (sent.at(-1) as LoggedRequest).time - T0;
      const limited = sent.filter((r) => r.status === 429).length;
      expect(limited).toBeLessThanOrEqual(pauseBound(limit, limit, elapsedMs, STRETCH_MS));
    } finally {
      await emu.close();
    }
  });
});
