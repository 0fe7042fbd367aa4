/**
 * Revealing secrets of masked keys (docs/write-protocol.md#new-keys-secrets, #masked-secrets):
 * `POST /api/token/batch/keys` `{"ids":[…]}` (at most 100 ids, `data.keys` maps id → key) where
 * the server has it, else `POST /api/token/{id}/key` (`data.key`) per id. Both routes share the
 * server's strict "critical" limit; its 429s are waited out by the request layer like any other
 * (a 429 was never handled by the server, so the POST is simply sent again).
 */
import { CometApiError } from './errors.js';
import type { Http } from './http.js';

/** The most ids one batch reveal may carry (new-api's limit). */
export const REVEAL_BATCH_SIZE = 100;

const BATCH_PATH = '/api/token/batch/keys';

/**
 * The server serves neither reveal route (an older server): the secret can only be read in the
 * console. The message never names a secret; `cause` is the (redacted) answer of the last try.
 */
export class RevealUnavailableError extends Error {
  override readonly name = 'RevealUnavailableError';
  /** The ids whose secrets could not be revealed. */
  readonly ids: readonly number[];

  constructor(ids: readonly number[], cause?: unknown) {
    super('secret not available from this server (reveal it in the console)', { cause });
    this.ids = ids;
  }
}

/** The secret as clients send it: `sk-` + the stored key, unless it already has the prefix. */
export function secretOf(stored: string): string {
  return stored.startsWith('sk-') ? stored : `sk-${stored}`;
}

/** A route the server does not have: HTTP 404 (gin's unknown route) or a refusal. */
function routeMissing(err: unknown): err is CometApiError {
  if (!(err instanceof CometApiError)) return false;
  return (err.kind === 'http' && err.status === 404) || err.kind === 'api';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reveals the secrets of `ids` (duplicates asked once). The map holds `sk-` secrets by id; an id
 * the server did not find is left out. Throws RevealUnavailableError when the server has
 * neither route, CometApiError for any other failure.
 */
export async function revealSecrets(
  http: Http,
  ids: readonly number[],
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const unique = [...new Set(ids)];
  let batchRoute = true;
  for (let start = 0; start < unique.length; start += REVEAL_BATCH_SIZE) {
    const chunk = unique.slice(start, start + REVEAL_BATCH_SIZE);
    if (batchRoute) {
      try {
        const envelope = await http.call('POST', BATCH_PATH, { ids: chunk }, 'transient');
        readBatch(http, envelope.data, chunk, out);
        continue;
      } catch (err) {
        if (!routeMissing(err)) throw err;
        // Servers between 2026-03-08 and 2026-04-06 have only the per-key route.
        batchRoute = false;
      }
    }
    for (const id of chunk) await revealOne(http, id, unique, out);
  }
  return out;
}

function readBatch(
  http: Http,
  data: unknown,
  chunk: readonly number[],
  out: Map<number, string>,
): void {
  const keys = isObject(data) ? data['keys'] : undefined;
  if (!isObject(keys)) {
    throw protocolError(http, 'POST', BATCH_PATH, '— batch reveal answer without a data.keys map');
  }
  for (const id of chunk) {
    const key = keys[String(id)];
    if (key === undefined) continue;
    if (typeof key !== 'string' || key === '') {
      throw protocolError(http, 'POST', BATCH_PATH, `— batch reveal: no usable key for id ${id}`);
    }
    out.set(id, secretOf(key));
  }
}

async function revealOne(
  http: Http,
  id: number,
  all: readonly number[],
  out: Map<number, string>,
): Promise<void> {
  const path = `/api/token/${id}/key`;
  let data: unknown;
  try {
    data = (await http.call('POST', path, undefined, 'transient')).data;
  } catch (err) {
    if (err instanceof CometApiError && err.kind === 'not_found') return;
    if (routeMissing(err)) {
      throw new RevealUnavailableError(
        all.filter((i) => !out.has(i)),
        err,
      );
    }
    throw err;
  }
  const key = isObject(data) ? data['key'] : undefined;
  if (typeof key !== 'string' || key === '') {
    throw protocolError(http, 'POST', path, '— reveal answer without data.key');
  }
  out.set(id, secretOf(key));
}

function protocolError(http: Http, method: string, path: string, detail: string): CometApiError {
  return http.error({ method, path, status: 200, kind: 'protocol', detail });
}
