/**
 * Secret handoff end to end (SPEC §11, issue 12): the built CLI against the emulator with
 * masking and reveal routes on, a `command` sink and a `file` sink from the config.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { findLeaks, tempWorkdir } from './helpers.js';
import { startTamperProxy } from './tamper-proxy.js';

// Writes its stdin to the file named by its first argument.
const COPY_STDIN =
  "const c=[];process.stdin.on('data',(d)=>c.push(d));" +
  "process.stdin.on('end',()=>require('fs').writeFileSync(process.argv[1],Buffer.concat(c)))";
const FAIL = "process.stdin.resume();process.stdin.on('end',()=>process.exit(1))";

const work = tempWorkdir();
const config = {
  sinks: {
    ci: { command: [process.execPath, '-e', COPY_STDIN, path.join(work.dir, 'ci-{name}.txt')] },
    local: { file: 'secrets/{name}.env', format: 'dotenv' },
    broken: { command: [process.execPath, '-e', FAIL] },
  },
};
work.write('cometkeys.config.json', JSON.stringify(config));
work.write(
  'keys.yaml',
  `version: 1
defaults:
  quota_budget: 1000000
  deliver: [ci, local]
keys:
  - name: svc-a
  - name: svc-b
  - name: svc-c
    deliver: [local]
`,
);
work.write(
  'more.yaml',
  `version: 1
keys:
  - name: svc-d
    quota_budget: 1000
    deliver: [broken, local]
`,
);

let emu: Emulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startEmulator({ maskKeys: true });
  env = { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token };
});
afterAll(async () => {
  await emu.close();
  work.cleanup();
});

const read = (name: string) => readFileSync(path.join(work.dir, name), 'utf8');
const secretOf = (which: string | number) => {
  const r = emu.records().find((k) => (typeof which === 'number' ? k.id : k.name) === which);
  if (!r) throw new Error(`no key ${which}`);
  return r.key.startsWith('sk-') ? r.key : `sk-${r.key}`;
};

describe('apply delivers new keys to their sinks', () => {
  it('validates an unknown sink at its line', async () => {
    work.write(
      'bad.yaml',
      'version: 1\nkeys:\n  - name: x\n    quota_budget: 1\n    deliver: [nope]\n',
    );
    const r = await runCli(['validate', '-f', 'bad.yaml'], { cwd: work.dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.yaml:5:15: error: keys[0].deliver[0]: unknown sink "nope"');
    expect(r.stderr).toContain('defined: ci, local, broken');
  });

  it('shows the sinks in the plan, then delivers three keys with one reveal call', async () => {
    const plan = await runCli(['plan', '-f', 'keys.yaml'], { cwd: work.dir, env });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('secret → ci, local');
    expect(plan.stdout).toContain('secret → local');
    emu.clearRequests();
    const r = await runCli(
      ['apply', '--auto-approve', '-f', 'keys.yaml', '--audit-log', 'audit.jsonl'],
      { cwd: work.dir, env },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const reveals = emu.requests().filter((q) => /\/key(s)?$/.test(q.path));
    expect(reveals.map((q) => q.path)).toEqual(['/api/token/batch/keys']);
    const secrets = ['svc-a', 'svc-b', 'svc-c'].map(secretOf);
    for (const s of secrets) expect(s).toMatch(/^sk-/);
    expect(read('ci-svc-a.txt').trim()).toBe(secrets[0]);
    expect(read('ci-svc-b.txt').trim()).toBe(secrets[1]);
    expect(read('secrets/svc-a.env')).toBe(`COMETAPI_KEY=${secrets[0]}\n`);
    expect(read('secrets/svc-c.env')).toBe(`COMETAPI_KEY=${secrets[2]}\n`);
    expect(() => read('ci-svc-c.txt')).toThrow();
    const audit = read('audit.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const deliveries = audit.filter((a) => a.action === 'deliver');
    expect(
      deliveries.map((d) => `${String(d.name)}→${String(d.sink)}:${String(d.outcome)}`).sort(),
    ).toEqual(['svc-a→ci:ok', 'svc-a→local:ok', 'svc-b→ci:ok', 'svc-b→local:ok', 'svc-c→local:ok']);
    const texts = [r.stdout, r.stderr, plan.stdout, plan.stderr, read('audit.jsonl')];
    expect(findLeaks(texts, secrets)).toEqual([]);
  });

  it('exits 3 naming the key and the sink when a sink fails; the others still run', async () => {
    const r = await runCli(['apply', '--auto-approve', '-f', 'more.yaml', '--format', 'json'], {
      cwd: work.dir,
      env,
    });
    expect(r.code).toBe(3);
    const id = emu.records().find((k) => k.name === 'svc-d')?.id;
    const ledger = JSON.parse(r.stdout) as { entries: { name: string; detail?: string }[] };
    expect(ledger.entries[0]?.detail).toMatch(
      new RegExp(`^created as id ${id}, secret not delivered to broken: `),
    );
    const secret = secretOf('svc-d');
    expect(read('secrets/svc-d.env')).toBe(`COMETAPI_KEY=${secret}\n`);
    expect(findLeaks([r.stdout, r.stderr], [secret])).toEqual([]);
  });

  it('deliver reruns the sinks of current keys, or only --sink, exit 0 / 3', async () => {
    const secret = secretOf('svc-d');
    work.write('secrets/svc-d.env', 'stale\n');
    emu.clearRequests();
    const ok = await runCli(
      ['deliver', 'svc-d', '--sink', 'local', '-f', 'more.yaml', '--audit-log', 'deliver.jsonl'],
      { cwd: work.dir, env },
    );
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const id = emu.records().find((k) => k.name === 'svc-d')?.id;
    expect(ok.stdout).toBe(`svc-d (id ${id}) deliver: delivered to local\n`);
    expect(read('secrets/svc-d.env')).toBe(`COMETAPI_KEY=${secret}\n`);
    expect(emu.requests().filter((q) => q.path === '/api/token/batch/keys')).toHaveLength(1);
    expect(read('deliver.jsonl')).toContain('"sink":"local","outcome":"ok"');

    const all = await runCli(['deliver', 'svc-d', '-f', 'more.yaml'], { cwd: work.dir, env });
    expect(all.code).toBe(3);
    expect(all.stdout).toMatch(
      /^svc-d \(id \d+\) deliver: failed: secret not delivered to broken: /,
    );
    const texts = [ok.stdout, ok.stderr, all.stdout, all.stderr, read('deliver.jsonl')];
    expect(findLeaks(texts, [secret])).toEqual([]);
  });

  it('deliver refuses a name several server keys hold, naming their ids, revealing nothing', async () => {
    const a = emu.insert({ name: 'twin', remain_quota: 1000 });
    const b = emu.insert({ name: 'twin', remain_quota: 1000 });
    emu.clearRequests();
    const r = await runCli(['deliver', 'twin', '--sink', 'local'], { cwd: work.dir, env });
    expect(r.code).toBe(1);
    const ids = [a.id, b.id].sort((x, y) => x - y);
    expect(r.stderr).toContain(
      `2 keys are named "twin" on the server (ids ${ids.join(', ')}); pin the one to deliver with id`,
    );
    expect(emu.requests().filter((q) => q.method === 'POST')).toEqual([]);
    expect(() => read('secrets/twin.env')).toThrow();
    // Pinned by id in a key file, the same name is delivered.
    work.write(
      'twin.yaml',
      `version: 1\nkeys:\n  - name: twin\n    id: ${b.id}\n    quota_budget: 1000\n    deliver: [local]\n`,
    );
    const ok = await runCli(['deliver', 'twin', '-f', 'twin.yaml'], { cwd: work.dir, env });
    expect(ok.stdout).toBe(`twin (id ${b.id}) deliver: delivered to local\n`);
    expect(ok.code).toBe(0);
    expect(read('secrets/twin.env')).toBe(`COMETAPI_KEY=${secretOf(b.id)}\n`);
  });

  it('deliver refuses an unknown sink before touching the server', async () => {
    const r = await runCli(['deliver', 'svc-d', '--sink', 'nope', '-f', 'more.yaml'], {
      cwd: work.dir,
      env,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown sink "nope" (defined: ci, local, broken)');
  });
});

describe('--new-keys-out: a JSON file sink over every created key', () => {
  const keys = (names: string[]) =>
    `version: 1\ndefaults:\n  quota_budget: 1000\nkeys:\n${names.map((n) => `  - name: ${n}\n`).join('')}`;
  type Listed = { id: number; name: string; secret: string | null }[];

  it('gets the revealed secrets of masked keys (one batch with the sinks), never printing them', async () => {
    work.write('nk.yaml', `${keys(['nk-a', 'nk-b'])}  - name: nk-c\n    deliver: [local]\n`);
    emu.clearRequests();
    const r = await runCli(
      [
        'apply',
        '--auto-approve',
        '-f',
        'nk.yaml',
        '--new-keys-out',
        'nk.json',
        '--audit-log',
        'nk.jsonl',
      ],
      { cwd: work.dir, env },
    );
    expect(r.code).toBe(0);
    const reveals = emu.requests().filter((q) => /\/keys?$/.test(q.path));
    expect(reveals.map((q) => q.path)).toEqual(['/api/token/batch/keys']);
    const listed = JSON.parse(read('nk.json')) as Listed;
    expect(listed.map((k) => k.name)).toEqual(['nk-a', 'nk-b', 'nk-c']);
    for (const k of listed) expect(k.secret).toBe(secretOf(k.id));
    expect(read('secrets/nk-c.env')).toBe(`COMETAPI_KEY=${secretOf('nk-c')}\n`);
    const audit = read('nk.jsonl');
    expect(audit.match(/"sink":"--new-keys-out","outcome":"ok"/g)).toHaveLength(3);
    const secrets = listed.map((k) => k.secret ?? '');
    expect(findLeaks([r.stdout, r.stderr, audit], secrets)).toEqual([]);
  });

  it('on a server without reveal routes: failed honestly, the file keeps the key with null, exit 3', async () => {
    const proxy = await startTamperProxy(emu.url, {
      answer: (req) =>
        /\/keys?$/.test(req.path)
          ? {
              status: 404,
              body: '{"error":{"message":"Invalid URL","type":"invalid_request_error"}}',
            }
          : undefined,
    });
    try {
      work.write('nk2.yaml', keys(['nk-d']));
      const r = await runCli(
        ['apply', '--auto-approve', '-f', 'nk2.yaml', '--new-keys-out', 'nk2.json'],
        { cwd: work.dir, env: { ...env, COMETAPI_BASE_URL: proxy.url } },
      );
      const id = emu.records().find((k) => k.name === 'nk-d')?.id;
      expect(r.stdout).toContain(
        `nk-d (id ${id}) create: failed: created as id ${id}, secret not available from this server (reveal it in the console)`,
      );
      expect(r.code).toBe(3);
      expect(JSON.parse(read('nk2.json'))).toEqual([{ id, name: 'nk-d', secret: null }]);
      // Only the configured sinks can be rerun by deliver: no hint for the file alone.
      expect(r.stderr).not.toContain('cometkeys deliver');
    } finally {
      await proxy.close();
    }
  });
});
