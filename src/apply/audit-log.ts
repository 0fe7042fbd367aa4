/**
 * The audit log: one JSON line appended per write attempt. The file is opened before the
 * first write (an audit log that cannot be opened stops apply before anything is sent),
 * created with mode 0600 when new, only ever appended to, and never opened through a symlink.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { stringifyJson } from '../values/index.js';
import type { AuditRecord, AuditSink, DeliveryAuditRecord } from './types.js';

/** Fields that must never reach a log, whatever a caller puts in a record. */
const SECRET_FIELDS = new Set(['key']);

/** Serialises one record as a line, leaving any secret field out. */
export function formatAuditLine(record: AuditRecord | DeliveryAuditRecord): string {
  if (record.action === 'deliver') return `${stringifyJson(record)}\n`;
  const safe: AuditRecord = {
    ...record,
    fields: record.fields.filter((f) => !SECRET_FIELDS.has(f.field)),
  };
  return `${stringifyJson(safe)}\n`;
}

/** An open audit log; `close` waits for every line and syncs the file. */
export interface AuditLog extends AuditSink {
  writeDelivery(record: DeliveryAuditRecord): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens `file` for appending. Writes are chained so lines from keys running at once never
 * interleave and keep the order they were recorded in; a line is handed to the system before
 * the next step of its key starts, so it survives the process being killed. `close` syncs.
 * Throws the fs error when the file cannot be opened.
 */
export async function openAuditLog(file: string): Promise<AuditLog> {
  const flags =
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);
  const handle = await open(file, flags, 0o600);
  let last: Promise<void> = Promise.resolve();
  const append = (record: AuditRecord | DeliveryAuditRecord) => {
    const line = formatAuditLine(record);
    const next = last.then(() => handle.appendFile(line, 'utf8'));
    // A failed write must not poison the lines after it.
    last = next.catch(() => {});
    return next;
  };
  return {
    write: append,
    writeDelivery: append,
    async close() {
      await last;
      await handle.sync().catch(() => {});
      await handle.close();
    },
  };
}

/**
 * Ids of keys whose secret the audit log shows not delivered: the last delivery line of one of
 * their sinks failed (docs/rotation.md#when-a-step-fails). Fed one line at a time, so an audit
 * log of any size is read as a stream; lines that are not delivery records, or not JSON, are
 * skipped.
 */
export function deliveryTracker(): { add(line: string): void; undelivered(): Set<number> } {
  const last = new Map<string, { id: number; ok: boolean }>();
  return {
    add(line) {
      if (!line.includes('"deliver"')) return;
      let r: unknown;
      try {
        r = JSON.parse(line);
      } catch {
        return;
      }
      const d = r as Partial<DeliveryAuditRecord>;
      if (d.action !== 'deliver' || typeof d.id !== 'number' || typeof d.sink !== 'string') return;
      last.set(`${d.id}\n${d.sink}`, { id: d.id, ok: d.outcome === 'ok' });
    },
    undelivered() {
      const out = new Set<number>();
      for (const { id, ok } of last.values()) if (!ok) out.add(id);
      return out;
    },
  };
}
