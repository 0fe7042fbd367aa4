/**
 * Checks the records a server returns before anything else sees them (issue 3: "fail clearly
 * on garbage") and strips the secret `key` (SPEC §4.2).
 */
import type { ServerKey } from '../model.js';

/** A record as returned: the checked key without its secret, and the secret on its own. */
export interface ParsedRecord {
  record: ServerKey;
  /** The raw `key` field; only the lookup after a create may keep it. Never print it. */
  secret: unknown;
}

type Check = (value: unknown) => boolean;
const isInt: Check = (v) => Number.isInteger(v);
const isNum: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isStr: Check = (v) => typeof v === 'string';
const isBool: Check = (v) => typeof v === 'boolean';

/** Fields every server returns. */
const REQUIRED: Record<string, Check> = {
  id: isInt,
  name: isStr,
  status: isInt,
  expired_time: isNum,
  remain_quota: isNum,
  used_quota: isNum,
  unlimited_quota: isBool,
};

/**
 * Fields newer servers added; when absent they take the value the server would store for
 * "not set", so the record stays complete and update bodies stay complete (SPEC §7.2).
 */
const OPTIONAL: Record<string, { check: Check; absent: unknown }> = {
  model_limits_enabled: { check: isBool, absent: false },
  model_limits: { check: isStr, absent: '' },
  allow_ips: { check: (v) => v === null || isStr(v), absent: '' },
  group: { check: isStr, absent: '' },
  cross_group_retry: { check: isBool, absent: false },
  user_id: { check: isInt, absent: undefined },
  created_time: { check: isNum, absent: undefined },
  accessed_time: { check: isNum, absent: undefined },
};

/**
 * Checks one record's field types loosely and strips `key`. Returns a problem description
 * (naming the field, never its value: it might be a secret) instead of throwing, so the caller
 * can build an error with method, path and status.
 */
export function parseRecord(raw: unknown): ParsedRecord | { problem: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { problem: 'a key record is not an object' };
  }
  const source = raw as Record<string, unknown>;
  const where = Number.isInteger(source['id']) ? `key ${String(source['id'])}` : 'a key record';
  for (const [field, check] of Object.entries(REQUIRED)) {
    if (!check(source[field])) {
      return { problem: `${where} has ${describe(source[field])} for "${field}"` };
    }
  }
  const record: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(source)) {
    if (field !== 'key') record[field] = value;
  }
  for (const [field, { check, absent }] of Object.entries(OPTIONAL)) {
    const value = source[field];
    if (value === undefined) {
      if (absent !== undefined) record[field] = absent;
    } else if (!check(value)) {
      return { problem: `${where} has ${describe(value)} for "${field}"` };
    }
  }
  return { record: record as ServerKey, secret: source['key'] };
}

function describe(value: unknown): string {
  if (value === undefined) return 'no value';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
