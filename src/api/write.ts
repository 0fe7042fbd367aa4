/**
 * The writes whose outcome can be unknown (docs/write-protocol.md#failures-and-retries): a PUT that
 * got no clear answer is resent only within 5 s, then judged by re-reading the key; a POST is never
 * resent blindly but resolved by listing.
 */
import { DECLARED_ONLY_FIELDS, EDITABLE_FIELDS, sameWireValue } from '../fields.js';
import type { ServerKey } from '../model.js';
import { CometApiError, isConnectionRefused, isTransientError } from './errors.js';
import type { Http } from './http.js';
import { findNewKeys } from './listing.js';
import { missingFieldsOf, parseRecord } from './record.js';
import type { CreateFields, CreateResult, UpdateBody, WriteObserver } from './types.js';

/**
 * A PUT may be resent unchanged only this long after its first attempt
 * (docs/write-protocol.md#failures-and-retries).
 */
export const PUT_RESEND_WINDOW_MS = 5_000;
/** Wait before listing to judge a POST whose outcome is unknown. */
export const CREATE_SETTLE_MS = 3_000;

export interface WriteContext {
  http: Http;
  retries: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  getKey: (id: number) => Promise<ServerKey>;
}

/**
 * Sends a PUT and returns the record it produced. On a network error, timeout or 5xx: resend
 * within the window; after it, re-read: the intended result → done; the state before → resend;
 * anything else → "changed during apply".
 */
export async function putWithRecovery(
  ctx: WriteContext,
  path: string,
  body: UpdateBody,
  before: ServerKey,
  observe: WriteObserver = {},
): Promise<ServerKey> {
  const firstAt = ctx.now();
  for (let failures = 0; ;) {
    try {
      const envelope = await ctx.http.call('PUT', path, body, 'none');
      observe.onStatus?.(envelope.status);
      return await recordOfWrite(ctx, path, envelope.data, body.id);
    } catch (err) {
      if (!isTransientError(err)) throw err;
      if (failures >= ctx.retries) throw ctx.http.gaveUp(err, failures + 1, firstAt);
      await ctx.sleep(ctx.http.retryDelayMs(failures));
      failures++;
      if (ctx.now() - firstAt <= PUT_RESEND_WINDOW_MS) continue;
      const fresh = await ctx.getKey(body.id);
      if (sameEditable(fresh, body, before)) return fresh;
      if (sameEditable(fresh, before, before)) continue;
      throw ctx.http.error({
        method: 'PUT',
        path,
        status: err.status,
        kind: 'protocol',
        detail:
          `— changed during apply: key ${body.id} matches neither the update nor its state ` +
          `before it, after "${err.detail}"`,
        cause: err,
      });
    }
  }
}

/** The response's `data` as a record; a server that sends none is asked with a GET. */
async function recordOfWrite(
  ctx: WriteContext,
  path: string,
  data: unknown,
  id: number,
): Promise<ServerKey> {
  if (data === undefined || data === null) return ctx.getKey(id);
  const parsed = parseRecord(data);
  if ('problem' in parsed || parsed.record.id !== id) {
    throw ctx.http.error({
      method: 'PUT',
      path,
      status: 200,
      kind: 'protocol',
      detail: `— bad record in the response: ${'problem' in parsed ? parsed.problem : `id ${parsed.record.id} instead of ${id}`}`,
    });
  }
  // An answer that leaves out editable fields is not a record to build the next call from:
  // read the key again rather than fill in defaults (which would wipe what the server holds).
  if (missingFieldsOf(parsed.record).length > 0) return ctx.getKey(id);
  return parsed.record;
}

/**
 * Compares the editable fields of `fresh` with `expected`. `remain_quota` is skipped when the write
 * did not change it, since use lowers it at any time (docs/write-protocol.md#server-owned-changes);
 * a limited key's negative quota counts as the 0 a body sends
 * (docs/write-protocol.md#bodies-are-complete-records), and `allow_ips` null equals "".
 */
function sameEditable(
  fresh: ServerKey,
  expected: Readonly<Record<string, unknown>>,
  before: ServerKey,
): boolean {
  const quota = (record: Readonly<Record<string, unknown>>): unknown => {
    const value = record['remain_quota'];
    return record['unlimited_quota'] !== true && typeof value === 'number' && value < 0 ? 0 : value;
  };
  const quotaWritten = quota(expected) !== quota(before);
  const sent = DECLARED_ONLY_FIELDS.filter((field) => expected[field] !== undefined);
  return (
    EDITABLE_FIELDS.every((field) => {
      if (field === 'remain_quota') return !quotaWritten || quota(fresh) === quota(expected);
      const norm = (v: unknown) => (field === 'allow_ips' && v === null ? '' : v);
      return norm(fresh[field]) === norm(expected[field]);
    }) && sent.every((field) => sameWireValue(field, fresh[field], expected[field]))
  );
}

/**
 * POST a new key, then find it by listing (the response carries no id): the key with this
 * name and an id above `highestKnownId`.
 */
export async function createAndResolve(
  ctx: WriteContext,
  fields: CreateFields,
  highestKnownId: number,
  observe: WriteObserver = {},
): Promise<CreateResult> {
  const path = '/api/token/';
  let unknownOutcome: CometApiError | undefined;
  try {
    // Sent first: an optional call would skip evaluating its argument when there is no observer.
    const envelope = await ctx.http.call('POST', path, fields, 'refused');
    observe.onStatus?.(envelope.status);
  } catch (err) {
    if (!isUnknownOutcome(err)) throw err;
    unknownOutcome = err;
    // Give a slow commit time to land before judging by the listing.
    await ctx.sleep(CREATE_SETTLE_MS);
  }
  const found = await findNewKeys(ctx.http, fields.name, highestKnownId);
  const fail = (detail: string) =>
    ctx.http.error({
      method: 'POST',
      path,
      status: unknownOutcome ? unknownOutcome.status : 200,
      kind: unknownOutcome ? unknownOutcome.kind : 'protocol',
      detail,
      ...(unknownOutcome ? { cause: unknownOutcome } : {}),
    });
  if (found.length > 1) {
    const ids = found.map((f) => f.record.id).join(', ');
    throw fail(
      `— several new keys named ${JSON.stringify(fields.name)} after the create (ids ${ids}); ` +
        'pin the right one with `id` and delete the others',
    );
  }
  const [match] = found;
  if (!match) {
    throw fail(
      unknownOutcome
        ? `— create outcome unknown: ${unknownOutcome.detail.replace(/^— /, '')}, and no new key named ` +
            `${JSON.stringify(fields.name)} appeared; not sent again (the next plan adopts it if it landed late)`
        : `— the create succeeded but no new key named ${JSON.stringify(fields.name)} is listed`,
    );
  }
  const secret =
    typeof match.secret === 'string' && match.secret !== '' && !match.secret.includes('*')
      ? match.secret
      : null;
  return { record: match.record, secret };
}

/**
 * A POST failure after which the key may or may not exist: the request may have reached the
 * server (not refused, not a 429, not an answer that proves it was rejected).
 */
function isUnknownOutcome(err: unknown): err is CometApiError {
  if (!(err instanceof CometApiError) || isConnectionRefused(err)) return false;
  const transient: boolean = isTransientError(err);
  if (transient) return true;
  return err.kind === 'protocol' && err.status !== null && err.status >= 200 && err.status < 300;
}
