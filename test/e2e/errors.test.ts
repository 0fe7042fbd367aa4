/**
 * User mistakes through the built CLI: a clear error, exit 1, never "internal error (this is a
 * bug)", never an echoed secret (SPEC §5, §13 "Errors say where and why").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { offline } from '../helpers/offline.js';
import { runCli } from '../helpers/cli.js';
import { tempWorkdir } from './helpers.js';

offline();

let emu: Emulator;
const work = tempWorkdir({
  'package.json': '{"name":"fixture"}\n',
  'keys.yaml': 'version: 1\nkeys:\n  - {name: a, quota_budget: 1}\n',
});
beforeAll(async () => {
  emu = await startEmulator({ seed: [] });
});
afterAll(async () => {
  await emu.close();
  work.cleanup();
});

function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, {
    cwd: work.dir,
    env: { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token, ...env },
  });
}

describe('errors a user can cause, end to end', () => {
  it('a token with a line break names COMETAPI_ACCESS_TOKEN, echoes nothing, sends nothing', async () => {
    emu.clearRequests();
    const r = await cli(['plan'], { COMETAPI_ACCESS_TOKEN: `${emu.token}\nX-Leak: sk-SeCrEt` });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: COMETAPI_ACCESS_TOKEN contains line breaks; /);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toContain(emu.token);
    expect(r.stderr).not.toContain('SeCrEt');
    expect(emu.requests()).toEqual([]);
  });

  it('plan --out into a missing directory names the path and why', async () => {
    const r = await cli(['plan', '--out', 'no/such/dir/plan.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error: cannot write no/such/dir/plan.json: its directory does not exist\n',
    );
    expect(r.stderr).not.toContain('internal error');
  });

  it('a token set as COMETAPI_BASE_URL is not echoed', async () => {
    const r = await cli(['plan'], { COMETAPI_BASE_URL: 'sk-SeCrEt0123456789' });
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: COMETAPI_BASE_URL: is not a URL (expected e.g. https://api.cometapi.com)\n',
    });
  });
});
