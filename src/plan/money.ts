/**
 * The money line of every plan (docs/plan-format.md#the-money-line): quota added and removed, in
 * quota units, and the number of new unlimited keys. Quota added is exactly what the `quota`
 * safety limit counts (./safety.ts `quotaAdded`), so the plan and the limit never disagree;
 * unlimited keys are counted, never added as numbers.
 */
import type { KeyChange, PlanMoney } from './model.js';
import { isNewUnlimited, quotaAdded, type ListedKeys } from './safety.js';

/** The stored counters a quota change starts from. */
interface Stored {
  remain: number;
  used: number;
}

/**
 * What the remaining quota of a limited key falls by when a budget N or a remaining quota is
 * planned: `max(0, remain − max(0, N − used))` for a budget (apply sets `remain = max(0, N −
 * used)`), `max(0, remain − new)` for a remaining quota. A negative stored remain (an unlimited
 * key's counter) counts as 0.
 */
function remainDrop(
  stored: Stored,
  budget: number | undefined,
  remain: number | undefined,
): number {
  const before = Math.max(0, stored.remain);
  if (budget !== undefined) return Math.max(0, before - Math.max(0, budget - stored.used));
  return remain === undefined ? 0 : Math.max(0, before - remain);
}

/** An update's removed quota from its field changes alone (no listed record). */
function removedByFields(c: KeyChange): number {
  let removed = 0;
  for (const f of c.fields) {
    if (f.field === 'quota_budget') {
      const stored =
        f.remain_quota !== undefined && f.used_quota !== undefined
          ? { remain: f.remain_quota, used: f.used_quota }
          : // Without the counters, the budget's own fall is all that is known.
            { remain: f.before as number, used: 0 };
      removed += remainDrop(stored, f.after as number, undefined);
    } else if (f.field === 'remain_quota') {
      removed += remainDrop({ remain: f.before as number, used: 0 }, undefined, f.after as number);
    }
  }
  return removed;
}

/**
 * Quota a change removes: an update's fall of the remaining quota (a lower budget, a lower
 * `remain_quota`, a stored value lowered to `quotaMaxUnits`); a delete's remaining quota of a
 * limited key, from its record as listed (without the record: 0). Disables remove nothing: the
 * key keeps its quota. One case per action, so a new change kind adds its own.
 */
export function quotaRemoved(c: KeyChange, listed?: ListedKeys): number {
  switch (c.action) {
    case 'create':
      return 0;
    case 'rotate':
      // The predecessor keeps its remaining quota; the successor's budget is quota added.
      return 0;
    case 'delete': {
      const record = listed?.get(c.id);
      return record && !record.unlimited_quota ? Math.max(0, record.remain_quota) : 0;
    }
    case 'update': {
      const record = listed?.get(c.id);
      if (!record) return removedByFields(c);
      const { quota_budget: budget, remain_quota: remain } = c.planned;
      return remainDrop({ remain: record.remain_quota, used: record.used_quota }, budget, remain);
    }
  }
}

/** One change's part of the money line. */
export function changeMoney(c: KeyChange, listed?: ListedKeys): PlanMoney {
  return {
    quota_added: quotaAdded(c, listed),
    quota_removed: quotaRemoved(c, listed),
    new_unlimited: isNewUnlimited(c) ? 1 : 0,
  };
}

/** The money line of a set of changes: the sum of each change's part. */
export function planMoney(changes: readonly KeyChange[], listed?: ListedKeys): PlanMoney {
  const total: PlanMoney = { quota_added: 0, quota_removed: 0, new_unlimited: 0 };
  for (const c of changes) {
    const m = changeMoney(c, listed);
    total.quota_added += m.quota_added;
    total.quota_removed += m.quota_removed;
    total.new_unlimited += m.new_unlimited;
  }
  return total;
}
