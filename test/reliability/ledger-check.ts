/**
 * Cross-checks one apply round three ways: the plan (what should be tried), the ledger and
 * audit log (what the tool says happened), and the emulator's request log (what reached the
 * server). A failure the tool hides, a write it does not audit, or a planned key the ledger
 * forgets is a problem.
 */
import type { LoggedRequest } from '../../src/emulator/index.js';
import type { AuditRecord, LedgerEntry } from '../../src/apply/types.js';
import type { Round } from './harness.js';

/** The key a write request targets: its id (PUT, DELETE) or its name (POST). */
function writeTarget(r: LoggedRequest): { id?: number; name?: string } | null {
  if (r.method === 'DELETE') {
    const id = Number(r.path.split('/').pop());
    return Number.isInteger(id) ? { id } : null;
  }
  if ((r.method === 'PUT' || r.method === 'POST') && r.path === '/api/token/') {
    const body = (r.body ?? {}) as { id?: unknown; name?: unknown };
    if (r.method === 'PUT' && typeof body.id === 'number') return { id: body.id };
    if (r.method === 'POST' && typeof body.name === 'string') return { name: body.name };
  }
  return null;
}

function entryFor(
  entries: readonly LedgerEntry[],
  id: number | null,
  name: string,
  action: string,
) {
  return entries.find((e) =>
    id !== null ? e.id === id && e.action === action : e.name === name && e.action === action,
  );
}

/** Problems found in one round; `requests` is the emulator's whole log. */
export function checkRound(round: Round, requests: readonly LoggedRequest[]): string[] {
  const problems: string[] = [];
  const { plan, result, audit } = round;
  const entries = result.entries;

  // Every planned change is accounted for, exactly once.
  for (const c of plan.changes) {
    const found = entries.filter((e) =>
      c.id !== null
        ? e.id === c.id && e.action === c.action
        : e.name === c.name && e.action === 'create',
    );
    if (found.length !== 1) {
      problems.push(`${c.action} ${c.name} (${c.id ?? 'new'}): ${found.length} ledger entries`);
    }
  }
  const expected = plan.changes.length + plan.missing.length;
  if (entries.length !== expected) {
    problems.push(`ledger has ${entries.length} entries for ${expected} planned keys`);
  }

  // Which ledger entry a create's audit or write belongs to: by name (ids come later).
  const createdIdToName = new Map<number, string>();
  for (const a of audit)
    if (a.action === 'create' && a.id !== null) createdIdToName.set(a.id, a.name);
  const auditOf = (e: LedgerEntry): AuditRecord[] =>
    audit.filter(
      (a) => a.action === e.action && (e.action === 'create' ? a.name === e.name : a.id === e.id),
    );

  // What reached the server in this round, per ledger entry.
  const writesOf = new Map<LedgerEntry, LoggedRequest[]>();
  for (const r of requests) {
    if (r.seq <= round.seqFrom || r.seq > round.seqTo) continue;
    const target = writeTarget(r);
    if (!target) continue;
    let entry: LedgerEntry | undefined;
    if (target.name !== undefined) entry = entryFor(entries, null, target.name, 'create');
    else if (target.id !== undefined) {
      const createdName = createdIdToName.get(target.id);
      entry = createdName
        ? entryFor(entries, null, createdName, 'create')
        : entries.find((e) => e.id === target.id);
    }
    if (!entry) {
      problems.push(
        `#${r.seq} ${r.method} ${r.path}: a write for no ledger entry (${JSON.stringify(target)})`,
      );
      continue;
    }
    writesOf.set(entry, [...(writesOf.get(entry) ?? []), r]);
  }

  for (const e of entries) {
    const records = auditOf(e);
    const writes = writesOf.get(e) ?? [];
    const label = `${e.action} ${e.name} (${e.id ?? 'new'}) ${e.outcome}`;
    if (writes.length > 0 && records.length === 0) {
      problems.push(
        `${label}: ${writes.length} write request(s) reached the server but none is in the audit log`,
      );
    }
    const bad = records.filter((a) => a.outcome !== 'ok');
    if (e.outcome === 'applied' && bad.length > 0) {
      problems.push(
        `${label}: the audit log has a failed attempt (${bad[0]?.error ?? bad[0]?.outcome}) but the ledger says applied`,
      );
    }
    if (
      (e.outcome === 'failed' || e.outcome === 'did_not_converge') &&
      records.length > 0 &&
      bad.length === 0
    ) {
      problems.push(`${label}: the ledger reports a failure the audit log does not show`);
    }
    if (e.outcome !== 'applied' && !e.detail && !(e.fields && e.fields.length > 0)) {
      problems.push(`${label}: no reason given`);
    }
  }
  return problems;
}
