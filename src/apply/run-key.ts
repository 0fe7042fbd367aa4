/**
 * The write protocol for one key (SPEC §7.1–7.7, §7.12): a fresh read and the precondition
 * before the first write, then the change's `sequence` call by call, each body built from the
 * latest record, each response judged for convergence. Never throws: every way a key can end
 * is a ledger entry.
 */
import { buildUpdateBody } from '../api/body.js';
import { CometApiError } from '../api/errors.js';
import type { CometClient } from '../api/types.js';
import type { ServerKey } from '../model.js';
import type { KeyChange, WriteStep } from '../plan/model.js';
import { findPreconditionMismatches, findUnconvergedFields, sameFieldValue } from './compare.js';
import type { AuditRecord, CreatedKey, LedgerEntry } from './types.js';
import { buildCreateFields, buildUpdateValues, plannedForCreate, withoutStatus } from './values.js';

/** What every key's run shares. */
export interface KeyRunContext {
  client: CometClient;
  /** Creates resolve their id among keys above this one. */
  highestKnownId: number;
  /** Names of keys that appeared since the plan was made (ids above the plan's highest). */
  namesCreatedSincePlan: ReadonlySet<string>;
  /** Records one write attempt (time and git commit are filled in by the caller). */
  audit: (record: Omit<AuditRecord, 'time' | 'git_commit'>) => Promise<void>;
  /** Called with every record read or written, to warn about fields passed through. */
  inspectRecord: (record: ServerKey) => void;
  onCreated: (key: CreatedKey) => void;
}

export const CHANGED_SINCE_PLAN = 'changed since plan';

/** The message of an error, whatever was thrown. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isNotFound(err: unknown): boolean {
  return err instanceof CometApiError && err.kind === 'not_found';
}

function httpStatusOf(err: unknown): number | null {
  return err instanceof CometApiError ? err.status : null;
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

/** A failed call that stops this key's sequence; carries what the ledger should say. */
class StepFailure extends Error {
  constructor(
    message: string,
    readonly entry: Partial<LedgerEntry>,
  ) {
    super(message);
  }
}

/** Runs one change and returns its ledger entry. */
export async function runKeyChange(change: KeyChange, ctx: KeyRunContext): Promise<LedgerEntry> {
  let id = change.id;
  const entry = (outcome: LedgerEntry['outcome'], extra: Partial<LedgerEntry> = {}) => ({
    name: change.name,
    id,
    action: change.action,
    outcome,
    ...extra,
  });

  let current: ServerKey | undefined;
  if (change.action === 'create') {
    if (change.precondition.kind === 'absent') {
      const taken = change.precondition.names.filter((n) => ctx.namesCreatedSincePlan.has(n));
      if (taken.length > 0) return entry('skipped', { detail: CHANGED_SINCE_PLAN });
    }
  } else {
    if (id === null) return entry('failed', { detail: 'the plan gives no server id (a bug)' });
    try {
      current = await ctx.client.getKey(id);
    } catch (err) {
      if (isNotFound(err)) {
        return change.action === 'delete'
          ? entry('applied', { detail: 'already deleted' })
          : entry('skipped', { detail: CHANGED_SINCE_PLAN, fields: ['deleted'] });
      }
      return entry('failed', { detail: describeError(err) });
    }
    if (change.precondition.kind === 'record') {
      const mismatched = findPreconditionMismatches(change.precondition.values, current);
      if (mismatched.length > 0) {
        return entry('skipped', { detail: CHANGED_SINCE_PLAN, fields: mismatched });
      }
    }
    ctx.inspectRecord(current);
  }

  // One write attempt: the call, then its audit record whatever happened.
  const attempt = async <T>(
    step: WriteStep,
    fields: AuditRecord['fields'],
    call: () => Promise<T>,
    judge: (result: T) => string[] = () => [],
  ): Promise<T> => {
    let result: T;
    try {
      result = await call();
    } catch (err) {
      await ctx.audit({
        id,
        name: change.name,
        action: change.action,
        step,
        fields,
        outcome: 'error',
        http_status: httpStatusOf(err),
        error: describeError(err),
      });
      if (isNotFound(err) && step !== 'create' && step !== 'create_inert') {
        throw new StepFailure(CHANGED_SINCE_PLAN, { outcome: 'skipped', fields: ['deleted'] });
      }
      throw err;
    }
    const unconverged = judge(result);
    await ctx.audit({
      id,
      name: change.name,
      action: change.action,
      step,
      fields,
      outcome: unconverged.length > 0 ? 'did_not_converge' : 'ok',
      http_status: null,
    });
    if (unconverged.length > 0) {
      throw new StepFailure('did not converge', {
        outcome: 'did_not_converge',
        fields: unconverged,
      });
    }
    return result;
  };

  let createdId: number | null = null;
  let alreadyDeleted = false;
  try {
    for (const step of change.sequence) {
      const inert = step === 'create_inert';
      if (step === 'create' || inert) {
        const fields = buildCreateFields(change.name, change.planned, inert);
        const result = await attempt(
          step,
          changedFields(undefined, { ...fields }),
          () => ctx.client.createKey(fields, { highestKnownId: ctx.highestKnownId }),
          ({ record, secret }) => {
            id = createdId = record.id;
            ctx.onCreated({ id: record.id, name: record.name, secret });
            // Judged on the listing that found the key (SPEC §7.12).
            return findUnconvergedFields(plannedForCreate(change.planned, inert), record, record);
          },
        );
        current = result.record;
        ctx.inspectRecord(current);
        continue;
      }
      if (step === 'delete') {
        const deleteId = id as number;
        const outcome = await attempt(step, [], () => ctx.client.deleteKey(deleteId));
        alreadyDeleted = outcome === 'not_found';
        continue;
      }
      const base = current;
      if (!base) throw new Error(`no record to build the ${step} call from (a bug)`);
      if (step === 'update') {
        const values = buildUpdateValues(change.planned, base);
        const body = buildUpdateBody(base, values);
        current = await attempt(
          step,
          changedFields(base, values),
          () => ctx.client.updateKey(body, base),
          (after) => {
            const bad = findUnconvergedFields(withoutStatus(change.planned), base, after);
            if (values.status === 2 && after.status !== 2) bad.push('status');
            return bad;
          },
        );
      } else {
        const status = step === 'enable' ? 1 : 2;
        current = await attempt(
          step,
          [{ field: 'status', before: base.status, after: status }],
          () => ctx.client.setStatus(base, status),
          (after) => (after.status === status ? [] : ['status']),
        );
      }
    }
  } catch (err) {
    if (err instanceof StepFailure) {
      const failedAfterCreate = createdId !== null && err.entry.outcome !== 'did_not_converge';
      if (failedAfterCreate) {
        return entry('failed', {
          detail: `created as id ${createdId}, not finished: ${err.message}`,
        });
      }
      const outcome = err.entry.outcome ?? 'failed';
      return entry(outcome, {
        ...(outcome === 'did_not_converge' ? {} : { detail: err.message }),
        ...(err.entry.fields ? { fields: err.entry.fields } : {}),
      });
    }
    if (createdId !== null) {
      return entry('failed', {
        detail: `created as id ${createdId}, not finished: ${describeError(err)}`,
      });
    }
    return entry('failed', { detail: describeError(err) });
  }
  return entry('applied', alreadyDeleted ? { detail: 'already deleted' } : {});
}
