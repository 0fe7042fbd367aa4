/**
 * Before a key's first write (SPEC §7.1, §4 "Saved plans"): a create's names must still be
 * free; an existing key is read fresh and must still match the plan's precondition.
 */
import { IncompleteRecordError } from '../api/body.js';
import { missingFieldsOf } from '../api/record.js';
import type { ServerKey } from '../model.js';
import type { KeyChange } from '../plan/model.js';
import { findPreconditionMismatches } from './compare.js';
import { CHANGED_SINCE_PLAN, describeError, isNotFound, type KeyRunContext } from './context.js';
import type { LedgerEntry } from './types.js';

/** Where the precondition leaves a change: go on (with the fresh record) or end here. */
export type PreconditionResult =
  | { ok: true; current: ServerKey | undefined }
  | { ok: false; outcome: LedgerEntry['outcome']; extra: Partial<LedgerEntry> };

const stop = (
  outcome: LedgerEntry['outcome'],
  extra: Partial<LedgerEntry>,
): PreconditionResult => ({
  ok: false,
  outcome,
  extra,
});

/** Checks the change's precondition; reads the key it writes (none for a create). */
export async function checkPrecondition(
  change: KeyChange,
  ctx: KeyRunContext,
): Promise<PreconditionResult> {
  if (change.action === 'create') {
    if (change.precondition.kind === 'absent') {
      const taken = change.precondition.names.filter((n) => ctx.namesCreatedSincePlan.has(n));
      if (taken.length > 0) return stop('skipped', { detail: CHANGED_SINCE_PLAN });
    }
    return { ok: true, current: undefined };
  }
  let current: ServerKey;
  try {
    current = await ctx.client.getKey(change.id);
  } catch (err) {
    if (isNotFound(err)) {
      return change.action === 'delete'
        ? stop('applied', { detail: 'already deleted' })
        : stop('skipped', { detail: CHANGED_SINCE_PLAN, fields: ['deleted'] });
    }
    return stop('failed', { detail: describeError(err) });
  }
  // A record without some editable fields cannot be compared nor written from (a delete
  // needs neither).
  const missing = missingFieldsOf(current);
  if (change.action !== 'delete' && missing.length > 0) {
    return stop('failed', { detail: new IncompleteRecordError(current.id, missing).message });
  }
  if (change.precondition.kind === 'record') {
    const mismatched = findPreconditionMismatches(change.precondition.values, current);
    if (mismatched.length > 0)
      return stop('skipped', { detail: CHANGED_SINCE_PLAN, fields: mismatched });
  }
  ctx.inspectRecord(current);
  return { ok: true, current };
}
