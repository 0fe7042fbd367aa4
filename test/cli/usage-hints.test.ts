/**
 * The papercuts a new user meets first (issue 14): a long option typed with one dash, a key file
 * handed to `apply` / `show` as if it were a plan, and what `plan --out` says afterwards.
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { shellWord } from '../../src/cli/commands/plan.js';
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
  dir = mkdtempSync(path.join(tmpdir(), 'cometkeys-usage-'));
  writeFileSync(path.join(dir, 'package.json'), '{"name":"fixture"}\n');
  writeFileSync(path.join(dir, 'keys.yaml'), KEYS);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function cli(argv: string[]) {
  const io = captureIo({
    cwd: dir,
    env: { NO_COLOR: '1', COMETAPI_BASE_URL: emu.url, COMETAPI_ACCESS_TOKEN: emu.token },
  });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

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
