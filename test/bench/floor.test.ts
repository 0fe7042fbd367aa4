// The bench's floor arithmetic (docs/performance.md): round trips and requests, no timing.
import { describe, expect, it } from 'vitest';
import {
  applyRequests,
  applyRoundTrips,
  listingPages,
  listingRoundTrips,
  rateFloorMs,
  roundTripFloorMs,
} from '../../bench/lib/floor.mjs';

describe('listing round trips: page 1, then the other pages `parallelism` at a time', () => {
  it.each([
    // keys, page size, parallelism, pages, round trips
    [0, 100, 10, 1, 1],
    [10, 100, 10, 1, 1],
    [100, 100, 10, 1, 1],
    [101, 100, 10, 2, 2],
    [1_000, 100, 10, 10, 2],
    [1_100, 100, 10, 11, 2],
    [1_200, 100, 10, 12, 3],
    [2_000, 100, 10, 20, 3],
    [10_000, 100, 10, 100, 11],
    [10_000, 100, 1, 100, 100],
    [10_000, 100, 200, 100, 2],
    [250, 50, 2, 5, 3],
  ])(
    '%i keys, pages of %i, parallelism %i: %i pages, %i round trips',
    (keys, size, par, pages, rts) => {
      expect(listingPages(keys, size)).toBe(pages);
      expect(listingRoundTrips(keys, size, par)).toBe(rts);
    },
  );
});

describe('apply round trips: the listing, then a read and a write per key, `parallelism` keys at a time', () => {
  it.each([
    // keys, updates, parallelism, round trips
    [10, 10, 10, 1 + 2],
    [100, 100, 10, 1 + 20],
    [1_000, 1_000, 10, 2 + 200],
    [1_000, 1_001, 10, 2 + 202],
    [2_000, 200, 10, 3 + 40],
    [10_000, 100, 10, 11 + 20],
    [10_000, 0, 10, 11],
    [300, 300, 1, 3 + 600],
  ])('%i keys, %i updates, parallelism %i: %i round trips', (keys, updates, par, rts) => {
    expect(applyRoundTrips(keys, updates, 100, par)).toBe(rts);
  });

  it('the requests of an apply are every page plus two per update, whatever the parallelism', () => {
    expect(applyRequests(300, 300, 100)).toBe(603);
    expect(applyRequests(10_000, 100, 100)).toBe(300);
    expect(applyRequests(0, 0, 100)).toBe(1);
  });
});

describe('floors in milliseconds', () => {
  it('a round-trip floor is the bare node start plus the latency per round trip', () => {
    expect(roundTripFloorMs(150, 202, 50)).toBe(150 + 10_100);
    expect(roundTripFloorMs(120, 0, 50)).toBe(120);
  });

  it('a rate floor is the bare node start plus the requests at the rate', () => {
    expect(rateFloorMs(150, 603, 20)).toBeCloseTo(150 + 30_150, 9);
    expect(rateFloorMs(0, 20, 20)).toBe(1000);
  });
});
