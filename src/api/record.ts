/**
 * Checks the records a server returns before anything else sees them (issue 3: "fail clearly
 * on garbage") and strips the secret `key` (docs/plan-format.md#listing-the-account).
 */
import { RECORD_CHECKS, type RecordCheck } from '../fields.js';
import type { ServerKey } from '../model.js';

/** A record as returned: the checked key without its secret, and the secret on its own. */
export interface ParsedRecord {
  record: ServerKey;
  /** The raw `key` field; only the lookup after a create may keep it. Never print it. */
  secret: unknown;
}

type Check = (value: unknown) => boolean;
const isStr: Check = (v) => typeof v === 'string';

const CHECKS = {
  int: (v) => Number.isInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  string: isStr,
  boolean: (v) => typeof v === 'boolean',
  'nullable-string': (v) => v === null || isStr(v),
  'nullable-string-list': (v) => v === null || (Array.isArray(v) && v.every(isStr)),
} satisfies Record<RecordCheck, Check>;

/** Fields every server returns (the id first, so a message can name the key). */
const REQUIRED: [string, Check][] = [
  ['id', CHECKS.int],
  ...RECORD_CHECKS.filter((c) => c.required).map((c): [string, Check] => [
    c.field,
    CHECKS[c.check],
  ]),
];

/**
 * Fields newer servers added; when absent they take the value the server would store for
 * "not set" (or stay absent when there is none), so the record stays complete and update
 * bodies stay complete (docs/write-protocol.md#bodies-are-complete-records).
 */
const OPTIONAL = RECORD_CHECKS.filter((c) => !c.required).map((c) => ({
  field: c.field,
  check: CHECKS[c.check],
  absent: c.absent,
}));

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
  for (const [field, check] of REQUIRED) {
    if (!check(source[field])) {
      return { problem: `${where} has ${describe(source[field])} for "${field}"` };
    }
  }
  const record: Record<string, unknown> = {};
  // for…in rather than Object.entries: no array per field (10,000 records make a lot of them).
  // JSON.parse makes "__proto__" an own field; assigning it would set the copy's prototype, so
  // a server could hand the record inherited fields. It is no field of a key: dropped.
  for (const field in source) {
    if (field !== 'key' && field !== '__proto__') record[field] = source[field];
  }
  const filled: string[] = [];
  for (const { field, check, absent } of OPTIONAL) {
    const value = source[field];
    if (value === undefined) {
      if (absent !== undefined) {
        record[field] = absent;
        filled.push(field);
      }
    } else if (!check(value)) {
      return { problem: `${where} has ${describe(value)} for "${field}"` };
    }
  }
  // The planner may compare against "not set", but a body must never be built from it.
  if (filled.length > 0) Object.defineProperty(record, FILLED, { value: filled });
  return { record: record as ServerKey, secret: source['key'] };
}

const FILLED = Symbol('fields the server did not send');

/**
 * The editable fields a record's server answer lacked (filled with "not set" for planning).
 * A body is never built from such a record: the key is read again, and a record that still
 * lacks one is refused (docs/write-protocol.md#bodies-are-complete-records).
 */
export function missingFieldsOf(record: ServerKey): string[] {
  return (record as unknown as { [FILLED]?: string[] })[FILLED] ?? [];
}

function describe(value: unknown): string {
  if (value === undefined) return 'no value';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
