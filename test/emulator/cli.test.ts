import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEmulatorOptions } from '../../src/cli/commands/emulator.js';
import { runCli } from '../../src/cli/main.js';
import { startEmulator } from '../../src/emulator/index.js';
import { BIN, startProcess, type StartedChild } from '../helpers/cli.js';
import { captureIo } from '../helpers/io.js';
import { REPO_ROOT } from '../helpers/temp.js';
import { offline } from './helpers.js';

offline();

describe('parseEmulatorOptions', () => {
  it('turns flags into options: N is a count, anything else a file under cwd', () => {
    expect(
      parseEmulatorOptions(
        {
          port: '8080',
          seed: '25',
          latency: '50',
          failRate: '0.1',
          rateLimit: '20/1',
          statusMode: 'docs',
          state: 'emu.json',
          token: 'tok',
        },
        '/work',
      ),
    ).toEqual({
      port: 8080,
      seed: 25,
      latencyMs: 50,
      failRate: 0.1,
      rateLimit: { requests: 20, windowSeconds: 1 },
      statusMode: 'docs',
      stateFile: '/work/emu.json',
      token: 'tok',
    });
    expect(parseEmulatorOptions({ seed: 'seeds/a.yaml' }, '/w').seed).toBe('/w/seeds/a.yaml');
  });

  it.each([
    [{ port: '-1' }, /--port must be an integer 0-65535, got "-1"/],
    [{ port: 'http' }, /--port must be/],
    [{ port: '70000' }, /--port must be/],
    [{ latency: '-5' }, /--latency must be/],
    [{ failRate: '1.5' }, /--fail-rate must be a fraction between 0 and 1/],
    [{ failRate: 'lots' }, /--fail-rate must be/],
    [{ rateLimit: '20' }, /--rate-limit must be N\/SECONDS/],
    [{ rateLimit: '0/1' }, /--rate-limit must be/],
    [{ rateLimit: '5/0' }, /--rate-limit must be/],
    [{ token: '' }, /--token must be a non-empty value/],
    [{ token: 'a b' }, /--token must be/],
  ])('refuses %j', (opts, message) => {
    expect(() => parseEmulatorOptions(opts, '/w')).toThrow(message);
  });
});

describe('cometkeys emulator (in process)', () => {
  it('exits 1 with a clear error for a bad option value', async () => {
    const io = captureIo();
    expect(await runCli(['emulator', '--fail-rate', '2'], io)).toBe(1);
    expect(io.err()).toBe('error: --fail-rate must be a fraction between 0 and 1, got "2"\n');
    expect(io.out()).toBe('');
  });

  it('exits 1 for an auth style commander does not know', async () => {
    const io = captureIo();
    expect(await runCli(['emulator', '--auth-style', 'oauth'], io)).toBe(1);
    expect(io.err()).toMatch(/--auth-style <style>' argument 'oauth' is invalid/);
    expect(io.out()).toBe('');
  });

  it('exits 1 naming a seed file that cannot be read', async () => {
    const io = captureIo({ cwd: '/nonexistent-dir' });
    expect(await runCli(['emulator', '--seed', 'seed.yaml'], io)).toBe(1);
    expect(io.err()).toMatch(
      /^error: cannot read seed file \/nonexistent-dir\/seed.yaml: ENOENT\n$/,
    );
  });
});

describe('cometkeys emulator (port in use)', () => {
  it('exits 1 naming the port', async () => {
    const busy = await startEmulator();
    try {
      const port = new URL(busy.url).port;
      const io = captureIo();
      expect(await runCli(['emulator', '--port', port], io)).toBe(1);
      expect(io.err()).toBe(`error: port ${port} is already in use\n`);
    } finally {
      await busy.close();
    }
  });
});

describe('cometkeys emulator (built CLI)', () => {
  const children: StartedChild[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.stop()));
  });

  async function spawnEmulator(args: string[]): Promise<StartedChild> {
    if (!existsSync(path.join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
      throw new Error('dist/ is missing: run `npm run build` before these tests');
    }
    const emu = await startProcess(process.execPath, [BIN, 'emulator', '--port', '0', ...args]);
    children.push(emu);
    return emu;
  }

  it('prints one JSON line, serves requests, and exits 0 on SIGTERM', async () => {
    const emu = await spawnEmulator(['--seed', '5', '--token', 'tok-cli-123']);
    const line = JSON.parse(emu.firstLine);
    expect(line).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      token: 'tok-cli-123',
      user_id: 1,
    });
    const res = await fetch(`${line.url}/api/token/?p=1&page_size=100`, {
      headers: { authorization: line.token },
    });
    const body = (await res.json()) as { data: { total: number } };
    expect(body.data.total).toBe(5);
    emu.child.kill('SIGTERM');
    expect(await emu.exited).toBe(0);
    expect(emu.out()).toBe(`${JSON.stringify(line)}\n`);
    expect(emu.err()).toBe('');
  });

  it('exits 0 on SIGINT with a generated token', async () => {
    const emu = await spawnEmulator([]);
    const line = JSON.parse(emu.firstLine);
    expect(line.token).toMatch(/^ck-emu-/);
    emu.child.kill('SIGINT');
    expect(await emu.exited).toBe(0);
  });

  it('--generation upstream-2026-08 serves the newest server generation', async () => {
    const emu = await spawnEmulator(['--generation', 'upstream-2026-08', '--seed', '2']);
    const { url, token } = JSON.parse(emu.firstLine);
    const bad = await fetch(`${url}/api/token/`, { headers: { authorization: 'nope' } });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { code: string }).code).toBe('AUTH_UNAUTHORIZED');
    const list = await fetch(`${url}/api/token/`, {
      headers: { authorization: `bearer ${token}` },
    });
    const body = (await list.json()) as { data: { items: Array<{ auto_groups?: unknown }> } };
    expect(body.data.items.map((r) => r.auto_groups)).toEqual([null, null]);
    const over = await fetch(`${url}/api/token/`, {
      method: 'POST',
      headers: { authorization: token, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', expired_time: -1, remain_quota: 2147483648 }),
    });
    expect(await over.json()).toEqual({
      success: false,
      message: 'Quota value exceeds valid range, maximum is 2147483647',
    });
    emu.child.kill('SIGTERM');
    expect(await emu.exited).toBe(0);
  });

  it('--verbose logs one stderr line per request, never the token', async () => {
    const emu = await spawnEmulator([
      '--token',
      'tok-verbose-9',
      '--verbose',
      '--status-mode',
      'docs',
    ]);
    const { url } = JSON.parse(emu.firstLine);
    await (
      await fetch(`${url}/api/token/?p=1`, { headers: { authorization: 'tok-verbose-9' } })
    ).text();
    await (await fetch(`${url}/api/token/`, { headers: { authorization: 'Bearer wrong' } })).text();
    emu.child.kill('SIGTERM');
    expect(await emu.exited).toBe(0);
    const lines = emu.err().trimEnd().split('\n');
    expect(lines).toEqual([
      'emulator: #1 GET /api/token/?p=1 -> 200 success=true',
      'emulator: #2 GET /api/token/ -> 401 success=false',
    ]);
    expect(emu.err()).not.toContain('tok-verbose-9');
  });
});
