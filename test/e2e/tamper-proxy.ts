/**
 * A small tampering HTTP proxy on 127.0.0.1 in front of the emulator, for end-to-end tests that
 * need an odd or hostile server (SPEC §13): each request is forwarded unless `answer` answers it
 * itself, and each forwarded answer may be rewritten by `rewrite`. Every request that reached the
 * proxy is recorded (method and path), forwarded or not.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the proxy received it. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  body: Buffer;
}

/** What the proxy sends back. */
export interface ProxyAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export interface TamperRules {
  /** Answers a request instead of forwarding it; undefined forwards it. */
  answer?: (req: ProxiedRequest) => ProxyAnswer | undefined;
  /** Rewrites the text of a forwarded answer; undefined (or no rule) passes it on as it is. */
  rewrite?: (req: ProxiedRequest, answer: { status: number; text: string }) => string | undefined;
}

export interface TamperProxy {
  url: string;
  /** The requests that reached the proxy, in order. */
  requests(): ProxiedRequest[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * `text` parsed as JSON, changed by `change`, and written again; text that is not JSON is
 * returned as it is.
 */
export function mapJson(text: string, change: (value: unknown) => unknown): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  return JSON.stringify(change(value));
}

/** Applies `change` to every key record (an object with `id` and `name`) inside `value`. */
export function mapRecords(
  value: unknown,
  change: (record: Record<string, unknown>) => Record<string, unknown>,
): unknown {
  if (Array.isArray(value)) return value.map((v) => mapRecords(v, change));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = mapRecords(v, change);
  return 'id' in out && 'name' in out ? change(out) : out;
}

/** Starts a proxy to `target` (the emulator's URL) with `rules`. */
export function startTamperProxy(target: string, rules: TamperRules = {}): Promise<TamperProxy> {
  const seen: ProxiedRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const request: ProxiedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        body: await readBody(req),
      };
      seen.push(request);
      const own = rules.answer?.(request);
      if (own) {
        res.writeHead(own.status, { 'content-type': 'application/json', ...own.headers });
        res.end(own.body);
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      }
      const answer = await fetch(`${target}${request.path}`, {
        method: request.method,
        headers,
        ...(request.body.length > 0 ? { body: request.body } : {}),
      });
      const text = await answer.text();
      const out = rules.rewrite?.(request, { status: answer.status, text }) ?? text;
      const passed: Record<string, string> = { 'content-type': 'application/json' };
      const retryAfter = answer.headers.get('retry-after');
      if (retryAfter !== null) passed['retry-after'] = retryAfter;
      res.writeHead(answer.status, passed);
      res.end(out);
    })().catch(() => res.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests: () => [...seen],
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
