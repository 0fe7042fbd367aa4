/**
 * Network failures name the host, the cause and the attempts (docs/exit-codes.md#network-failures),
 * through the real node:http(s) transport against sockets on 127.0.0.1: a closed port, a server
 * that never answers, a name that does not resolve (the lookup is injected: nothing leaves the
 * machine), a self-signed certificate and an answer cut short. Without nock, whose interception
 * of node:http would stand between the client and these sockets: every server is the test's own.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNodeTransport } from '../../src/api/node-transport.js';
import { makeTempDir, removeDir } from '../helpers/temp.js';
import { aServerKey } from '../helpers/builders.js';
import { failureOf, ok, setupClient, wire } from './client-fixtures.js';
import { closedPort } from '../helpers/ports.js';

const KEY = aServerKey({ id: 42, name: 'backend' });
const DNS_HOST = 'api.cometkeys.invalid';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Listens on 127.0.0.1; returns the port, and closes the server (and its sockets) after the test. */
async function listen(server: Server | ReturnType<typeof createNetServer>): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

describe('a network failure names host, cause and attempts', () => {
  it('connection refused, after every attempt', async () => {
    const port = await closedPort();
    const { client } = setupClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 2 });
    const err = await failureOf(client.getKey(42));
    expect(err.kind).toBe('network');
    expect(err.status).toBeNull();
    expect(err.message).toBe(
      `[GET] /api/token/42: connection refused by 127.0.0.1:${port} (ECONNREFUSED); ` +
        'gave up after 3 attempts over 750 ms',
    );
  });

  it('a server that never answers: the timeout, with timeoutSeconds named', async () => {
    const port = await listen(createNetServer(() => undefined));
    const { client } = setupClient({
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 100,
      retries: 1,
    });
    const err = await failureOf(client.getKey(42));
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(
      `[GET] /api/token/42: timed out after 100 ms waiting for 127.0.0.1:${port} ` +
        '(timeoutSeconds); gave up after 2 attempts over 250 ms',
    );
  });

  it('a name that does not resolve: the DNS failure and the name', async () => {
    const lookups: string[] = [];
    const transport = createNodeTransport({
      maxSockets: 1,
      // What getaddrinfo gives for an unknown name, without asking any resolver.
      lookup: (hostname, _options, callback) => {
        lookups.push(hostname);
        const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
          code: 'ENOTFOUND',
          syscall: 'getaddrinfo',
          hostname,
        });
        process.nextTick(() => callback(error, '', 4));
      },
    });
    const { client } = setupClient({ baseUrl: `https://${DNS_HOST}`, transport, retries: 0 });
    const err = await failureOf(client.getKey(42));
    expect(lookups).toEqual([DNS_HOST]);
    expect(err.kind).toBe('network');
    expect(err.message).toBe(`[GET] /api/token/42: DNS lookup of ${DNS_HOST} failed (ENOTFOUND)`);
  });

  describe('TLS', () => {
    let dir: string;
    let tls: { key: Buffer; cert: Buffer };
    beforeAll(() => {
      dir = makeTempDir('tls');
      const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
      // A throw-away self-signed certificate (openssl is needed to run this test).
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '2',
          '-subj',
          '/CN=127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      tls = { key: readFileSync(key), cert: readFileSync(cert) };
    });
    afterAll(() => removeDir(dir));

    it('a self-signed certificate: the TLS error and its reason', async () => {
      let answered = 0;
      const port = await listen(
        createHttpsServer(tls, (_req, res) => {
          answered++;
          res.end(JSON.stringify(ok(wire(KEY))));
        }),
      );
      const { client } = setupClient({ baseUrl: `https://127.0.0.1:${port}`, retries: 0 });
      const err = await failureOf(client.getKey(42));
      expect(err.kind).toBe('network');
      expect(err.message).toBe(
        `[GET] /api/token/42: TLS error with 127.0.0.1:${port}: self-signed certificate ` +
          '(DEPTH_ZERO_SELF_SIGNED_CERT)',
      );
      expect(answered).toBe(0);
    });
  });

  it('an answer cut short: the status, the reset, and a second attempt that reads it', async () => {
    let requests = 0;
    const body = JSON.stringify(ok(wire(KEY)));
    const port = await listen(
      createHttpServer((_req, res) => {
        requests++;
        res.writeHead(200, { 'content-length': String(body.length) });
        if (requests === 1) {
          // Half the promised body, then the connection drops.
          res.write(body.slice(0, 40), () => res.socket?.destroy());
          return;
        }
        res.end(body);
      }),
    );
    expect((await setupClient({ baseUrl: `http://127.0.0.1:${port}` }).client.getKey(42)).id).toBe(
      42,
    );
    expect(requests).toBe(2);

    requests = 0;
    const err = await failureOf(
      setupClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 0 }).client.getKey(42),
    );
    expect(err.kind).toBe('network');
    expect(err.status).toBe(200);
    expect(err.message).toBe(
      `[GET] /api/token/42: HTTP 200 — answer cut short: connection reset by 127.0.0.1:${port} ` +
        '(ECONNRESET)',
    );
  });
});
