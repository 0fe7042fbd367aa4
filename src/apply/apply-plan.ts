/**
 * The executor (docs/write-protocol.md#concurrency-and-pacing, #429-handling, #the-result): runs
 * every change of a plan, keys concurrently within `parallelism`, each key's calls in order, and
 * returns one ledger entry per key. One key's failure never stops the others; it never throws
 * because a key failed.
 */
import pLimit from 'p-limit';
import { unknownFieldsOf } from '../api/body.js';
import type { ServerKey } from '../model.js';
import type { KeyChange } from '../plan/model.js';
import { compareNameId, escapeText } from '../values/index.js';
import { fingerprintOf } from '../sinks/index.js';
import { deliverSecrets, type SinkWriter } from './deliver-secrets.js';
import { describeFileError } from './new-keys-file.js';
import { describeError, runKeyChange, type KeyRunContext } from './run-key.js';
import type {
  ApplyInput,
  ApplyResult,
  ApplySummary,
  AuditRecord,
  CreatedKey,
  DeliveryAuditRecord,
  LedgerEntry,
  StopReason,
} from './types.js';

/** Counts the entries per outcome. */
export function summarizeEntries(entries: readonly LedgerEntry[]): ApplySummary {
  const summary: ApplySummary = {
    applied: 0,
    failed: 0,
    skipped: 0,
    missing: 0,
    did_not_converge: 0,
  };
  for (const e of entries) summary[e.outcome] += 1;
  return summary;
}

/** The `--new-keys-out` sink name: not a config sink name (those start with a letter or digit). */
export const NEW_KEYS_SINK = '--new-keys-out';

/**
 * The `--new-keys-out` file as a sink: each secret delivered is put on its created key, and the
 * whole list is written again.
 */
function newKeysSink(
  file: NonNullable<ApplyInput['newKeysOut']>,
  created: readonly CreatedKey[],
): SinkWriter {
  return async (key) => {
    const fingerprint = fingerprintOf(key.secret);
    const entry = created.find((k) => k.id === key.id);
    if (entry) entry.secret = key.secret;
    try {
      await file.write(created);
      return { ok: true, fingerprint };
    } catch (err) {
      return { ok: false, fingerprint, reason: `cannot write the file: ${describeFileError(err)}` };
    }
  };
}

/**
 * Hands the secrets of the keys this run created to the sinks their creates declare (and to the
 * `--new-keys-out` file first, for every created key), after every key ran, so all reveals go in
 * one batch (docs/write-protocol.md#new-keys-secrets). A key whose handoff failed becomes
 * `failed` (its detail says which sink and why; `undelivered` lists the sinks).
 */
async function deliverCreated(
  input: ApplyInput,
  created: CreatedKey[],
  entries: LedgerEntry[],
): Promise<void> {
  const wants = new Map<string, readonly string[]>();
  for (const c of input.plan.changes) {
    const creates = c.action === 'create' || c.action === 'rotate';
    if (creates && c.deliver && c.deliver.length > 0) wants.set(c.name, c.deliver);
  }
  const file = input.newKeysOut;
  const handoffs = input.plan.handoffs ?? [];
  if (wants.size === 0 && !file && handoffs.length === 0) return;
  const targets = created.flatMap((k) => {
    const deliver = [...(file ? [NEW_KEYS_SINK] : []), ...(wants.get(k.name) ?? [])];
    return deliver.length > 0 ? [{ ...k, deliver }] : [];
  });
  // Secrets the audit log shows undelivered: revealed in the same batch (stopped runs skip them).
  const stopped = input.signal?.aborted === true;
  for (const h of stopped ? [] : handoffs) {
    targets.push({ id: h.id, name: h.name, secret: null, deliver: h.deliver });
    entries.push({ name: h.name, id: h.id, action: 'deliver', outcome: 'applied' });
  }
  const failures = await deliverSecrets({
    client: input.client,
    sinks: { ...input.sinks, ...(file ? { [NEW_KEYS_SINK]: newKeysSink(file, created) } : {}) },
    targets,
    ...(input.sinkOptions ? { sinkOptions: input.sinkOptions } : {}),
    ...(input.onSinkOutput ? { onSinkOutput: input.onSinkOutput } : {}),
    ...(input.deliveryStop ? { stop: input.deliveryStop } : {}),
    ...(input.onDelivered ? { onDelivered: input.onDelivered } : {}),
    async audit(record) {
      if (!input.audit?.writeDelivery) return;
      const full: DeliveryAuditRecord = {
        time: input.now().toISOString(),
        ...record,
        action: 'deliver',
        git_commit: input.gitCommit ?? null,
      };
      await input.audit.writeDelivery(full).catch((err: unknown) => {
        input.onWarning?.(`the audit log could not be written (${describeError(err)})`);
      });
    },
  });
  for (const [id, why] of failures) {
    const entry = entries.find(
      (e) =>
        e.id === id && (e.action === 'create' || e.action === 'rotate' || e.action === 'deliver'),
    );
    if (!entry) continue;
    entry.undelivered = why.sinks;
    if (entry.action === 'deliver') {
      entry.outcome = 'failed';
      entry.detail = why.detail.replace(/^created as id \d+, /, '');
      continue;
    }
    if (entry.action === 'rotate') {
      // The successor exists; its secret did not reach every sink (docs/rotation.md#when-a-step-fails).
      entry.failed_step ??= /secret not delivered/.test(why.detail) ? 'deliver' : 'reveal';
      entry.outcome = 'failed';
      entry.detail = entry.detail ? `${entry.detail}; ${why.detail}` : why.detail;
    } else if (entry.outcome === 'failed')
      entry.detail = `${entry.detail ?? 'failed'}; ${why.detail}`;
    else {
      entry.outcome = 'failed';
      entry.detail = why.detail;
    }
  }
}

/** Applies `input.plan`; see the module comment. */
export async function applyPlan(input: ApplyInput): Promise<ApplyResult> {
  const { plan, client } = input;
  // Warnings quote the server (unknown field names): no terminal escapes (docs/commands.md#hostile-text).
  const warn = (m: string) => input.onWarning?.(escapeText(m));
  const created: CreatedKey[] = [];
  const entries: LedgerEntry[] = plan.missing.map((m) => ({
    name: m.name,
    id: m.id,
    action: 'missing',
    outcome: 'missing',
    detail: m.message,
  }));

  const changes = plan.changes;
  const total = changes.length;
  let done = 0;
  let failed = 0;
  const report = () => input.onProgress?.({ done, total, failed });

  // Creates check their names against the account as it is now, listed once
  // (docs/plan-format.md#preconditions).
  let highestKnownId = plan.highest_id;
  let createdSincePlan: ServerKey[] = [];
  // A rotation creates its successor: it needs the same listing as a create.
  const creates = (c: KeyChange) => c.action === 'create' || c.action === 'rotate';
  if (changes.some(creates)) {
    try {
      const listing = input.listing ?? (await client.listKeys());
      // Keys that appeared since the plan: listed with an id above its highest.
      createdSincePlan = listing.filter((k) => k.id > plan.highest_id);
      for (const k of listing) highestKnownId = Math.max(highestKnownId, k.id);
    } catch (err) {
      // Without the listing no create can be checked; the updates can still go ahead.
      const reason = `could not list the account before creating: ${describeError(err)}`;
      for (const c of changes.filter(creates)) {
        entries.push({
          name: c.name,
          id: null,
          action: c.action,
          outcome: 'failed',
          detail: reason,
        });
      }
    }
  }
  const listed = !entries.some((e) => e.action === 'create' || e.action === 'rotate');
  const runnable = changes.filter((c) => !creates(c) || listed);
  done = total - runnable.length;
  failed = done;

  const warnedFields = new Set<string>();
  let auditBroken = false;
  let writes = 0;
  // An audit log that fails mid-run stops new keys, as a signal does: no write goes unaudited.
  const stopReason = (): StopReason | undefined =>
    auditBroken ? 'audit_failed' : input.signal?.aborted ? 'interrupted' : undefined;
  let stopped: StopReason | undefined;
  const ctx: KeyRunContext = {
    client,
    highestKnownId,
    createdSincePlan,
    async audit(record) {
      writes += 1;
      if (!input.audit || auditBroken) return;
      const full: AuditRecord = {
        time: input.now().toISOString(),
        ...record,
        git_commit: input.gitCommit ?? null,
      };
      try {
        await input.audit.write(full);
      } catch (err) {
        auditBroken = true;
        warn(
          `the audit log could not be written (${describeError(err)}): no new key starts; keys in progress finish unaudited`,
        );
      }
    },
    inspectRecord(record) {
      const unknown = unknownFieldsOf(record).filter((f) => !warnedFields.has(f));
      if (unknown.length === 0) return;
      for (const f of unknown) warnedFields.add(f);
      warn(
        `the server returned fields cometkeys does not know; they are passed through unchanged: ${unknown.join(', ')}`,
      );
    },
    onCreated(key) {
      created.push(key);
      input.onCreated?.(key, created);
    },
  };

  const limit = pLimit(Math.max(1, input.parallelism));
  const runOne = async (change: KeyChange): Promise<LedgerEntry> => {
    const stop = stopReason();
    stopped ??= stop;
    // Past the 429 budget no new key starts; keys mid-sequence finish
    // (docs/write-protocol.md#429-handling).
    const entry: LedgerEntry = stop
      ? {
          name: change.name,
          id: change.id,
          action: change.action,
          outcome: 'skipped',
          detail: stop === 'interrupted' ? 'interrupted' : 'not started: the audit log failed',
        }
      : client.rateLimitExhausted()
        ? {
            name: change.name,
            id: change.id,
            action: change.action,
            outcome: 'failed' as const,
            detail: 'rate limited',
          }
        : await runKeyChange(change, ctx).catch((err: unknown): LedgerEntry => ({
            name: change.name,
            id: change.id,
            action: change.action,
            outcome: 'failed',
            detail: `internal error (this is a bug): ${describeError(err)}`,
          }));
    done += 1;
    if (entry.outcome !== 'applied') failed += 1;
    report();
    return entry;
  };
  report();
  for (const e of await Promise.all(runnable.map((c) => limit(() => runOne(c))))) entries.push(e);
  await deliverCreated(input, created, entries);
  entries.sort(compareNameId);
  created.sort((a, b) => a.id - b.id);
  return {
    entries,
    summary: summarizeEntries(entries),
    created,
    writes,
    ...(stopped ? { stopped } : {}),
  };
}
