/**
 * Which of Node's own modules the built CLI loads (docs/performance.md#start-up): node:https
 * (and tls) only for an https base URL, node:http only for an http one, node:zlib only when an
 * answer arrives compressed, node:crypto not for a plan over http, node:child_process (which the
 * bundle's commander requires at its first spawn, scripts/bundle-cli.mjs) not for validate or plan. A preload lists
 * `process.moduleLoadList` at exit; each run must also succeed, so both transports are exercised
 * end to end (the https one through a TLS proxy in front of the emulator, its certificate made
 * by openssl and trusted through NODE_EXTRA_CA_CERTS). Needs `npm run build` first.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { aSeedKey } from '../helpers/builders.js';
import { runCli, runProcess, BIN } from '../helpers/cli.js';
import { offline } from '../helpers/offline.js';
import { tempDirs } from '../helpers/temp.js';

offline();
const newDir = tempDirs('builtins');
const allDirs = tempDirs('builtins-tls', 'all');

const PRELOAD = `
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  const loaded = process.moduleLoadList
    .filter((m) => m.startsWith('NativeModule '))
    .map((m) => m.slice('NativeModule '.length));
  writeFileSync(process.env.BUILTINS_FILE, loaded.join('\\n'));
});
`;

/** Runs the built CLI in `dir`; returns Node's modules it loaded (`http`, `internal/...`). */
async function builtinsOf(dir: string, args: string[], env: Record<string, string>) {
  const preload = path.join(dir, 'preload.cjs');
  const listFile = path.join(dir, 'builtins.txt');
  writeFileSync(preload, PRELOAD);
  const run = await runProcess(process.execPath, ['--require', preload, BIN, ...args], {
    cwd: dir,
    env: { ...env, BUILTINS_FILE: listFile },
  });
  expect(run.code, run.stderr).toBe(0);
  return { run, loaded: new Set(readFileSync(listFile, 'utf8').split('\n')) };
}

// Enough keys that a page of them (over 1 KB) is gzipped when the emulator gzips.
const seed = Array.from({ length: 12 }, (_, i) => aSeedKey({ name: `key-${i}` }));
let plain: Emulator;
let gzipped: Emulator;
beforeAll(async () => {
  [plain, gzipped] = await Promise.all([
    startEmulator({ seed }),
    startEmulator({ seed, gzip: true }),
  ]);
});
afterAll(async () => {
  await Promise.all([plain.close(), gzipped.close()]);
});

/** A directory holding keys.yaml, the export of `emu` (a plan of it has no changes). */
async function exported(emu: Emulator): Promise<string> {
  const dir = newDir();
  const env = { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token };
  const run = await runCli(['export', '--out', 'keys.yaml'], { cwd: dir, env });
  expect(run.code, run.stderr).toBe(0);
  return dir;
}

/** Node's modules a `plan` (no changes) of `emu`'s export loaded, run against `url`. */
async function planLoads(emu: Emulator, url = emu.url, env: Record<string, string> = {}) {
  const dir = await exported(emu);
  const { run, loaded } = await builtinsOf(dir, ['plan', '-f', 'keys.yaml'], {
    COMETAPI_BASE_URL: url,
    COMETAPI_ACCESS_TOKEN: emu.token,
    ...env,
  });
  expect(run.stdout).toContain('No changes');
  return loaded;
}

const TLS_MODULES = ['https', 'tls', '_tls_wrap', 'crypto'];

describe("Node's modules the built CLI loads", () => {
  it('plan over http loads node:http, not https, tls, crypto, zlib or child_process', async () => {
    const loaded = await planLoads(plain);
    expect(loaded.has('http')).toBe(true);
    for (const name of [...TLS_MODULES, 'zlib', 'child_process']) {
      expect(loaded.has(name), name).toBe(false);
    }
  });

  it('validate loads neither http nor https, nor child_process (commander requires it lazily)', async () => {
    const dir = await exported(plain);
    const { loaded } = await builtinsOf(dir, ['validate', '-f', 'keys.yaml'], {});
    for (const name of ['http', ...TLS_MODULES, 'zlib', 'child_process']) {
      expect(loaded.has(name), name).toBe(false);
    }
  });

  it('plan loads node:zlib when the answers come gzipped, and decodes them', async () => {
    const loaded = await planLoads(gzipped);
    expect(loaded.has('zlib')).toBe(true);
    expect(loaded.has('https')).toBe(false);
  });

  describe('over https', () => {
    let proxy: Server;
    let caFile: string;
    let url: string;
    beforeAll(async () => {
      const dir = allDirs();
      const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
      // A throw-away self-signed certificate for 127.0.0.1 (openssl is needed to run this test).
      execFileSync(
        'openssl',
        [
          ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
          ...['-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1'],
          ...['-addext', 'subjectAltName=IP:127.0.0.1'],
        ],
        { stdio: 'ignore' },
      );
      caFile = cert;
      // TLS in front of the plain emulator: each request passed on as it came.
      proxy = createHttpsServer(
        { key: readFileSync(key), cert: readFileSync(cert) },
        (req, res) => {
          const upstream = httpRequest(
            `${plain.url}${req.url ?? '/'}`,
            { method: req.method, headers: req.headers },
            (answer) => {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(res);
            },
          );
          upstream.on('error', () => res.destroy());
          req.pipe(upstream);
        },
      );
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      url = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    });

    it('plan loads node:https and tls, not node:http', async () => {
      const loaded = await planLoads(plain, url, { NODE_EXTRA_CA_CERTS: caFile });
      for (const name of TLS_MODULES) expect(loaded.has(name), name).toBe(true);
      expect(loaded.has('http')).toBe(false);
      expect(loaded.has('zlib')).toBe(false);
    });
  });
});
