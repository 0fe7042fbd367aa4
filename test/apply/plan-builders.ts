/** Builders for plans as the planner makes them, for executor tests. */
import type { ServerKey } from '../../src/model.js';
import {
  PLAN_FORMAT_VERSION,
  type ExistingKeyChange,
  type KeyChange,
  type Plan,
  type PlannedValues,
  type WriteStep,
} from '../../src/plan/model.js';

/** The precondition the planner records for `record`: managed fields and status, wire form. */
export function preconditionOf(record: ServerKey): Record<string, unknown> {
  return {
    name: record.name,
    status: record.status,
    expired_time: record.expired_time,
    unlimited_quota: record.unlimited_quota,
    model_limits_enabled: record.model_limits_enabled,
    model_limits: record.model_limits,
    allow_ips: record.allow_ips,
    group: record.group,
    cross_group_retry: record.cross_group_retry,
  };
}

/** Planned values as a test states them: `status` is the status the sequence sets. */
type Stated = PlannedValues & { status?: 1 | 2 };

/** The planned values without `status` (the sequence sets it). */
function withoutStatus(stated: Stated): PlannedValues {
  const { status: _status, ...planned } = stated;
  return planned;
}

/** An update (or unmanaged disable) of `record`. */
export function anUpdate(
  record: ServerKey,
  stated: Stated,
  sequence: WriteStep[],
  overrides: Partial<ExistingKeyChange> = {},
): KeyChange {
  const planned = withoutStatus(stated);
  return {
    action: 'update',
    name: record.name,
    id: record.id,
    matched_by: 'name',
    fields: Object.entries(stated).map(([field, after]) => ({
      field,
      before: record[field] ?? null,
      after,
    })),
    planned,
    sequence,
    precondition: { kind: 'record', values: preconditionOf(record) },
    ...overrides,
  };
}

/** A delete of `record`. */
export function aDelete(record: ServerKey): KeyChange {
  return {
    action: 'delete',
    name: record.name,
    id: record.id,
    matched_by: 'unmanaged',
    fields: [],
    planned: {},
    sequence: ['delete'],
    precondition: { kind: 'record', values: preconditionOf(record) },
  };
}

/** Every field of a new key, as the planner plans a create: enabled, never, $10 budget. */
export function createValues(name: string, overrides: Stated = {}): Stated {
  return {
    name,
    status: 1,
    expired_time: -1,
    unlimited_quota: false,
    quota_budget: 5_000_000,
    model_limits_enabled: false,
    model_limits: '',
    allow_ips: '',
    group: '',
    cross_group_retry: false,
    ...overrides,
  };
}

/** A create of `name`; a disabled one gets the inert sequence. */
export function aCreate(name: string, overrides: Stated = {}): KeyChange {
  const stated = createValues(name, overrides);
  const planned = withoutStatus(stated);
  return {
    action: 'create',
    name,
    id: null,
    matched_by: 'new',
    fields: Object.entries(stated).map(([field, after]) => ({ field, before: null, after })),
    planned,
    sequence: stated.status === 2 ? ['create_inert', 'disable', 'update'] : ['create'],
    precondition: { kind: 'absent', names: [name] },
  };
}

/** A plan holding `changes`, made for an account whose highest id is `highest_id`. */
export function aPlan(changes: KeyChange[], overrides: Partial<Plan> = {}): Plan {
  return {
    format_version: PLAN_FORMAT_VERSION,
    tool_version: '0.1.0',
    created_at: '2026-11-26T12:00:00.000Z',
    base_url: 'http://127.0.0.1:1',
    account: { user_id: 1 },
    summary: {
      create: changes.filter((c) => c.action === 'create').length,
      update: changes.filter((c) => c.action === 'update').length,
      delete: changes.filter((c) => c.action === 'delete').length,
      unchanged: 0,
      unmanaged: 0,
      missing: 0,
    },
    changes,
    unmanaged: [],
    missing: [],
    warnings: [],
    safety: [],
    highest_id: Math.max(0, ...changes.map((c) => c.id ?? 0)),
    account_keys: changes.length,
    ...overrides,
  };
}
