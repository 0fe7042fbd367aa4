/**
 * `report`, and last use in `plan` and `drift`, through the CLI (in process) against the
 * emulator seeded with `accessed_time` (docs/commands.md#report, docs/plan-format.md#last-use).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { Report } from '../../src/report/index.js';
import { aSeedKey } from '../helpers/builders.js';
import { captureIo } from '../helpers/io.js';
import { makeTempDir, removeDir } from '../helpers/temp.js';

const DAY = 86_400;
const NOW = new Date('2026-11-26T12:00:00Z');
const NOW_SEC = NOW.getTime() / 1000;
const CREATED = NOW_SEC - 400 * DAY;

const seed = [
  aSeedKey({
    id: 1,
    name: 'backend-prod',
    remain_quota: 30_000_000,
    used_quota: 20_000_000,
    created_time: CREATED,
    accessed_time: NOW_SEC - DAY,
  }),
  aSeedKey({
    id: 2,
    name: 'batch',
    remain_quota: 1_000_000,
    used_quota: 4_000_000,
    created_time: CREATED,
    accessed_time: NOW_SEC - 200 * DAY,
  }),
  aSeedKey({ id: 3, name: 'spare', created_time: CREATED, accessed_time: CREATED }),
  aSeedKey({ id: 4, name: '=cmd|calc', used_quota: 1_000_000, created_time: CREATED }),
];

const KEYS = `version: 1
keys:
  - name: backend-prod
    quota_budget: "$100"
  - name: batch
    quota_budget: "$10"
  - name: spare
    quota_budget: "$10"
`;

let emu: Emulator;
let dir: string;

beforeAll(async () => {
  emu = await startEmulator({ seed });
  dir = makeTempDir('report-emu');
  writeFileSync(path.join(dir, 'package.json'), '{"name":"fixture"}\n');
  writeFileSync(path.join(dir, 'keys.yaml'), KEYS);
});
afterAll(async () => {
  await emu.close();
  removeDir(dir);
});

async function run(args: string[]) {
  const io = captureIo({
    cwd: dir,
    now: () => NOW,
    env: { NO_COLOR: '1', COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token },
  });
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('report against the emulator', () => {
  it('lists every key by spend, marks managed keys from -f, and never a secret', async () => {
    const r = await run(['report', '-f', 'keys.yaml', '--format', 'json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as Report;
    expect(report.keys.map((k) => [k.name, k.spent, k.managed, k.unused?.kind ?? null])).toEqual([
      ['backend-prod', 20_000_000, true, null],
      ['batch', 4_000_000, true, 'unused'],
      ['=cmd|calc', 1_000_000, false, 'never-used'],
      ['spare', 0, true, 'never-used'],
    ]);
    expect(report.totals).toMatchObject({ keys: 4, spent: 25_000_000, managed: 3, unmanaged: 1 });
    for (const rec of emu.records()) expect(r.out).not.toContain(String(rec.key).slice(3));
  });

  it('writes CSV a spreadsheet cannot run', async () => {
    const r = await run(['report', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.out.split('\r\n')[3]).toMatch(/^'=cmd\|calc,4,1,1000000,2\.00,/);
  });

  it('works without key files: nothing is marked managed', async () => {
    const r = await run(['report']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).not.toContain('MANAGED');
    expect(r.out).toContain('Total: 4 keys (0 unlimited); spent 25000000 ($50.00);');
  });
});

describe('last use against the emulator', () => {
  it('warns in plan and has its own section in drift', async () => {
    const plan = await run(['plan']);
    expect(plan.code).toBe(0);
    expect(plan.out).toContain('! "batch" (id 2): not used for 200 days (last used 2026-05-10)');
    expect(plan.out).toContain('! "spare" (id 3): never used, created 400 days ago (2025-10-22)');
    expect(plan.out).toContain('Quota: 0 ($0.00) added, 0 ($0.00) removed; 0 new unlimited keys.');
    const drift = await run(['drift']);
    expect(drift.code).toBe(0);
    expect(drift.out).toContain('Last use (2 enabled keys unused; 1 never-used, 1 unused):');
  });

  it('makes policy.maxUnusedDays an error in plan (exit 1)', async () => {
    writeFileSync(path.join(dir, 'cometkeys.config.json'), '{"policy":{"maxUnusedDays":300}}\n');
    try {
      const r = await run(['plan']);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toContain(
        'policy maxUnusedDays (300): "spare" (id 3) never used, created 400 days ago (2025-10-22)',
      );
      expect(r.err).not.toContain('"batch"');
    } finally {
      writeFileSync(path.join(dir, 'cometkeys.config.json'), '{}\n');
    }
  });
});
