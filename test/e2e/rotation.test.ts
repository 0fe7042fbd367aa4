/**
 * Rotation end to end (docs/rotation.md, issue 13): the built CLI against the emulator with
 * masking on. A key 100 days old with after_days 90 is rotated to a file sink, the next plan is
 * empty, and once its successor is past the overlap the predecessor is disabled. Ages come from
 * seeded and edited `created_time`s; nothing waits.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { findLeaks, tempWorkdir } from './helpers.js';

const DAY = 86_400;
const nowSec = () => Math.floor(Date.now() / 1000);
const generation = () => `backend-prod~${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;

const work = tempWorkdir();
work.write(
  'cometkeys.config.json',
  JSON.stringify({
    sinks: { local: { file: 'secrets/{name}.env', format: 'dotenv' } },
    auditLog: 'audit.jsonl',
  }),
);
work.write(
  'keys.yaml',
  `version: 1
keys:
  - name: backend-prod
    quota_budget: "$2"
    deliver: [local]
    rotate:
      after_days: 90
      overlap_days: 7
`,
);

let emu: Emulator;
let env: Record<string, string>;
beforeAll(async () => {
  const created = nowSec() - 100 * DAY;
  emu = await startEmulator({
    maskKeys: true,
    seed: [
      {
        id: 7,
        name: 'backend-prod',
        remain_quota: 600_000,
        used_quota: 400_000,
        created_time: created,
        accessed_time: created + DAY,
        expired_time: -1,
      },
    ],
  });
  env = { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token };
});
afterAll(async () => {
  await emu.close();
  work.cleanup();
});

const named = (name: string) => emu.records().filter((k) => k.name === name);

describe('rotation through the built CLI', () => {
  it('refuses rotate with an id pin at its line', async () => {
    work.write(
      'pinned.yaml',
      'version: 1\nkeys:\n  - name: x\n    id: 3\n    quota_budget: 1\n    deliver: [local]\n    rotate: { after_days: 9, overlap_days: 1 }\n',
    );
    const r = await runCli(['validate', '-f', 'pinned.yaml'], { cwd: work.dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'pinned.yaml:4:9: error: keys[0].id: a key that declares rotate cannot pin id',
    );
  });

  it('plans one rotate, applies it, delivers the secret, then plans nothing', async () => {
    const plan = await runCli(['plan', '--detailed-exitcode'], { cwd: work.dir, env });
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain('↻ rotate "backend-prod" (id 7, 100 days old)');
    expect(plan.stdout).toContain(`rename id 7 → "${generation()}"`);
    expect(plan.stdout).toContain('0 to delete, 1 to rotate;');

    const json = await runCli(['plan', '--format', 'json'], { cwd: work.dir, env });
    const changes = (JSON.parse(json.stdout) as { changes: { action: string; id: number }[] })
      .changes;
    expect(changes.map((c) => [c.action, c.id])).toEqual([['rotate', 7]]);

    const apply = await runCli(['apply', '--auto-approve'], { cwd: work.dir, env });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const [successor] = named('backend-prod');
    expect(successor && successor.id > 7).toBe(true);
    expect(successor).toMatchObject({ status: 1, remain_quota: 1_000_000, used_quota: 0 });
    expect(named(generation()).map((k) => [k.id, k.status])).toEqual([[7, 1]]);
    const key = successor?.key ?? '';
    const secret = key.startsWith('sk-') ? key : `sk-${key}`;
    expect(readFileSync(path.join(work.dir, 'secrets', 'backend-prod.env'), 'utf8')).toBe(
      `COMETAPI_KEY=${secret}\n`,
    );
    const audit = readFileSync(path.join(work.dir, 'audit.jsonl'), 'utf8');
    expect(
      findLeaks([plan.stdout, json.stdout, apply.stdout, apply.stderr, audit], [secret]),
    ).toEqual([]);

    const again = await runCli(['plan', '--detailed-exitcode'], { cwd: work.dir, env });
    expect(again.code, again.stdout).toBe(0);
  });

  it('disables the predecessor once its successor is past the overlap, then plans nothing', async () => {
    const [successor] = named('backend-prod');
    emu.edit(successor?.id as number, { created_time: nowSec() - 8 * DAY });
    const plan = await runCli(['plan'], { cwd: work.dir, env });
    expect(plan.stdout).toContain(`~ update "${generation()}" (id 7) (predecessor: overlap ended)`);
    const apply = await runCli(['apply', '--auto-approve'], { cwd: work.dir, env });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(emu.get(7)?.status).toBe(2);
    expect(emu.get(successor?.id as number)?.status).toBe(1);
    const again = await runCli(['plan', '--detailed-exitcode'], { cwd: work.dir, env });
    expect(again.code, again.stdout).toBe(0);
  });
});
