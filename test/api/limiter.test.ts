import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/api/limiter.js';

describe('createLimiter', () => {
  it('never runs more than `concurrency` tasks at once and runs them all', async () => {
    const limiter = createLimiter(3);
    let active = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const tasks = Array.from({ length: 10 }, (_, i) =>
      limiter.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((resolve) => releases.push(resolve));
        active--;
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(limiter.activeCount).toBe(3);
    expect(limiter.pendingCount).toBe(7);
    while (releases.length > 0 || active > 0) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
  });

  it('refuses a non-positive concurrency', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});
