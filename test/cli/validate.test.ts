/** `cometkeys validate` in-process through runCli: exit codes, text and JSON output. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../helpers/io.js';
import { tempDirs } from '../helpers/temp.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const INVALID = path.join(ROOT, 'test/fixtures/invalid');
const NOW = () => new Date('2026-11-26T12:00:00Z');

let dir: string;
const tempDir = tempDirs('validate');
beforeEach(() => {
  dir = tempDir();
  writeFileSync(path.join(dir, 'package.json'), '{"name":"fixture"}\n');
});

async function run(argv: string[], cwd = dir) {
  const io = captureIo({ cwd, now: NOW });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('validate', () => {
  it('accepts keys.example.yaml', async () => {
    const r = await run(['validate', '-f', 'keys.example.yaml'], ROOT);
    expect(r).toEqual({ code: 0, out: '1 file, 3 keys: valid.\n', err: '' });
  });

  it('accepts the multi-file example through the example config', async () => {
    const r = await run(['--config', 'examples/cometkeys.config.yaml', 'validate'], ROOT);
    expect(r).toEqual({ code: 0, out: '2 files, 6 keys: valid.\n', err: '' });
  });

  it('reads keys.yaml by default and reports it missing', async () => {
    const r = await run(['validate']);
    expect(r).toEqual({
      code: 1,
      out: '0 files, 0 keys: invalid (1 error).\n',
      err: 'keys.yaml: error: file not found\n',
    });
    writeFileSync(
      path.join(dir, 'keys.yaml'),
      'version: 1\nkeys:\n  - {name: a, quota_budget: 1}\n',
    );
    expect((await run(['validate'])).code).toBe(0);
  });

  it("uses the config's files, relative to the config file", async () => {
    writeFileSync(path.join(dir, 'cometkeys.config.yaml'), 'files: ["*.keys.yaml"]\n');
    writeFileSync(
      path.join(dir, 'a.keys.yaml'),
      'version: 1\nkeys:\n  - {name: a, quota_budget: 1}\n',
    );
    writeFileSync(
      path.join(dir, 'b.keys.yaml'),
      'version: 1\nkeys:\n  - {name: b, quota_budget: 1}\n',
    );
    expect(await run(['validate'])).toEqual({ code: 0, out: '2 files, 2 keys: valid.\n', err: '' });
  });

  it('prints warnings to stderr and still exits 0', async () => {
    writeFileSync(
      path.join(dir, 'keys.yaml'),
      'version: 1\nkeys:\n  - {name: a, quota_budget: 1, allow_ips: [10.1.0.0/8]}\n',
    );
    expect(await run(['validate', '-f', 'keys.yaml'])).toEqual({
      code: 0,
      out: '1 file, 1 key: valid (1 warning).\n',
      err: 'keys.yaml:3:44: warning: keys[0].allow_ips[0]: "10.1.0.0/8" has host bits set; the range is 10.0.0.0/8\n',
    });
  });

  it('counts every key the files declare, the invalid ones included', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e'].map(
      (n) => `  - {name: ${n}, quota_budget: ${n === 'c' ? 'x' : 1}}\n`,
    );
    writeFileSync(path.join(dir, 'keys.yaml'), `version: 1\nkeys:\n${keys.join('')}`);
    writeFileSync(
      path.join(dir, 'more.yaml'),
      'version: 1\nkeys:\n  - {name: f, quota_budget: 1, allow_ips: [10.0.0.300]}\n',
    );
    const r = await run(['validate']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('1 file, 5 keys: invalid (1 error).\n');
    const both = await run(['validate', '-f', 'keys.yaml', '-f', 'more.yaml']);
    expect(both.out).toBe('2 files, 6 keys: invalid (2 errors).\n');
    const json = await run(['validate', '-f', 'keys.yaml', '-f', 'more.yaml', '--format', 'json']);
    expect(JSON.parse(json.out)).toMatchObject({ valid: false, keys: 6 });
  });

  it('needs --allow-empty for an empty desired state', async () => {
    writeFileSync(path.join(dir, 'keys.yaml'), 'version: 1\nkeys: []\n');
    expect((await run(['validate'])).code).toBe(1);
    expect(await run(['validate', '--allow-empty'])).toEqual({
      code: 0,
      out: '1 file, 0 keys: valid.\n',
      err: '',
    });
  });

  it('writes one JSON document with --format json', async () => {
    writeFileSync(
      path.join(dir, 'keys.yaml'),
      'version: 1\nkeys:\n  - {name: a, quota_budget: x, allow_ips: [10.1.0.0/8]}\n  - {name: b, unlimited_quota: true}\n',
    );
    const r = await run(['validate', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual({
      valid: false,
      files: ['keys.yaml'],
      // Both keys the file declares, the invalid one included.
      keys: 2,
      errors: [
        {
          file: 'keys.yaml',
          line: 3,
          col: 29,
          path: 'keys[0].quota_budget',
          message:
            '"x" is not a quota amount: use a whole number of quota units or a dollar string such as "$12.50"',
        },
      ],
      warnings: [
        {
          file: 'keys.yaml',
          line: 3,
          col: 44,
          path: 'keys[0].allow_ips[0]',
          message: '"10.1.0.0/8" has host bits set; the range is 10.0.0.0/8',
          kind: 'host-bits',
        },
      ],
    });
  });

  it('applies the config policy', async () => {
    writeFileSync(
      path.join(dir, 'cometkeys.config.yaml'),
      'policy: {forbidUnlimitedQuota: true}\n',
    );
    writeFileSync(
      path.join(dir, 'keys.yaml'),
      'version: 1\nkeys:\n  - {name: b, unlimited_quota: true}\n',
    );
    const r = await run(['validate']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('policy forbidUnlimitedQuota: key "b" has unlimited_quota: true');
  });

  it('refuses a config holding a token with a clean error', async () => {
    writeFileSync(path.join(dir, 'cometkeys.config.yaml'), 'accessToken: sk-secret-value\n');
    const r = await run(['validate']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^error: cometkeys\.config\.yaml: accessToken: a config file must not hold/,
    );
    expect(r.err).not.toContain('sk-secret-value');
  });

  it('colours severities only when colour is on', async () => {
    writeFileSync(path.join(dir, 'keys.yaml'), 'version: 1\nkeys:\n  - {name: a}\n');
    const io = captureIo({ cwd: dir, now: NOW, env: { FORCE_COLOR: '1' } });
    expect(await runCli(['validate'], io)).toBe(1);
    expect(io.err()).toContain('\u001b[31merror\u001b[39m');
    expect((await run(['validate'])).err).not.toContain('\u001b[');
  });

  it('shows examples in --help', async () => {
    const r = await run(['validate', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain("cometkeys validate -f 'keys/*.yaml'");
    expect(r.out).toContain('--allow-empty');
  });

  const fixtures = readdirSync(INVALID).filter((f) => f.endsWith('.yaml'));
  it.each(fixtures)(
    'exits 1 on invalid fixture %s, naming file, line, column and field',
    async (file) => {
      const r = await run(['validate', '-f', file], INVALID);
      const expected = readFileSync(
        path.join(INVALID, file.replace(/\.yaml$/, '.expected')),
        'utf8',
      );
      expect(r.code).toBe(1);
      expect(r.err).toBe(expected);
      expect(r.out).toMatch(/: invalid \(\d+ errors?(, \d+ warnings?)?\)\.\n$/);
    },
  );
});

describe('validate and plan load settings and key files the same way', () => {
  // One error, in a key file beside a config in a subdirectory.
  const KEY_FILE =
    'version: 1\nkeys:\n  - name: a\n    quota_budget: 1\n    allow_ips: [10.0.0.300]\n';
  const DIAGNOSTIC =
    'conf/keys.yaml:5:17: error: keys[0].allow_ips[0]: "10.0.0.300" is not an IPv4/IPv6 address or CIDR range\n';
  const STOPPED = 'error: 1 error in the key files; nothing was sent\n';

  beforeEach(() => {
    mkdirSync(path.join(dir, 'conf'));
    writeFileSync(path.join(dir, 'conf/cometkeys.json'), '{"files": ["keys.yaml"]}\n');
    writeFileSync(path.join(dir, 'conf/keys.yaml'), KEY_FILE);
  });

  /** `cometkeys GLOBAL validate ARGS` and `cometkeys GLOBAL plan ARGS` in `cwd`. */
  async function both(global: string[], args: string[], cwd = dir) {
    const validate = await run([...global, 'validate', ...args], cwd);
    // plan stops at the key files, before the token is read or any request is made.
    const plan = await run([...global, 'plan', ...args], cwd);
    return { validate, plan };
  }

  it.each([
    ['--config conf/cometkeys.json', ['--config', 'conf/cometkeys.json'], []],
    ['-f conf/keys.yaml', [], ['-f', 'conf/keys.yaml']],
  ])('%s: both name the file relative to the working directory', async (_how, global, args) => {
    const { validate, plan } = await both(global, args);
    expect(validate).toEqual({
      code: 1,
      out: '1 file, 1 key: invalid (1 error).\n',
      err: DIAGNOSTIC,
    });
    expect(plan).toEqual({
      code: 1,
      out: '',
      err: `${DIAGNOSTIC}${STOPPED}`,
    });
  });

  it('a config discovered above the working directory: the same text under both', async () => {
    writeFileSync(path.join(dir, 'cometkeys.config.json'), '{"files": ["conf/keys.yaml"]}\n');
    const fromTop = await both([], []);
    expect(fromTop.validate.err).toBe(DIAGNOSTIC);
    expect(fromTop.plan.err).toBe(`${DIAGNOSTIC}${STOPPED}`);
    // From conf/, the same file is keys.yaml, for both.
    const fromBelow = await both([], [], path.join(dir, 'conf'));
    // The config is above the working directory, so stderr names it first.
    const notice = `notice: using the config ${path.join(dir, 'cometkeys.config.json')}\n`;
    const below = DIAGNOSTIC.replace('conf/keys.yaml', 'keys.yaml');
    expect(fromBelow.validate.err).toBe(`${notice}${below}`);
    expect(fromBelow.plan.err).toBe(`${notice}${below}${STOPPED}`);
  });
});
