/**
 * The apply result for people (one line per key and a summary) and for scripts (JSON), and its exit
 * code (docs/exit-codes.md#the-codes, docs/write-protocol.md#the-result). Pure; the CLI prints.
 */
import { escapeText, stringifyJson } from '../values/index.js';
import type { ApplyResult, ApplySummary, LedgerEntry } from './types.js';

/** What the result's JSON form holds: the ledger and its summary, never a secret. */
export interface ApplyResultJson {
  entries: LedgerEntry[];
  summary: ApplySummary;
}

function describeOutcome(e: LedgerEntry): string {
  const fields = e.fields && e.fields.length > 0 ? e.fields.join(', ') : '';
  switch (e.outcome) {
    case 'applied':
      return e.detail ? `applied (${e.detail})` : 'applied';
    case 'did_not_converge':
      return `did not converge: ${fields || 'unknown fields'}`;
    case 'skipped':
      return `skipped: ${e.detail ?? 'changed since plan'}${fields ? ` (${fields})` : ''}`;
    case 'missing':
      return e.detail ? `missing (${e.detail})` : 'missing';
    case 'failed':
      return `failed: ${e.detail ?? 'unknown error'}`;
  }
}

/** The one-line summary, e.g. `Apply: 3 applied, 1 failed, 0 skipped, 0 missing, 0 did not converge.` */
export function formatSummaryLine(s: ApplySummary): string {
  return (
    `Apply: ${s.applied} applied, ${s.failed} failed, ${s.skipped} skipped, ` +
    `${s.missing} missing, ${s.did_not_converge} did not converge.`
  );
}

/** The text ledger: `name (id N) action: outcome` per key, then the summary line. */
export function renderApplyText(result: Pick<ApplyResult, 'entries' | 'summary'>): string {
  const lines = result.entries.map((e) => {
    const id = e.id === null ? 'new' : `id ${e.id}`;
    // Names, server messages and field names come from the server: escaped (docs/commands.md#hostile-text).
    return escapeText(`${e.name} (${id}) ${e.action}: ${describeOutcome(e)}`);
  });
  lines.push(formatSummaryLine(result.summary));
  return `${lines.join('\n')}\n`;
}

/** The JSON ledger: `{ entries, summary }`, without the created keys' secrets. */
export function renderApplyJson(result: Pick<ApplyResult, 'entries' | 'summary'>): string {
  const out: ApplyResultJson = { entries: result.entries, summary: result.summary };
  return `${stringifyJson(out, 2)}\n`;
}

/** 0 when every key applied; 3 when the write phase began and anything is not applied. */
export function applyExitCode(result: Pick<ApplyResult, 'summary'>): 0 | 3 {
  const s = result.summary;
  return s.failed + s.skipped + s.missing + s.did_not_converge === 0 ? 0 : 3;
}
