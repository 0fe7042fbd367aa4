/**
 * A saved plan is input, not authority (SPEC §4), through the built CLI against the emulator:
 * the three tampered plans of issue 11 are refused with nothing written, and a finished plan
 * run again exits 0.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { Plan } from '../../src/plan/model.js';
import { aSeedKey } from '../helpers/builders.js';
import { runCli } from '../helpers/cli.js';
import { tempWorkdir } from './helpers.js';

const seed = Array.from({ length: 20 }, (_, i) => aSeedKey({ id: i + 1, name: `key-${i + 1}` }));

/** Declares key-1 … key-n with group `team` (a change), and `extra` YAML after them. */
function keyFile(n: number, extra = ''): string {
  const keys = Array.from(
    { length: n },
    (_, i) => `  - name: key-${i + 1}\n    quota_budget: 5000000\n    group: team\n`,
  );
  return `version: 1\nkeys:\n${keys.join('')}${extra}`;
}

describe('apply PLAN: a saved plan is input, not authority', () => {
  let emu: Emulator;
  let work: ReturnType<typeof tempWorkdir>;
  let env: Record<string, string>;
  beforeEach(async () => {
    work = tempWorkdir({ 'package.json': '{"name":"p"}\n' });
    emu = await startEmulator({ seed });
    env = { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token };
  });
  afterEach(async () => {
    await emu.close();
    work.cleanup();
  });

  /** Plans `keys` into plan.json and returns it as JSON, with the requests log emptied. */
  async function savedPlan(keys: string): Promise<Plan> {
    work.write('keys.yaml', keys);
    const made = await runCli(['plan', '--out', 'plan.json'], { cwd: work.dir, env });
    expect(made.code).toBe(0);
    return JSON.parse(readFileSync(path.join(work.dir, 'plan.json'), 'utf8')) as Plan;
  }

  /** Writes the edited plan and applies it. */
  async function applyEdited(plan: Plan, args: string[] = []) {
    writeFileSync(path.join(work.dir, 'plan.json'), JSON.stringify(plan));
    const before = emu.requests().length;
    const run = await runCli(['apply', 'plan.json', ...args], { cwd: work.dir, env });
    const writes = emu
      .requests()
      .slice(before)
      .filter((r) => r.method !== 'GET');
    return { ...run, writes };
  }

  it('refuses an update whose sequence deletes, without --allow-delete or with it', async () => {
    const plan = await savedPlan(keyFile(1));
    const c = plan.changes[0];
    if (!c) throw new Error('no change');
    c.sequence = ['delete'];
    for (const args of [[], ['--allow-delete', '--force']]) {
      const run = await applyEdited(plan, args);
      expect(run.stderr).toContain('update of "key-1" (id 1): its sequence [delete]');
      expect(run.code).toBe(1);
      expect(run.writes).toEqual([]);
    }
    expect(emu.requests().some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('evaluates the safety limits afresh: "safety": [] does not skip --force', async () => {
    const plan = await savedPlan(keyFile(10));
    expect(plan.safety.map((v) => v.limit)).toEqual(['updates']);
    plan.safety = [];
    const run = await applyEdited(plan);
    expect(run.stderr).toContain('updates 10 of 20 keys (50%) > safety.maxUpdatePercent 30');
    expect(run.code).toBe(1);
    expect(run.writes).toEqual([]);
  });

  it('re-validates planned values: expiry 0, unlimited and a comma list are refused', async () => {
    const plan = await savedPlan(keyFile(1));
    const c = plan.changes[0];
    if (!c) throw new Error('no change');
    c.planned.expired_time = 0;
    c.planned.unlimited_quota = true;
    c.planned.allow_ips = '0.0.0.0/0,::/0';
    const shown = await runCli(['show', 'plan.json'], { cwd: work.dir, env });
    const run = await applyEdited(plan);
    expect(run.stderr).toContain('planned expired_time = 0 is not shown in fields');
    expect(run.stderr).toContain('planned unlimited_quota = true is not shown in fields');
    expect(run.stderr).toContain('planned allow_ips: "0.0.0.0/0,::/0" is not an IPv4/IPv6');
    expect(run.code).toBe(1);
    expect(run.writes).toEqual([]);
    expect(shown.code).toBe(0);
    const showTampered = await runCli(['show', 'plan.json'], { cwd: work.dir, env });
    expect(showTampered.stderr).toContain('planned expired_time = 0 is not shown in fields');
    expect(showTampered.code).toBe(1);
  });

  it('a plan saved from a key file with expired_time: 0 (1970-01-01) applies', async () => {
    const keys = keyFile(1).replace('group: team', 'expired_time: 0');
    work.write('keys.yaml', keys);
    const checked = await runCli(['validate'], { cwd: work.dir, env });
    expect(checked.code).toBe(0);
    expect(checked.stderr).toContain('enabled but expired on 1970-01-01');
    expect(checked.stderr).toContain('not never');
    const plan = await savedPlan(keys);
    expect(plan.changes[0]?.planned.expired_time).toBe(0);
    const run = await applyEdited(plan);
    expect(run.stderr).not.toContain('refusing');
    expect(run.stdout).toContain('key-1 (id 1) update: applied');
    expect(run.code).toBe(0);
    expect(emu.records().find((k) => k.id === 1)?.expired_time).toBe(0);
  });

  it('refuses a tampered quota above quotaMaxUnits before any write', async () => {
    const plan = await savedPlan(keyFile(1));
    const c = plan.changes[0];
    if (!c) throw new Error('no change');
    const above = 2_147_483_648;
    c.planned.quota_budget = above;
    c.fields.push({ field: 'quota_budget', before: 5_000_000, after: above });
    const run = await applyEdited(plan);
    expect(run.stderr).toContain(
      `planned quota_budget: quota_budget ${above} is above quotaMaxUnits 2147483647`,
    );
    expect(run.code).toBe(1);
    expect(run.writes).toEqual([]);
    expect(emu.records().find((k) => k.id === 1)?.remain_quota).toBe(5_000_000);
  });

  it('a finished plan run again exits 0: already in the planned state', async () => {
    await savedPlan(keyFile(2, '  - name: new-one\n    quota_budget: 1000\n'));
    const first = await runCli(['apply', 'plan.json'], { cwd: work.dir, env });
    expect(first.code).toBe(0);
    const before = emu.requests().length;
    const again = await runCli(['apply', 'plan.json'], { cwd: work.dir, env });
    expect(again.stdout).not.toContain('changed since plan');
    expect(again.stdout.match(/already in the planned state/g)).toHaveLength(3);
    expect(again.code).toBe(0);
    expect(
      emu
        .requests()
        .slice(before)
        .filter((r) => r.method !== 'GET'),
    ).toEqual([]);
  });
});
