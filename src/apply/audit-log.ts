/**
 * The audit log (SPEC §7 "Audit log"): one JSON line appended per write attempt. The file is
 * created with mode 0600 when new; existing files are only appended to.
 */
import { appendFile } from 'node:fs/promises';
import type { AuditRecord, AuditSink } from './types.js';

/** Fields that must never reach a log, whatever a caller puts in a record. */
const SECRET_FIELDS = new Set(['key']);

/** Serialises one record as a line, leaving any secret field out. */
export function formatAuditLine(record: AuditRecord): string {
  const safe: AuditRecord = {
    ...record,
    fields: record.fields.filter((f) => !SECRET_FIELDS.has(f.field)),
  };
  return `${JSON.stringify(safe)}\n`;
}

/**
 * An AuditSink appending to `file`. Writes are chained so lines from keys running at once
 * never interleave and keep the order they were recorded in.
 */
export function createAuditLog(file: string): AuditSink {
  let last: Promise<void> = Promise.resolve();
  return {
    write(record) {
      const line = formatAuditLine(record);
      const next = last.then(() => appendFile(file, line, { encoding: 'utf8', mode: 0o600 }));
      // A failed write must not poison the lines after it.
      last = next.catch(() => {});
      return next;
    },
  };
}
