/**
 * Hostile text end to end (SPEC §13): the built CLI against an emulator seeded with key names
 * holding ESC, U+009B (CSI) and U+202E, and an unmanaged `@acme/security-team`; then through a
 * proxy that adds an unknown field named with ESC and refuses writes with a message holding
 * ESC. stdout and stderr of plan (text, markdown) and apply carry no raw control or bidi
 * character, and the markdown mentions nobody.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type SeedRecord } from '../../src/emulator/index.js';
import { RAW_UNSAFE } from '../helpers/hostile.js';
import { runCli } from '../helpers/cli.js';
import { tempWorkdir } from './helpers.js';
import { mapJson, mapRecords, startTamperProxy, type TamperProxy } from './tamper-proxy.js';

const HOSTILE_NAMES = ['evil\u001b[31m', '\u009b31m', 'abc\u202egnp.exe', '@acme/security-team'];
const seed: SeedRecord[] = [
  // Seed records get defaults for the fields they leave out: enabled, never expiring.
  { id: 1, name: 'backend' },
  ...HOSTILE_NAMES.map((name, i) => ({ id: i + 2, name })),
];
const KEYS = 'version: 1\nkeys:\n  - name: backend\n    quota_budget: 2000\n';
const CONFIG = JSON.stringify({ unmanaged: { action: 'disable' } });
const UNKNOWN_FIELD = 'x\u001b[2J\u009b';
const REFUSAL = 'group vip\u001b[2J\u009b\u202e is not available';

/** Every output of a run, checked for raw control and bidi characters. */
function expectClean(r: { stdout: string; stderr: string }): void {
  expect(r.stdout).not.toMatch(RAW_UNSAFE);
  expect(r.stderr).not.toMatch(RAW_UNSAFE);
}

/** Adds UNKNOWN_FIELD to every key record in an answer. */
const withUnknownField = (value: unknown) =>
  mapRecords(value, (record) => ({ ...record, [UNKNOWN_FIELD]: 1 }));

/**
 * A proxy in front of the emulator, as a hostile or newer server: reads gain an unknown field
 * named with ESC, and every PUT is refused with a message holding ESC, CSI and RLO.
 */
function startHostileProxy(target: string): Promise<TamperProxy> {
  return startTamperProxy(target, {
    answer: (req) =>
      req.method === 'PUT'
        ? { status: 200, body: JSON.stringify({ success: false, message: REFUSAL }) }
        : undefined,
    rewrite: (_req, answer) => mapJson(answer.text, withUnknownField),
  });
}

describe('hostile names from the server', () => {
  let emu: Emulator;
  let env: Record<string, string>;
  const work = tempWorkdir({ 'keys.yaml': KEYS, 'cometkeys.config.json': CONFIG });
  beforeAll(async () => {
    emu = await startEmulator({ seed });
    env = { COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token };
  });
  afterAll(async () => {
    await emu.close();
    work.cleanup();
  });

  it('plan (text) prints them escaped', async () => {
    const r = await runCli(['plan'], { cwd: work.dir, env });
    expect(r.code).toBe(0);
    expectClean(r);
    expect(r.stdout).toContain('update "evil\\u{1b}[31m" (id 2) (unmanaged: disable)');
    expect(r.stdout).toContain('update "\\u{9b}31m" (id 3) (unmanaged: disable)');
    expect(r.stdout).toContain('"abc\\u{202e}gnp.exe"');
  });

  it('plan (markdown) puts them in code: no mention of @acme/security-team', async () => {
    const r = await runCli(['plan', '--format', 'markdown'], { cwd: work.dir, env });
    expect(r.code).toBe(0);
    expectClean(r);
    expect(r.stdout).toContain('<code>&quot;@acme/security-team&quot;</code>');
    const outside = r.stdout.replace(/<code>[\s\S]*?<\/code>/g, '').replace(/`[^`\n]*`/g, '');
    expect(outside).not.toContain('@acme');
  });

  it('plan --format json keeps them as JSON escapes', async () => {
    const r = await runCli(['plan', '--format', 'json'], { cwd: work.dir, env });
    expect(r.code).toBe(0);
    expectClean(r);
    const names = (JSON.parse(r.stdout) as { changes: { name: string }[] }).changes.map(
      (c) => c.name,
    );
    expect(names).toEqual(expect.arrayContaining(HOSTILE_NAMES));
  });

  it('apply disables them and prints the ledger escaped', async () => {
    const r = await runCli(['apply', '--auto-approve', '--force=deletes'], {
      cwd: work.dir,
      env,
    });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expectClean(r);
    expect(r.stdout).toContain('evil\\u{1b}[31m (id 2) update: applied');
    expect(r.stdout).toContain('\\u{9b}31m (id 3) update: applied');
    expect(emu.records().filter((k) => k.status === 2)).toHaveLength(HOSTILE_NAMES.length);
  });
});

describe('hostile server messages and field names', () => {
  let emu: Emulator;
  let proxy: TamperProxy;
  let env: Record<string, string>;
  const work = tempWorkdir({ 'keys.yaml': KEYS, 'cometkeys.config.json': CONFIG });
  beforeAll(async () => {
    emu = await startEmulator({ seed: seed.slice(0, 2) });
    proxy = await startHostileProxy(emu.url);
    env = { COMETAPI_BASE_URL: proxy.url, COMETAPI_ACCESS_TOKEN: emu.token };
  });
  afterAll(async () => {
    await proxy.close();
    await emu.close();
    work.cleanup();
  });

  it('apply escapes the unknown field in its warning and the refusal in the ledger', async () => {
    const r = await runCli(['apply', '--auto-approve', '--force=deletes'], {
      cwd: work.dir,
      env,
    });
    expect(r.code).toBe(3);
    expectClean(r);
    expect(r.stderr).toContain('passed through unchanged: x\\u{1b}[2J\\u{9b}');
    expect(r.stdout).toContain('group vip\\u{1b}[2J\\u{9b}\\u{202e} is not available');
  });
});
