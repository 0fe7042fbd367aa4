/**
 * The executor's inputs and results (docs/write-protocol.md#the-result): one ledger entry per key,
 * a summary, and the audit records written per write attempt.
 */
import type { CometClient } from '../api/types.js';
import type { ServerKey } from '../model.js';
import type { ChangeAction, Plan, WriteStep } from '../plan/model.js';
import type { CommandSinkOptions, SinkConfig } from '../sinks/index.js';

/** How one key ended. `missing` comes from the plan (a pinned id that is not on the server). */
export type Outcome = 'applied' | 'failed' | 'skipped' | 'missing' | 'did_not_converge';

/** One line of the result, per key. */
export interface LedgerEntry {
  name: string;
  /** Server id; null for a create that never got one. */
  id: number | null;
  /** `deliver`: a secret the plan hands over again (a handoff), no server write. */
  action: ChangeAction | 'missing' | 'deliver';
  outcome: Outcome;
  /** Why: the failure reason, "changed since plan", "already deleted", ... Never a secret. */
  detail?: string;
  /** Fields that did not converge, or that no longer match the precondition. */
  fields?: string[];
  /**
   * A created key whose secret did not reach these sinks (`--new-keys-out` for that file);
   * `cometkeys deliver` finishes the configured ones.
   */
  undelivered?: string[];
  /**
   * A rotation that did not finish: the step that failed (docs/rotation.md#when-a-step-fails).
   * `reveal` and `deliver` are the secret handoff after the create.
   */
  failed_step?: WriteStep | 'reveal' | 'deliver';
}

/** Counts per outcome. */
export interface ApplySummary {
  applied: number;
  failed: number;
  skipped: number;
  missing: number;
  did_not_converge: number;
}

/** A key this apply created, for `--new-keys-out`. `secret` is null when the server masked it. */
export interface CreatedKey {
  id: number;
  name: string;
  secret: string | null;
}

/** What `applyPlan` returns; it never throws because one key failed. */
export interface ApplyResult {
  /** Sorted by (name, id). */
  entries: LedgerEntry[];
  summary: ApplySummary;
  /** Keys created by this run (with their secret, which must never be printed). */
  created: CreatedKey[];
  /** Why keys were left unstarted, when the run was stopped early. */
  stopped?: StopReason;
  /** Write attempts made (0: nothing was sent, whatever the ledger says). */
  writes: number;
}

/** Why a run stopped starting keys: a signal, or an audit log that could not be written. */
export type StopReason = 'interrupted' | 'audit_failed';

/**
 * One write attempt, as the audit log records it (docs/write-protocol.md#the-audit-log). No
 * secrets.
 */
export interface AuditRecord {
  /** ISO-8601 UTC. */
  time: string;
  id: number | null;
  name: string;
  action: ChangeAction;
  step: WriteStep;
  /** Changed fields: value before the call and the value the call sets. */
  fields: { field: string; before: unknown; after: unknown }[];
  outcome: 'ok' | 'error' | 'did_not_converge';
  /** HTTP status when the client reported one; null otherwise. */
  http_status: number | null;
  /** The error message for a failed attempt. */
  error?: string;
  git_commit: string | null;
}

/**
 * One delivery of a new key's secret to a sink (docs/write-protocol.md#new-keys-secrets), as the
 * audit log records it: the secret's fingerprint (first 12 hex digits of its SHA-256), never the
 * secret.
 */
export interface DeliveryAuditRecord {
  /** ISO-8601 UTC. */
  time: string;
  id: number;
  name: string;
  action: 'deliver';
  sink: string;
  outcome: 'ok' | 'error';
  /** null when there was no secret to deliver (it could not be revealed). */
  fingerprint: string | null;
  error?: string;
  git_commit: string | null;
}

/** A delivery record before the caller fills in time and git commit. */
export type DeliveryAuditFields = Omit<DeliveryAuditRecord, 'time' | 'git_commit' | 'action'>;

/** Receives one record per write attempt, and (when it takes them) one per delivery. */
export interface AuditSink {
  write(record: AuditRecord): Promise<void>;
  writeDelivery?(record: DeliveryAuditRecord): Promise<void>;
}

/** What `applyPlan` takes. */
export interface ApplyInput {
  plan: Plan;
  client: CometClient;
  /** Keys worked on at once (each key's calls run in order). */
  parallelism: number;
  audit?: AuditSink;
  onProgress?: (p: { done: number; total: number; failed: number }) => void;
  onWarning?: (msg: string) => void;
  now: () => Date;
  gitCommit?: string | null;
  /**
   * Aborted when the run must stop (SIGINT/SIGTERM): no new key starts, keys mid-sequence
   * finish their sequence, and the keys not started are `skipped: interrupted`.
   */
  signal?: AbortSignal;
  /** Called with each key as soon as it is created (to keep the new-keys file current). */
  onCreated?: (key: CreatedKey, all: readonly CreatedKey[]) => void;
  /**
   * A listing made by the caller in this run (e.g. to check the account of a saved plan);
   * reused for the creates' "absent" check instead of listing again.
   */
  listing?: ServerKey[];
  /**
   * The config's sinks, for the creates that declare `deliver`
   * (docs/write-protocol.md#new-keys-secrets).
   */
  sinks?: Readonly<Record<string, SinkConfig>>;
  /** The environment and token command sinks start from (the token is removed). */
  sinkOptions?: CommandSinkOptions;
  /** A command sink's output, the secret redacted. */
  onSinkOutput?: (key: { id: number; name: string }, sink: string, output: string) => void;
  /**
   * The `--new-keys-out` file: a JSON file sink over every created key
   * (docs/write-protocol.md#new-keys-secrets). Its secrets are revealed with the others and
   * written into it; a key whose secret it did not get is failed.
   */
  newKeysOut?: { write(keys: readonly CreatedKey[]): Promise<void> };
  /**
   * Aborted when the grace time after an interruption has run out: no sink starts, a running
   * command is stopped, and each created key reports the sinks its secret did not reach.
   */
  deliveryStop?: AbortSignal;
  /** Called after each delivery of a created key's secret to one sink. */
  onDelivered?: (key: { id: number; name: string }, sink: string, ok: boolean) => void;
}
