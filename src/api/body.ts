/**
 * Update bodies are complete records (docs/write-protocol.md#bodies-are-complete-records): the
 * update endpoint replaces every editable field and resets what is omitted
 * (docs/write-protocol.md#updates-replace-the-whole-record), so a body is always built from a full
 * record. These builders are the only way to get an `UpdateBody`.
 */
import { DECLARED_ONLY_FIELDS } from '../fields.js';
import { EDITABLE_FIELDS, KNOWN_FIELDS, READ_ONLY_FIELDS, type EditableField } from '../model.js';
import type { ServerKey } from '../model.js';
import { CometkeysError, InternalError } from '../errors.js';
import { missingFieldsOf } from './record.js';
import type { UpdateBody } from './types.js';

export { EDITABLE_FIELDS, type EditableField };

const READ_ONLY = new Set<string>(READ_ONLY_FIELDS);
const EDITABLE = new Set<string>([...EDITABLE_FIELDS, ...DECLARED_ONLY_FIELDS]);
const KNOWN = new Set<string>(KNOWN_FIELDS);
/** Left out of a body unless the values set them: sending one makes the server re-check it. */
const DECLARED_ONLY = new Set<string>(DECLARED_ONLY_FIELDS);

/**
 * The body of a plain update: `record` minus the read-only fields and the fields managed only
 * when declared (`auto_groups`: the server keeps it when a body omits it), `values` laid over
 * it, fields cometkeys does not know passed through. A limited key's negative `remain_quota` is
 * sent as 0, because the server refuses negative values even in status-only mode, and one above
 * `opts.quotaMaxUnits` as that maximum (docs/write-protocol.md#bodies-are-complete-records).
 * Throws IncompleteRecordError when the server's record lacked an editable field (a body is
 * never completed with defaults), InternalError if the result would lack one otherwise.
 */
export function buildUpdateBody(
  record: ServerKey,
  values: Partial<Record<EditableField, unknown>>,
  opts: BodyOptions = {},
): UpdateBody {
  const missing = missingFieldsOf(record);
  if (missing.length > 0) throw new IncompleteRecordError(record.id, missing);
  const body: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record)) {
    if (!READ_ONLY.has(field) && !DECLARED_ONLY.has(field)) body[field] = value;
  }
  for (const [field, value] of Object.entries(values)) {
    if (!EDITABLE.has(field)) {
      throw new InternalError(`buildUpdateBody: "${field}" is not an editable field`);
    }
    if (value !== undefined) body[field] = value;
  }
  limitRemain(body, opts.quotaMaxUnits);
  assertComplete(body);
  return body as unknown as UpdateBody;
}

/** Options of the body builders. */
export interface BodyOptions {
  /**
   * The largest `remain_quota` a limited key's body may carry (the `quotaMaxUnits` setting): the
   * newest server refuses every body carrying more, even a status call
   * (docs/write-protocol.md#bodies-are-complete-records). Unset: no upper limit.
   */
  quotaMaxUnits?: number;
}

/**
 * `body` with a limited key's `remain_quota` brought within what the server accepts: 0 at
 * least (negative values are refused even in status-only mode), `quotaMaxUnits` at most.
 */
export function limitRemainQuota(body: UpdateBody, quotaMaxUnits: number): UpdateBody {
  const copy: Record<string, unknown> = { ...body };
  limitRemain(copy, quotaMaxUnits);
  return copy as unknown as UpdateBody;
}

function limitRemain(body: Record<string, unknown>, quotaMaxUnits = Infinity): void {
  const remain = body['remain_quota'];
  if (body['unlimited_quota'] === true || typeof remain !== 'number') return;
  body['remain_quota'] = Math.min(Math.max(0, remain), quotaMaxUnits);
}

/** A server record that lacks editable fields: no body is built from it, nothing is sent. */
export class IncompleteRecordError extends CometkeysError {
  constructor(
    readonly id: number,
    readonly missing: readonly string[],
  ) {
    super(
      `incomplete record from server (key ${id} has no ${missing.join(', ')}); nothing was sent`,
    );
  }
}

/**
 * The body of a status call (docs/write-protocol.md#status-calls): the current record with only
 * `status` changed — never planned values, so an unrelated bad field cannot block a disable.
 */
export function buildStatusBody(
  current: ServerKey,
  status: 1 | 2,
  opts: BodyOptions = {},
): UpdateBody {
  return buildUpdateBody(current, { status }, opts);
}

/** The record's fields cometkeys does not know (passed through; the executor warns once). */
export function unknownFieldsOf(record: ServerKey): string[] {
  return Object.keys(record)
    .filter((field) => !KNOWN.has(field))
    .sort();
}

function assertComplete(body: Record<string, unknown>): void {
  if (!Number.isInteger(body['id'])) {
    throw new InternalError('update body has no integer id');
  }
  const missing = EDITABLE_FIELDS.filter((field) => body[field] === undefined);
  if (missing.length > 0) {
    throw new InternalError(`update body lacks ${missing.join(', ')}: refusing to send`);
  }
}
