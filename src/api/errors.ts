/**
 * The client's one error class (STYLE.md "Errors"): method, path, HTTP status, the server's
 * message and the cause — never the access token or a key's secret.
 */
import { CometkeysError } from '../errors.js';

/** Why a request failed; callers branch on this, never on message text. */
export type CometApiErrorKind =
  /** HTTP 2xx with `success: false`: the server refused the request (its message is relayed). */
  | 'api'
  /** An unexpected HTTP status (404, 5xx, other 4xx). */
  | 'http'
  /** The connection failed or was reset. */
  | 'network'
  /** No complete answer within the per-attempt timeout. */
  | 'timeout'
  /** An answer that breaks the protocol: HTML, empty body, malformed JSON, redirect, bad record. */
  | 'protocol'
  /** 429s paused the client for longer than `maxRateLimitWaitSeconds` in total. */
  | 'rate_limited'
  /** HTTP 401/403. */
  | 'auth'
  /** "record not found": the key does not exist (or was deleted). */
  | 'not_found'
  /**
   * The server answered in a shape cometkeys cannot rely on
   * (docs/plan-format.md#listing-the-account).
   */
  | 'unsupported';

/** What `CometApiError` is made from. */
export interface CometApiErrorInit {
  method: string;
  /** Path and query, without the origin. */
  path: string;
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  kind: CometApiErrorKind;
  /** What went wrong, e.g. `success:false — Token name is too long` or `— HTML page`. */
  detail: string;
  serverMessage?: string;
  cause?: unknown;
  /**
   * A 2xx whose body could not be read (empty, HTML, malformed JSON — an answer cut short):
   * the request may or may not have taken effect, so it is treated like a network error.
   */
  unreadable?: boolean;
}

/**
 * A failed API call. `message` reads like
 * `[PUT] /api/token/: HTTP 200 success:false — Token name is too long`.
 */
export class CometApiError extends CometkeysError {
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  readonly kind: CometApiErrorKind;
  /** The server's own message, relayed verbatim (never matched on, except "record not found"). */
  readonly serverMessage?: string;
  /** The message without its `[METHOD] path: HTTP status` prefix. */
  readonly detail: string;
  /** A 2xx answer whose body could not be read (see CometApiErrorInit). */
  readonly unreadable: boolean;

  constructor(init: CometApiErrorInit) {
    // "HTTP 502 — HTML page", but without a status just "network error ...".
    const said = init.status === null ? init.detail.replace(/^— /, '') : init.detail;
    const status = init.status === null ? '' : `HTTP ${init.status} `;
    super(`[${init.method}] ${init.path}: ${status}${said}`, { cause: init.cause });
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.kind = init.kind;
    this.detail = init.detail;
    this.unreadable = init.unreadable === true;
    if (init.serverMessage !== undefined) this.serverMessage = init.serverMessage;
  }
}

/**
 * True for failures after which the request may simply be tried again
 * (docs/write-protocol.md#failures-and-retries): network errors, timeouts, 5xx, and a 2xx answer
 * cut short (its outcome is as unknown as a reset's).
 */
export function isTransientError(err: unknown): err is CometApiError {
  if (!(err instanceof CometApiError)) return false;
  if (err.kind === 'network' || err.kind === 'timeout' || err.unreadable) return true;
  return err.kind === 'http' && err.status !== null && err.status >= 500;
}

/**
 * True when the connection was refused: nothing reached the server, so even a POST may be
 * sent again (docs/write-protocol.md#failures-and-retries).
 */
export function isConnectionRefused(err: unknown): boolean {
  if (!(err instanceof CometApiError) || err.kind !== 'network') return false;
  return errorCodeOf(err.cause) === 'ECONNREFUSED';
}

/** The `code` of an error or of its causes (Node's fetch wraps socket errors in `cause`). */
export function errorCodeOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
