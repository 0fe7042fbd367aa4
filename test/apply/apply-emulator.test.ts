/**
 * plan → apply → plan on a seeded emulator, in both status modes, through the CLI in-process
 * (the real client over HTTP on 127.0.0.1): every PUT body complete, server-owned states
 * revived, creates (also disabled ones) finished, and a second plan with no changes.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EDITABLE_FIELDS } from '../../src/api/body.js';
import type { CliIo } from '../../src/cli/context.js';
import { readGitCommit } from '../../src/cli/commands/apply.js';
import { runCli } from '../../src/cli/main.js';
import {
  startEmulator,
  type Emulator,
  type SeedRecord,
  type StatusMode,
} from '../../src/emulator/index.js';
import { captureIo } from '../helpers/io.js';
import { offline } from '../helpers/offline.js';
import { tempDirs } from '../helpers/temp.js';
import { aSeedKey } from '../helpers/builders.js';

const NOW_S = Math.floor(Date.now() / 1000);
const DAY_S = 86_400;
const FUTURE = new Date((NOW_S + 365 * DAY_S) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const FUTURE_S = Math.floor(Date.parse(FUTURE) / 1000);

const base = aSeedKey({ remain_quota: 1_000_000 });

/** Keys the file manages, and 20 bystanders so the safety limits stay out of the way. */
function seed(): SeedRecord[] {
  return [
    {
      ...base,
      id: 1,
      name: 'plain',
      allow_ips: '10.0.0.1',
      model_limits_enabled: true,
      model_limits: 'gpt-4o',
    },
    { ...base, id: 2, name: 'to-disable', remain_quota: 500, used_quota: 500 },
    { ...base, id: 3, name: 'to-enable', status: 2 },
    { ...base, id: 4, name: 'expired', status: 3, expired_time: NOW_S - DAY_S },
    { ...base, id: 5, name: 'exhausted', status: 4, remain_quota: 0, used_quota: 1_000_000 },
    ...Array.from({ length: 20 }, (_, i) => ({ ...base, id: 100 + i, name: `bystander-${i}` })),
  ];
}

const KEYS = `version: 1
defaults:
  quota_budget: 1000000
keys:
  - name: plain
    model_limits: [gpt-4o, claude-sonnet-4-5]
    allow_ips: [10.0.0.1]
    group: team
  - name: to-disable
    status: disabled
    group: quarantine
  - name: to-enable
    expired_time: "${FUTURE}"
  - name: expired
    expired_time: "${FUTURE}"
  - name: exhausted
    quota_budget: 3000000
  - name: new-enabled
    model_limits: [gpt-4o]
  - name: new-disabled
    status: disabled
    allow_ips: [192.0.2.0/24]
`;

let dir: string;
const tempDir = tempDirs('apply');
offline();
beforeEach(() => {
  dir = tempDir();
  writeFileSync(path.join(dir, 'keys.yaml'), KEYS);
});

async function cli(emu: Emulator, argv: string[], stdin?: CliIo['stdin']) {
  const io = captureIo({
    cwd: dir,
    env: { NO_COLOR: '1', COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token },
    ...(stdin ? { stdin } : {}),
  });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

function secretsOf(emu: Emulator): string[] {
  return [emu.token, ...emu.records().map((r) => r.key)];
}

describe.each<StatusMode>(['upstream', 'docs'])(
  'apply against the emulator, %s mode',
  (statusMode) => {
    let emu: Emulator;
    beforeEach(async () => {
      emu = await startEmulator({ seed: seed(), statusMode, maskKeys: false });
    });
    afterEach(async () => {
      await emu.close();
    });

    it('converges: plan → apply → plan shows no changes, with complete bodies', async () => {
      const applied = await cli(emu, [
        'apply',
        '--auto-approve',
        '--audit-log',
        'audit.jsonl',
        '--new-keys-out',
        'new-keys.json',
      ]);
      expect(applied.err).not.toContain('error');
      expect(applied.out).toContain(
        'Apply: 7 applied, 0 failed, 0 skipped, 0 missing, 0 did not converge.',
      );
      expect(applied.code).toBe(0);

      const again = await cli(emu, ['plan', '--detailed-exitcode']);
      expect(again.out).toContain('No changes.');
      expect(again.code).toBe(0);

      const byName = new Map(emu.records().map((r) => [r.name, r]));
      expect(byName.get('plain')).toMatchObject({
        group: 'team',
        allow_ips: '10.0.0.1',
        remain_quota: 1_000_000,
      });
      expect(byName.get('to-disable')).toMatchObject({
        status: 2,
        group: 'quarantine',
        remain_quota: 999_500,
      });
      expect(byName.get('to-enable')).toMatchObject({ status: 1, expired_time: FUTURE_S });
      expect(byName.get('expired')).toMatchObject({ status: 1, expired_time: FUTURE_S });
      expect(byName.get('exhausted')).toMatchObject({ status: 1, remain_quota: 2_000_000 });
      expect(byName.get('new-disabled')).toMatchObject({
        status: 2,
        model_limits_enabled: false,
        allow_ips: '192.0.2.0/24',
      });
      expect(byName.get('bystander-3')).toMatchObject({ ...base, name: 'bystander-3' });

      const puts = emu.requests().filter((r) => r.method === 'PUT');
      expect(puts.length).toBeGreaterThan(0);
      for (const put of puts) {
        for (const field of EDITABLE_FIELDS) expect(put.body).toHaveProperty(field);
        expect(put.body).not.toHaveProperty('key');
      }
      // Disabling: the status call first, then the fields.
      const toDisable = puts.filter((r) => (r.body as { id: number }).id === 2);
      expect(toDisable.map((r) => r.query.status_only ?? 'plain')).toEqual(['true', 'plain']);

      const audit = readFileSync(path.join(dir, 'audit.jsonl'), 'utf8').trimEnd().split('\n');
      // One line per write attempt, and one per delivery to the --new-keys-out file.
      const lines = audit.map((l) => JSON.parse(l) as Record<string, unknown>);
      const deliveries = lines.filter((l) => l.action === 'deliver');
      expect(lines.length - deliveries.length).toBe(
        emu.requests().filter((r) => r.method !== 'GET').length,
      );
      // Every write line records the HTTP status of the write's own answer.
      const writes = lines.filter((l) => l.action !== 'deliver');
      expect(
        writes.map((l) => `${String(l.step)}:${String(l.outcome)}:${String(l.http_status)}`),
      ).toEqual(writes.map((l) => `${String(l.step)}:ok:200`));
      expect(new Set(writes.map((l) => l.step))).toEqual(
        new Set(['create', 'create_inert', 'update', 'enable', 'disable']),
      );
      expect(
        deliveries.map((d) => `${String(d.name)}:${String(d.sink)}:${String(d.outcome)}`).sort(),
      ).toEqual(['new-disabled:--new-keys-out:ok', 'new-enabled:--new-keys-out:ok']);
      const newKeys = path.join(dir, 'new-keys.json');
      expect(statSync(newKeys).mode & 0o777).toBe(0o600);
      const created = JSON.parse(readFileSync(newKeys, 'utf8')) as {
        name: string;
        secret: string;
      }[];
      expect(created.map((k) => k.name).sort()).toEqual(['new-disabled', 'new-enabled']);
      expect(created.every((k) => k.secret.startsWith('sk-'))).toBe(true);

      const texts = [applied.out, applied.err, again.out, again.err, audit.join('\n')];
      for (const secret of secretsOf(emu)) for (const t of texts) expect(t).not.toContain(secret);
    });

    it('applies a saved plan, skipping a key changed since, and writing nothing to it', async () => {
      expect((await cli(emu, ['plan', '--out', 'plan.json'])).code).toBe(0);
      emu.edit(1, { group: 'edited-elsewhere' });
      emu.clearRequests();

      const r = await cli(emu, ['apply', 'plan.json', '--format', 'json', '--verbose']);
      expect(r.code).toBe(3);
      const ledger = JSON.parse(r.out) as { entries: { id: number; outcome: string }[] };
      expect(ledger.entries.find((e) => e.id === 1)).toMatchObject({ outcome: 'skipped' });
      expect(ledger.entries.filter((e) => e.outcome === 'applied')).toHaveLength(6);
      const writesTo1 = emu
        .requests()
        .filter((q) => q.method !== 'GET' && (q.body as { id?: number } | undefined)?.id === 1);
      expect(writesTo1).toEqual([]);
      expect(emu.get(1)?.group).toBe('edited-elsewhere');
      for (const secret of secretsOf(emu)) expect(r.out + r.err).not.toContain(secret);
    });

    it('carries out the unmanaged actions: disable, and delete with --allow-delete', async () => {
      const config = (action: string) =>
        writeFileSync(
          path.join(dir, 'cometkeys.config.json'),
          JSON.stringify({ unmanaged: { action, ignoreNames: ['bystander-1*'] } }),
        );
      config('disable');
      const disabled = await cli(emu, ['apply', '--auto-approve', '--force=deletes']);
      expect(disabled.code).toBe(0);
      expect(emu.get(100)).toMatchObject({ ...base, name: 'bystander-0', status: 2 });
      expect(emu.get(110)?.status).toBe(1);

      config('delete');
      expect((await cli(emu, ['plan', '--out', 'plan.json'])).code).toBe(0);
      emu.remove(102);
      const deleted = await cli(emu, ['apply', 'plan.json', '--allow-delete', '--force=deletes']);
      expect(deleted.code).toBe(0);
      expect(deleted.out).toContain('bystander-2 (id 102) delete: applied (already deleted)');
      const left = emu.records().filter((r) => r.name.startsWith('bystander'));
      // `bystander-1*` is exempt from the action: bystander-1 and bystander-10..19 stay.
      expect(left.map((r) => r.name)).toEqual([
        'bystander-1',
        ...Array.from({ length: 10 }, (_, i) => `bystander-1${i}`),
      ]);
    });
  },
);

describe('apply refusals', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ seed: seed() });
  });
  afterEach(async () => {
    await emu.close();
  });

  const writes = () => emu.requests().filter((r) => r.method !== 'GET');

  it('needs --auto-approve without a terminal, and writes nothing', async () => {
    const r = await cli(emu, ['apply']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--auto-approve');
    expect(writes()).toEqual([]);
  });

  it('asks on a terminal and applies only after "yes"', async () => {
    const terminal = (answer: string) => {
      const stdin = Object.assign(new PassThrough(), { isTTY: true });
      stdin.end(answer);
      return stdin;
    };
    const declined = await cli(emu, ['apply'], terminal('no\n'));
    expect(declined.code).toBe(1);
    expect(declined.err).toContain("Only 'yes' will be accepted");
    expect(declined.err).toContain('Apply cancelled');
    expect(writes()).toEqual([]);

    const accepted = await cli(emu, ['apply'], terminal('yes\n'));
    expect(accepted.code).toBe(0);
    expect(accepted.out).toContain('\n\nexhausted (id 5) update: applied\n');
    expect(writes().length).toBeGreaterThan(0);
  });

  it('refuses deletes without --allow-delete before any write', async () => {
    writeFileSync(
      path.join(dir, 'cometkeys.config.json'),
      JSON.stringify({ unmanaged: { action: 'delete' } }),
    );
    const r = await cli(emu, ['apply', '--auto-approve', '--force']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--allow-delete');
    expect(writes()).toEqual([]);
  });

  it('refuses a safety limit, naming it, unless forced', async () => {
    writeFileSync(
      path.join(dir, 'cometkeys.config.json'),
      JSON.stringify({ safety: { maxUpdatePercent: 5, minKeys: 1 } }),
    );
    const refused = await cli(emu, ['apply', '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('safety.maxUpdatePercent');
    expect(refused.err).toContain('--force=updates');
    expect(writes()).toEqual([]);

    const forced = await cli(emu, ['apply', '--auto-approve', '--force=updates']);
    expect(forced.code).toBe(0);
  });

  it('refuses PLAN with -f or --target, and a plan for another origin', async () => {
    expect((await cli(emu, ['plan', '--out', 'plan.json'])).code).toBe(0);
    const mixed = await cli(emu, ['apply', 'plan.json', '--target', 'plain']);
    expect(mixed.code).toBe(1);
    expect(mixed.err).toContain('cannot be combined');

    const plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    writeFileSync(
      path.join(dir, 'other.json'),
      JSON.stringify({ ...plan, base_url: 'http://127.0.0.1:1' }),
    );
    emu.clearRequests();
    const other = await cli(emu, ['apply', 'other.json']);
    expect(other.code).toBe(1);
    expect(other.err).toContain('was made for http://127.0.0.1:1');
    expect(emu.requests()).toEqual([]);

    writeFileSync(path.join(dir, 'v2.json'), JSON.stringify({ ...plan, format_version: 2 }));
    const v2 = await cli(emu, ['apply', 'v2.json']);
    expect(v2.code).toBe(1);
    expect(v2.err).toContain('format_version 2 is not supported');

    const account = { user_id: 999 };
    writeFileSync(path.join(dir, 'account.json'), JSON.stringify({ ...plan, account }));
    const foreign = await cli(emu, ['apply', 'account.json']);
    expect(foreign.code).toBe(1);
    expect(foreign.err).toContain('was made for account 999, not 1');
    expect(writes()).toEqual([]);
  });

  it('says "No changes." for a saved plan without changes', async () => {
    writeFileSync(
      path.join(dir, 'keys.yaml'),
      'version: 1\nkeys:\n  - name: plain\n    quota_budget: 1000000\n    model_limits: [gpt-4o]\n    allow_ips: [10.0.0.1]\n',
    );
    expect((await cli(emu, ['plan', '--out', 'plan.json'])).code).toBe(0);
    const r = await cli(emu, ['apply', 'plan.json']);
    expect(r.out).toBe('No changes.\n');
    expect(r.code).toBe(0);
  });
});

describe('readGitCommit', () => {
  it('gives the commit inside a git work tree and null outside one', async () => {
    expect(await readGitCommit(process.cwd())).toMatch(/^[0-9a-f]{40}$/);
    expect(await readGitCommit(dir)).toBeNull();
  });
});
