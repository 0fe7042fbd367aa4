/**
 * The same workflow against each server generation the emulator models (docs/emulator.md):
 * docs-mode status calls, upstream 2025, and upstream 2026-08 (int32 quota limit, `auto_groups`
 * on every record, token auth with HTTP 401 and a `code`). validate → plan --out → apply PLAN →
 * plan ends in sync on each, with every write body complete and no `auto_groups` echoed back.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadSeedFile,
  startEmulator,
  type Emulator,
  type Generation,
} from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT, tempDirs } from '../helpers/temp.js';

const KEYS = path.join(REPO_ROOT, 'keys.example.yaml');
const GENERATIONS: Generation[] = ['docs', 'upstream-2025', 'upstream-2026-08'];
const workdir = tempDirs('generations');

describe.each(GENERATIONS)('the workflow on generation %s', (generation) => {
  let emu: Emulator | undefined;
  afterEach(async () => {
    await emu?.close();
  });

  it('converges, sends complete bodies and never echoes auto_groups', async () => {
    const seed = loadSeedFile(path.join(REPO_ROOT, 'examples/demo/seed.yaml'));
    // A group the account no longer has: sending it back would be refused on 2026-08.
    const withGroups = seed.map((r) =>
      generation === 'upstream-2026-08' ? { ...r, auto_groups: ['retired-group'] } : r,
    );
    emu = await startEmulator({ generation, seed: withGroups });
    const cwd = workdir();
    const env = { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token };
    const run = (args: string[]) => runCli(args, { cwd, env });

    expect((await run(['validate', '-f', KEYS])).code).toBe(0);
    const planned = await run(['plan', '-f', KEYS, '--out', 'plan.json', '--detailed-exitcode']);
    expect(planned.code, planned.stderr).toBe(2);
    const applied = await run(['apply', 'plan.json', '--allow-delete']);
    expect(applied.stderr).not.toMatch(/error/i);
    expect(applied.stdout).toMatch(
      /Apply: \d+ applied, 0 failed, 0 skipped, 0 missing, 0 did not converge\./,
    );
    expect(applied.code).toBe(0);
    const again = await run(['plan', '-f', KEYS, '--detailed-exitcode']);
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);

    const puts = emu.requests().filter((r) => r.method === 'PUT');
    expect(puts.length).toBeGreaterThan(0);
    for (const put of puts) {
      const body = put.body as Record<string, unknown>;
      for (const field of ['name', 'expired_time', 'remain_quota', 'allow_ips', 'group']) {
        expect(body, `${put.path} lacks ${field}`).toHaveProperty(field);
      }
      expect(body).not.toHaveProperty('auto_groups');
    }
    if (generation === 'upstream-2026-08') {
      // Kept on the seeded keys (never sent, so never re-validated); a created key has none.
      const seeded = new Set(seed.map((r) => r.id));
      for (const r of emu.records()) {
        expect(r.auto_groups).toEqual(seeded.has(r.id) ? ['retired-group'] : null);
      }
    }
  });

  it('a bad token: exit 1, and the hint names the token first', async () => {
    emu = await startEmulator({ generation, seed: 0 });
    const cwd = workdir();
    const run = await runCli(['plan', '-f', KEYS], {
      cwd,
      env: { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: 'not-the-token' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('COMETAPI_ACCESS_TOKEN');
    expect(run.stderr).not.toContain(emu.token);
  });
});
