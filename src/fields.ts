/**
 * The one table of a key's fields: every field a key file, a plan, a body or a record names,
 * with the rules every layer derives its lists from. Adding a field is one row here plus its
 * special rules (if any) where they apply.
 *
 * Named special cases, kept in code rather than in rows:
 * - quota: the three key-file forms `unlimited_quota` / `quota_budget` / `remain_quota`
 *   (one `ignore_changes` entry, `remain_quota`; a budget is judged as remain + used);
 * - the model-limits pair `model_limits_enabled` + `model_limits` (planned together);
 * - `cross_group_retry`: the server stores false unless `group` is `auto`;
 * - `status`: set by its own calls, not by the planned values.
 */
import { sameSet } from './values/index.js';

/** How two values of a field compare: as they are, as sets, as sets of canonical IPs. */
type Comparison = 'plain' | 'set' | 'ip-set';

/** How a key-file value is parsed (see src/desired/parse-fields.ts). */
type KeyFileParser =
  | 'name'
  | 'status'
  | 'expiry'
  | 'quota-amount'
  | 'boolean'
  | 'string'
  | 'model-ids'
  | 'ip-list'
  | 'group-names';

/** How a record's value is checked when a server returns it (see src/api/record.ts). */
export type RecordCheck =
  'int' | 'number' | 'string' | 'boolean' | 'nullable-string' | 'nullable-string-list';

/** How a list field travels on the wire. */
type WireList = 'comma' | 'newline' | 'array';

interface EditableRow {
  readOnly: false;
  /** The API field the value is written to (a budget is written as `remain_quota`). */
  wire: string;
  /** The `ignore_changes` entry that leaves the field unmanaged. */
  ignore: string;
  keyFile: KeyFileParser;
  compare: Comparison;
  /** For a list field: how it is written on the wire. */
  list?: WireList;
  /** The record check; absent for a key-file form that is not a wire field. */
  record?: RecordCheck;
  /**
   * A record that lacks the field: `'required'` = refused (every server returns it); a value =
   * the value the server would store for "not set"; absent = left absent.
   */
  absent?: unknown;
  /** What a create sends when the plan sets nothing; absent = not sent. */
  create?: unknown;
  /** Managed only when a key file declares it; otherwise left out of every body. */
  onlyWhenDeclared?: true;
}

interface ReadOnlyRow {
  readOnly: true;
  record?: RecordCheck;
  absent?: unknown;
}

/** The table, in the order fields are listed everywhere (plans, messages, key files). */
export const FIELDS = {
  name: {
    readOnly: false,
    wire: 'name',
    ignore: 'name',
    keyFile: 'name',
    compare: 'plain',
    record: 'string',
    absent: 'required',
  },
  status: {
    readOnly: false,
    wire: 'status',
    ignore: 'status',
    keyFile: 'status',
    compare: 'plain',
    record: 'int',
    absent: 'required',
  },
  expired_time: {
    readOnly: false,
    wire: 'expired_time',
    ignore: 'expired_time',
    keyFile: 'expiry',
    compare: 'plain',
    record: 'number',
    absent: 'required',
    create: -1,
  },
  unlimited_quota: {
    readOnly: false,
    wire: 'unlimited_quota',
    ignore: 'remain_quota',
    keyFile: 'boolean',
    compare: 'plain',
    record: 'boolean',
    absent: 'required',
    create: false,
  },
  quota_budget: {
    readOnly: false,
    wire: 'remain_quota',
    ignore: 'remain_quota',
    keyFile: 'quota-amount',
    compare: 'plain',
  },
  remain_quota: {
    readOnly: false,
    wire: 'remain_quota',
    ignore: 'remain_quota',
    keyFile: 'quota-amount',
    compare: 'plain',
    record: 'number',
    absent: 'required',
    create: 0,
  },
  model_limits_enabled: {
    readOnly: false,
    wire: 'model_limits_enabled',
    ignore: 'model_limits',
    keyFile: 'boolean',
    compare: 'plain',
    record: 'boolean',
    absent: false,
    create: false,
  },
  model_limits: {
    readOnly: false,
    wire: 'model_limits',
    ignore: 'model_limits',
    keyFile: 'model-ids',
    compare: 'set',
    list: 'comma',
    record: 'string',
    absent: '',
    create: '',
  },
  allow_ips: {
    readOnly: false,
    wire: 'allow_ips',
    ignore: 'allow_ips',
    keyFile: 'ip-list',
    compare: 'ip-set',
    list: 'newline',
    record: 'nullable-string',
    absent: '',
    create: '',
  },
  group: {
    readOnly: false,
    wire: 'group',
    ignore: 'group',
    keyFile: 'string',
    compare: 'plain',
    record: 'string',
    absent: '',
    create: '',
  },
  cross_group_retry: {
    readOnly: false,
    wire: 'cross_group_retry',
    ignore: 'cross_group_retry',
    keyFile: 'boolean',
    compare: 'plain',
    record: 'boolean',
    absent: false,
    create: false,
  },
  auto_groups: {
    readOnly: false,
    wire: 'auto_groups',
    ignore: 'auto_groups',
    keyFile: 'group-names',
    compare: 'set',
    list: 'array',
    record: 'nullable-string-list',
    onlyWhenDeclared: true,
  },
  key: { readOnly: true },
  user_id: { readOnly: true, record: 'int' },
  used_quota: { readOnly: true, record: 'number', absent: 'required' },
  created_time: { readOnly: true, record: 'number' },
  accessed_time: { readOnly: true, record: 'number' },
  DeletedAt: { readOnly: true },
} as const satisfies Record<string, EditableRow | ReadOnlyRow>;

type Table = typeof FIELDS;
type Row = EditableRow | ReadOnlyRow;

/** Every field of a key the table knows. */
type Field = keyof Table;

/** The fields a key file may set and a plan may change (key-file names). */
export type KeyField = { [F in Field]: Table[F] extends { readOnly: false } ? F : never }[Field];

/** Fields a write may set, by API name (including those managed only when declared). */
export type EditableField = { [F in KeyField]: Table[F]['wire'] }[KeyField];

/** The values allowed in `ignore_changes`. */
export type ManagedField = { [F in KeyField]: Table[F]['ignore'] }[KeyField];

/** Server-owned fields: never sent in a body. */
export type ReadOnlyField = Exclude<Field, KeyField>;

/** Key fields managed only when declared. */
export type DeclaredOnlyField = {
  [F in KeyField]: Table[F] extends { onlyWhenDeclared: true } ? F : never;
}[KeyField];

/**
 * Editable fields every create sends (docs/write-protocol.md#creates): all but status (a create is
 * enabled; a disabled key is created inert, then disabled) and the fields managed only when
 * declared.
 */
export type CreateField = Exclude<EditableField, 'status' | DeclaredOnlyField>;

const ENTRIES = Object.entries(FIELDS) as [Field, Row][];
const EDITABLE_ROWS = ENTRIES.filter((e): e is [KeyField, EditableRow] => !e[1].readOnly);

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** The row of a key field. */
export function fieldRow(field: KeyField): EditableRow {
  return FIELDS[field];
}

/** The key fields in table order (plan order). */
export const KEY_FIELDS = EDITABLE_ROWS.map(([f]) => f);

/**
 * Editable fields every complete record (and so every update body and every create) carries,
 * by API name, in table order. The fields managed only when declared are not among them.
 */
export const EDITABLE_FIELDS = unique(
  EDITABLE_ROWS.filter(([, r]) => !r.onlyWhenDeclared).map(([, r]) => r.wire as EditableField),
);

/** Fields managed only when declared: absent from a key file, they are left out of bodies. */
export const DECLARED_ONLY_FIELDS = EDITABLE_ROWS.filter(([, r]) => r.onlyWhenDeclared).map(
  ([f]) => f as DeclaredOnlyField,
);

/** The values allowed in `ignore_changes`, in table order. */
export const MANAGED_FIELDS = unique(EDITABLE_ROWS.map(([, r]) => r.ignore as ManagedField));

/** Fields the server owns; never sent in a body. */
export const READ_ONLY_FIELDS = ENTRIES.filter(([, r]) => r.readOnly).map(
  ([f]) => f as ReadOnlyField,
);

/** Fields cometkeys knows; any other field of a record is passed through untouched. */
export const KNOWN_FIELDS: readonly string[] = ['id', ...ENTRIES.map(([f]) => f)];

/** The key fields each `ignore_changes` entry covers. */
export function fieldsIgnoredBy(entry: ManagedField): KeyField[] {
  return EDITABLE_ROWS.filter(([, r]) => r.ignore === entry).map(([f]) => f);
}

/** The `ignore_changes` entry a key field belongs to; undefined for other names. */
export function ignoreEntryOf(field: string): ManagedField | undefined {
  const row = (FIELDS as Record<string, Row>)[field];
  return row && !row.readOnly ? (row.ignore as ManagedField) : undefined;
}

/** Key fields that are lists (shown entry by entry, written as YAML lists). */
export const LIST_FIELDS = EDITABLE_ROWS.filter(([, r]) => r.list !== undefined).map(([f]) => f);

/** True when `field` is a list field. */
export function isListField(field: string): boolean {
  return (LIST_FIELDS as readonly string[]).includes(field);
}

/** What a create sends for each field the plan leaves unset. */
export const CREATE_DEFAULTS = Object.fromEntries(
  EDITABLE_ROWS.filter(([, r]) => r.create !== undefined).map(([f, r]) => [f, r.create]),
) as Partial<Record<CreateField, unknown>>;

/** Record checks: `required` fields refuse the record when absent; others take `absent`. */
export const RECORD_CHECKS = ENTRIES.filter(([, r]) => r.record !== undefined).map(([f, r]) => ({
  field: f as string,
  check: r.record as RecordCheck,
  required: r.absent === 'required',
  absent: r.absent === 'required' ? undefined : r.absent,
}));

/** The entries of a stored list value (null and "" mean none); undefined when malformed. */
export function storedList(field: KeyField, value: unknown): string[] | undefined {
  const form = fieldRow(field).list;
  if (Array.isArray(value)) return value.map(String);
  if (value === null || value === undefined) return form === 'comma' ? undefined : [];
  if (typeof value !== 'string' || form === 'array') return undefined;
  return value
    .split(form === 'comma' ? ',' : '\n')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A list in the wire form of `field`. */
export function wireList(field: KeyField, values: readonly string[]): unknown {
  const form = fieldRow(field).list;
  if (form === 'comma') return values.join(',');
  if (form === 'newline') return values.join('\n');
  return [...values];
}

/**
 * Compile-time check that a type has exactly the keys K: the type itself when it does, never
 * otherwise (so a field missing from a derived record fails to compile where it is used).
 */
export type ExactKeys<T, K extends PropertyKey> = [keyof T] extends [K]
  ? [K] extends [keyof T]
    ? T
    : never
  : never;

/**
 * True when two wire values of `field` mean the same thing, as the table compares them: lists
 * as sets (`allow_ips` "" = null), other fields as they are.
 */
export function sameWireValue(field: string, a: unknown, b: unknown): boolean {
  const row = (FIELDS as Record<string, Row>)[field];
  if (row && !row.readOnly && row.compare !== 'plain') {
    const listA = storedList(field as KeyField, a);
    const listB = storedList(field as KeyField, b);
    return listA !== undefined && listB !== undefined && sameSet(listA, listB);
  }
  return Object.is(a, b);
}
