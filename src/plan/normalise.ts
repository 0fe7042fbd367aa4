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
  return sortedSet(parseAllowIps(stored).map(canonicalizeIp));
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
