/**
 * Normal form of a desired key: lists sorted and unique, IPs canonical. The planner compares
 * normal forms; normalising twice changes nothing (a property test holds this).
 */
import type { DesiredKey, ManagedField } from '../model.js';
import { MANAGED_FIELDS } from '../model.js';
import { canonicalizeIp } from './ip-address.js';

function sortedUnique(list: readonly string[]): string[] {
  return [...new Set(list)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Returns the key in normal form (a new object; the input is not changed). */
export function normalizeDesiredKey(k: DesiredKey): DesiredKey {
  const ignore = sortedUnique(k.ignore_changes).filter((f): f is ManagedField =>
    (MANAGED_FIELDS as readonly string[]).includes(f),
  );
  return {
    ...k,
    previous_names: sortedUnique(k.previous_names),
    model_limits: sortedUnique(k.model_limits),
    allow_ips: sortedUnique(k.allow_ips.map(canonicalizeIp)),
    ignore_changes: ignore,
    quota: k.quota ? { ...k.quota } : null,
    source: { ...k.source },
  };
}
