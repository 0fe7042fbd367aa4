/**
 * User input never ends in "internal error (this is a bug)": a token that cannot be sent, an
 * output file that cannot be written, a refused base URL — each is a clear error naming the
 * setting or path, exit 1 (SPEC §5, §13 "Errors say where and why"). And the papercuts a new
 * user meets first (issue 14): a long option typed with one dash, a key file handed to `apply` /
 * `show` as if it were a plan, and what `plan --out` says afterwards.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { shellWord } from '../../src/cli/commands/plan.js';
import { runCli } from '../../src/cli/main.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { captureIo } from '../helpers/io.js';
import { offline } from '../helpers/offline.js';

offline();

const KEYS = 'version: 1\nkeys:\n  - {name: a, quota_budget: 1}\n';

let emu: Emulator;
let dir: string;
beforeAll(async () => {
  emu = await startEmulator({ seed: [] });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cometkeys-user-errors-'));
  writeFileSync(path.join(dir, 'package.json'), '{"name":"fixture"}\n');
  writeFileSync(path.join(dir, 'keys.yaml'), KEYS);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function cli(argv: string[], env: Record<string, string> = {}) {
  const io = captureIo({
    cwd: dir,
    env: { NO_COLOR: '1', COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token, ...env },
  });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('errors a user can cause', () => {
  it.each([
    ['a line break', 'sk-SeCrEt\nmore', 'contains line breaks'],
    ['a control character', 'sk-SeCrEt\u0007', 'contains a control character'],
    ['a character beyond Latin-1', 'sk-SeCrEt\u2028x', 'contains a character that cannot be sent'],
  ])('a token with %s names COMETAPI_ACCESS_TOKEN, never its value', async (_w, token, why) => {
    emu.clearRequests();
    const r = await cli(['plan'], { COMETAPI_ACCESS_TOKEN: token });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^error: COMETAPI_ACCESS_TOKEN ${why}`, 'm'));
    expect(r.err).not.toContain('SeCrEt');
    expect(r.err).not.toContain('internal error');
    expect(emu.requests()).toEqual([]);
  });

  it('plan --out into a missing directory names the path and the reason', async () => {
    const r = await cli(['plan', '--out', 'missing/plan.json']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'error: cannot write missing/plan.json: its directory does not exist\n',
    );
    expect(r.err).not.toContain('internal error');
  });

  it('plan --out onto a directory names the path and the reason', async () => {
    const r = await cli(['plan', '--out', '.']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('error: cannot write .: it is a directory\n');
  });

  it('export --out under a file (not a directory) names the path and the reason', async () => {
    const r = await cli(['export', '--out', 'keys.yaml/exported.yaml']);
    expect(r).toMatchObject({
      code: 1,
      err: expect.stringContaining(
        'error: cannot write keys.yaml/exported.yaml: a part of its path is not a directory\n',
      ),
    });
    expect(r.err).not.toContain('internal error');
  });

  it('a refused base URL names the setting it came from', async () => {
    const flag = await cli(['--base-url', 'http://10.0.0.1', 'plan']);
    expect(flag.code).toBe(1);
    expect(flag.err).toMatch(/^error: --base-url: http:\/\/10\.0\.0\.1 uses http:\/\//m);
    const env = await cli(['plan'], { COMETAPI_BASE_URL: 'https://h.example/?k=sk-SeCrEt' });
    expect(env.code).toBe(1);
    expect(env.err).toContain(
      'error: COMETAPI_BASE_URL: https://h.example must not have a query or fragment\n',
    );
    expect(env.err).not.toContain('SeCrEt');
  });

  it('a token set by mistake as COMETAPI_BASE_URL is not echoed', async () => {
    for (const command of [['plan'], ['validate'], ['export']]) {
      const r = await cli(command, { COMETAPI_BASE_URL: 'sk-SeCrEt0123456789' });
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        'error: COMETAPI_BASE_URL: is not a URL (expected e.g. https://api.cometapi.com)\n',
      );
    }
  });

  it('a bad --force is a usage error', async () => {
    const r = await cli(['apply', '--force=everything', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: --force: unknown limit "everything"/);
  });

  it('the emulator names a state file it cannot write', async () => {
    const r = await cli(['emulator', '--port', '0', '--state', 'missing/state.json']);
    expect(r).toEqual({
      code: 1,
      out: '',
      err: 'error: cannot use the state file missing/state.json: its directory does not exist\n',
    });
  });
});

describe('a long option typed with one dash', () => {
  it.each([
    [['plan', '-out', 'plan.json'], "unknown option '-out'", '--out'],
    [['plan', '-file', 'keys.yaml'], "unknown option '-file'", '--file'],
    [['apply', '-auto-approve'], "unknown option '-auto-approve'", '--auto-approve'],
    [['-quiet', 'plan'], "unknown option '-quiet'", '--quiet'],
    [['plan', '-out=plan.json'], "unknown option '-out=plan.json'", '--out=plan.json'],
  ])('%j names the option it meant and sends nothing', async (argv, what, meant) => {
    const before = emu.requests().length;
    const { code, err, out } = await cli(argv);
    expect(code).toBe(1);
    expect(err).toContain(`error: ${what}: long options take two dashes (did you mean ${meant}?)`);
    expect(out).toBe('');
    expect(emu.requests().length).toBe(before);
    expect(existsSync(path.join(dir, 'plan.json'))).toBe(false);
  });

  it('leaves option values and short options alone', async () => {
    const { code, err } = await cli(['plan', '-f', 'keys.yaml', '--out', '-plan.json']);
    expect(err).not.toContain('two dashes');
    expect(code).toBe(0);
    expect(existsSync(path.join(dir, '-plan.json'))).toBe(true);
  });
});

describe('a key file where a saved plan belongs', () => {
  it.each([
    [['apply', 'keys.yaml'], 'cometkeys apply -f keys.yaml'],
    [['show', 'keys.yaml'], 'cometkeys plan -f keys.yaml'],
    [['apply', 'conf/KEYS.YML'], 'cometkeys apply -f conf/KEYS.YML'],
  ])('%j suggests %s and sends nothing', async (argv, suggestion) => {
    const before = emu.requests().length;
    const { code, err } = await cli(argv);
    expect(code).toBe(1);
    expect(err).toContain('looks like a key file, not a saved plan');
    expect(err).toContain(`"${suggestion}"`);
    expect(emu.requests().length).toBe(before);
  });

  it('a missing plan file is still named with its reason', async () => {
    const { code, err } = await cli(['show', 'nope.json']);
    expect(code).toBe(1);
    expect(err).toContain('cannot read the plan nope.json: ENOENT');
  });
});

describe('plan --out', () => {
  it('prints the command that applies exactly the saved plan', async () => {
    const { code, err } = await cli(['plan', '--out', 'my plan.json']);
    expect(code).toBe(0);
    expect(err).toContain(
      "Saved the plan to my plan.json.\nTo apply exactly this plan, run:\n    cometkeys apply 'my plan.json'\n",
    );
  });

  it('carries --config and --base-url into that command', async () => {
    writeFileSync(path.join(dir, 'ck.json'), '{}\n');
    const { code, err } = await cli([
      '--config',
      'ck.json',
      '--base-url',
      emu.url,
      'plan',
      '--out',
      'p.json',
    ]);
    expect(code).toBe(0);
    expect(err).toContain(`    cometkeys --config ck.json --base-url ${emu.url} apply p.json\n`);
  });

  it('says there is nothing to apply when the plan is empty', async () => {
    writeFileSync(path.join(dir, 'keys.yaml'), 'version: 1\nkeys: []\n');
    const { code, err } = await cli(['plan', '--allow-empty', '--out', 'p.json']);
    expect(code).toBe(0);
    expect(err).toContain('Saved the plan to p.json (no changes: there is nothing to apply).');
    expect(err).not.toContain('cometkeys apply');
  });

  it('quotes words the shell would split or expand', () => {
    expect(shellWord('plan.json')).toBe('plan.json');
    expect(shellWord('a b')).toBe("'a b'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(shellWord('$HOME')).toBe("'$HOME'");
  });
});
