/**
 * One CometAPI request: headers, timeout, classification by HTTP status before the body is read,
 * the envelope check, and the retries docs/write-protocol.md#failures-and-retries allow. The token
 * never reaches an error: every error built here passes through `redact`. The bytes travel through
 * a `Transport` (./transport.ts).
 */
import { CometApiError, isConnectionRefused, isTransientError } from './errors.js';
import type { CometApiErrorInit } from './errors.js';
import type { Limiter } from './limiter.js';
import { describeNetworkFailure, formatDuration, targetOf } from './network-failure.js';
import type { Pacer } from './pacer.js';
import { BODY_TOO_LARGE, type Transport, type TransportResponse } from './transport.js';

/** First retry delay of GET/DELETE; doubles per failure, jittered. */
export const RETRY_BASE_DELAY_MS = 500;
/** Ceiling of the retry delay. */
export const RETRY_MAX_DELAY_MS = 30_000;

/** A checked envelope with `success: true`. */
export interface Envelope {
  /** The HTTP status of the answer (2xx: anything else is an error). */
  status: number;
  message: string;
  data?: unknown;
}

/** Which failures a call may retry: transient ones (GET, DELETE), refused connections only
 * (POST: nothing was sent), or none (PUT handles its own recovery). */
export type RetryPolicy = 'transient' | 'refused' | 'none';

export interface HttpContext {
  baseUrl: URL;
  token: string;
  userId: number | undefined;
  transport: Transport;
  timeoutMs: number;
  retries: number;
  limiter: Limiter;
  pacer: Pacer;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
}

export interface Http {
  /** Sends a request with retries per `policy`; 429s are waited out and never count. */
  call(method: string, path: string, body: unknown, policy: RetryPolicy): Promise<Envelope>;
  /** Builds an error with the token redacted. */
  error(init: CometApiErrorInit): CometApiError;
  /**
   * `err`, the last of `attempts` (begun at `startedAt`), saying how many there were and over
   * how long; `err` itself after a single attempt.
   */
  gaveUp(err: CometApiError, attempts: number, startedAt: number): CometApiError;
  /** The jittered backoff before retry number `failures + 1`. */
  retryDelayMs(failures: number): number;
  /** Closes the transport's idle connections. */
  close(): void;
}

const RATE_LIMITED = Symbol('rate limited');

/** Creates the request layer of a client. */
export function createHttp(ctx: HttpContext): Http {
  // Secrets seen in any answer (a record's `key`, unmasked on older servers): a server that
  // echoes one in an error message must not get it printed.
  const secrets = new Set<string>();
  const redact = (text: string): string => {
    let out = text.split(ctx.token).join('[redacted]');
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
    return out.replace(KEY_LIKE, '[redacted]');
  };

  const error = (init: CometApiErrorInit): CometApiError =>
    new CometApiError({
      ...init,
      detail: redact(init.detail),
      ...(init.serverMessage === undefined ? {} : { serverMessage: redact(init.serverMessage) }),
      ...(init.cause === undefined ? {} : { cause: sanitizeCause(init.cause, ctx.token) }),
    });

  const headers = (hasBody: boolean): Record<string, string> => {
    const h: Record<string, string> = { Authorization: ctx.token, Accept: 'application/json' };
    if (ctx.userId !== undefined) h['New-Api-User'] = String(ctx.userId);
    if (hasBody) h['Content-Type'] = 'application/json';
    return h;
  };

  async function attempt(
    method: string,
    path: string,
    body: unknown,
  ): Promise<Envelope | typeof RATE_LIMITED> {
    const url = `${ctx.baseUrl.origin}${path}`;
    const fail = (status: number | null, kind: CometApiErrorInit['kind'], detail: string) =>
      error({ method, path, status, kind, detail });
    return ctx.limiter.run(async () => {
      await ctx.pacer.acquire();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), ctx.timeoutMs);
      // No answer, or one cut short (`status` known): which host, and why.
      const transportError = (status: number | null, cause: unknown): CometApiError => {
        const cutShort = status === null ? '' : 'answer cut short: ';
        return controller.signal.aborted
          ? error({
              method,
              path,
              status,
              kind: 'timeout',
              detail:
                `— timed out after ${formatDuration(ctx.timeoutMs)} waiting for ` +
                `${targetOf(ctx.baseUrl)} (timeoutSeconds)`,
              cause,
            })
          : error({
              method,
              path,
              status,
              kind: 'network',
              detail: `— ${cutShort}${describeNetworkFailure(cause, ctx.baseUrl)}`,
              cause,
            });
      };
      try {
        let res: TransportResponse;
        try {
          res = await ctx.transport.request({
            method,
            url,
            headers: headers(body !== undefined),
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: controller.signal,
          });
        } catch (cause) {
          throw transportError(null, cause);
        }
        const status = res.status;
        // Classified by status first: a 429's body is empty (docs/write-protocol.md#rate-limits).
        if (status === 429) {
          await res.discard();
          if (ctx.pacer.recordRateLimited(res.header('retry-after') ?? null) === 'paused') {
            return RATE_LIMITED;
          }
          throw fail(
            status,
            'rate_limited',
            '— rate limited, and the time allowed for pauses (maxRateLimitWaitSeconds) is spent',
          );
        }
        ctx.pacer.recordAccepted();
        if (status >= 300 && status < 400) {
          await res.discard();
          const location = res.header('location');
          throw fail(
            status,
            'protocol',
            `— redirect not followed${location ? ` (to ${location})` : ''}`,
          );
        }
        let text: string;
        try {
          text = await res.text(MAX_RESPONSE_BYTES);
        } catch (cause) {
          if (cause === BODY_TOO_LARGE) {
            throw fail(status, 'protocol', `— response body larger than ${MAX_RESPONSE_MB} MB`);
          }
          throw transportError(status, cause);
        }
        const parsed = parseBody(text, res.header('content-type'));
        if (parsed.type === 'json' && scanAnswer(parsed.value, secrets)) {
          throw fail(
            status,
            'protocol',
            '— a number in the response is beyond 2^53 and cannot be read exactly',
          );
        }
        if (status === 401 || status === 403 || status < 200 || status >= 300) {
          const serverMessage = parsed.type === 'json' ? messageOf(parsed.value) : undefined;
          const said = serverMessage
            ? `— ${serverMessage}`
            : `— ${parsed.type === 'json' ? 'no message' : BODY_NAMES[parsed.type]}`;
          const hint = status === 401 ? authHint(ctx.userId !== undefined) : '';
          throw error({
            method,
            path,
            status,
            kind: status === 401 || status === 403 ? 'auth' : 'http',
            detail: `${said}${hint}`,
            ...(serverMessage ? { serverMessage } : {}),
          });
        }
        if (parsed.type !== 'json') {
          throw error({
            method,
            path,
            status,
            kind: 'protocol',
            detail: `— ${BODY_NAMES[parsed.type]}`,
            unreadable: true,
          });
        }
        const envelope = parsed.value;
        if (!isObject(envelope) || typeof envelope['success'] !== 'boolean') {
          throw fail(status, 'protocol', '— not a CometAPI envelope (no boolean "success")');
        }
        const message = typeof envelope['message'] === 'string' ? envelope['message'] : '';
        if (envelope['success'] === false) {
          // The one message recognised by its text: the API has no code for it
          // (docs/write-protocol.md#errors-come-as-http-200).
          const notFound = /record not found/i.test(message);
          throw error({
            method,
            path,
            status,
            kind: notFound ? 'not_found' : 'api',
            detail: `success:false — ${message || '(no message)'}`,
            serverMessage: message,
          });
        }
        return 'data' in envelope
          ? { status, message, data: envelope['data'] }
          : { status, message };
      } finally {
        clearTimeout(timer);
      }
    });
  }

  const retryDelayMs = (failures: number): number =>
    Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** failures) * (0.5 + ctx.random() / 2);

  async function call(
    method: string,
    path: string,
    body: unknown,
    policy: RetryPolicy,
  ): Promise<Envelope> {
    let failures = 0;
    const startedAt = ctx.now();
    for (;;) {
      try {
        const result = await attempt(method, path, body);
        if (result !== RATE_LIMITED) return result;
      } catch (err) {
        const retryable =
          policy === 'transient'
            ? isTransientError(err)
            : policy === 'refused' && isConnectionRefused(err);
        if (!retryable || !(err instanceof CometApiError)) throw err;
        if (failures >= ctx.retries) throw gaveUp(err, failures + 1, startedAt);
        await ctx.sleep(retryDelayMs(failures));
        failures++;
      }
    }
  }

  const gaveUp = (err: CometApiError, attempts: number, startedAt: number): CometApiError =>
    attempts < 2
      ? err
      : error({
          method: err.method,
          path: err.path,
          status: err.status,
          kind: err.kind,
          detail:
            `${err.detail}; gave up after ${attempts} attempts ` +
            `over ${formatDuration(ctx.now() - startedAt)}`,
          unreadable: err.unreadable,
          cause: err,
        });

  return { call, error, gaveUp, retryDelayMs, close: () => ctx.transport.close() };
}

/** The largest response body read (after decompression); a larger one is an error. */
export const MAX_RESPONSE_MB = 16;
const MAX_RESPONSE_BYTES = MAX_RESPONSE_MB * 1024 * 1024;

/**
 * The hint after a 401. Newest servers answer a bad token with 401
 * (docs/write-protocol.md#server-facts, 2026-07-20), so the token comes first; some older ones want
 * `New-Api-User`.
 */
function authHint(hasUserId: boolean): string {
  const token =
    'check COMETAPI_ACCESS_TOKEN (a missing, mistyped or revoked token is the usual cause)';
  return hasUserId
    ? ` (hint: ${token})`
    : ` (hint: ${token}; older servers also require your numeric user id: set COMETAPI_USER_ID)`;
}

/**
 * Text that looks like an API key even when this run never saw it: `sk-` and 16 or more key
 * characters, or a run of 32 to 64 letters and digits (new-api keys are 48 characters).
 */
const KEY_LIKE = /\bsk-[A-Za-z0-9_-]{16,}|(?<![A-Za-z0-9])[A-Za-z0-9]{32,64}(?![A-Za-z0-9])/g;

/**
 * One walk over a parsed answer (every value visited once, nothing allocated but the stack):
 * collects its unmasked secrets (and their `sk-` forms) — every `key` string (a record's, or a
 * reveal's `data.key`) and the values of a `keys` map (a batch reveal's `data.keys`, id → key) —
 * and returns true when it holds an integer JSON.parse could not represent exactly.
 */
function scanAnswer(value: unknown, into: Set<string>): boolean {
  const remember = (item: unknown): boolean => {
    if (typeof item !== 'string' || item.length < 8 || item.includes('*')) return false;
    // The `sk-` form first, so it is replaced whole before the bare key.
    const bare = item.startsWith('sk-') ? item.slice(3) : item;
    into.add(`sk-${bare}`);
    into.add(bare);
    return true;
  };
  let unsafe = false;
  const stack: unknown[] = [];
  // Numbers are judged where they are found; only arrays and objects wait on the stack.
  const visit = (item: unknown): void => {
    if (typeof item === 'number') {
      if (Number.isInteger(item) && !Number.isSafeInteger(item)) unsafe = true;
    } else if (typeof item === 'object' && item !== null) {
      stack.push(item);
    }
  };
  visit(value);
  while (stack.length > 0) {
    const v = stack.pop() as object;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) visit(v[i]);
      continue;
    }
    const fields = v as Record<string, unknown>;
    // JSON.parse gives plain objects: for…in sees exactly their own fields.
    for (const field in fields) {
      const item = fields[field];
      if (field === 'key' && remember(item)) continue;
      if (field === 'keys' && isObject(item)) {
        for (const id in item) if (!remember(item[id])) visit(item[id]);
        continue;
      }
      visit(item);
    }
  }
  return unsafe;
}

type ParsedBody =
  { type: 'json'; value: unknown } | { type: 'empty' } | { type: 'html' } | { type: 'malformed' };

const BODY_NAMES: Record<Exclude<ParsedBody['type'], 'json'>, string> = {
  empty: 'empty body',
  html: 'HTML page instead of JSON',
  malformed: 'malformed JSON',
};

function parseBody(text: string, contentType: string | undefined): ParsedBody {
  const trimmed = text.trim();
  if (trimmed === '') return { type: 'empty' };
  if (trimmed.startsWith('<') || /text\/html/i.test(contentType ?? '')) return { type: 'html' };
  try {
    return { type: 'json', value: JSON.parse(trimmed) as unknown };
  } catch {
    return { type: 'malformed' };
  }
}

/** The message of a JSON error body: the envelope's or an OpenAI-style `error.message`. */
function messageOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value['message'] === 'string' && value['message'] !== '') return value['message'];
  const inner = value['error'];
  if (isObject(inner) && typeof inner['message'] === 'string') return inner['message'];
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The cause, or a stand-in if its text (message, stack, causes) contains the token. */
function sanitizeCause(cause: unknown, token: string): unknown {
  let current: unknown = cause;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (`${current.message}\n${current.stack ?? ''}`.includes(token)) {
      return new Error('(cause withheld: it contained the access token)');
    }
    current = current.cause;
  }
  return cause;
}
