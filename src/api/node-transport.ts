/**
 * The default transport: node:http / node:https with one keep-alive agent per client (connections
 * are reused across requests instead of opened per request) and gzip, decompressed as it streams
 * in. Node's `fetch` cost about 3 ms of CPU per request and loads undici; this costs a fraction of
 * that (bench/notes.md "Transport").
 */
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import {
  BODY_TOO_LARGE,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './transport.js';

/**
 * An idle connection is closed after this long (a server's shorter `Keep-Alive: timeout=` hint
 * wins, less a second), so a connection the server is about to drop is not reused.
 */
export const IDLE_SOCKET_TIMEOUT_MS = 4_000;
/** A body that is dropped (a 429's, a redirect's) is read up to this much, then cut off. */
const DISCARD_LIMIT_BYTES = 64 * 1024;

export interface NodeTransportOptions {
  /** Connections per origin; at least the client's parallelism, so no request queues here. */
  maxSockets: number;
  /** Injected for tests: the DNS lookup (net.connect's `lookup`). */
  lookup?: LookupFunction;
}

/** Creates the node:http(s) transport; `close()` ends its idle connections. */
export function createNodeTransport(opts: NodeTransportOptions): Transport {
  const agentOptions = {
    keepAlive: true,
    maxSockets: opts.maxSockets,
    maxFreeSockets: opts.maxSockets,
    timeout: IDLE_SOCKET_TIMEOUT_MS,
    scheduling: 'lifo' as const,
  };
  // Idle sockets of an agent are unref'd by Node: they never keep the process alive.
  let httpAgent: http.Agent | undefined;
  let httpsAgent: https.Agent | undefined;

  function request(req: TransportRequest): Promise<TransportResponse> {
    const secure = req.url.startsWith('https:');
    const agent = secure
      ? (httpsAgent ??= new https.Agent(agentOptions))
      : (httpAgent ??= new http.Agent(agentOptions));
    const headers: Record<string, string> = { ...req.headers, 'Accept-Encoding': 'gzip' };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    return new Promise((resolve, reject) => {
      const outgoing = (secure ? https : http).request(req.url, {
        method: req.method,
        headers,
        agent,
        signal: req.signal,
        ...(opts.lookup ? { lookup: opts.lookup } : {}),
      });
      outgoing.once('response', (res) => resolve(wrap(res)));
      // Later errors (an abort while the body is read) reach the body's reader; a promise
      // settles once, so this listener only keeps them from being unhandled.
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });
  }

  return {
    request,
    close() {
      httpAgent?.destroy();
      httpsAgent?.destroy();
    },
  };
}

function wrap(res: IncomingMessage): TransportResponse {
  return {
    status: res.statusCode ?? 0,
    header(name) {
      const value = res.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    text: (limitBytes) => readText(res, limitBytes),
    async discard() {
      // Read to the end when short, so the connection can be reused; otherwise it is closed.
      await readText(res, DISCARD_LIMIT_BYTES).catch(() => undefined);
    },
  };
}

/** Reads the decoded body, stopping (and closing the connection) past `limit` bytes. */
async function readText(res: IncomingMessage, limit: number): Promise<string> {
  const body = decoded(res);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw BODY_TOO_LARGE;
      chunks.push(chunk);
    }
  } catch (err) {
    res.destroy();
    throw err;
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * The body through the decoders its `Content-Encoding` names (last applied, first undone). An
 * unknown coding leaves the body as it came, as fetch does; it then fails as malformed JSON. The
 * decoders flush what they have at the end, as fetch's do, so a gzip stream cut short gives the
 * text it holds (then malformed JSON) rather than a decoder error.
 */
function decoded(res: IncomingMessage): Readable {
  const codings = (res.headers['content-encoding'] ?? '')
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'identity')
    .reverse();
  const decoders: NodeJS.ReadWriteStream[] = [];
  for (const coding of codings) {
    const decoder = decoderFor(coding);
    if (!decoder) return res;
    decoders.push(decoder);
  }
  if (decoders.length === 0) return res;
  // pipeline destroys every stream when one fails; the last one then rejects its reader.
  return pipeline([res, ...decoders], () => undefined) as unknown as Readable;
}

/**
 * Output chunks of 64 KB rather than zlib's 16 KB: a page of keys decodes in one or two steps
 * (each a trip through libuv's thread pool), about half the CPU of the default.
 */
const DECODE_CHUNK_BYTES = 64 * 1024;

function decoderFor(coding: string): NodeJS.ReadWriteStream | undefined {
  const flush = {
    flush: zlib.constants.Z_SYNC_FLUSH,
    finishFlush: zlib.constants.Z_SYNC_FLUSH,
    chunkSize: DECODE_CHUNK_BYTES,
  };
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(flush);
    case 'deflate':
      return zlib.createInflate(flush);
    case 'br':
      return zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
        chunkSize: DECODE_CHUNK_BYTES,
      });
    default:
      return undefined;
  }
}
