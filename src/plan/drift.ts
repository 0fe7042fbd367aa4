/**
 * What `drift` counts (docs/exit-codes.md#what-counts-as-drift): planned changes, pinned ids not
 * found, and unmanaged keys whose action is disable or delete. Warnings and ignored unmanaged keys
 * are reported, not counted.
 */
import type { Plan } from './model.js';

/**
 * The number of drifted keys. Unmanaged keys whose action must still be carried out are in
 * `changes` already (matched_by 'unmanaged'); one already disabled needs nothing and is not
 * counted again.
 */
export function countDrift(plan: Plan): number {
  return plan.changes.length + plan.missing.length + (plan.handoffs?.length ?? 0);
}
