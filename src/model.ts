/**
 * The shared vocabulary of cometkeys: the API's key record, the normalised desired key, and
 * the helpers that convert between the API's wire forms and ours. Field names follow the API
 * (see docs/write-protocol.md#server-facts) so code, key file, plan and API docs line up.
 */
import { storedList, wireList, type ManagedField } from './fields.js';
import { escapeText } from './values/index.js';

/** Key status as the API stores it: 1 enabled, 2 disabled, 3 expired, 4 exhausted. */
export type KeyStatus = 1 | 2 | 3 | 4;

/** The status a key file may declare (3 and 4 are server-owned). */
export type DeclaredStatus = 1 | 2;

/**
 * A key record as the server returns it, with the secret (`key`) already stripped by the
 * client. Unknown fields a newer server adds are kept (index signature) so that update bodies
 * can pass them through unchanged (docs/write-protocol.md#bodies-are-complete-records).
 */
export interface ServerKey {
  id: number;
  name: string;
  status: number;
  expired_time: number;
  remain_quota: number;
  used_quota: number;
  unlimited_quota: boolean;
  model_limits_enabled: boolean;
  /** Comma-separated model ids, as stored. */
  model_limits: string;
  /** Newline-separated IPs/CIDRs, as stored; null and "" both mean no restriction. */
  allow_ips: string | null;
  group: string;
  cross_group_retry: boolean;
  /** Groups `auto` may route to (newest servers); null or absent = not set. */
  auto_groups?: string[] | null;
  user_id?: number;
  created_time?: number;
  accessed_time?: number;
  [extra: string]: unknown;
}

export {
  EDITABLE_FIELDS,
  KNOWN_FIELDS,
  MANAGED_FIELDS,
  READ_ONLY_FIELDS,
  type EditableField,
  type ManagedField,
} from './fields.js';
/** The three quota forms of docs/key-file.md#quota-forms, in quota units. */
export type QuotaSpec =
  { kind: 'unlimited' } | { kind: 'budget'; amount: number } | { kind: 'remain'; amount: number };

/** A key's `rotate:` block, in days (docs/rotation.md#the-key-file). */
export interface RotateSpec {
  /** A successor is due once the current key is this old (its `created_time`). */
  after_days: number;
  /** A predecessor stays enabled this long after its successor was created. */
  overlap_days: number;
  /** A predecessor is deleted this long after its successor was created; absent = never. */
  delete_after_days?: number;
}

/** Where something was declared, for messages `file:line:col`. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/**
 * A desired key after loading, merging `defaults`, validation and normalisation: API units,
 * canonical sorted lists. Normalising it again changes nothing.
 */
export interface DesiredKey {
  name: string;
  /** Pinned server id, when declared. */
  id?: number;
  previous_names: string[];
  status: DeclaredStatus;
  /** Unix seconds; -1 = never. */
  expired_time: number;
  /** null only when `remain_quota` is in ignore_changes and no form was declared. */
  quota: QuotaSpec | null;
  model_limits_enabled: boolean;
  /** Sorted, unique model ids. */
  model_limits: string[];
  /** Sorted, unique canonical addresses/CIDRs. */
  allow_ips: string[];
  group: string;
  cross_group_retry: boolean;
  /** Sorted, unique group names; absent = not declared, so not managed. */
  auto_groups?: string[];
  /** Sorted, unique. */
  ignore_changes: ManagedField[];
  /**
   * Sinks a newly created key's secret goes to (docs/write-protocol.md#new-keys-secrets), in the
   * order written; absent = none. Not an API field: never sent, never diffed.
   */
  deliver?: string[];
  /** The rotation schedule (docs/rotation.md); absent = the key is never rotated. */
  rotate?: RotateSpec;
  /** Where the key's entry starts. */
  source: SourcePos;
}

/** A problem found in a key file or config. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  col: number;
  /** Path inside the document, e.g. `keys[2].allow_ips[1]`; "" for the whole file. */
  path: string;
  message: string;
  /**
   * A warning's kind: a stable code for the message without its key-specific parts
   * (`host-bits`, `expired-enabled`), by which repeated warnings are consolidated.
   */
  kind?: string;
}

/**
 * Formats a diagnostic as `file:line:col: error: path: message`; a problem with the whole file
 * (line 0: not found, a directory, not UTF-8) as `file: error: message`. File names, paths and
 * messages quote file content: control characters are escaped (docs/commands.md#hostile-text).
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  return escapeText(
    d.path
      ? `${where}: ${d.severity}: ${d.path}: ${d.message}`
      : `${where}: ${d.severity}: ${d.message}`,
  );
}

/** Splits the API's comma-separated model list into ids (empty entries dropped). */
export function parseModelLimits(stored: string): string[] {
  return storedList('model_limits', stored) ?? [];
}

/** Joins model ids into the API's comma-separated form. */
export function formatModelLimits(models: readonly string[]): string {
  return wireList('model_limits', models) as string;
}

/** Splits the API's newline-separated IP list (null and "" mean none). */
export function parseAllowIps(stored: string | null): string[] {
  return storedList('allow_ips', stored) ?? [];
}

/** Joins IPs into the API's newline-separated form; no restriction is "". */
export function formatAllowIps(ips: readonly string[]): string {
  return wireList('allow_ips', ips) as string;
}
