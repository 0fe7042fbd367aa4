// The floors of docs/performance.md (SPEC §10): what a whole `cometkeys` process cannot beat.
// Pure arithmetic, unit-tested in test/bench/floor.test.ts; the bench measures, this only counts.

/** Pages of a listing of `keys` keys (an empty account still answers page 1). */
export function listingPages(keys, pageSize) {
  return Math.max(1, Math.ceil(keys / pageSize));
}

/** Round trips of a listing: page 1 alone (it tells the total), then the rest `parallelism` at a time. */
export function listingRoundTrips(keys, pageSize, parallelism) {
  return 1 + Math.ceil((listingPages(keys, pageSize) - 1) / parallelism);
}

/** Round trips of an apply: the listing, then a read and a write per key, `parallelism` keys at a time. */
export function applyRoundTrips(keys, updates, pageSize, parallelism) {
  return listingRoundTrips(keys, pageSize, parallelism) + 2 * Math.ceil(updates / parallelism);
}

/** Requests an apply of plain updates needs at least: every page, then a read and a write per key. */
export function applyRequests(keys, updates, pageSize) {
  return listingPages(keys, pageSize) + 2 * updates;
}

/** The round-trip floor (ms): bare `node -e 0` start plus `latencyMs` per round trip. */
export function roundTripFloorMs(bareNodeMs, roundTrips, latencyMs) {
  return bareNodeMs + roundTrips * latencyMs;
}

/** The rate floor (ms): bare node start plus the requests at `perSecond` requests a second. */
export function rateFloorMs(bareNodeMs, requests, perSecond) {
  return bareNodeMs + (requests / perSecond) * 1000;
}
