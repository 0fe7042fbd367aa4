/**
 * Server records in the normalised form desired keys use (SPEC §4.4), so the diff compares
 * like with like: lists as sorted unique sets, IPs canonical, `allow_ips` null = "".
 */
import { canonicalizeIp } from '../desired/ip-address.js';
import { parseAllowIps, parseModelLimits, type ServerKey } from '../model.js';

/** Sorted unique strings (code-unit order, like the loader's). */
export function sortedSet(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/**
 * The stored IP list as a set of canonical forms, the loader's own (`canonicalizeIp`); an
 * unparsable entry stays as written.
 */
export function normaliseStoredIps(stored: string | null): string[] {
  return sortedSet(parseAllowIps(stored).map(canonicalIpCached));
}

/** A plain dotted quad (optionally /0–32) without leading zeros is already canonical. */
const CANONICAL_IPV4 =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\/(?:3[0-2]|[12]?\d))?$/;
const IP_CACHE_MAX_ENTRIES = 50_000;
const ipCache = new Map<string, string>();

/**
 * `canonicalizeIp` with a fast path and a bounded memo: parsing costs ~20 µs per entry, and a
 * 10,000-key account repeats the same few addresses (SPEC §10: plan CPU under 1 s).
 */
function canonicalIpCached(entry: string): string {
  if (CANONICAL_IPV4.test(entry)) return entry;
  let canonical = ipCache.get(entry);
  if (canonical === undefined) {
    canonical = canonicalizeIp(entry);
    if (ipCache.size >= IP_CACHE_MAX_ENTRIES) ipCache.clear();
    ipCache.set(entry, canonical);
  }
  return canonical;
}

/** The stored model list as a set. */
export function normaliseStoredModels(stored: string): string[] {
  return sortedSet(parseModelLimits(typeof stored === 'string' ? stored : ''));
}

/** True when two sorted sets hold the same values. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The value of `allow_ips` as stored, "" for null (the two mean the same, SPEC §4.4). */
export function storedAllowIps(s: ServerKey): string {
  return s.allow_ips ?? '';
}
