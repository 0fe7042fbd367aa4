/**
 * `plan`, `drift`, `show` end to end: the built CLI against a seeded emulator.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { aSeedKey } from '../helpers/builders.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/temp.js';
import { findLeaks, tempWorkdir } from './helpers.js';

const NOW_S = Math.floor(Date.now() / 1000);
const YEAR_S = 365 * 24 * 3600;

const seed = [
  aSeedKey({
    id: 1,
    name: 'backend-prod',
    remain_quota: 40_000_000,
    used_quota: 10_000_000,
    model_limits_enabled: true,
    model_limits: 'gpt-4o-mini,claude-sonnet-4-5',
    allow_ips: '198.51.100.10',
  }),
  aSeedKey({
    id: 2,
    name: 'ci-runner',
    expired_time: NOW_S + YEAR_S,
    remain_quota: 0,
    unlimited_quota: true,
    allow_ips: '10.0.0.1',
  }),
  aSeedKey({ id: 3, name: 'old-intern', remain_quota: 100 }),
];

const expiry = new Date((NOW_S + YEAR_S) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

const KEYS = `version: 1
keys:
  - name: backend-prod
    quota_budget: "$100"
    model_limits: [gpt-4o-mini, claude-sonnet-4-5]
    allow_ips: [198.51.100.10]
  - name: ci-runner
    expired_time: "${expiry}"
    unlimited_quota: true
    allow_ips: [10.0.0.1, 10.0.0.2]
  - name: new-service
    quota_budget: 1000000
`;

const IN_SYNC = `version: 1
keys:
  - name: backend-prod
    quota_budget: "$100"
    model_limits: [gpt-4o-mini, claude-sonnet-4-5]
    allow_ips: [198.51.100.10]
  - name: ci-runner
    expired_time: "${expiry}"
    unlimited_quota: true
    allow_ips: [10.0.0.1]
  - name: old-intern
    quota_budget: 100
`;

let emu: Emulator;
let env: Record<string, string>;
const work = tempWorkdir({ 'keys.yaml': KEYS, 'sync.yaml': IN_SYNC });

beforeAll(async () => {
  emu = await startEmulator({ seed, maskKeys: false });
  env = { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token };
});
afterAll(async () => {
  await emu.close();
  work.cleanup();
});

function secrets(): string[] {
  return [emu.token, ...emu.records().map((r) => String(r.key))];
}

describe('plan', () => {
  it('shows the differences and exits 2 with --detailed-exitcode', async () => {
    const r = await runCli(['plan', '--detailed-exitcode'], { cwd: work.dir, env });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('new-service');
    expect(r.stdout).toContain('10.0.0.2');
    expect(r.stdout).toContain(
      'Plan: 1 to create, 1 to update, 0 to delete; 1 unchanged, 1 unmanaged (left alone: unmanaged.action is ignore).',
    );
    expect(findLeaks([r.stdout, r.stderr], secrets())).toEqual([]);
  });

  it('exits 0 without --detailed-exitcode even with changes', async () => {
    const r = await runCli(['plan'], { cwd: work.dir, env });
    expect(r.code).toBe(0);
  });

  it('exits 0 and says no changes when the account matches', async () => {
    const r = await runCli(['plan', '-f', 'sync.yaml', '--detailed-exitcode'], {
      cwd: work.dir,
      env,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No changes. 3 keys match the key files.');
  });

  it('limits the plan to --target names', async () => {
    const r = await runCli(['plan', '--target', 'ci-*', '--format', 'json'], {
      cwd: work.dir,
      env,
    });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { changes: { name: string; action: string }[] };
    expect(plan.changes.map((c) => `${c.action} ${c.name}`)).toEqual(['update ci-runner']);
  });

  it('writes JSON that the plan schema accepts, and saves it with --out', async () => {
    const r = await runCli(['plan', '--format', 'json', '--out', 'plan.json'], {
      cwd: work.dir,
      env,
    });
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as Record<string, unknown>;
    const saved = JSON.parse(readFileSync(path.join(work.dir, 'plan.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const schema = JSON.parse(
      readFileSync(path.join(REPO_ROOT, 'schemas', 'plan.schema.json'), 'utf8'),
    ) as { $schema?: string };
    const ajv = schema.$schema?.includes('2020')
      ? new Ajv2020.default({ allErrors: true, strict: false })
      : new Ajv.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(printed), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(saved), JSON.stringify(validate.errors)).toBe(true);
    expect(printed.summary).toEqual({
      create: 1,
      update: 1,
      delete: 0,
      unchanged: 1,
      unmanaged: 1,
      missing: 0,
      // The money line: the create of new-service adds its budget of 1000000.
      quota_added: 1_000_000,
      quota_removed: 0,
      new_unlimited: 0,
    });
    expect(printed.base_url).toBe(emu.url);
    const text = readFileSync(path.join(work.dir, 'plan.json'), 'utf8');
    expect(findLeaks([text], secrets())).toEqual([]);
  });

  it('refuses an invalid key file before any request, pointing at file:line:col', async () => {
    work.write(
      'bad.yaml',
      'version: 1\nkeys:\n  - name: x\n    quota_budget: 5\n    allow_ips: [10.0.0.300]\n',
    );
    emu.clearRequests();
    const r = await runCli(['plan', '-f', 'bad.yaml'], { cwd: work.dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:5:\d+: error: keys\[0\]\.allow_ips\[0\]/);
    expect(emu.requests()).toEqual([]);
  });

  it('exits 1 and says where to get a token when none is set', async () => {
    const r = await runCli(['plan'], { cwd: work.dir, env: { COMETAPI_BASE_URL: emu.url } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('COMETAPI_ACCESS_TOKEN');
  });

  it('exits 1 on a wrong token without echoing it', async () => {
    const r = await runCli(['plan'], {
      cwd: work.dir,
      env: { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: 'wrong-token-value-123' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('wrong-token-value-123');
  });
});

describe('drift', () => {
  it('exits 2 and heads the output as a drift report when the account drifted', async () => {
    const r = await runCli(['drift'], { cwd: work.dir, env });
    expect(r.code).toBe(2);
    expect(r.stdout.toLowerCase()).toContain('drift');
  });

  it('exits 0 when in sync', async () => {
    const r = await runCli(['drift', '-f', 'sync.yaml'], { cwd: work.dir, env });
    expect(r.code).toBe(0);
  });
});

describe('show', () => {
  it('renders a saved plan offline and warns when it is older than 24 h', async () => {
    const made = await runCli(['plan', '--out', 'old.json'], { cwd: work.dir, env });
    expect(made.code).toBe(0);
    const fresh = await runCli(['show', 'old.json'], { cwd: work.dir });
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain('Plan: 1 to create, 1 to update');
    expect(fresh.stderr).not.toContain('hours ago');

    const file = path.join(work.dir, 'old.json');
    const plan = JSON.parse(readFileSync(file, 'utf8')) as { created_at: string };
    plan.created_at = new Date(Date.now() - 30 * 3600 * 1000).toISOString();
    writeFileSync(file, JSON.stringify(plan));
    const old = await runCli(['show', 'old.json', '--format', 'markdown'], {
      cwd: work.dir,
    });
    expect(old.code).toBe(0);
    expect(old.stderr).toContain('30 hours ago');
    expect(old.stdout).toContain('<details>');
  });

  it('refuses a file that is not a plan', async () => {
    work.write('junk.json', '{"hello": 1}');
    const r = await runCli(['show', 'junk.json'], { cwd: work.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('junk.json');
  });
});

describe('markdown for pull requests', () => {
  it('stays under 60,000 characters on a 2,000-key plan and points to the JSON plan', async () => {
    const models = Array.from({ length: 8 }, (_, i) => `model-number-${i}`).join(', ');
    const lines = ['version: 1', 'keys:'];
    for (let i = 0; i < 2000; i++) {
      lines.push(`  - name: service-${String(i).padStart(4, '0')}`, '    quota_budget: 1000');
      lines.push(`    model_limits: [${models}]`);
    }
    work.write('big.yaml', `${lines.join('\n')}\n`);
    const r = await runCli(['plan', '-f', 'big.yaml', '--format', 'markdown'], {
      cwd: work.dir,
      env,
    });
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeLessThan(60_000);
    expect(r.stdout).toContain('2000');
    expect(r.stdout.toLowerCase()).toContain('json');
  });
});
