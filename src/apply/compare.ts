/**
 * Field comparisons shared by the precondition check and the convergence check, on wire-form values
 * the way the planner compares them (docs/plan-format.md#comparing-fields): lists as sets,
 * `allow_ips` "" = null.
 */
import { KEY_FIELDS, sameWireValue, type KeyField } from '../fields.js';
import type { ServerKey } from '../model.js';
import type { PlannedValues } from '../plan/model.js';
import { plannedWireValues } from './values.js';

/** True when two wire values of `field` mean the same thing. */
export const sameFieldValue = sameWireValue;

/**
 * The fields of a precondition that no longer hold on `fresh` (docs/plan-format.md#preconditions).
 * An empty list means the key may be written.
 */
export function findPreconditionMismatches(
  expected: Record<string, unknown>,
  fresh: ServerKey,
): string[] {
  return Object.keys(expected)
    .filter((field) => !sameFieldValue(field, expected[field], fresh[field]))
    .sort();
}

/** Planned fields a response is checked against as they are (the others have rules below). */
const DIRECT_FIELDS = KEY_FIELDS.filter(
  (f): f is Exclude<KeyField, 'status'> =>
    !['status', 'quota_budget', 'remain_quota', 'cross_group_retry'].includes(f),
);

/**
 * The planned fields that did not take in a write's response `after`
 * (docs/write-protocol.md#convergence). `before` is the record the body was built from. Counters
 * moved by use are not failures: a budget is judged as `remain + used == N` (or spent and
 * `remain <= 0`), an absolute `remain_quota` may have fallen by no more than `used_quota` rose
 * since `before`.
 */
export function findUnconvergedFields(
  planned: PlannedValues,
  before: ServerKey,
  after: ServerKey,
  quotaMaxUnits = Infinity,
): string[] {
  const bad: string[] = [];
  const wire = plannedWireValues(planned, before);
  for (const field of DIRECT_FIELDS) {
    if (planned[field] === undefined) continue;
    if (!sameFieldValue(field, wire[field], after[field])) bad.push(field);
  }
  if (planned.cross_group_retry !== undefined) {
    // The server stores false unless the group is `auto` (docs/write-protocol.md#the-key-record).
    const forcedFalse = planned.cross_group_retry && after.group !== 'auto';
    if (!forcedFalse && after.cross_group_retry !== planned.cross_group_retry) {
      bad.push('cross_group_retry');
    }
  }
  const spentSince = Math.max(0, after.used_quota - before.used_quota);
  // A body carries at most quotaMaxUnits (docs/write-protocol.md#bodies-are-complete-records): what
  // was sent is what must have taken.
  const tookRemain = (n: number) => {
    const sent = Math.min(n, quotaMaxUnits);
    return after.remain_quota <= sent && after.remain_quota >= sent - spentSince;
  };
  if (planned.quota_budget !== undefined) {
    const n = planned.quota_budget;
    const inSync =
      after.remain_quota + after.used_quota === n ||
      (after.used_quota >= n && after.remain_quota <= 0) ||
      (n - before.used_quota > quotaMaxUnits && tookRemain(n - before.used_quota));
    if (!inSync || after.unlimited_quota) bad.push('quota_budget');
  }
  if (planned.remain_quota !== undefined && planned.unlimited_quota !== true) {
    if (!tookRemain(planned.remain_quota)) bad.push('remain_quota');
  }
  return bad.sort();
}
