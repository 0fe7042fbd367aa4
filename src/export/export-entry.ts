/**
 * One server key → one key-file entry (docs/export.md#what-the-file-holds): every value in the form
 * the loader reads back to exactly the stored state, and values the loader would refuse left out
 * with their field in `ignore_changes` and a warning.
 */
import { fieldsIgnoredBy } from '../fields.js';
import { MANAGED_FIELDS, parseAllowIps, type ManagedField, type ServerKey } from '../model.js';
import {
  checkModelId,
  checkName,
  formatUnixTime,
  MAX_EXPIRY_SECONDS,
  MAX_QUOTA_UNITS,
  normalizeStoredModels,
  parseIpEntry,
  serveBlockers,
  sortedSet,
} from '../values/index.js';

/** An entry under construction: field name → YAML value, in key-file order. */
/** A warning of export: `kind` groups the repeats for consolidation (docs/export.md). */
export interface ExportWarning {
  /** `left-out-FIELD` for a stored value left out; undefined for one-off notes. */
  kind?: string;
  message: string;
}

export interface ExportEntry {
  /** The server key this entry pins (for messages). */
  id: number;
  /** The stored name, for messages (the entry's `name` may be a placeholder). */
  storedName: string;
  fields: Map<string, unknown>;
  ignore: Set<ManagedField>;
}

const MAX_SHOWN_CHARS = 60;

function shown(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > MAX_SHOWN_CHARS ? `${s.slice(0, MAX_SHOWN_CHARS)}…` : s;
}

/** Leaves a field out of an entry and puts it in ignore_changes, with a warning. */
export function leaveOut(
  e: ExportEntry,
  field: ManagedField,
  why: string,
  warnings: ExportWarning[],
): void {
  for (const f of fieldsIgnoredBy(field)) e.fields.delete(f);
  e.ignore.add(field);
  warnings.push({
    kind: `left-out-${field}`,
    message: `key ${JSON.stringify(e.storedName)} (id ${e.id}): ${why}; left out and put in ignore_changes`,
  });
}

function validExpiry(t: unknown): t is number {
  return (
    t === -1 ||
    (Number.isSafeInteger(t) && (t as number) >= 0 && (t as number) <= MAX_EXPIRY_SECONDS)
  );
}

/** Builds the entry of one server key, judging server-owned states at `nowSec`. */
export function exportEntry(s: ServerKey, nowSec: number, warnings: ExportWarning[]): ExportEntry {
  const e: ExportEntry = {
    id: s.id,
    storedName: String(s.name),
    fields: new Map(),
    ignore: new Set(),
  };
  const f = e.fields;

  const nameProblem = typeof s.name === 'string' ? checkName(s.name) : 'is not a string';
  // A pinned key whose name is ignored may omit it (docs/export.md#values-a-key-file-cannot-hold:
  // left out).
  if (!nameProblem) f.set('name', s.name);
  f.set('id', s.id);
  if (nameProblem) leaveOut(e, 'name', `stored name: ${nameProblem}`, warnings);

  // Built-in defaults (enabled, never, no limits, group "") are left unwritten.
  if (s.status === 1) {
    // enabled: the default
  } else if (s.status === 2) f.set('status', 'disabled');
  else if (s.status === 3 || s.status === 4) {
    // Written disabled when it could serve, so the plan does not revive it
    // (docs/export.md#what-the-file-holds).
    const blockers = serveBlockers(
      {
        expired_time: s.expired_time,
        unlimited_quota: s.unlimited_quota === true,
        remain_quota: s.remain_quota,
      },
      nowSec,
    );
    if (blockers.length === 0) f.set('status', 'disabled');
  } else
    leaveOut(e, 'status', `stored status ${shown(s.status)} is not one the API defines`, warnings);

  if (validExpiry(s.expired_time)) {
    if (s.expired_time !== -1) f.set('expired_time', formatUnixTime(s.expired_time));
  } else
    leaveOut(
      e,
      'expired_time',
      `stored expired_time ${shown(s.expired_time)} is not a valid time`,
      warnings,
    );

  if (s.unlimited_quota === true) f.set('unlimited_quota', true);
  else {
    const budget = s.remain_quota + s.used_quota;
    if (Number.isSafeInteger(budget) && budget >= 0 && budget <= MAX_QUOTA_UNITS)
      f.set('quota_budget', budget);
    else {
      leaveOut(
        e,
        'remain_quota',
        `remain_quota + used_quota = ${shown(budget)} is not a valid quota budget`,
        warnings,
      );
    }
  }

  const modelsOn = s.model_limits_enabled === true;
  const models = normalizeStoredModels(typeof s.model_limits === 'string' ? s.model_limits : '');
  const badModel = models.map(checkModelId).find((m) => m !== undefined);
  if (modelsOn) {
    if (badModel) leaveOut(e, 'model_limits', `stored model_limits: ${badModel}`, warnings);
    else if (models.length === 0) f.set('model_limits_enabled', true);
    else f.set('model_limits', models);
  } else if (models.length > 0 && !badModel) {
    // Off with a list: say so explicitly, since a non-empty list otherwise turns limits on.
    f.set('model_limits_enabled', false);
    f.set('model_limits', models);
  }

  const ips: string[] = [];
  let badIp: string | undefined;
  for (const entry of parseAllowIps(typeof s.allow_ips === 'string' ? s.allow_ips : null)) {
    const parsed = parseIpEntry(entry);
    if (parsed.ok) ips.push(parsed.value.canonical);
    else badIp ??= parsed.message;
  }
  if (badIp) leaveOut(e, 'allow_ips', `stored allow_ips: ${badIp}`, warnings);
  else if (ips.length > 0) f.set('allow_ips', sortedSet(ips));

  if (typeof s.group !== 'string')
    leaveOut(e, 'group', `stored group ${shown(s.group)} is not a string`, warnings);
  else if (s.group !== '') f.set('group', s.group);
  // The server stores false outside `auto`; only there is `true` meaningful.
  if (s.group === 'auto' && s.cross_group_retry === true) f.set('cross_group_retry', true);
  // Written only when set: an empty or null list stays unmanaged, so updates keep leaving it
  // out of their bodies (the server keeps it when a body omits it).
  if (Array.isArray(s.auto_groups) && s.auto_groups.length > 0) {
    f.set('auto_groups', sortedSet(s.auto_groups.map(String)));
  }
  return e;
}

/** The entry's `ignore_changes` in the order of MANAGED_FIELDS. */
export function ignoreList(e: ExportEntry): ManagedField[] {
  return MANAGED_FIELDS.filter((m) => e.ignore.has(m));
}
