// Small measuring helpers: wall time, CPU time, medians, and the round-trip floors of SPEC §10.
import { performance } from 'node:perf_hooks';

/** Runs `fn` and returns its value with the wall time in ms. */
export async function timed(fn) {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/** Runs a synchronous `fn` and returns its value with the CPU time (user + system) in ms. */
export function cpuTimed(fn) {
  const before = process.cpuUsage();
  const start = performance.now();
  const value = fn();
  const used = process.cpuUsage(before);
  return { value, cpuMs: (used.user + used.system) / 1000, ms: performance.now() - start };
}

/** The median of numbers (the mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Round trips of a listing: page 1 alone (it tells the total), then the rest `parallelism` at a time. */
export function listingRoundTrips(keys, pageSize, parallelism) {
  const pages = Math.max(1, Math.ceil(keys / pageSize));
  return 1 + Math.ceil((pages - 1) / parallelism);
}
