/**
 * Safety limits (docs/safety.md#safety-limits) evaluated on a plan's changes: apply refuses past
 * them unless forced; plan shows what would be refused.
 */
import type { SafetySettings } from '../config/types.js';
import type { ServerKey } from '../model.js';
import type { KeyChange, SafetyViolation } from './model.js';

/** The account's keys by id, as listed when the limits are evaluated (apply time). */
export type ListedKeys = ReadonlyMap<number, ServerKey>;

function percent(n: number, of: number): number {
  return of === 0 ? 0 : (n * 100) / of;
}

function formatPercent(p: number): string {
  return Number.isInteger(p) ? String(p) : p.toFixed(1);
}

/**
 * Quota a change adds (docs/safety.md#safety-limits). With the key's record as listed now, the
 * stored side is the record's, not the `before` a plan file claims.
 */
export function quotaAdded(c: KeyChange, listed?: ListedKeys): number {
  // A rotation's successor gets its full budget: quota added, as a create's.
  if (c.action === 'create' || c.action === 'rotate') {
    if (c.planned.unlimited_quota) return 0;
    return c.planned.quota_budget ?? c.planned.remain_quota ?? 0;
  }
  const record = listed?.get(c.id);
  if (record) {
    const { quota_budget: budget, remain_quota: remain } = c.planned;
    if (budget !== undefined) {
      return Math.max(0, budget - (record.remain_quota + record.used_quota));
    }
    return remain === undefined ? 0 : Math.max(0, remain - record.remain_quota);
  }
  let added = 0;
  for (const f of c.fields) {
    if (f.field === 'quota_budget' || f.field === 'remain_quota') {
      added += Math.max(0, (f.after as number) - (f.before as number));
    }
  }
  return added;
}

/** A create of an unlimited key, or an update that makes a key unlimited. */
export function isNewUnlimited(c: KeyChange): boolean {
  if (c.action === 'create' || c.action === 'rotate') return c.planned.unlimited_quota === true;
  return c.fields.some((f) => f.field === 'unlimited_quota' && f.after === true);
}

/**
 * Deletes and disables of unmanaged keys count as deletes (docs/safety.md#safety-limits), by the
 * calls a change makes: a `delete` step is a delete whatever the change's `action` says.
 */
export function isDelete(c: KeyChange): boolean {
  return (
    c.sequence.includes('delete') ||
    (c.matched_by === 'unmanaged' && c.sequence.includes('disable'))
  );
}

/** A top-up of a `remain_quota: N` key; with the listed record, only if it still rises. */
function isRefill(c: KeyChange, listed?: ListedKeys): boolean {
  if (!c.refill_only) return false;
  const record = c.id === null ? undefined : listed?.get(c.id);
  const remain = c.planned.remain_quota;
  return !record || (remain !== undefined && remain > record.remain_quota);
}

/**
 * The limits the changes cross, given the account's key count and, at apply time, its keys as
 * listed then (docs/plan-format.md).
 */
export function evaluateSafety(
  changes: readonly KeyChange[],
  accountKeys: number,
  safety: SafetySettings,
  listed?: ListedKeys,
): SafetyViolation[] {
  const out: SafetyViolation[] = [];
  // A rotation counts as an update (docs/rotation.md#the-plan).
  const updates = changes.filter(
    (c) => (c.action === 'update' || c.action === 'rotate') && !isDelete(c) && !isRefill(c, listed),
  ).length;
  const deletes = changes.filter(isDelete).length;

  const updPct = percent(updates, accountKeys);
  if (accountKeys >= safety.minKeys && updPct > safety.maxUpdatePercent) {
    out.push({
      limit: 'updates',
      message:
        `updates ${updates} of ${accountKeys} keys (${formatPercent(updPct)}%) > ` +
        `safety.maxUpdatePercent ${safety.maxUpdatePercent}`,
      value: updPct,
      threshold: safety.maxUpdatePercent,
      setting: 'safety.maxUpdatePercent',
    });
  }
  const delPct = percent(deletes, accountKeys);
  if (deletes > 0 && delPct > safety.maxDeletePercent) {
    out.push({
      limit: 'deletes',
      message:
        `disables or deletes ${deletes} of ${accountKeys} keys (${formatPercent(delPct)}%) > ` +
        `safety.maxDeletePercent ${safety.maxDeletePercent}`,
      value: delPct,
      threshold: safety.maxDeletePercent,
      setting: 'safety.maxDeletePercent',
    });
  }
  if (deletes > safety.maxDeleteCount) {
    out.push({
      limit: 'deletes',
      message: `disables or deletes ${deletes} keys > safety.maxDeleteCount ${safety.maxDeleteCount}`,
      value: deletes,
      threshold: safety.maxDeleteCount,
      setting: 'safety.maxDeleteCount',
    });
  }
  if (safety.maxQuotaIncrease !== undefined) {
    const added = changes.reduce((n, c) => n + quotaAdded(c, listed), 0);
    if (added > safety.maxQuotaIncrease) {
      out.push({
        limit: 'quota',
        message: `adds ${added} quota > safety.maxQuotaIncrease ${safety.maxQuotaIncrease}`,
        value: added,
        threshold: safety.maxQuotaIncrease,
        setting: 'safety.maxQuotaIncrease',
      });
    }
  }
  if (safety.maxNewUnlimited !== undefined) {
    const n = changes.filter(isNewUnlimited).length;
    if (n > safety.maxNewUnlimited) {
      out.push({
        limit: 'unlimited',
        message: `makes ${n} keys unlimited > safety.maxNewUnlimited ${safety.maxNewUnlimited}`,
        value: n,
        threshold: safety.maxNewUnlimited,
        setting: 'safety.maxNewUnlimited',
      });
    }
  }
  return out;
}
