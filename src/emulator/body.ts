/**
 * Decodes a token request body the way new-api's Go JSON binding does: a fresh struct, so an
 * omitted field is its zero value (the "full replace" trap of
 * docs/write-protocol.md#updates-replace-the-whole-record), `null` leaves the zero value, and a
 * value of the wrong type is an error whose text we relay.
 */

import { STORED_FIELD_TYPES, type StoredFieldType, type StoredKey } from './types.js';

/** The editable fields of a token body, after decoding (zero values for omitted ones). */
export type TokenBody = Pick<StoredKey, (typeof TOKEN_FIELDS)[number]> & {
  /** null when the body sent null; "" when omitted. */
  allow_ips: string | null;
  /** Only decoded with `autoGroups`: undefined when omitted, null when sent as null. */
  auto_groups?: string[] | null;
};

const TOKEN_FIELDS = [
  'id',
  'name',
  'status',
  'expired_time',
  'remain_quota',
  'unlimited_quota',
  'model_limits_enabled',
  'model_limits',
  'allow_ips',
  'group',
  'cross_group_retry',
  'auto_groups',
] as const satisfies readonly (keyof StoredKey)[];

type FieldType = Exclude<StoredFieldType, 'count'>;

/** The body's field types, from the stored key's (no body field is a `count`). */
const FIELD_TYPES = Object.fromEntries(
  TOKEN_FIELDS.map((f) => [f, STORED_FIELD_TYPES[f] as FieldType]),
) as Record<keyof TokenBody, FieldType>;

const GO_TYPE_NAMES: Record<FieldType, string> = {
  int: 'int',
  string: 'string',
  bool: 'bool',
  'nullable-string': '*string',
  'string-list': '[]string',
};

/** The zero-valued body, as Go allocates it. */
export function zeroBody(): TokenBody {
  return {
    id: 0,
    name: '',
    status: 0,
    expired_time: 0,
    remain_quota: 0,
    unlimited_quota: false,
    model_limits_enabled: false,
    model_limits: '',
    allow_ips: '',
    group: '',
    cross_group_retry: false,
  };
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

/** Result of decoding: the body, or the error message the server would send. */
export type DecodeResult = { ok: true; body: TokenBody } | { ok: false; message: string };

/**
 * Decodes raw request text into a token body. `auto_groups` is a field only with
 * `autoGroups` (newer servers); otherwise it is ignored like any unknown field.
 */
export function decodeTokenBody(raw: string, opts: { autoGroups?: boolean } = {}): DecodeResult {
  if (raw.trim() === '') return { ok: false, message: 'EOF' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return { ok: false, message: `invalid JSON: ${(err as Error).message}` };
  }
  if (jsonKind(parsed) !== 'object') {
    return {
      ok: false,
      message: `json: cannot unmarshal ${jsonKind(parsed)} into Go value of type model.Token`,
    };
  }
  const body = zeroBody();
  const target = body as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(parsed as Record<string, unknown>)) {
    const type = FIELD_TYPES[field as keyof TokenBody];
    if (type === undefined) continue; // unknown fields are ignored, like Go
    if (type === 'string-list' && !opts.autoGroups) continue;
    if (value === null) {
      if (type === 'nullable-string' || type === 'string-list') target[field] = null;
      continue;
    }
    const problem = checkType(type, value);
    if (problem) {
      // A list element of the wrong type is reported against the element type, as Go does.
      const goType = problem.element ? 'string' : GO_TYPE_NAMES[type];
      return {
        ok: false,
        message: `json: cannot unmarshal ${problem.got} into Go struct field Token.${field} of type ${goType}`,
      };
    }
    target[field] = value;
  }
  return { ok: true, body };
}

/** What Go would call the offending value (and whether it is a list element), or undefined. */
function checkType(type: FieldType, value: unknown): { got: string; element?: true } | undefined {
  const kind = (fits: boolean) => (fits ? undefined : { got: jsonKind(value) });
  switch (type) {
    case 'int':
      if (typeof value !== 'number') return kind(false);
      return Number.isSafeInteger(value) ? undefined : { got: `number ${value}` };
    case 'bool':
      return kind(typeof value === 'boolean');
    case 'string':
    case 'nullable-string':
      return kind(typeof value === 'string');
    case 'string-list': {
      if (!Array.isArray(value)) return kind(false);
      const bad: unknown = value.find((v) => typeof v !== 'string');
      return bad === undefined ? undefined : { got: jsonKind(bad), element: true };
    }
  }
}
