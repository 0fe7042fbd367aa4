/**
 * Before a key's first write (docs/write-protocol.md#fresh-record-first,
 * docs/plan-format.md#saved-plans): a create's names must still be free; an existing key is read
 * fresh and must still match the plan's precondition.
 */
import { IncompleteRecordError } from '../api/body.js';
import { missingFieldsOf } from '../api/record.js';
import type { ServerKey } from '../model.js';
import type { KeyChange } from '../plan/model.js';
import { findPreconditionMismatches, findUnconvergedFields } from './compare.js';
import {
  ALREADY_PLANNED,
  CHANGED_SINCE_PLAN,
  describeError,
  isNotFound,
  type KeyRunContext,
} from './context.js';
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

/**
 * True when `record` already holds everything `change` plans, status included: the change was
 * applied before (a finished plan run again), so there is nothing to write (docs/plan-format.md).
 */
function holdsPlanned(change: KeyChange, record: ServerKey): boolean {
  const seq = change.sequence;
  if (seq.includes('delete')) return false;
  if (seq.includes('enable') || seq.includes('create')) {
    if (record.status !== 1) return false;
  } else if (seq.includes('disable') && record.status === 1) return false;
  return findUnconvergedFields(change.planned, record, record).length === 0;
}

/** A create whose name is taken since the plan: done already, when that is its own key. */
function takenCreate(change: KeyChange, ctx: KeyRunContext): PreconditionResult {
  const own = ctx.createdSincePlan.filter((k) => k.name === change.name);
  const record = own.length === 1 ? own[0] : undefined;
  if (record && missingFieldsOf(record).length === 0 && holdsPlanned(change, record)) {
    return stop('applied', { id: record.id, detail: ALREADY_PLANNED });
  }
  return stop('skipped', { detail: CHANGED_SINCE_PLAN });
}

/**
 * A rotation run before (a finished plan applied again): the key carries its generation name and
 * the one key of the declared name created since the plan holds the planned fields.
 */
function rotatedAlready(
  change: KeyChange,
  current: ServerKey,
  ctx: KeyRunContext,
): PreconditionResult | undefined {
  if (change.action !== 'rotate' || current.name !== change.rotation.rename_to) return undefined;
  const done = takenCreate(change, ctx);
  return !done.ok && done.outcome === 'applied' ? done : undefined;
}

/** Checks the change's precondition; reads the key it writes (none for a create). */
export async function checkPrecondition(
  change: KeyChange,
  ctx: KeyRunContext,
): Promise<PreconditionResult> {
  if (change.action === 'create') {
    if (change.precondition.kind === 'absent') {
      const names = new Set(change.precondition.names);
      if (ctx.createdSincePlan.some((k) => names.has(k.name))) return takenCreate(change, ctx);
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
    if (mismatched.length > 0 && change.action === 'rotate') {
      return (
        rotatedAlready(change, current, ctx) ??
        stop('skipped', { detail: CHANGED_SINCE_PLAN, fields: mismatched })
      );
    }
    if (mismatched.length > 0) {
      return holdsPlanned(change, current)
        ? stop('applied', { detail: ALREADY_PLANNED })
        : stop('skipped', { detail: CHANGED_SINCE_PLAN, fields: mismatched });
    }
  }
  ctx.inspectRecord(current);
  return { ok: true, current };
}
