/**
 * Planned values of a saved plan checked with the key-file rules (docs/key-file.md#field-reference,
 * docs/plan-format.md): apply writes nothing a key file could not have declared. The rules
 * themselves live in src/values/; this only reads the wire forms a plan carries.
 */
import { KEY_FIELDS, type KeyField } from '../fields.js';
import {
  MAX_AUTO_GROUPS,
  canonicalizeIp,
  checkGroupName,
  checkModelId,
  checkName,
  parseExpiry,
  parseIpEntry,
  parseQuotaAmount,
  quotaAboveMax,
} from '../values/index.js';

/** Fields a plan may hold planned values for: every key field but status (the calls set it). */
export const PLANNED_FIELDS: readonly KeyField[] = KEY_FIELDS.filter((f) => f !== 'status');

/** The first problem of the entries of a list, or undefined. `key` names duplicates. */
function checkEntries(
  entries: readonly string[],
  check: (entry: string) => string | undefined,
  key: (entry: string) => string = (e) => e,
): string | undefined {
  const seen = new Set<string>();
  for (const entry of entries) {
    const why = check(entry);
    if (why) return why;
    if (seen.has(key(entry))) return `${JSON.stringify(entry)} is listed twice`;
    seen.add(key(entry));
  }
  return undefined;
}

/** Splits a wire list as written, without trimming: white space is itself a problem. */
function rawEntries(value: string, separator: string): string[] {
  return value === '' ? [] : value.split(separator);
}

const nonEmpty = (check: (s: string) => string | undefined) => (s: string) =>
  s.length === 0 ? 'has an empty entry' : check(s);

function checkIpEntry(entry: string): string | undefined {
  const parsed = parseIpEntry(entry);
  return parsed.ok ? undefined : parsed.message;
}

/** The settings the key-file rules for planned values depend on (the quota rule). */
export interface PlannedValueLimits {
  quotaPerUsd: number;
  /** The resolved `quotaMaxUnits` setting: a key file may declare no larger quota. */
  quotaMaxUnits: number;
}

/**
 * The problem with a planned value of `field`, or undefined when a key file could have
 * declared it under the same settings.
 */
export function plannedValueProblem(
  field: KeyField,
  value: unknown,
  limits: PlannedValueLimits,
): string | undefined {
  switch (field) {
    case 'name':
      return typeof value === 'string' ? checkName(value) : 'must be a string';
    case 'expired_time': {
      // 0 is a real time (1970-01-01, in the past), as in a key file, where it is a warning.
      if (typeof value !== 'number') return 'must be unix seconds';
      const parsed = parseExpiry(value);
      return parsed.ok ? undefined : parsed.message;
    }
    case 'quota_budget':
    case 'remain_quota': {
      if (typeof value !== 'number') return 'must be a whole number of quota units';
      const parsed = parseQuotaAmount(value, limits.quotaPerUsd);
      if (!parsed.ok) return parsed.message;
      return quotaAboveMax(field, value, parsed.value, limits.quotaMaxUnits, limits.quotaPerUsd);
    }
    case 'unlimited_quota':
    case 'model_limits_enabled':
    case 'cross_group_retry':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'model_limits':
      if (typeof value !== 'string') return 'must be a comma-separated string';
      return checkEntries(rawEntries(value, ','), nonEmpty(checkModelId));
    case 'allow_ips':
      if (typeof value !== 'string') return 'must be a newline-separated string';
      return checkEntries(rawEntries(value, '\n'), nonEmpty(checkIpEntry), canonicalizeIp);
    case 'group':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'auto_groups':
      if (!Array.isArray(value) || !value.every((g) => typeof g === 'string')) {
        return 'must be a list of group names';
      }
      if (value.length > MAX_AUTO_GROUPS) {
        return `lists ${value.length} groups; at most ${MAX_AUTO_GROUPS} are allowed`;
      }
      return checkEntries(value as string[], checkGroupName);
    case 'status':
      return 'is set by the write sequence, never planned';
  }
}
