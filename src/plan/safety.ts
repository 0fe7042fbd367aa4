/**
 * Safety limits (SPEC §6) evaluated on a plan's changes: apply refuses past them unless forced;
 * plan shows what would be refused.
 */
import type { SafetySettings } from '../config/types.js';
import type { KeyChange, SafetyViolation } from './model.js';

function percent(n: number, of: number): number {
  return of === 0 ? 0 : (n * 100) / of;
}

function formatPercent(p: number): string {
  return Number.isInteger(p) ? String(p) : p.toFixed(1);
}

/** Quota a change adds (SPEC §6 "quota"). */
export function quotaAdded(c: KeyChange): number {
  if (c.action === 'create') {
    if (c.planned.unlimited_quota) return 0;
    return c.planned.quota_budget ?? c.planned.remain_quota ?? 0;
  }
  let added = 0;
  for (const f of c.fields) {
    if (f.field === 'quota_budget' || f.field === 'remain_quota') {
      added += Math.max(0, (f.after as number) - (f.before as number));
    }
  }
  return added;
}

function isNewUnlimited(c: KeyChange): boolean {
  if (c.action === 'create') return c.planned.unlimited_quota === true;
  return c.fields.some((f) => f.field === 'unlimited_quota' && f.after === true);
}

/** Disables of unmanaged keys and deletes count as deletes (SPEC §6). */
function isDelete(c: KeyChange): boolean {
  return c.action === 'delete' || (c.matched_by === 'unmanaged' && c.action === 'update');
}

/** The limits the changes cross, given the account's key count. */
export function evaluateSafety(
  changes: readonly KeyChange[],
  accountKeys: number,
  safety: SafetySettings,
): SafetyViolation[] {
  const out: SafetyViolation[] = [];
  const updates = changes.filter(
    (c) => c.action === 'update' && !isDelete(c) && !c.refill_only,
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
    const added = changes.reduce((n, c) => n + quotaAdded(c), 0);
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
