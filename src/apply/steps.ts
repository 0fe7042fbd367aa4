/**
 * One call of a change's `sequence` (docs/write-protocol.md#the-protocol, #convergence): its body
 * built from the latest record, its audit record whatever happened, its response judged for
 * convergence.
 */
import { buildUpdateBody } from '../api/body.js';
import { missingFieldsOf } from '../api/record.js';
import type { WriteObserver } from '../api/types.js';
import { InternalError } from '../errors.js';
import type { ServerKey } from '../model.js';
import type { KeyChange, WriteStep } from '../plan/model.js';
import { findUnconvergedFields, sameFieldValue } from './compare.js';
import {
  CHANGED_SINCE_PLAN,
  describeError,
  httpStatusOf,
  isNotFound,
  type KeyRunContext,
} from './context.js';
import type { AuditRecord, LedgerEntry } from './types.js';
import { buildCreateFields, buildUpdateValues, plannedForCreate } from './values.js';

/** Where a key's run stands between its calls. */
export interface KeyRunState {
  id: number | null;
  /** The latest record: the fresh read, then each response. */
  current: ServerKey | undefined;
  /** The id a create of this run got. */
  createdId: number | null;
  alreadyDeleted: boolean;
  /** A rotation's predecessor once renamed: its id and new name. */
  renamed?: { id: number; name: string };
}

/** A failed call that stops this key's sequence; carries what the ledger should say. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly entry: Partial<LedgerEntry>,
  ) {
    super(message);
  }
}

/** Fields whose value `values` changes on `current`, for the audit log. */
function changedFields(current: ServerKey | undefined, values: Record<string, unknown>) {
  return Object.keys(values)
    .filter((f) => !current || !sameFieldValue(f, current[f], values[f]))
    .sort()
    .map((field) => ({
      field,
      before: current ? (current[field] ?? null) : null,
      after: values[field],
    }));
}

/** One write attempt: the call, then its audit record whatever happened. */
async function attempt<T>(
  change: KeyChange,
  state: KeyRunState,
  ctx: KeyRunContext,
  step: WriteStep,
  fields: AuditRecord['fields'],
  call: (observe: WriteObserver) => Promise<T>,
  judge: (result: T) => string[] = () => [],
): Promise<T> {
  const audit = (outcome: AuditRecord['outcome'], extra: Partial<AuditRecord>) =>
    ctx.audit({
      id: state.id,
      name: change.name,
      action: change.action,
      step,
      fields,
      outcome,
      http_status: null,
      ...extra,
    });
  // The status of the write's own answer, when one arrived (docs/write-protocol.md#the-audit-log).
  let httpStatus: number | null = null;
  let result: T;
  try {
    result = await call({ onStatus: (s) => (httpStatus = s) });
  } catch (err) {
    await audit('error', { http_status: httpStatusOf(err), error: describeError(err) });
    if (isNotFound(err) && step !== 'create' && step !== 'create_inert') {
      throw new StepFailure(CHANGED_SINCE_PLAN, { outcome: 'skipped', fields: ['deleted'] });
    }
    throw err;
  }
  const unconverged = judge(result);
  await audit(unconverged.length > 0 ? 'did_not_converge' : 'ok', { http_status: httpStatus });
  if (unconverged.length > 0) {
    throw new StepFailure('did not converge', { outcome: 'did_not_converge', fields: unconverged });
  }
  return result;
}

async function createStep(
  change: KeyChange,
  step: WriteStep,
  state: KeyRunState,
  ctx: KeyRunContext,
) {
  const inert = step === 'create_inert';
  const fields = buildCreateFields(change.name, change.planned, inert);
  const result = await attempt(
    change,
    state,
    ctx,
    step,
    changedFields(undefined, { ...fields }),
    (observe) => ctx.client.createKey(fields, { highestKnownId: ctx.highestKnownId, ...observe }),
    ({ record, secret }) => {
      state.id = state.createdId = record.id;
      ctx.onCreated({ id: record.id, name: record.name, secret });
      // Judged on the listing that found the key (docs/write-protocol.md#convergence).
      return findUnconvergedFields(plannedForCreate(change.planned, inert), record, record);
    },
  );
  // The listing may show a record without some editable fields: read the key before a later
  // call builds a body from it (still incomplete, the body builder refuses it).
  state.current =
    missingFieldsOf(result.record).length > 0 && step === 'create_inert'
      ? await ctx.client.getKey(result.record.id)
      : result.record;
  ctx.inspectRecord(state.current);
}

/**
 * A rotation's first call (docs/rotation.md#order-and-failure): a plain PUT of the current record
 * with only `name` changed to the generation name — a complete body, the stored status kept.
 */
async function renameStep(change: KeyChange, state: KeyRunState, ctx: KeyRunContext) {
  if (change.action !== 'rotate') throw new InternalError('a rename outside a rotation');
  const base = state.current;
  if (!base) throw new InternalError('no record to build the rename from');
  const to = change.rotation.rename_to;
  const values = { name: to, status: base.status };
  const body = buildUpdateBody(base, values);
  state.current = await attempt(
    change,
    state,
    ctx,
    'rename',
    changedFields(base, values),
    (observe) => ctx.client.updateKey(body, base, observe),
    (after) => (after.name === to ? [] : ['name']),
  );
  state.renamed = { id: base.id, name: to };
  // The successor is created next: this run's key is then the new one.
  state.id = null;
  state.current = undefined;
}

/** Runs one call of `change`'s sequence, updating `state`; throws when the sequence must stop. */
export async function runStep(
  change: KeyChange,
  step: WriteStep,
  state: KeyRunState,
  ctx: KeyRunContext,
): Promise<void> {
  if (step === 'create' || step === 'create_inert') return createStep(change, step, state, ctx);
  if (step === 'rename') return renameStep(change, state, ctx);
  const id = state.id;
  if (id === null) throw new InternalError(`no server id for the ${step} call`);
  if (step === 'delete') {
    const outcome = await attempt(change, state, ctx, step, [], (observe) =>
      ctx.client.deleteKey(id, observe),
    );
    state.alreadyDeleted = outcome === 'not_found';
    return;
  }
  const base = state.current;
  if (!base) throw new InternalError(`no record to build the ${step} call from`);
  if (step === 'update') {
    const disables = change.sequence.includes('disable');
    const values = buildUpdateValues(change.planned, base, disables);
    const body = buildUpdateBody(base, values);
    state.current = await attempt(
      change,
      state,
      ctx,
      step,
      changedFields(base, values),
      (observe) => ctx.client.updateKey(body, base, observe),
      (after) => {
        const bad = findUnconvergedFields(change.planned, base, after, ctx.client.quotaMaxUnits);
        if (disables && after.status !== 2) bad.push('status');
        return bad;
      },
    );
    return;
  }
  const status = step === 'enable' ? 1 : 2;
  state.current = await attempt(
    change,
    state,
    ctx,
    step,
    [{ field: 'status', before: base.status, after: status }],
    (observe) => ctx.client.setStatus(base, status, observe),
    (after) => (after.status === status ? [] : ['status']),
  );
}
