/**
 * Planned values → what a call carries (docs/write-protocol.md#bodies-are-complete-records,
 * #disabling-and-enabling, #creates). Only wire fields the plan sets are laid over the fresh
 * record; `buildUpdateBody` (src/api/body.ts) does the rest.
 */
import type { CreateFields } from '../api/types.js';
import { CREATE_DEFAULTS, DECLARED_ONLY_FIELDS } from '../fields.js';
import { EDITABLE_FIELDS, type ServerKey } from '../model.js';
import type { PlannedValues } from '../plan/model.js';

/** Editable fields copied as planned; status and remain_quota have rules of their own. */
const COPIED_FIELDS = [...EDITABLE_FIELDS, ...DECLARED_ONLY_FIELDS].filter(
  (f) => f !== 'status' && f !== 'remain_quota',
);

/**
 * The planned fields as the wire values they give a record: what a body carries (laid over the
 * record) and what a response is judged against. A budget becomes what is left of it given the
 * record's `used_quota`. No status: the change's calls set it.
 */
export function plannedWireValues(
  planned: PlannedValues,
  record: ServerKey,
): Record<string, unknown> {
  const usedQuota = record.used_quota;
  const values: Record<string, unknown> = {};
  for (const field of COPIED_FIELDS) {
    const value = planned[field as keyof PlannedValues];
    if (value !== undefined) values[field] = value;
  }
  if (planned.remain_quota !== undefined) values.remain_quota = planned.remain_quota;
  if (planned.quota_budget !== undefined) {
    // Spending is never drift: the budget becomes what is left of it right now
    // (docs/key-file.md#quota-forms).
    values.remain_quota = Math.max(0, planned.quota_budget - usedQuota);
    values.unlimited_quota = false;
  }
  return values;
}

/**
 * Values of a plain update built on `current`: the planned fields, and `status` 2 when the
 * change disables the key (its sequence has a `disable` step), otherwise the stored status — never 1, since enabling is its own
 * call after the fix (docs/write-protocol.md#disabling-and-enabling, #the-enable-guard).
 */
export function buildUpdateValues(
  planned: PlannedValues,
  current: ServerKey,
  disables: boolean,
): Record<string, unknown> {
  return { ...plannedWireValues(planned, current), status: disables ? 2 : current.status };
}

/**
 * Every field of a create, explicitly (docs/write-protocol.md#creates: an omitted `expired_time`
 * expires the key, an omitted quota exhausts it). `inert`: limits on with no models, so the key
 * serves nothing until it has been disabled and given its declared fields.
 */
export function buildCreateFields(
  name: string,
  planned: PlannedValues,
  inert: boolean,
): CreateFields {
  const values: Record<string, unknown> = { name: planned.name ?? name };
  for (const [field, fallback] of Object.entries(CREATE_DEFAULTS)) {
    values[field] = planned[field as keyof PlannedValues] ?? fallback;
  }
  values.remain_quota = Math.max(0, planned.quota_budget ?? planned.remain_quota ?? 0);
  // A field managed only when declared is sent only when the plan sets it.
  for (const field of DECLARED_ONLY_FIELDS) {
    if (planned[field] !== undefined) values[field] = planned[field];
  }
  if (inert) {
    values.model_limits_enabled = true;
    values.model_limits = '';
  }
  return values as unknown as CreateFields;
}

/** The fields a create's planned values set, with the inert ones left out for an inert create. */
export function plannedForCreate(planned: PlannedValues, inert: boolean): PlannedValues {
  if (!inert) return planned;
  const { model_limits_enabled: _mle, model_limits: _ml, ...others } = planned;
  return others;
}
