/**
 * `cometkeys report` end to end: the built CLI against the emulator (docs/commands.md#report).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { aSeedKey } from '../helpers/builders.js';
import { runCli } from '../helpers/cli.js';
import { findLeaks, tempWorkdir } from './helpers.js';

const NOW_S = Math.floor(Date.now() / 1000);
const DAY = 86_400;

const seed = [
  aSeedKey({ id: 1, name: 'backend-prod', remain_quota: 30_000_000, used_quota: 20_000_000 }),
  aSeedKey({
    id: 2,
    name: 'a"b`@x',
    remain_quota: 1_000_000,
    used_quota: 4_000_000,
    created_time: NOW_S - 400 * DAY,
    accessed_time: NOW_S - 200 * DAY,
  }),
];

let emu: Emulator;
let env: Record<string, string>;
const work = tempWorkdir({
  'keys.yaml': 'version: 1\nkeys:\n  - name: backend-prod\n    quota_budget: "$100"\n',
});

beforeAll(async () => {
  emu = await startEmulator({ seed, maskKeys: false });
  env = { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token };
});
afterAll(async () => {
  await emu.close();
  work.cleanup();
});

describe('report', () => {
  it('prints markdown with a safe chart of the top spenders and no secret', async () => {
    const r = await runCli(['report', '-f', 'keys.yaml', '--format', 'markdown'], {
      cwd: work.dir,
      env,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('x-axis ["backend-prod", "a_b__x"]');
    expect(r.stdout).toContain('bar [40, 8]');
    expect(r.stdout).toContain('| `"backend-prod"` | 1 | enabled |');
    expect(r.stdout).toContain('1 managed, 1 unmanaged');
    expect(r.stdout).toContain('not used for 200 days');
    const secrets = [emu.token, ...emu.records().map((k) => String(k.key))];
    expect(findLeaks([r.stdout, r.stderr], secrets)).toEqual([]);
  });

  it('has --help with examples, and refuses an unknown format', async () => {
    const help = await runCli(['report', '--help'], { cwd: work.dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--format <format>');
    expect(help.stdout).toContain('$ cometkeys report --format csv > spend.csv');
    const bad = await runCli(['report', '--format', 'xml'], { cwd: work.dir, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('text, markdown, json, csv');
  });
});
