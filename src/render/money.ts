/** The money line under a plan's summary (docs/plan-format.md#the-money-line). */
import type { Plan } from '../plan/model.js';
import { formatQuota } from '../values/index.js';

/**
 * The money line of docs/plan-format.md#the-money-line, e.g. `Quota: 5000000 ($10.00) added, 0
 * ($0.00) removed; 1 new unlimited key.`; null for a plan saved before the summary carried it.
 */
export function moneyLine(plan: Plan, quotaPerUsd: number): string | null {
  const { quota_added: added, quota_removed: removed, new_unlimited: unlimited } = plan.summary;
  if (added === undefined || removed === undefined || unlimited === undefined) return null;
  return (
    `Quota: ${formatQuota(added, quotaPerUsd)} added, ${formatQuota(removed, quotaPerUsd)} ` +
    `removed; ${unlimited} new unlimited key${unlimited === 1 ? '' : 's'}.`
  );
}
