/**
 * Building KeyChange records: the write sequence (SPEC §7.3–7.7), planned values in wire form
 * and the precondition apply checks (SPEC §4 "Saved plans").
 */
import {
  formatAllowIps,
  formatModelLimits,
  type DesiredKey,
  type ManagedField,
  type ServerKey,
} from '../model.js';
import type { KeyDiff } from './diff.js';
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

/**
 * The record precondition: every managed field not ignored, except the quota counters, plus
 * `status`, as observed (wire form).
 */
export function recordPrecondition(s: ServerKey, ignore: readonly ManagedField[]): Precondition {
  const skip = new Set<ManagedField>(ignore);
  const values: Record<string, unknown> = {};
  if (!skip.has('name')) values['name'] = s.name;
  values['status'] = s.status;
  if (!skip.has('expired_time')) values['expired_time'] = s.expired_time;
  if (!skip.has('remain_quota')) values['unlimited_quota'] = s.unlimited_quota;
  if (!skip.has('model_limits')) {
    values['model_limits_enabled'] = s.model_limits_enabled;
    values['model_limits'] = s.model_limits;
  }
  if (!skip.has('allow_ips')) values['allow_ips'] = s.allow_ips;
  if (!skip.has('group')) values['group'] = s.group;
  if (!skip.has('cross_group_retry')) values['cross_group_retry'] = s.cross_group_retry;
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
    precondition: recordPrecondition(s, d.ignore_changes),
    ...(diff.refillOnly ? { refill_only: true } : {}),
  };
}

/** The planned values of a create: every field, explicitly (SPEC §7.6). */
export function createPlanned(d: DesiredKey): PlannedValues {
  const q = d.quota;
  if (q === null) throw new InternalError(`create of "${d.name}" without quota`);
  const quota: PlannedValues =
    q.kind === 'unlimited'
      ? { unlimited_quota: true, remain_quota: 0 }
      : q.kind === 'budget'
        ? { unlimited_quota: false, quota_budget: q.amount }
        : { unlimited_quota: false, remain_quota: q.amount };
  return {
    name: d.name,
    status: d.status,
    expired_time: d.expired_time,
    ...quota,
    model_limits_enabled: d.model_limits_enabled,
    model_limits: formatModelLimits(d.model_limits),
    allow_ips: formatAllowIps(d.allow_ips),
    group: d.group,
    // The server stores false outside `auto`; sending it keeps convergence checks exact.
    cross_group_retry: d.group === 'auto' && d.cross_group_retry,
  };
}

/** The create change of an unmatched desired key. */
export function createChange(d: DesiredKey): KeyChange {
  const planned = createPlanned(d);
  const fields: FieldChange[] = [
    { field: 'name', before: null, after: d.name },
    { field: 'status', before: null, after: d.status },
    { field: 'expired_time', before: null, after: d.expired_time },
  ];
  if (planned.unlimited_quota) fields.push({ field: 'unlimited_quota', before: null, after: true });
  if (planned.quota_budget !== undefined) {
    fields.push({ field: 'quota_budget', before: null, after: planned.quota_budget });
  }
  if (planned.remain_quota !== undefined && !planned.unlimited_quota) {
    fields.push({ field: 'remain_quota', before: null, after: planned.remain_quota });
  }
  fields.push(
    { field: 'model_limits_enabled', before: null, after: d.model_limits_enabled },
    { field: 'model_limits', before: null, after: d.model_limits },
    { field: 'allow_ips', before: null, after: d.allow_ips },
    { field: 'group', before: null, after: d.group },
    { field: 'cross_group_retry', before: null, after: planned.cross_group_retry },
  );
  return {
    action: 'create',
    name: d.name,
    id: null,
    matched_by: 'new',
    fields,
    planned,
    sequence: d.status === 2 ? ['create_inert', 'disable', 'update'] : ['create'],
    precondition: { kind: 'absent', names: [...new Set([d.name, ...d.previous_names])] },
  };
}

/** The change the unmanaged action makes, or null when there is nothing to do. */
export function unmanagedChange(s: ServerKey, action: 'disable' | 'delete'): KeyChange | null {
  const base = {
    name: s.name,
    id: s.id,
    matched_by: 'unmanaged' as const,
    precondition: recordPrecondition(s, []),
  };
  if (action === 'delete') {
    return { ...base, action: 'delete', fields: [], planned: {}, sequence: ['delete'] };
  }
  // A key in 2, 3 or 4 already cannot serve: disabling it changes nothing that matters.
  if (s.status === 2 || s.status === 3 || s.status === 4) return null;
  return {
    ...base,
    action: 'update',
    fields: [{ field: 'status', before: s.status, after: 2 }],
    planned: { status: 2 },
    sequence: ['disable'],
  };
}
