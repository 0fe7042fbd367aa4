/**
 * A saved plan's `handoffs` reveal secrets, so apply checks them against the account, the config
 * and the audit log, and every sink a saved plan names against the config, before anything is
 * sent (docs/plan-format.md#what-apply-checks-in-a-saved-plan).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { aSeedKey } from '../helpers/builders.js';
import { captureIo } from '../helpers/io.js';
import { offline } from '../helpers/offline.js';
import { makeTempDir } from '../helpers/temp.js';

offline();

let emu: Emulator;
let dir: string;
beforeAll(async () => {
  emu = await startEmulator({ seed: [aSeedKey({ name: 'svc' })] });
  dir = makeTempDir('saved-handoffs');
  writeFileSync(path.join(dir, 'package.json'), '{"name":"fixture"}\n');
  writeFileSync(
    path.join(dir, '.cometkeysrc.json'),
    JSON.stringify({
      auditLog: 'audit.jsonl',
      sinks: { local: { file: 'out-{name}.txt', format: 'raw' } },
    }),
  );
});
afterAll(async () => {
  await emu.close();
});

async function cli(argv: string[]) {
  const io = captureIo({
    cwd: dir,
    env: { NO_COLOR: '1', COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token },
  });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  expect((await cli(['export', '--out', 'keys.yaml'])).code).toBe(0);
});

/** The audit log as a failed delivery of key `id` to `sink` leaves it (docs/rotation.md). */
function auditFailedDelivery(id: number, sink: string) {
  const line = { time: new Date().toISOString(), id, name: 'svc', action: 'deliver', sink };
  const record = { ...line, outcome: 'error', fingerprint: null, git_commit: null };
  writeFileSync(path.join(dir, 'audit.jsonl'), `${JSON.stringify(record)}\n`);
}

async function savedPlan(edit: (plan: Record<string, unknown>) => void, files: string[] = []) {
  const saved = await cli(['plan', '--out', 'plan.json', ...files.flatMap((f) => ['-f', f])]);
  expect(saved.err).not.toContain('error');
  expect(saved.code).toBe(0);
  const plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  edit(plan);
  writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
}

function planWithHandoff(handoff: { id: number; name: string; deliver: string[] }) {
  return savedPlan((plan) => {
    plan.handoffs = [handoff];
  });
}

describe('apply of a saved plan with handoffs', () => {
  const id = () => emu.records().find((r) => r.name === 'svc')!.id;

  it.each([
    [
      'an id the account does not hold',
      () => ({ id: 999, name: 'svc', deliver: ['local'] }),
      'names id 999, which the account does not hold',
    ],
    [
      'another name than the key has',
      () => ({ id: id(), name: 'other', deliver: ['local'] }),
      'says "other", but the key is named "svc"',
    ],
    [
      'a sink the config does not define',
      () => ({ id: id(), name: 'svc', deliver: ['elsewhere'] }),
      'names sink "elsewhere", which the config does not define',
    ],
  ])('naming %s is refused before any reveal', async (_what, handoff, why) => {
    await planWithHandoff(handoff());
    emu.clearRequests();
    const run = await cli(['apply', 'plan.json', '--auto-approve']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('refusing the plan, nothing was sent');
    expect(run.err).toContain(why);
    expect(emu.requests().filter((r) => r.method !== 'GET')).toEqual([]);
    expect(existsSync(path.join(dir, 'out-svc.txt'))).toBe(false);
  });

  it('a handoff of a key the audit log shows undelivered is refused without that line', async () => {
    writeFileSync(path.join(dir, 'audit.jsonl'), '');
    await planWithHandoff({ id: id(), name: 'svc', deliver: ['local'] });
    emu.clearRequests();
    const run = await cli(['apply', 'plan.json', '--auto-approve']);
    expect(run.code).toBe(1);
    expect(run.err).toContain(`the audit log shows no undelivered secret for it`);
    expect(emu.requests().filter((r) => r.method !== 'GET')).toEqual([]);
    expect(existsSync(path.join(dir, 'out-svc.txt'))).toBe(false);
  });

  it('a create or rotate naming a sink the config does not define is refused before any write', async () => {
    writeFileSync(
      path.join(dir, 'extra.yaml'),
      'version: 1\nkeys:\n  - name: new-key\n    quota_budget: 500000\n    deliver: [local]\n',
    );
    await savedPlan(
      (plan) => {
        const [create] = plan.changes as Record<string, unknown>[];
        expect(create).toMatchObject({ action: 'create', name: 'new-key', deliver: ['local'] });
        create!.deliver = ['elsewhere'];
      },
      ['keys.yaml', 'extra.yaml'],
    );
    emu.clearRequests();
    const run = await cli(['apply', 'plan.json', '--auto-approve']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('names sink "elsewhere", which the config does not define');
    expect(emu.requests().filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('a handoff of a key it holds, to a defined sink, delivers', async () => {
    auditFailedDelivery(id(), 'local');
    await planWithHandoff({ id: id(), name: 'svc', deliver: ['local'] });
    const run = await cli(['apply', 'plan.json', '--auto-approve']);
    expect(run.err).not.toContain('refusing');
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(dir, 'out-svc.txt'), 'utf8')).toMatch(/^sk-/);
  });
});
