/**
 * The default transport: node:http / node:https with one keep-alive agent per client (connections
 * are reused across requests instead of opened per request) and gzip, decompressed as it streams
 * in. Instead of Node's `fetch`, which loads undici: about half its CPU per request in a warm
 * process, and less for the whole command, undici not being loaded (docs/performance.md).
 */
import type * as Http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';
import type { LookupFunction } from 'node:net';
import { pipeline, Readable } from 'node:stream';
import type * as Zlib from 'node:zlib';
import {
  BODY_TOO_LARGE,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './transport.js';

/*
 * Node's modules are loaded at first need, not with this module (docs/performance.md#start-up):
 * node:https (and with it tls) only for an https URL, node:http only for an http one, node:zlib
 * only for an answer with a Content-Encoding. Each costs a few milliseconds of start-up for Node
 * to compile its own code. Loaded synchronously, so the code that uses them is as it was.
 */
const requireBuiltin = createRequire(import.meta.url);
let httpModule: typeof Http | undefined;
let httpsModule: typeof Https | undefined;
let zlibModule: typeof Zlib | undefined;
const nodeHttp = () => (httpModule ??= requireBuiltin('node:http') as typeof Http);
const nodeHttps = () => (httpsModule ??= requireBuiltin('node:https') as typeof Https);
const zlib = () => (zlibModule ??= requireBuiltin('node:zlib') as typeof Zlib);

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
  let httpAgent: Http.Agent | undefined;
  let httpsAgent: Https.Agent | undefined;

  function request(req: TransportRequest): Promise<TransportResponse> {
    const secure = req.url.startsWith('https:');
    const agent = secure
      ? (httpsAgent ??= new (nodeHttps().Agent)(agentOptions))
      : (httpAgent ??= new (nodeHttp().Agent)(agentOptions));
    const headers: Record<string, string> = { ...req.headers, 'Accept-Encoding': 'gzip' };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    return new Promise((resolve, reject) => {
      const outgoing = (secure ? nodeHttps() : nodeHttp()).request(req.url, {
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
  try {
    return (await readBody(res, limit)).toString('utf8');
  } catch (err) {
    res.destroy();
    throw err;
  }
}

/**
 * A compressed body up to this size is collected and decoded in one synchronous call once it has
 * all arrived: a page of keys (about 10 KB gzipped) then costs a fifth of the CPU of a decoding
 * stream. A longer one (an endless one among them) is decoded as it streams from there on, so the
 * size limit still cuts it off early.
 */
const DECODE_AT_END_BYTES = 64 * 1024;

/**
 * The body through the decoders its `Content-Encoding` names (last applied, first undone). An
 * unknown coding leaves the body as it came, as fetch does; it then fails as malformed JSON. The
 * decoders flush what they have at the end, as fetch's do, so a gzip stream cut short gives the
 * text it holds (then malformed JSON) rather than a decoder error.
 */
async function readBody(res: IncomingMessage, limit: number): Promise<Buffer> {
  const codings = codingsOf(res);
  const coding = codings?.length === 1 ? codings[0] : undefined;
  if (coding === undefined) return readAll(codings ? decodeStream(res, codings) : res, limit);
  const source = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await source.next();
    if (next.done) return decodeWhole(coding, Buffer.concat(head, size), limit);
    head.push(next.value);
    size += next.value.length;
    if (size > DECODE_AT_END_BYTES) break;
  }
  async function* replay(): AsyncGenerator<Buffer> {
    yield* head;
    for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
  }
  return readAll(decodeStream(Readable.from(replay()), codings as string[]), limit);
}

/** The stream's bytes, rejecting with BODY_TOO_LARGE as soon as they pass `limit`. */
async function readAll(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw BODY_TOO_LARGE;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The codings to undo, first to undo first; `[]` for none, undefined when one is unknown (the body
 * is then read as it came).
 */
function codingsOf(res: IncomingMessage): string[] | undefined {
  const codings = (res.headers['content-encoding'] ?? '')
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'identity')
    .reverse();
  return codings.every((c) => Object.hasOwn(DECODERS, c)) ? codings : undefined;
}

/** `body` through the decoders of `codings` (all known). */
function decodeStream(body: Readable, codings: readonly string[]): Readable {
  if (codings.length === 0) return body;
  const decoders = codings.map((c) => DECODERS[c as Coding].stream());
  // pipeline destroys every stream when one fails; the last one then rejects its reader.
  return pipeline([body, ...decoders], () => undefined) as unknown as Readable;
}

/** A whole compressed body decoded at once, never past `limit` bytes of output. */
function decodeWhole(coding: string, body: Buffer, limit: number): Buffer {
  try {
    return DECODERS[coding as Coding].whole(body, limit);
  } catch (err) {
    // zlib stops as soon as the output would pass maxOutputLength (a gzip bomb is never expanded).
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw BODY_TOO_LARGE;
    throw err;
  }
}

/**
 * Output chunks of 64 KB rather than zlib's 16 KB: a page of keys decodes in one or two steps
 * (each a trip through libuv's thread pool), about half the CPU of the default.
 */
const DECODE_CHUNK_BYTES = 64 * 1024;

/** The flush options of zlib's decoders (zlib's constants, so made at first use). */
const zlibFlush = () => ({
  flush: zlib().constants.Z_SYNC_FLUSH,
  finishFlush: zlib().constants.Z_SYNC_FLUSH,
  chunkSize: DECODE_CHUNK_BYTES,
});
const brotliFlush = () => ({
  flush: zlib().constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib().constants.BROTLI_OPERATION_FLUSH,
  chunkSize: DECODE_CHUNK_BYTES,
});

/** A coding as a decoding stream and as one call over a whole body. */
interface Decoder {
  stream(): Readable;
  whole(body: Buffer, maxOutputLength: number): Buffer;
}

const GZIP: Decoder = {
  stream: () => zlib().createGunzip(zlibFlush()),
  whole: (b, max) => zlib().gunzipSync(b, { ...zlibFlush(), maxOutputLength: max }),
};

/** The codings this transport undoes. */
const DECODERS = {
  gzip: GZIP,
  'x-gzip': GZIP,
  deflate: {
    stream: () => zlib().createInflate(zlibFlush()),
    whole: (b, max) => zlib().inflateSync(b, { ...zlibFlush(), maxOutputLength: max }),
  },
  br: {
    stream: () => zlib().createBrotliDecompress(brotliFlush()),
    whole: (b, max) => zlib().brotliDecompressSync(b, { ...brotliFlush(), maxOutputLength: max }),
  },
} satisfies Record<string, Decoder>;

type Coding = keyof typeof DECODERS;
