import { describe, expect, it } from 'vitest';
import { createPacer, parseRetryAfter } from '../../src/api/pacer.js';
import { createFakeClock } from './fake-clock.js';

const T0 = Date.parse('2026-11-26T12:00:00Z');

function setup(extra: { maxRequestsPerSecond?: number; maxRateLimitWaitSeconds?: number } = {}) {
  const clock = createFakeClock(T0);
  const notices: string[] = [];
  const pacer = createPacer({
    maxRateLimitWaitSeconds: 1800,
    ...extra,
    now: clock.now,
    sleep: clock.sleep,
    onNotice: (m) => notices.push(m),
  });
  return { clock, notices, pacer };
}

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfter('7', T0)).toBe(7000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 12:00:30 GMT', T0)).toBe(30_000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 11:00:00 GMT', T0)).toBe(0);
    expect(parseRetryAfter(null, T0)).toBeNull();
    expect(parseRetryAfter('1.5', T0)).toBeNull();
    expect(parseRetryAfter('soon', T0)).toBeNull();
  });
});

describe('createPacer', () => {
  it('does not pace when no rate is set', async () => {
    const { clock, pacer } = setup();
    for (let i = 0; i < 5; i++) await pacer.acquire();
    expect(clock.sleeps).toEqual([]);
  });

  it('spaces requests to maxRequestsPerSecond', async () => {
    const { clock, pacer } = setup({ maxRequestsPerSecond: 4 });
    const starts: number[] = [];
    for (let i = 0; i < 4; i++) {
      await pacer.acquire();
      starts.push(clock.now() - T0);
    }
    expect(starts).toEqual([0, 250, 500, 750]);
  });

  it('holds every new request until Retry-After, and says when work resumes', async () => {
    const { clock, notices, pacer } = setup();
    await pacer.acquire();
    expect(pacer.recordRateLimited('12')).toBe('paused');
    const waiting = [pacer.acquire(), pacer.acquire()];
    await Promise.all(waiting);
    expect(clock.now() - T0).toBe(12_000);
    expect(notices).toEqual(['rate limited, resuming in 12 s']);
  });

  it('backs off 1 s doubling to 60 s without Retry-After, and resets after a success', async () => {
    const { clock, pacer } = setup();
    const pauses: number[] = [];
    for (let i = 0; i < 8; i++) {
      await pacer.acquire();
      const before = clock.now();
      pacer.recordRateLimited(null);
      await pacer.acquire();
      pauses.push(clock.now() - before);
    }
    expect(pauses).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    pacer.recordAccepted();
    const before = clock.now();
    pacer.recordRateLimited(null);
    await pacer.acquire();
    expect(clock.now() - before).toBe(1000);
  });

  it('counts a 429 that arrives during a pause only for what it adds', async () => {
    const { pacer, notices } = setup({ maxRateLimitWaitSeconds: 10 });
    await pacer.acquire();
    pacer.recordRateLimited('6');
    // Two requests that were in flight: one within the pause, one extending it by 3 s.
    expect(pacer.recordRateLimited('5')).toBe('paused');
    expect(pacer.recordRateLimited('9')).toBe('paused');
    expect(notices).toEqual(['rate limited, resuming in 6 s', 'rate limited, resuming in 9 s']);
    expect(pacer.exhausted()).toBe(false);
  });

  it('gives up once the total pause would pass maxRateLimitWaitSeconds', async () => {
    const { clock, pacer } = setup({ maxRateLimitWaitSeconds: 10 });
    await pacer.acquire();
    expect(pacer.recordRateLimited('6')).toBe('paused');
    await pacer.acquire();
    expect(pacer.recordRateLimited('4')).toBe('paused');
    await pacer.acquire();
    expect(clock.now() - T0).toBe(10_000);
    expect(pacer.exhausted()).toBe(false);
    expect(pacer.recordRateLimited('1')).toBe('exhausted');
    expect(pacer.exhausted()).toBe(true);
    expect(pacer.recordRateLimited('0')).toBe('exhausted');
  });

  it('after a pause, paces to the rate the server accepted', async () => {
    const { clock, pacer } = setup();
    // 20 requests accepted at once, then a 429 asking for 2 s (whole seconds, rounded up: the
    // window frees between 1 s and 2 s): learnt from the middle, 20 per 1.5 s.
    for (let i = 0; i < 20; i++) {
      await pacer.acquire();
      pacer.recordAccepted();
    }
    pacer.recordRateLimited('2');
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await pacer.acquire();
      starts.push(clock.now() - T0);
    }
    expect(pacer.currentRate()).toBeCloseTo(40 / 3, 10);
    expect(starts).toEqual([2000, 2075, 2150]);
  });

  it('slows down a tenth at each further 429 once pacing, instead of learning afresh', async () => {
    const { pacer } = setup();
    for (let i = 0; i < 20; i++) {
      await pacer.acquire();
      pacer.recordAccepted();
    }
    pacer.recordRateLimited('2');
    const first = pacer.currentRate() as number;
    for (let i = 0; i < 30; i++) {
      await pacer.acquire();
      pacer.recordAccepted();
    }
    pacer.recordRateLimited('1');
    expect(pacer.currentRate()).toBeCloseTo(first * 0.9, 10);
  });

  it('does not count an idle gap (planning, a prompt) as time the requests were spread over', async () => {
    const { clock, pacer } = setup();
    // The listing: 10 requests at once, then 30 s of planning and confirming.
    for (let i = 0; i < 10; i++) {
      await pacer.acquire();
      pacer.recordAccepted();
    }
    await clock.sleep(30_000);
    // The writes: 20 accepted at once, then a 429 asking for 2 s: learnt over 1.5 s, not 31.5 s.
    for (let i = 0; i < 20; i++) {
      await pacer.acquire();
      pacer.recordAccepted();
    }
    pacer.recordRateLimited('2');
    expect(pacer.currentRate()).toBeCloseTo(40 / 3, 10);
  });

  it('keeps the configured rate when it is lower than the learnt one', async () => {
    const { pacer } = setup({ maxRequestsPerSecond: 2 });
    for (let i = 0; i < 20; i++) {
      await pacer.acquire();
      pacer.recordAccepted();
    }
    // Learnt: 20 in 9.5 s + the 0.1 s minimum pause = 2.08/s, above the configured 2/s.
    pacer.recordRateLimited('0');
    expect(pacer.currentRate()).toBe(2);
  });
});
