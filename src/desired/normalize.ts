/**
 * Normal form of a desired key: lists sorted and unique, IPs canonical. The planner compares
 * normal forms; normalising twice changes nothing (a property test holds this).
 */
import type { DesiredKey, ManagedField } from '../model.js';
import { MANAGED_FIELDS } from '../model.js';
import { canonicalizeIp, sortedSet } from '../values/index.js';

/** Returns the key in normal form (a new object; the input is not changed). */
export function normalizeDesiredKey(k: DesiredKey): DesiredKey {
  const ignore = sortedSet(k.ignore_changes).filter((f): f is ManagedField =>
    (MANAGED_FIELDS as readonly string[]).includes(f),
  );
  return {
    ...k,
    previous_names: sortedSet(k.previous_names),
    model_limits: sortedSet(k.model_limits),
    allow_ips: sortedSet(k.allow_ips.map(canonicalizeIp)),
    ...(k.auto_groups !== undefined ? { auto_groups: sortedSet(k.auto_groups) } : {}),
    ignore_changes: ignore,
    quota: k.quota ? { ...k.quota } : null,
    source: { ...k.source },
  };
}
