/**
 * Signal, not noise (SPEC §13), end to end: the built CLI against a 2,000-key account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { tempWorkdir } from './helpers.js';

const TWO_KEYS = `version: 1
keys:
  - name: team-alpha
    quota_budget: 1000000
  - name: team-beta
    quota_budget: 1000000
`;

/** 60 keys whose IP entries have host bits set: one warning kind, 60 times. */
const NOISY = `version: 1
keys:
${Array.from(
  { length: 60 },
  (_, i) => `  - name: noisy-${i}\n    quota_budget: 1000\n    allow_ips: [10.0.${i}.1/24]\n`,
).join('')}`;

let emu: Emulator;
let env: Record<string, string>;
const work = tempWorkdir({ 'keys.yaml': TWO_KEYS, 'noisy.yaml': NOISY });

beforeAll(async () => {
  emu = await startEmulator({ seed: 2000, maxKeys: 5000 });
  env = { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token };
});
afterAll(async () => {
  await emu.close();
  work.cleanup();
});

const lines = (s: string): number => (s === '' ? 0 : s.replace(/\n$/, '').split('\n').length);

describe('a 2-key file against a 2,000-key account', () => {
  it('plan prints fewer than 40 lines in all, saying what happens to the unmanaged keys', async () => {
    const r = await runCli(['plan'], { cwd: work.dir, env });
    expect(r.code).toBe(0);
    expect(lines(r.stdout) + lines(r.stderr)).toBeLessThan(40);
    expect(r.stdout).toContain('Unmanaged (2000; left alone: unmanaged.action is ignore):');
    expect(r.stdout).toContain('(and 1990 more; --format json lists all)');
    expect(r.stdout).toContain(
      'Plan: 2 to create, 0 to update, 0 to delete; 0 unchanged, 2000 unmanaged (left alone: unmanaged.action is ignore).',
    );
  });

  it('keeps the counts and every unmanaged key in --format json', async () => {
    const r = await runCli(['plan', '--format', 'json'], { cwd: work.dir, env });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as {
      summary: { create: number; unmanaged: number };
      unmanaged: unknown[];
    };
    expect(plan.summary).toMatchObject({ create: 2, unmanaged: 2000 });
    expect(plan.unmanaged).toHaveLength(2000);
  });
});

describe('key-file warnings on stderr', () => {
  it('show 3 of a kind and count the rest; --all-warnings shows all; --quiet none', async () => {
    const r = await runCli(['validate', '-f', 'noisy.yaml'], { cwd: work.dir, env });
    expect(r.code).toBe(0);
    expect(r.stderr.match(/has host bits set/g)).toHaveLength(3);
    expect(r.stderr).toContain('warning: (and 57 more like this; --all-warnings shows them)');
    expect(r.stdout).toContain('1 file, 60 keys: valid (60 warnings).');
    const all = await runCli(['--all-warnings', 'validate', '-f', 'noisy.yaml'], {
      cwd: work.dir,
      env,
    });
    expect(all.stderr.match(/has host bits set/g)).toHaveLength(60);
    const quiet = await runCli(['--quiet', 'validate', '-f', 'noisy.yaml'], { cwd: work.dir, env });
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toContain('valid (60 warnings)');
  });

  it('holds every warning in validate --format json', async () => {
    const r = await runCli(['validate', '-f', 'noisy.yaml', '--format', 'json'], {
      cwd: work.dir,
      env,
    });
    const doc = JSON.parse(r.stdout) as { warnings: { kind?: string }[] };
    expect(doc.warnings).toHaveLength(60);
    expect(doc.warnings.every((w) => w.kind === 'host-bits')).toBe(true);
  });
});
