/**
 * Issue 11 defect 3 through the built CLI, against a server that refuses `remain_quota` above
 * 2,147,483,647 in every body of a limited key (new-api since 2026-08-10).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { tempWorkdir } from './helpers.js';

const MAX = 2_147_483_647;
const BIG = 5_000_000_000;

describe('quotaMaxUnits end to end', () => {
  let emu: Emulator;
  let work: ReturnType<typeof tempWorkdir>;
  beforeEach(async () => {
    work = tempWorkdir({ 'package.json': '{"name":"p"}\n' });
    emu = await startEmulator({
      quotaMax: MAX,
      seed: [{ id: 1, name: 'big', remain_quota: BIG, status: 1 }],
    });
  });
  afterEach(async () => {
    await emu.close();
    work.cleanup();
  });
  const env = () => ({ COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token });
  const cli = (args: string[]) => runCli(args, { cwd: work.dir, env: env() });

  it('disables a key whose stored remain is above the maximum, lowering it to the maximum', async () => {
    work.write(
      'keys.yaml',
      'version: 1\nkeys:\n  - name: big\n    status: disabled\n    ignore_changes: [remain_quota]\n',
    );
    const plan = await cli(['plan', '--detailed-exitcode']);
    expect(plan.stdout).toContain(`remain_quota: ${BIG} ($10000.00) → ${MAX}`);
    expect(plan.stdout).toContain('(server maximum)');
    expect(plan.stdout).toContain('status: enabled → disabled');
    expect(plan.code).toBe(2);

    const apply = await cli(['apply', '--auto-approve']);
    expect(apply.stderr + apply.stdout).not.toContain('exceeds valid range');
    expect(apply.code).toBe(0);
    expect(emu.get(1)).toMatchObject({ status: 2, remain_quota: MAX });

    const again = await cli(['plan', '--detailed-exitcode']);
    expect(again.code).toBe(0);
  });

  it('validate refuses a "$5000" budget, naming the limit and the setting', async () => {
    work.write('keys.yaml', 'version: 1\nkeys:\n  - name: new\n    quota_budget: "$5000"\n');
    const r = await cli(['validate']);
    expect(r.stderr).toContain(
      'keys.yaml:4:19: error: keys[0].quota_budget: quota_budget "$5000" is 2500000000 units, above quotaMaxUnits 2147483647 (about $4,294.97; the server refuses more): lower it, or raise quotaMaxUnits for an older server',
    );
    expect(r.code).toBe(1);
    work.write('cometkeys.config.json', '{"quotaMaxUnits": 500000000000000}\n');
    expect((await cli(['validate'])).code).toBe(0);
  });
});
