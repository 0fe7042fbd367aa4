/**
 * The plan as data (docs/plan-format.md#how-a-plan-is-made): produced by the pure planner
 * (./create-plan.ts), rendered by src/render/, saved by `plan --out`, and carried out by
 * src/apply/. JSON field names are the ones of docs/plan-format.md#json-format and
 * `schemas/plan.schema.json`.
 */
import type { ExactKeys, KeyField } from '../fields.js';

export type ChangeAction = 'create' | 'update' | 'delete' | 'rotate';

/**
 * How a change found its server key. `new` = a create; `unmanaged` = the unmanaged action;
 * `generation` = a predecessor of a rotating key, named `NAME~YYYYMMDD` (docs/rotation.md).
 */
export type MatchedBy = 'id' | 'name' | 'previous_name' | 'unmanaged' | 'new' | 'generation';

/**
 * One field's difference, in API units: status 1–4, unix seconds, quota units; `model_limits`
 * and `allow_ips` as sorted arrays. A budget change is the field `quota_budget`
 * (before = remain + used, after = N).
 */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
  /** For `quota_budget`: the stored remaining quota behind `before` (renderers show remain+used). */
  remain_quota?: number;
  /** For `quota_budget`: the stored used quota behind `before`; apply sets remain = max(0, N - used). */
  used_quota?: number;
  /**
   * Why a change the key file does not ask for is made: `server_maximum` = a stored
   * `remain_quota` above `quotaMaxUnits` is lowered to it, since the server refuses every body
   * carrying more (docs/write-protocol.md#bodies-are-complete-records).
   */
  reason?: FieldChangeReason;
}

/** See FieldChange.reason. */
export type FieldChangeReason = 'server_maximum';

/**
 * Planned values of the fields a change sets, in wire form (what a body carries): lists
 * joined as the API stores them. `quota_budget` is the budget N; apply computes
 * `remain_quota = max(0, N - used_quota)` from the record it reads just before writing.
 */
export type PlannedValues = Partial<ExactKeys<PlannedTypes, Exclude<KeyField, 'status'>>>;

/**
 * The wire type of each planned field: one per key field of src/fields.ts but `status`, which
 * the change's `sequence` sets (`disable`, `enable`, `create_inert`).
 */
interface PlannedTypes {
  name?: string;
  expired_time?: number;
  unlimited_quota?: boolean;
  remain_quota?: number;
  quota_budget?: number;
  model_limits_enabled?: boolean;
  model_limits?: string;
  allow_ips?: string;
  group?: string;
  cross_group_retry?: boolean;
  /** A list, as the newest servers store it; only when the key file declares it. */
  auto_groups?: string[];
}

/**
 * The calls of one change, in order (docs/write-protocol.md#the-protocol):
 * - `update`: plain PUT with the planned fields; status in the body is 2 when disabling,
 *   otherwise the stored status (never 1 — enabling is its own step);
 * - `disable` / `enable`: the status call with the current record, only `status` changed;
 * - `create`: POST with every field; `create_inert`: POST with the declared fields but
 *   `model_limits_enabled: true` and no models, for keys declared disabled;
 * - `delete`: DELETE;
 * - `rename`: a rotation's plain PUT of the current record with only `name` changed to the
 *   generation name (docs/rotation.md#order-and-failure).
 */
export type WriteStep =
  'rename' | 'update' | 'disable' | 'enable' | 'create' | 'create_inert' | 'delete';

/**
 * What must still hold when apply reads the key again (docs/plan-format.md#preconditions).
 * `record`: the observed value of every managed field not in ignore_changes except the quota
 * counters, plus `status`, in wire form (keys are API field names).
 * `absent`: no server key outside the listing's known ids has one of these names.
 */
export type Precondition =
  { kind: 'record'; values: Record<string, unknown> } | { kind: 'absent'; names: string[] };

interface ChangeBase {
  name: string;
  matched_by: MatchedBy;
  fields: FieldChange[];
  planned: PlannedValues;
  sequence: WriteStep[];
  precondition: Precondition;
  /** True when the only change is topping up a `remain_quota: N` key (safety "updates"). */
  refill_only?: boolean;
  /** On a generation's disable or delete: why, and its successor (docs/rotation.md#retirement). */
  retirement?: Retirement;
}

/** Why a predecessor of a rotating key is disabled or deleted. */
export interface Retirement {
  /** `overlap_ended`: overlap_days passed; `delete_after_days`: delete_after_days passed. */
  reason: 'overlap_ended' | 'delete_after_days';
  /** The key created after it, whose `created_time` the days are counted from. */
  successor_id: number;
}

/** One step of a rotation as the plan shows it (docs/rotation.md#the-plan). */
export type RotationStep =
  | { step: 'rename'; id: number; from: string; to: string }
  | { step: 'create'; name: string }
  | { step: 'reveal' }
  | { step: 'deliver'; sinks: string[] };

/** What a rotate change does besides creating its successor. */
export interface Rotation {
  /** The name the current key gets: `NAME~YYYYMMDD` (or `~N`). */
  rename_to: string;
  /** The current key's age in whole days at plan time; null when the server gave no created_time. */
  age_days: number | null;
  /** Due because `--rotate` asked, whatever its age. */
  forced?: true;
  steps: RotationStep[];
}

/** A create has no server id yet. */
export interface CreateChange extends ChangeBase {
  action: 'create';
  id: null;
  /**
   * The sinks the new key's secret goes to (the key file's `deliver`,
   * docs/write-protocol.md#new-keys-secrets); absent = none.
   */
  deliver?: string[];
}

/** An update or delete names the server key it writes. */
export interface ExistingKeyChange extends ChangeBase {
  action: 'update' | 'delete';
  id: number;
}

/**
 * A due rotation (docs/rotation.md#the-plan): the current key `id` is renamed
 * `rotation.rename_to`, then its successor is created under `name` with `planned` (as a create:
 * `fields` before null), its secret revealed and handed to `deliver`. The precondition is the
 * current key's record.
 */
export interface RotateChange extends ChangeBase {
  action: 'rotate';
  id: number;
  deliver: string[];
  rotation: Rotation;
}

export type KeyChange = CreateChange | ExistingKeyChange | RotateChange;

export interface UnmanagedKey {
  id: number;
  name: string;
  action: 'ignore' | 'disable' | 'delete';
  /** Left alone because its name matches `unmanaged.ignoreNames`. */
  exempt?: true;
}

export interface MissingKey {
  id: number;
  name: string;
  message: string;
}

export interface PlanWarning {
  name?: string;
  id?: number;
  /**
   * A stable code for the message without its key-specific parts (`expiring`,
   * `cannot-serve`): repeats of a kind are consolidated in text and markdown (docs/commands.md#consolidated-warnings).
   * Absent only in plans saved before kinds existed.
   */
  kind?: string;
  message: string;
}

export type SafetyLimit = 'updates' | 'deletes' | 'quota' | 'unlimited';

/** A safety limit the plan crosses (docs/safety.md#safety-limits); apply refuses unless forced. */
export interface SafetyViolation {
  limit: SafetyLimit;
  /** e.g. "updates 12 of 20 keys (60%) > safety.maxUpdatePercent 30" */
  message: string;
  value: number;
  threshold: number;
  setting: string;
}

/**
 * The money line (docs/plan-format.md#the-money-line): quota units added and removed by the
 * changes, and the number of keys they create as or switch to unlimited.
 */
export interface PlanMoney {
  /** Quota units added, as the `quota` safety limit counts them. */
  quota_added: number;
  /** Quota units removed: lower budgets and remaining quotas, deleted keys' remaining quota. */
  quota_removed: number;
  /** Keys created unlimited or switched to unlimited (never counted as quota). */
  new_unlimited: number;
}

export interface PlanSummary extends Partial<PlanMoney> {
  create: number;
  update: number;
  delete: number;
  unchanged: number;
  unmanaged: number;
  missing: number;
  /** Due rotations; present only when there is one (older plans have none). */
  rotate?: number;
}

export const PLAN_FORMAT_VERSION = 1;

/**
 * A key whose secret the audit log shows not delivered to every sink: apply reveals it and hands
 * it to `deliver` again (docs/rotation.md#when-a-step-fails). No server write.
 */
export interface Handoff {
  id: number;
  name: string;
  deliver: string[];
}

export interface Plan {
  format_version: typeof PLAN_FORMAT_VERSION;
  tool_version: string;
  /** ISO-8601 UTC, from the `now` the planner was given. */
  created_at: string;
  base_url: string;
  account: { user_id: number | null };
  summary: PlanSummary;
  /** Sorted by (name, id). */
  changes: KeyChange[];
  unmanaged: UnmanagedKey[];
  missing: MissingKey[];
  warnings: PlanWarning[];
  /** Secrets apply delivers again; present only when there is one. */
  handoffs?: Handoff[];
  safety: SafetyViolation[];
  /** Names given with --target, when the plan was restricted. */
  targets?: string[];
  /** Highest server id seen in the listing (creates resolve ids above it). */
  highest_id: number;
  /** Number of keys the account held when listed. */
  account_keys: number;
}
