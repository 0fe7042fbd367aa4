/**
 * Decodes a token request body the way new-api's Go JSON binding does: a fresh struct, so an
 * omitted field is its zero value (the "full replace" trap of cometapi-api.md), `null` leaves
 * the zero value, and a value of the wrong type is an error whose text we relay.
 */

/** The editable fields of a token body, after decoding (zero values for omitted ones). */
export interface TokenBody {
  id: number;
  name: string;
  status: number;
  expired_time: number;
  remain_quota: number;
  unlimited_quota: boolean;
  model_limits_enabled: boolean;
  model_limits: string;
  /** null when the body sent null; "" when omitted. */
  allow_ips: string | null;
  group: string;
  cross_group_retry: boolean;
}

type FieldType = 'int' | 'string' | 'bool' | 'nullable-string';

const FIELD_TYPES: Record<keyof TokenBody, FieldType> = {
  id: 'int',
  name: 'string',
  status: 'int',
  expired_time: 'int',
  remain_quota: 'int',
  unlimited_quota: 'bool',
  model_limits_enabled: 'bool',
  model_limits: 'string',
  allow_ips: 'nullable-string',
  group: 'string',
  cross_group_retry: 'bool',
};

const GO_TYPE_NAMES: Record<FieldType, string> = {
  int: 'int',
  string: 'string',
  bool: 'bool',
  'nullable-string': '*string',
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

/** Decodes raw request text into a token body. */
export function decodeTokenBody(raw: string): DecodeResult {
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
    if (value === null) {
      if (type === 'nullable-string') target[field] = null;
      continue;
    }
    const problem = checkType(type, value);
    if (problem) {
      return {
        ok: false,
        message: `json: cannot unmarshal ${problem} into Go struct field Token.${field} of type ${GO_TYPE_NAMES[type]}`,
      };
    }
    target[field] = value;
  }
  return { ok: true, body };
}

/** Returns what Go would call the offending value, or undefined when it fits. */
function checkType(type: FieldType, value: unknown): string | undefined {
  switch (type) {
    case 'int':
      if (typeof value !== 'number') return jsonKind(value);
      return Number.isSafeInteger(value) ? undefined : `number ${value}`;
    case 'bool':
      return typeof value === 'boolean' ? undefined : jsonKind(value);
    case 'string':
    case 'nullable-string':
      return typeof value === 'string' ? undefined : jsonKind(value);
  }
}
