/**
 * Building KeyChange records: the write sequence (docs/write-protocol.md#the-protocol), planned
 * values in wire form and the precondition apply checks (docs/plan-format.md#preconditions).
 */
import { fieldRow, isListField, KEY_FIELDS, type KeyField } from '../fields.js';
import type { DesiredKey, ManagedField, ServerKey } from '../model.js';
import { desiredValue, serverMaximumChange, toWire, type KeyDiff } from './diff.js';
import { InternalError } from './errors.js';
import type {
  FieldChange,
  KeyChange,
  MatchedBy,
  PlannedValues,
  Precondition,
  WriteStep,
} from './model.js';

/** The calls of an update whose non-status fields change or not, and whose status may move. */
export function updateSequence(hasFields: boolean, statusTo: 1 | 2 | undefined): WriteStep[] {
  if (statusTo === 2) return hasFields ? ['disable', 'update'] : ['disable'];
  // Fix first, enable second: the server refuses to enable a stored expired/exhausted key.
  if (statusTo === 1) return hasFields ? ['update', 'enable'] : ['enable'];
  if (!hasFields) throw new InternalError('an update without fields or status change');
  return ['update'];
}

/** The calls of a create: a key declared disabled is created inert, then disabled and fixed. */
export function createSequence(status: 1 | 2): WriteStep[] {
  return status === 2 ? ['create_inert', 'disable', 'update'] : ['create'];
}

/** The wire fields a precondition observes: all but the quota counter and the budget form. */
const PRECONDITION_FIELDS = KEY_FIELDS.filter(
  (f) => fieldRow(f).record !== undefined && f !== 'remain_quota',
);

/**
 * The record precondition: every managed field not ignored, except the quota counters, plus
 * `status`, as observed (wire form). A field managed only when declared is observed only when
 * the key declares it.
 */
export function recordPrecondition(s: ServerKey, d?: DesiredKey): Precondition {
  const skip = new Set<ManagedField>(d?.ignore_changes ?? []);
  const values: Record<string, unknown> = {};
  for (const field of PRECONDITION_FIELDS) {
    const row = fieldRow(field);
    if (field !== 'status' && skip.has(row.ignore as ManagedField)) continue;
    if (row.onlyWhenDeclared && (!d || desiredValue(d, field) === undefined)) continue;
    values[field] = s[field] ?? null;
  }
  return { kind: 'record', values };
}

/** The update change of a matched key, or null when it is in sync. */
export function updateChange(
  d: DesiredKey,
  s: ServerKey,
  matchedBy: MatchedBy,
  diff: KeyDiff,
): KeyChange | null {
  if (diff.fields.length === 0) return null;
  const hasFields = diff.fields.some((f) => f.field !== 'status');
  return {
    action: 'update',
    // A key that does not manage its name is known by the name it has.
    name: d.ignore_changes.includes('name') ? s.name : d.name,
    id: s.id,
    matched_by: matchedBy,
    fields: diff.fields,
    planned: diff.planned,
    sequence: updateSequence(hasFields, diff.statusTo),
    precondition: recordPrecondition(s, d),
    ...(diff.refillOnly ? { refill_only: true } : {}),
  };
}

/** The planned values of a create: every field, explicitly (docs/write-protocol.md#creates). */
function createPlanned(d: DesiredKey): PlannedValues {
  const q = d.quota;
  if (q === null) throw new InternalError(`create of "${d.name}" without quota`);
  const special: Partial<Record<KeyField, unknown>> = {
    unlimited_quota: q.kind === 'unlimited',
    quota_budget: q.kind === 'budget' ? q.amount : undefined,
    remain_quota: q.kind === 'unlimited' ? 0 : q.kind === 'remain' ? q.amount : undefined,
    // The server stores false outside `auto`; sending it keeps convergence checks exact.
    cross_group_retry: d.group === 'auto' && d.cross_group_retry,
  };
  const planned: Record<string, unknown> = {};
  for (const field of KEY_FIELDS) {
    if (field === 'status') continue; // the sequence sets it
    const value = field in special ? special[field] : toWire(field, desiredValue(d, field));
    if (value !== undefined) planned[field] = value;
  }
  return planned as PlannedValues;
}

/** The create change of an unmatched desired key. */
export function createChange(d: DesiredKey): KeyChange {
  const planned = createPlanned(d);
  const fields: FieldChange[] = [];
  for (const field of KEY_FIELDS) {
    // Lists are shown as the key file declares them; the rest as planned.
    const after =
      field === 'status' || isListField(field) ? desiredValue(d, field) : planned[field];
    if (after === undefined) continue;
    if (field === 'unlimited_quota' && after !== true) continue;
    if (field === 'remain_quota' && planned.unlimited_quota) continue;
    fields.push({ field, before: null, after });
  }
  return {
    action: 'create',
    name: d.name,
    id: null,
    matched_by: 'new',
    fields,
    planned,
    sequence: createSequence(d.status),
    precondition: { kind: 'absent', names: [...new Set([d.name, ...d.previous_names])] },
    ...(d.deliver && d.deliver.length > 0 ? { deliver: [...d.deliver] } : {}),
  };
}

/**
 * The change the unmanaged action makes, or null when there is nothing to do. A disable also
 * lowers a stored `remain_quota` above `quotaMaxUnits`, or the server refuses its body.
 */
export function unmanagedChange(
  s: ServerKey,
  action: 'disable' | 'delete',
  quotaMaxUnits: number,
): KeyChange | null {
  const base = {
    name: s.name,
    id: s.id,
    matched_by: 'unmanaged' as const,
    precondition: recordPrecondition(s),
  };
  if (action === 'delete') {
    return { ...base, action: 'delete', fields: [], planned: {}, sequence: ['delete'] };
  }
  // A key in 2, 3 or 4 already cannot serve: disabling it changes nothing that matters.
  if (s.status === 2 || s.status === 3 || s.status === 4) return null;
  const toMax = serverMaximumChange(s, {}, quotaMaxUnits);
  return {
    ...base,
    action: 'update',
    fields: [{ field: 'status', before: s.status, after: 2 }, ...(toMax ? [toMax] : [])],
    planned: toMax ? { remain_quota: quotaMaxUnits } : {},
    sequence: updateSequence(toMax !== null, 2),
  };
}
