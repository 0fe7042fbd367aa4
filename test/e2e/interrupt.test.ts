/**
 * Interruption (CI cancelling a job): the built CLI gets SIGTERM while a key's write is in
 * flight. The key in progress finishes, no new key starts, the audit log holds every write
 * the server answered, the new-keys file lists the key already created, the result is
 * printed with `skipped: interrupted`, and the exit code is 3.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, symlinkSync, watch } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type SeedRecord } from '../../src/emulator/index.js';
import { aSeedKey } from '../helpers/builders.js';
import { BIN, runCli } from '../helpers/cli.js';
import { tempWorkdir } from './helpers.js';

const base = aSeedKey({ remain_quota: 1000 });
const NAMES = ['b1', 'b2', 'b3', 'b4', 'b5'];
const seed: SeedRecord[] = NAMES.map((name, i) => ({ ...base, id: i + 1, name }));
const KEYS = `version: 1
defaults:
  quota_budget: 1000
  group: team
keys:
  - name: a-new
${NAMES.map((n) => `  - name: ${n}\n`).join('')}`;

/** The built CLI's apply as a child, and a way to signal it; `taken` once it took the signal. */
function startApply(cwd: string, emu: Emulator, extra: string[]) {
  const child = spawn(
    process.execPath,
    [BIN, 'apply', '--auto-approve', '--force', '--parallelism', '1', ...extra],
    {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        NO_COLOR: '1',
        COMETAPI_BASE_URL: emu.url,
        COMETAPI_ACCESS_TOKEN: emu.token,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  let acknowledged: () => void = () => {};
  const taken = new Promise<void>((resolve) => (acknowledged = resolve));
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    if (stderr.includes('no new key starts')) acknowledged();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    taken,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    signal: () => child.kill('SIGTERM'),
  };
}

describe('apply interrupted by SIGTERM', () => {
  let emu: Emulator;
  let work: ReturnType<typeof tempWorkdir>;
  let release: () => void = () => {};
  let onFirstPut: () => void = () => {};
  beforeEach(async () => {
    work = tempWorkdir({ 'keys.yaml': KEYS });
    let held = false;
    emu = await startEmulator({
      seed,
      latencyMs: 1,
      // The first PUT is held until the CLI has taken the signal: the key is mid-sequence.
      sleep: async () => {
        const last = emu.requests().at(-1);
        if (held || last?.method !== 'PUT') return;
        held = true;
        await new Promise<void>((resolve) => {
          release = resolve;
          onFirstPut();
        });
      },
    });
  });
  afterEach(async () => {
    release();
    await emu.close();
    work.cleanup();
  });

  it('finishes the key in progress, skips the rest, keeps the records, exits 3', async () => {
    const run = startApply(work.dir, emu, [
      '--audit-log',
      'audit.jsonl',
      '--new-keys-out',
      'new-keys.json',
    ]);
    onFirstPut = () => {
      run.signal();
      void run.taken.then(() => release());
    };
    const code = await run.exited;
    const stdout = run.stdout();
    const stderr = run.stderr();

    expect(stderr).toContain('SIGTERM: no new key starts; finishing the keys in progress');
    expect(stdout).toContain('a-new (id 6) create: applied');
    expect(stdout).toContain('b1 (id 1) update: applied');
    for (const n of NAMES.slice(1))
      expect(stdout).toMatch(new RegExp(`${n} \\(id \\d\\) update: skipped: interrupted`));
    expect(stdout).toContain(
      'Apply: 2 applied, 0 failed, 4 skipped, 0 missing, 0 did not converge.',
    );
    expect(code).toBe(3);

    // Only b1 was written; the others are as they were.
    const records = new Map(emu.records().map((r) => [r.name, r]));
    expect(records.get('b1')?.group).toBe('team');
    for (const n of NAMES.slice(1)) expect(records.get(n)?.group).toBe('');
    // Every write the server answered is in the audit log.
    const audit = readFileSync(path.join(work.dir, 'audit.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; step?: string; sink?: string; outcome: string });
    expect(audit.map((a) => `${a.name}:${a.step ?? a.sink}:${a.outcome}`)).toEqual([
      'a-new:create:ok',
      'b1:update:ok',
      // The key created before the signal has its secret revealed into the new-keys file.
      'a-new:--new-keys-out:ok',
    ]);
    const writes = emu.requests().filter((r) => r.method !== 'GET' && !/\/keys?$/.test(r.path));
    expect(writes).toHaveLength(2);
    const created = JSON.parse(readFileSync(path.join(work.dir, 'new-keys.json'), 'utf8')) as {
      id: number;
      name: string;
      secret: string | null;
    }[];
    expect(created.map((k) => [k.id, k.name])).toEqual([[6, 'a-new']]);
    expect(created[0]?.secret).toBe(emu.records().find((r) => r.id === 6)?.key);
    expect(stdout + stderr).not.toContain(created[0]?.secret ?? 'no secret');
  });
  describe('the secrets of the keys created before the signal', () => {
    // A sink that records its pid in `marker`, then never ends (until it is killed).
    const HANG =
      "require('fs').writeFileSync(process.argv[1],String(process.pid));setInterval(()=>{},1000)";
    let sinkPid: number | undefined;
    afterEach(() => {
      // The sink this test started, by its id, if it is still there.
      if (sinkPid === undefined) return;
      try {
        process.kill(sinkPid, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
      sinkPid = undefined;
    });

    /** Key file and config: a-new delivers to the hanging sink; apply's grace is `grace` s. */
    function setUp(grace: number): string {
      const marker = path.join(work.dir, 'sink-started');
      work.write(
        'keys.yaml',
        KEYS.replace('  - name: a-new\n', '  - name: a-new\n    deliver: [hang]\n'),
      );
      work.write(
        'cometkeys.config.json',
        JSON.stringify({
          timeoutSeconds: grace,
          sinks: { hang: { command: [process.execPath, '-e', HANG, marker], timeoutSeconds: 120 } },
        }),
      );
      return marker;
    }

    /** Resolves with the sink's pid once it has started (the marker file appeared). */
    function sinkStarted(marker: string): Promise<number> {
      return new Promise((resolve) => {
        const check = () => {
          if (!existsSync(marker)) return false;
          const pid = Number(readFileSync(marker, 'utf8'));
          if (!Number.isInteger(pid) || pid <= 0) return false;
          watcher.close();
          sinkPid = pid;
          resolve(pid);
          return true;
        };
        const watcher = watch(work.dir, () => void check());
        check();
      });
    }

    it('a sink still running when the grace time ends: not delivered, with the deliver hint, exit 3', async () => {
      setUp(2);
      const run = startApply(work.dir, emu, ['--audit-log', 'audit.jsonl']);
      onFirstPut = () => {
        run.signal();
        void run.taken.then(() => release());
      };
      const code = await run.exited;
      expect(run.stderr()).toContain("handing the new keys' secrets to their sinks for up to 2 s");
      expect(run.stdout()).toMatch(
        /a-new \(id 6\) create: failed: created as id 6, secret not delivered to hang: .*the grace time after the (signal|interruption) ran out/,
      );
      expect(run.stdout()).toContain('b1 (id 1) update: applied');
      expect(run.stderr()).toContain('1 new key(s) did not get their secret to every sink');
      expect(run.stderr()).toContain('finish with: cometkeys deliver a-new');
      expect(code).toBe(3);
      const deliveries = readFileSync(path.join(work.dir, 'audit.jsonl'), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { action: string; sink?: string; outcome: string })
        .filter((a) => a.action === 'deliver');
      expect(deliveries.map((d) => `${d.sink}:${d.outcome}`)).toEqual(['hang:error']);
    });

    it('a second signal during the handoff names each secret not delivered, exit 3', async () => {
      const marker = setUp(60);
      const run = startApply(work.dir, emu, []);
      onFirstPut = () => {
        run.signal();
        void run.taken.then(() => release());
      };
      await sinkStarted(marker);
      run.signal();
      const code = await run.exited;
      expect(run.stderr()).toContain('SIGTERM again: exiting now');
      expect(run.stderr()).toContain('a-new (id 6): secret not delivered to hang');
      expect(run.stderr()).toContain('Finish with: cometkeys deliver a-new');
      expect(code).toBe(3);
    });
  });
});

describe('apply: the audit log and the new-keys file are checked before the first write', () => {
  let emu: Emulator;
  let work: ReturnType<typeof tempWorkdir>;
  beforeEach(async () => {
    work = tempWorkdir({ 'keys.yaml': KEYS });
    emu = await startEmulator({ seed });
  });
  afterEach(async () => {
    await emu.close();
    work.cleanup();
  });
  const apply = (...extra: string[]) =>
    runCli(['apply', '--auto-approve', '--force', '--parallelism', '1', ...extra], {
      cwd: work.dir,
      env: { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token },
    });
  const writes = () => emu.requests().filter((r) => r.method !== 'GET');

  it('an audit log that cannot be opened: exit 1, nothing sent', async () => {
    const run = await apply('--audit-log', 'no-such-dir/audit.jsonl');
    expect(run.stderr).toContain(
      'cannot open the audit log ' +
        path.join(work.dir, 'no-such-dir/audit.jsonl') +
        ': its directory does not exist; nothing was sent',
    );
    expect(run.stderr).not.toContain('internal error');
    expect(run.code).toBe(1);
    expect(writes()).toEqual([]);
  });

  it('an audit log that fails mid-run (full disk): no new key starts, exit 3', async () => {
    const run = await apply('--audit-log', '/dev/full');
    expect(run.stderr).toContain('the audit log could not be written');
    expect(run.stdout).toContain('a-new (id 6) create: applied');
    for (const n of NAMES) {
      expect(run.stdout).toMatch(
        new RegExp(`${n} \\(id \\d\\) update: skipped: not started: the audit log failed`),
      );
    }
    expect(run.code).toBe(3);
    expect(writes().map((r) => r.method)).toEqual(['POST']);
  });

  it('--new-keys-out refuses an existing file or a symlink: exit 1, nothing sent, nothing lost', async () => {
    work.write('earlier.json', '[{"id":1,"name":"x","secret":"sk-earlier"}]\n');
    const existing = await apply('--new-keys-out', 'earlier.json');
    expect(existing.stderr).toContain(
      'cannot write --new-keys-out earlier.json: it already exists',
    );
    expect(existing.code).toBe(1);
    expect(readFileSync(path.join(work.dir, 'earlier.json'), 'utf8')).toContain('sk-earlier');

    const target = work.write('target.txt', 'precious\n');
    symlinkSync(target, path.join(work.dir, 'link.json'));
    const linked = await apply('--new-keys-out', 'link.json');
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain('cannot write --new-keys-out link.json');
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    expect(statSync(target).mode & 0o777).not.toBe(0o600);
    expect(writes()).toEqual([]);
  });
});
