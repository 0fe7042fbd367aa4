/**
 * `export` end to end: the file it writes validates and plans with zero changes (SPEC §8),
 * on generated accounts in both status modes, and never carries a secret.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { findLeaks, tempWorkdir } from './helpers.js';

const started: Emulator[] = [];
const dirs: { cleanup(): void }[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()));
  for (const d of dirs.splice(0)) d.cleanup();
});

async function exportThenPlan(emu: Emulator) {
  const work = tempWorkdir();
  dirs.push(work);
  const env = { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token };
  const exported = await runCli(['export', '--out', 'keys.yaml'], { cwd: work.dir, env });
  const text = readFileSync(path.join(work.dir, 'keys.yaml'), 'utf8');
  const validated = await runCli(['validate'], { cwd: work.dir });
  const planned = await runCli(['plan', '--detailed-exitcode', '--format', 'json'], {
    cwd: work.dir,
    env,
  });
  const secrets = [emu.token, ...emu.records().map((r) => String(r.key))];
  return { exported, text, validated, planned, secrets };
}

describe('export → plan', () => {
  for (const statusMode of ['upstream', 'docs'] as const) {
    for (const seedRandom of [1, 2, 3]) {
      it(`plans zero changes (${statusMode}, seed ${seedRandom})`, async () => {
        const emu = await startEmulator({ seed: 80, seedRandom, statusMode, maskKeys: false });
        started.push(emu);
        const r = await exportThenPlan(emu);
        expect(r.exported.code, r.exported.stderr).toBe(0);
        expect(r.validated.code, r.validated.stderr + r.validated.stdout).toBe(0);
        expect(r.planned.stderr).not.toContain('error');
        expect(r.planned.code, r.planned.stdout.slice(0, 2000)).toBe(0);
        const plan = JSON.parse(r.planned.stdout) as { changes: unknown[]; missing: unknown[] };
        expect(plan.changes).toEqual([]);
        expect(plan.missing).toEqual([]);
        expect(r.text).toContain('id: ');
        expect(findLeaks([r.text, r.exported.stdout, r.exported.stderr], r.secrets)).toEqual([]);
      });
    }
  }

  it('leaves out stored values the validator would reject, with a warning, and still plans clean', async () => {
    const emu = await startEmulator({
      seed: [
        { id: 1, name: 'fine', remain_quota: 10, allow_ips: '10.0.0.1' },
        { id: 2, name: 'comma-ips', remain_quota: 10, allow_ips: '10.0.0.1,10.0.0.2' },
        {
          id: 3,
          name: 'spaced-model',
          remain_quota: 10,
          model_limits_enabled: true,
          model_limits: 'gpt 4o',
        },
        { id: 4, name: ' padded ', remain_quota: 10 },
      ],
    });
    started.push(emu);
    const r = await exportThenPlan(emu);
    expect(r.exported.code).toBe(0);
    expect(r.exported.stderr).toContain('warning');
    expect(r.text).toContain('ignore_changes');
    expect(r.validated.code, r.validated.stderr).toBe(0);
    expect(r.planned.code, r.planned.stdout.slice(0, 2000)).toBe(0);
  });
});
