/**
 * List values as sets (docs/plan-format.md#comparing-fields): the stored `model_limits` and
 * `allow_ips` strings in the normalized form desired keys use (sorted unique, IPs canonical,
 * `allow_ips` null = ""), so the diff and export compare and write like with like.
 */
import { parseAllowIps, parseModelLimits } from '../model.js';
import { canonicalizeIp } from './ip.js';

/** Sorted unique strings (code-unit order, like the loader's). */
export function sortedSet(values: readonly string[]): string[] {
  // Most lists of a key are empty or hold one value: no set to build, nothing to sort.
  if (values.length < 2) return values.slice();
  return [...new Set(values)].sort();
}

/**
 * True when two collections hold the same values, as sets (order and repeats do not count).
 * Sorted sets (`sortedSet`) are compared in one pass.
 */
export function sameSet(
  a: readonly string[] | ReadonlySet<string>,
  b: readonly string[] | ReadonlySet<string>,
): boolean {
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    if (a.every((v, i) => v === b[i])) return true;
  }
  const setA: ReadonlySet<string> = a instanceof Set ? a : new Set(a);
  const setB: ReadonlySet<string> = b instanceof Set ? b : new Set(b);
  if (setA.size !== setB.size) return false;
  for (const x of setA) if (!setB.has(x)) return false;
  return true;
}

/**
 * The stored IP list as a set of canonical forms, the loader's own (`canonicalizeIp`); an
 * unparsable entry stays as written.
 */
export function normalizeStoredIps(stored: string | null): string[] {
  return sortedSet(parseAllowIps(stored).map(canonicalIpCached));
}

/** A plain dotted quad (optionally /0–32) without leading zeros is already canonical. */
const CANONICAL_IPV4 =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\/(?:3[0-2]|[12]?\d))?$/;

/**
 * `canonicalizeIp` with a fast path: a plain dotted quad is returned as it is; anything else goes
 * through `parseIpEntry`, which keeps a bounded memo (a 10,000-key account repeats the same few
 * addresses).
 */
function canonicalIpCached(entry: string): string {
  return CANONICAL_IPV4.test(entry) ? entry : canonicalizeIp(entry);
}

/** The stored model list as a set. */
export function normalizeStoredModels(stored: string): string[] {
  return sortedSet(parseModelLimits(typeof stored === 'string' ? stored : ''));
}
