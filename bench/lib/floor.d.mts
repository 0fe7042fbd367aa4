// Types of bench/lib/floor.mjs, for test/bench/floor.test.ts.
export function listingPages(keys: number, pageSize: number): number;
export function listingRoundTrips(keys: number, pageSize: number, parallelism: number): number;
export function applyRoundTrips(
  keys: number,
  updates: number,
  pageSize: number,
  parallelism: number,
): number;
export function applyRequests(keys: number, updates: number, pageSize: number): number;
export function roundTripFloorMs(bareNodeMs: number, roundTrips: number, latencyMs: number): number;
export function rateFloorMs(bareNodeMs: number, requests: number, perSecond: number): number;
