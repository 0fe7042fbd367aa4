/**
 * The HTTP front of the emulator (node:http only): logging, latency, routing, the rate limiter,
 * faults, auth, then the token handlers. Middleware order follows new-api: redirects and 404s
 * come from the router before any /api middleware; the limiter runs before auth, the reveal
 * routes' own "critical" limiter after it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import {
  HTML_502_PAGE,
  PANIC_BODY,
  chooseFault,
  truncateJson,
  type FaultSchedule,
} from './faults.js';
import {
  createToken,
  deleteToken,
  getModels,
  getToken,
  listTokens,
  revealKey,
  revealKeys,
  updateToken,
  type ApiContext,
  type Reply,
} from './handlers.js';
import { matchRoute, notFoundBody, type Endpoint } from './routes.js';
import type { SlidingWindow } from './rate-limit.js';
import type {
  AuthStyle,
  EmulatorOptions,
  FaultKind,
  LoggedRequest,
  RevealRoutes,
} from './types.js';

/** Everything the request pipeline reads; mutable fields may change between requests. */
export interface ServerState {
  api: ApiContext;
  token: string;
  userId: number;
  requireUserIdHeader: boolean;
  authStyle: AuthStyle;
  latencyMs: number;
  /** Gzip answers of GZIP_MIN_BYTES or more to requests that accept gzip. */
  gzip: boolean;
  failRate: number;
  faultKinds: FaultKind[] | undefined;
  faultFor: EmulatorOptions['faultFor'];
  hangMs: number;
  limiter: SlidingWindow | undefined;
  /** Which reveal routes exist. */
  revealRoutes: RevealRoutes;
  /** new-api's "critical" limit, shared by the reveal routes only (after auth). */
  revealLimiter: SlidingWindow | undefined;
  retryAfter: boolean;
  faultSchedule: FaultSchedule;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  log: LoggedRequest[];
  /** Last sequence number handed out (not reset by clearRequests). */
  seq: number;
  onRequest: ((entry: LoggedRequest) => void) | undefined;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function logHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name] =
      name === 'authorization' ? '<redacted>' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseLoggedBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** The `code` of a `pat` server's 401 (new-api since 2026-07-20). */
export const PAT_UNAUTHORIZED_CODE = 'AUTH_UNAUTHORIZED';

/**
 * `pat` auth: the raw token or `Bearer <token>` with any case of "Bearer"; a missing or wrong
 * token is a 401 with a `code`; New-Api-User is not looked at.
 */
function authorizePat(state: ServerState, req: IncomingMessage): Reply | undefined {
  const header = req.headers.authorization ?? '';
  const presented = header.replace(/^bearer +/i, '');
  if (presented !== '' && presented === state.token) return undefined;
  const message =
    header === ''
      ? 'Unauthorized, access token not provided'
      : 'Unauthorized, invalid access token';
  return { status: 401, json: { success: false, code: PAT_UNAUTHORIZED_CODE, message } };
}

/**
 * `session` auth (the default): the raw token (CometAPI's documented form) or `Bearer <token>`,
 * and New-Api-User when `requireUserIdHeader` is set.
 */
function authorize(state: ServerState, req: IncomingMessage): Reply | undefined {
  if (state.authStyle === 'pat') return authorizePat(state, req);
  const header = req.headers.authorization ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : header;
  if (presented === '' || presented !== state.token) {
    return { status: 401, json: { success: false, message: 'Unauthorized, invalid access token' } };
  }
  if (state.requireUserIdHeader) {
    const userHeader = req.headers['new-api-user'];
    if (userHeader === undefined || userHeader === '') {
      return {
        status: 401,
        json: { success: false, message: 'Unauthorized, New-Api-User header not provided' },
      };
    }
    if (userHeader !== String(state.userId)) {
      return {
        status: 401,
        json: {
          success: false,
          message: 'Unauthorized, New-Api-User does not match the token user',
        },
      };
    }
  }
  return undefined;
}

function runEndpoint(
  state: ServerState,
  endpoint: Endpoint,
  id: string,
  raw: string,
  query: Record<string, string>,
): Reply {
  switch (endpoint) {
    case 'list':
      return listTokens(state.api, query);
    case 'create':
      return createToken(state.api, raw);
    case 'update':
      return updateToken(state.api, raw, query);
    case 'get':
      return getToken(state.api, id);
    case 'delete':
      return deleteToken(state.api, id);
    case 'models':
      return getModels();
    case 'reveal':
      return revealKey(state.api, id);
    case 'reveal_batch':
      return revealKeys(state.api, raw);
  }
}

/** Creates the server; `hangs` collects the timers of hanging requests so close can clear them. */
export function createEmulatorServer(state: ServerState, hangs: Set<NodeJS.Timeout>) {
  return createServer((req, res) => {
    const nowMs = state.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: LoggedRequest = {
      seq: ++state.seq,
      time: nowMs,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: logHeaders(req),
      body: undefined,
      status: 0,
    };
    state.log.push(entry);
    void readBody(req)
      .then(async (raw) => {
        entry.body = parseLoggedBody(raw);
        if (state.latencyMs > 0) await state.sleep(state.latencyMs);
        handle(state, hangs, req, res, entry, url, raw);
      })
      .catch(() => destroy(req.socket, state, entry));
  });
}

function finish(state: ServerState, entry: LoggedRequest): void {
  state.onRequest?.(entry);
}

function destroy(socket: Socket, state: ServerState, entry: LoggedRequest): void {
  entry.status = 0;
  socket.destroy();
  finish(state, entry);
}

/** Smaller answers are sent as they are even with `gzip` on (nginx's gzip_min_length). */
const GZIP_MIN_BYTES = 1024;

function send(
  state: ServerState,
  res: ServerResponse,
  entry: LoggedRequest,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  entry.status = status;
  let payload: string | Buffer = body;
  if (
    state.gzip &&
    body.length >= GZIP_MIN_BYTES &&
    /\bgzip\b/.test(res.req.headers['accept-encoding'] ?? '')
  ) {
    payload = gzipSync(body);
    headers = { ...headers, 'content-encoding': 'gzip' };
  }
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(payload)) });
  res.end(payload);
  finish(state, entry);
}

function sendJson(
  state: ServerState,
  res: ServerResponse,
  entry: LoggedRequest,
  reply: Reply,
): void {
  const json = reply.json as { success?: unknown } | null;
  if (json && typeof json.success === 'boolean') entry.success = json.success;
  send(state, res, entry, reply.status, JSON.stringify(reply.json), { 'content-type': JSON_TYPE });
}

/** Answers 429 (empty body, `Retry-After` unless turned off) when `limiter` refuses. */
function limited(
  state: ServerState,
  res: ServerResponse,
  entry: LoggedRequest,
  limiter: SlidingWindow | undefined,
): boolean {
  if (!limiter) return false;
  const decision = limiter.take(state.now());
  if (decision.allowed) return false;
  // new-api's limiters answer with an empty body; newer versions add Retry-After.
  const headers: Record<string, string> = state.retryAfter
    ? { 'retry-after': String(decision.retryAfterSeconds) }
    : {};
  send(state, res, entry, 429, '', headers);
  return true;
}

function handle(
  state: ServerState,
  hangs: Set<NodeJS.Timeout>,
  req: IncomingMessage,
  res: ServerResponse,
  entry: LoggedRequest,
  url: URL,
  raw: string,
): void {
  const route = matchRoute(entry.method, url.pathname, url.search, state.revealRoutes);
  if (route.kind === 'redirect') {
    const html = `<a href="${route.location}">Moved</a>.\n\n`;
    send(state, res, entry, route.status, html, {
      location: route.location,
      'content-type': 'text/html; charset=utf-8',
    });
    return;
  }
  if (route.kind === 'not_found') {
    if (route.api) {
      sendJson(state, res, entry, { status: 404, json: notFoundBody(entry.method, url.pathname) });
    } else {
      send(state, res, entry, 404, '404 page not found', { 'content-type': 'text/plain' });
    }
    return;
  }
  if (limited(state, res, entry, state.limiter)) return;
  const faultRandom = state.faultSchedule(entry);
  const fault =
    state.faultFor?.(entry) ??
    chooseFault(faultRandom, state.failRate, state.faultKinds, entry.method);
  if (fault) entry.fault = fault;
  switch (fault) {
    case '500':
      sendJson(state, res, entry, { status: 500, json: PANIC_BODY });
      return;
    case 'html502':
      send(state, res, entry, 502, HTML_502_PAGE, { 'content-type': 'text/html' });
      return;
    case 'reset':
      destroy(req.socket, state, entry);
      return;
    case 'hang': {
      const timer = setTimeout(() => {
        hangs.delete(timer);
        destroy(req.socket, state, entry);
      }, state.hangMs);
      // A hang must never keep the process alive on its own (close() also clears it).
      timer.unref();
      hangs.add(timer);
      return;
    }
    default:
      break;
  }
  const refused = route.auth ? authorize(state, req) : undefined;
  if (refused) {
    sendJson(state, res, entry, refused);
    return;
  }
  const critical = route.endpoint === 'reveal' || route.endpoint === 'reveal_batch';
  if (critical && limited(state, res, entry, state.revealLimiter)) return;
  if (fault === 'malformed' && entry.method !== 'GET') {
    // A write answered with half a body: not committed (only after_commit commits).
    send(state, res, entry, 200, truncateJson({ success: true, message: '', data: { id: 0 } }), {
      'content-type': JSON_TYPE,
    });
    return;
  }
  const reply = runEndpoint(state, route.endpoint, route.id ?? '', raw, entry.query);
  if (fault === 'malformed') {
    send(state, res, entry, 200, truncateJson(reply.json), { 'content-type': JSON_TYPE });
    return;
  }
  if (fault === 'after_commit') {
    // The write is done; the client hears a reset or a 500 and cannot know it committed.
    if (faultRandom() < 0.5) destroy(req.socket, state, entry);
    else sendJson(state, res, entry, { status: 500, json: PANIC_BODY });
    return;
  }
  sendJson(state, res, entry, reply);
}
