/**
 * The default transport (src/api/node-transport.ts) against servers on 127.0.0.1: connections
 * kept alive and reused, no more of them than the parallelism, gzip asked for and decoded (a short
 * body at its end, a long one as it streams; an endless gzip body is cut off at the limit), and
 * idle connections that never keep the process alive. Without nock: its interception of
 * node:http opens a new connection per request, so keep-alive cannot be seen through it; every
 * server here is the test's own, on 127.0.0.1.
 */
import {
  createServer,
  get,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { brotliCompressSync, createGzip, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { ServerKey } from '../../src/model.js';
import { aServerKey } from '../helpers/builders.js';
import { failureOf, listPage, ok, setupClient, wire } from './client-fixtures.js';

const KEY = aServerKey({ id: 42, name: 'backend' });

interface TestServer {
  url: string;
  /** Connections accepted so far. */
  connections: number;
  /** Request headers, in arrival order. */
  headers: IncomingMessage['headers'][];
  server: Server;
}

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const state: TestServer = { url: '', connections: 0, headers: [], server: createServer() };
  state.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    state.headers.push(req.headers);
    handler(req, res);
  });
  state.server.on('connection', (s: Socket) => {
    state.connections++;
    sockets.add(s);
    // Only the client's own sockets may keep this process alive (see the last test).
    s.unref();
  });
  servers.push(state.server);
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
  return state;
}

function json(res: ServerResponse, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length) });
  res.end(text);
}

const keysFrom = (from: number, count: number): ServerKey[] =>
  Array.from({ length: count }, (_, i) => aServerKey({ id: from + i, name: `k${from + i}` }));

describe('connections', () => {
  it('are kept alive and reused from one request to the next', async () => {
    const srv = await serve((_req, res) => json(res, ok(wire(KEY))));
    const { client } = setupClient({ baseUrl: srv.url });
    for (let i = 0; i < 5; i++) expect((await client.getKey(42)).id).toBe(42);
    expect(srv.headers).toHaveLength(5);
    expect(srv.connections).toBe(1);
    expect(srv.headers.every((h) => h.connection === 'keep-alive')).toBe(true);
  });

  it('number at most the parallelism while pages are listed concurrently', async () => {
    const all = keysFrom(1, 1000);
    const srv = await serve((req, res) => {
      const p = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('p'));
      const page = listPage(
        all.slice((p - 1) * 100, p * 100).map((k) => wire(k)),
        { page: p, total: all.length },
      );
      setTimeout(() => json(res, page), 5);
    });
    const listed = await setupClient({ baseUrl: srv.url, parallelism: 3 }).client.listKeys();
    expect(listed).toHaveLength(1000);
    expect(srv.headers).toHaveLength(10);
    expect(srv.connections).toBeGreaterThan(1);
    expect(srv.connections).toBeLessThanOrEqual(3);
  });

  it('close() ends the idle connections', async () => {
    const srv = await serve((_req, res) => json(res, ok(wire(KEY))));
    const closed = new Promise<void>((resolve) =>
      srv.server.once('connection', (s: Socket) => s.once('close', () => resolve())),
    );
    const { client } = setupClient({ baseUrl: srv.url });
    await client.getKey(42);
    client.close?.();
    await closed;
  });

  it('idle, they do not keep the process alive', async () => {
    const srv = await serve((_req, res) => json(res, ok(wire(KEY))));
    const tcpHandles = () =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const before = tcpHandles();
    const { client } = setupClient({ baseUrl: srv.url });
    const pending = client.getKey(42);
    await new Promise((r) => setImmediate(r));
    // In flight, the request holds the process (the server's sockets are unref'd above).
    expect(tcpHandles()).toBe(before + 1);
    await pending;
    await new Promise((r) => setImmediate(r));
    expect(srv.connections).toBe(1);
    expect(tcpHandles()).toBe(before);
  });
});

describe('gzip', () => {
  it('is asked for and decoded', async () => {
    const srv = await serve((_req, res) => {
      const body = gzipSync(JSON.stringify(ok(wire(KEY))));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(body);
    });
    expect(await setupClient({ baseUrl: srv.url }).client.getKey(42)).toEqual(KEY);
    expect(srv.headers[0]?.['accept-encoding']).toBe('gzip');
  });

  it.each([
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
    ['gzip, br', (b: Buffer) => brotliCompressSync(gzipSync(b))],
  ])('a %s answer is decoded too', async (encoding, encode) => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
      res.end(encode(Buffer.from(JSON.stringify(ok(wire(KEY))))));
    });
    expect(await setupClient({ baseUrl: srv.url }).client.getKey(42)).toEqual(KEY);
  });

  it.each([
    ['gzip', gzipSync],
    ['br', brotliCompressSync],
  ])(
    'a %s answer too long to decode at its end is decoded as it streams, whole',
    async (encoding, encode) => {
      // Seeded bytes that do not compress (xorshift32): a body of about 300 KB either way.
      let x = 2463534242;
      const noise = Buffer.alloc(300 * 1024);
      for (let i = 0; i < noise.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        noise[i] = x & 0xff;
      }
      const record = { ...wire(KEY), note: noise.toString('base64') };
      const body = encode(Buffer.from(JSON.stringify(ok(record))));
      expect(body.length).toBeGreaterThan(200 * 1024);
      const srv = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
        // In pieces, as a long answer arrives.
        for (let at = 0; at < body.length; at += 16 * 1024)
          res.write(body.subarray(at, at + 16 * 1024));
        res.end();
      });
      const got = await setupClient({ baseUrl: srv.url }).client.getKey(42);
      expect((got as unknown as { note: string }).note).toBe(record.note);
    },
  );

  it('a coding named like an object property is unknown: the body is read as it came', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': '__proto__' });
      res.end(JSON.stringify(ok(wire(KEY))));
    });
    expect(await setupClient({ baseUrl: srv.url }).client.getKey(42)).toEqual(KEY);
  });

  it('an endless gzip body is cut off at the limit, not read to its end', async () => {
    let sentCompressed = 0;
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      const spaces = Buffer.alloc(1024 * 1024, 0x20);
      const endless = new Readable({
        read() {
          this.push(spaces);
        },
      });
      const gzip = createGzip();
      gzip.on('data', (c: Buffer) => (sentCompressed += c.length));
      endless.pipe(gzip).pipe(res);
      res.on('close', () => endless.destroy());
    });
    const err = await failureOf(setupClient({ baseUrl: srv.url }).client.getKey(42));
    expect(err.kind).toBe('protocol');
    expect(err.message).toBe('[GET] /api/token/42: HTTP 200 — response body larger than 16 MB');
    expect(sentCompressed).toBeGreaterThan(0);
  });

  it('a gzip body cut short is read as far as it goes, then judged like any cut-short answer', async () => {
    const whole = gzipSync(JSON.stringify(ok(wire(KEY))));
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(whole.subarray(0, Math.floor(whole.length / 2)));
    });
    const err = await failureOf(setupClient({ baseUrl: srv.url, retries: 0 }).client.getKey(42));
    expect(err.kind).toBe('protocol');
    expect(err.unreadable).toBe(true);
    expect(err.message).toBe('[GET] /api/token/42: HTTP 200 — malformed JSON');
  });

  it("the emulator's gzip option: only when asked for, and the client reads it", async () => {
    const emu = await startEmulator({ seed: 250, gzip: true });
    try {
      const encodingOf = (headers: Record<string, string>) =>
        new Promise<string | undefined>((resolve, reject) => {
          get(`${emu.url}/api/token/?p=1&page_size=100`, { headers }, (res) => {
            res.resume();
            resolve(res.headers['content-encoding']);
          }).on('error', reject);
        });
      expect(await encodingOf({ authorization: emu.token, 'accept-encoding': 'gzip' })).toBe(
        'gzip',
      );
      expect(await encodingOf({ authorization: emu.token })).toBeUndefined();
      const { client } = setupClient({ baseUrl: emu.url, token: emu.token });
      expect(await client.listKeys()).toHaveLength(250);
    } finally {
      await emu.close();
    }
  });
});
