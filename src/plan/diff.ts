/**
 * The field diff of one matched key (docs/plan-format.md#comparing-fields): normalised comparisons,
 * the three quota forms, `ignore_changes`, and the server-owned states 3/4.
 */
import {
  fieldRow,
  isListField,
  KEY_FIELDS,
  storedList,
  wireList,
  type KeyField,
} from '../fields.js';
import { formatModelLimits, type DesiredKey, type ManagedField, type ServerKey } from '../model.js';
import { InternalError } from './errors.js';
import type { FieldChange, PlannedValues } from './model.js';
import {
  normalizeStoredIps,
  normalizeStoredModels,
  sameSet,
  sortedSet,
  serveBlockers,
  statusName,
  type ServeState,
} from '../values/index.js';

/** The order fields are listed in, everywhere: the table's. */
const FIELD_ORDER: readonly KeyField[] = KEY_FIELDS;

const FIELD_RANK = new Map<string, number>(FIELD_ORDER.map((f, i) => [f, i]));

/** Sorts field changes into FIELD_ORDER. */
function sortFields(fields: FieldChange[]): FieldChange[] {
  return fields.sort((a, b) => (FIELD_RANK.get(a.field) ?? 99) - (FIELD_RANK.get(b.field) ?? 99));
}

/** Fields with rules of their own (status, the quota forms, the model pair, cross_group_retry). */
const SPECIAL_RULES = new Set<KeyField>([
  'status',
  'unlimited_quota',
  'quota_budget',
  'remain_quota',
  'model_limits_enabled',
  'model_limits',
  'cross_group_retry',
]);

/**
 * Key fields diffed by their row alone: compared as the table says, planned in wire form. The
 * row's parts the diff reads are taken out once here, not looked up per key and field.
 */
const ROW_FIELDS = KEY_FIELDS.filter((f) => !SPECIAL_RULES.has(f)).map((field) => {
  const row = fieldRow(field);
  return { field, ignore: row.ignore as ManagedField, compare: row.compare };
});

/** The `ignore_changes` of a key that declares none (most keys): no Set built per key. */
const NO_IGNORES: ReadonlySet<ManagedField> = new Set();

/** A desired key's value of `field` in its normal form (lists as sorted arrays). */
export function desiredValue(d: DesiredKey, field: KeyField): unknown {
  return (d as unknown as Record<string, unknown>)[field];
}

/** A desired value in the wire form a body carries (lists joined as the API stores them). */
export function toWire(field: KeyField, value: unknown): unknown {
  return isListField(field) && Array.isArray(value) ? wireList(field, value as string[]) : value;
}

/** How a field's values compare (its row's `compare`). */
type Comparison = ReturnType<typeof fieldRow>['compare'];

/**
 * A stored value in the form desired values take (lists as sorted sets, IPs canonical); `compare`
 * is the field's row's.
 */
function storedValue(s: ServerKey, field: KeyField, compare: Comparison): unknown {
  if (compare === 'ip-set') {
    const stored = s[field] as string | null;
    // No restriction (null or ""), as most keys have: no list to parse.
    return stored === null || stored === '' ? [] : normalizeStoredIps(stored);
  }
  if (compare === 'set') return sortedSet(storedList(field, s[field]) ?? []);
  return s[field];
}

function sameValue(compare: Comparison, stored: unknown, desired: unknown): boolean {
  return compare === 'plain'
    ? stored === desired
    : sameSet(stored as string[], desired as string[]);
}

export interface KeyDiff {
  /** Non-status field changes plus the status change, in FIELD_ORDER. */
  fields: FieldChange[];
  planned: PlannedValues;
  /** The status the change sets, when it changes status. */
  statusTo?: 1 | 2;
  /** Only a `remain_quota: N` top-up. */
  refillOnly: boolean;
  warnings: { kind: string; message: string }[];
}

function remainAfter(s: ServerKey, planned: PlannedValues): number {
  if (planned.quota_budget !== undefined) return Math.max(0, planned.quota_budget - s.used_quota);
  if (planned.remain_quota !== undefined) return planned.remain_quota;
  return s.remain_quota;
}

/**
 * True when the key file declares the key enabled with an expiry already past: the loader
 * warns about that (`expired-enabled`), so the planner does not say it again (docs/commands.md#consolidated-warnings).
 */
export function expiryReported(d: DesiredKey, nowSec: number): boolean {
  return (
    d.status === 1 &&
    !d.ignore_changes.includes('expired_time') &&
    d.expired_time !== -1 &&
    d.expired_time <= nowSec
  );
}

/**
 * The change that lowers a limited key's stored `remain_quota` to `quotaMaxUnits`, or null: the
 * newest server refuses every body carrying more, even a disable's
 * (docs/write-protocol.md#bodies-are-complete-records).
 */
export function serverMaximumChange(
  s: ServerKey,
  planned: PlannedValues,
  quotaMaxUnits: number,
): FieldChange | null {
  const limited = (planned.unlimited_quota ?? s.unlimited_quota) !== true;
  if (!limited || s.remain_quota <= quotaMaxUnits) return null;
  return {
    field: 'remain_quota',
    before: s.remain_quota,
    after: quotaMaxUnits,
    reason: 'server_maximum',
  };
}

/**
 * Diffs a desired key against the server key it matched. `quotaMaxUnits`: the largest
 * `remain_quota` the server accepts in any body of a limited key.
 */
export function diffKey(
  d: DesiredKey,
  s: ServerKey,
  nowSec: number,
  quotaMaxUnits: number,
): KeyDiff {
  const ignore =
    d.ignore_changes.length === 0 ? NO_IGNORES : new Set<ManagedField>(d.ignore_changes);
  const fields: FieldChange[] = [];
  const planned: PlannedValues = {};
  const warnings: KeyDiff['warnings'] = [];
  const add = (field: string, before: unknown, after: unknown): void => {
    fields.push({ field, before, after });
  };

  for (const { field, ignore: entry, compare } of ROW_FIELDS) {
    const after = desiredValue(d, field);
    // A field managed only when declared is undefined when the key file leaves it out.
    if (ignore.has(entry) || after === undefined) continue;
    const before = storedValue(s, field, compare);
    if (!sameValue(compare, before, after)) {
      add(field, before, after);
      (planned as Record<string, unknown>)[field] = toWire(field, after);
    }
  }

  if (!ignore.has('remain_quota')) {
    const q = d.quota;
    if (q === null) throw new InternalError(`key "${d.name}" has no quota form but manages it`);
    const unlimited = q.kind === 'unlimited';
    if (s.unlimited_quota !== unlimited) {
      add('unlimited_quota', s.unlimited_quota, unlimited);
      planned.unlimited_quota = unlimited;
    }
    if (q.kind === 'budget') {
      const total = s.remain_quota + s.used_quota;
      // docs/key-file.md#quota-forms: spending is never drift, and a spent budget stays in sync.
      const inSync = total === q.amount || (s.used_quota >= q.amount && s.remain_quota <= 0);
      if (!inSync) {
        fields.push({
          field: 'quota_budget',
          before: total,
          after: q.amount,
          remain_quota: s.remain_quota,
          used_quota: s.used_quota,
        });
        planned.quota_budget = q.amount;
      }
    } else if (q.kind === 'remain' && s.remain_quota !== q.amount) {
      add('remain_quota', s.remain_quota, q.amount);
      planned.remain_quota = q.amount;
    }
  }

  if (!ignore.has('model_limits')) {
    const sOn = s.model_limits_enabled === true;
    const dOn = d.model_limits_enabled;
    // While limits are off on both sides the list means nothing to the server.
    if (sOn || dOn) {
      const sList = normalizeStoredModels(s.model_limits);
      const before = fields.length;
      if (sOn !== dOn) add('model_limits_enabled', sOn, dOn);
      if (!sameSet(sList, d.model_limits)) add('model_limits', sList, d.model_limits);
      if (fields.length > before) {
        planned.model_limits_enabled = dOn;
        planned.model_limits = formatModelLimits(d.model_limits);
      }
    }
  }

  const groupAfter = ignore.has('group') ? s.group : d.group;
  // The server stores false outside `auto` (docs/write-protocol.md#the-key-record), so only `auto`
  // can drift.
  if (
    !ignore.has('cross_group_retry') &&
    groupAfter === 'auto' &&
    s.cross_group_retry !== d.cross_group_retry
  ) {
    add('cross_group_retry', s.cross_group_retry, d.cross_group_retry);
    planned.cross_group_retry = d.cross_group_retry;
  }

  const refillOnly =
    fields.length === 1 &&
    fields[0]?.field === 'remain_quota' &&
    (fields[0].after as number) > (fields[0].before as number);

  let statusTo: 1 | 2 | undefined;
  if (!ignore.has('status')) {
    const state: ServeState = {
      expired_time: planned.expired_time ?? s.expired_time,
      unlimited_quota: planned.unlimited_quota ?? s.unlimited_quota,
      remain_quota: remainAfter(s, planned),
    };
    if (d.quota?.kind === 'budget') state.budget = d.quota.amount;
    const blockers = serveBlockers(state, nowSec);
    // An expiry the key file declares in the past is the loader's warning already.
    const untold = expiryReported(d, nowSec)
      ? serveBlockers({ ...state, expired_time: -1 }, nowSec)
      : blockers;
    if (d.status === 2) {
      // Declared disabled is in sync with every state that cannot serve: 2, 3, 4.
      if (s.status === 1 || ![2, 3, 4].includes(s.status)) statusTo = 2;
    } else if (s.status === 3 || s.status === 4) {
      if (blockers.length === 0) statusTo = 1;
      else if (untold.length > 0) {
        warnings.push({
          kind: 'cannot-serve',
          message:
            `declared enabled but cannot serve requests (${untold.join(', ')}); ` +
            `it stays ${statusName(s.status)}`,
        });
      }
    } else {
      if (s.status !== 1) statusTo = 1;
      if (untold.length > 0) {
        warnings.push({
          kind: 'cannot-serve',
          message: `declared enabled but cannot serve requests (${untold.join(', ')})`,
        });
      }
    }
    if (statusTo !== undefined) {
      add('status', s.status, statusTo);
    }
  }
  // Only a write that keeps the stored remain can carry one above the maximum.
  const keepsRemain = planned.remain_quota === undefined && planned.quota_budget === undefined;
  if (keepsRemain && fields.length > 0) {
    const toMax = serverMaximumChange(s, planned, quotaMaxUnits);
    if (toMax) {
      fields.push(toMax);
      planned.remain_quota = quotaMaxUnits;
    }
  }

  // Reviving a key the refill un-exhausts is part of the refill (scheduled top-ups do this).
  const refill = refillOnly && (statusTo === undefined || (statusTo === 1 && s.status === 4));
  // A key in sync (most of them) has no fields to sort.
  const sorted = fields.length > 1 ? sortFields(fields) : fields;
  return statusTo !== undefined
    ? { fields: sorted, planned, statusTo, refillOnly: refill, warnings }
    : { fields: sorted, planned, refillOnly: refill, warnings };
}
