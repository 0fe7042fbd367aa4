/** Settings (SPEC §3): discovery, precedence, shape checks, token refusal, dollar limits. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, defaultSettings, loadSettings } from '../../src/config/index.js';
import { tempDirs } from '../helpers/temp.js';

let dir: string;
const tempDir = tempDirs('config');

beforeEach(() => {
  dir = tempDir();
  // A package.json stops the upward search here, so no config outside the test is found.
  writeFileSync(path.join(dir, 'package.json'), '{"name":"fixture"}\n');
});

function write(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

function load(
  over: { configPath?: string; env?: Record<string, string>; flags?: object; cwd?: string } = {},
) {
  return loadSettings({
    cwd: over.cwd ?? dir,
    configPath: over.configPath,
    env: over.env ?? {},
    flags: over.flags ?? {},
  });
}

async function failure(p: Promise<unknown>): Promise<ConfigError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).name).toBe('ConfigError');
  return err as ConfigError;
}

describe('loadSettings: discovery', () => {
  it('returns the defaults when there is no config', async () => {
    expect(await load()).toEqual(defaultSettings());
  });

  it.each([
    ['cometkeys.config.yaml', 'parallelism: 3\n'],
    ['cometkeys.config.yml', 'parallelism: 3\n'],
    ['cometkeys.config.json', '{"parallelism": 3}'],
    ['cometkeys.config.mjs', 'export default { parallelism: 3 };\n'],
    ['.cometkeysrc', 'parallelism: 3\n'],
    ['.cometkeysrc.json', '{"parallelism": 3}'],
  ])('finds %s', async (file, text) => {
    write(file, text);
    const s = await load();
    expect(s.parallelism).toBe(3);
    expect(s.configFile).toBe(path.join(dir, file));
  });

  it('reads the "cometkeys" property of package.json', async () => {
    write('package.json', '{"name":"x","cometkeys":{"retries":1}}');
    expect((await load()).retries).toBe(1);
  });

  it('searches upward from a subdirectory to the project root', async () => {
    write('cometkeys.config.yaml', 'retries: 2\n');
    mkdirSync(path.join(dir, 'sub/deeper'), { recursive: true });
    expect((await load({ cwd: path.join(dir, 'sub/deeper') })).retries).toBe(2);
  });

  it('takes --config over discovery, relative to cwd', async () => {
    write('cometkeys.config.yaml', 'retries: 2\n');
    write('ops/other.yaml', 'retries: 7\n');
    const s = await load({ configPath: 'ops/other.yaml' });
    expect(s.retries).toBe(7);
    expect(s.configFile).toBe(path.join(dir, 'ops/other.yaml'));
  });

  it('names a --config file that does not exist', async () => {
    const err = await failure(load({ configPath: 'missing.yaml' }));
    expect(err.message).toBe('missing.yaml: config file not found');
  });

  it('names a config file that does not parse', async () => {
    write('cometkeys.config.yaml', 'retries: [1,\n');
    const err = await failure(load());
    expect(err.message).toMatch(/^cometkeys\.config\.yaml: cannot be read: /);
  });

  it('treats an empty config file as no settings', async () => {
    write('cometkeys.config.yaml', '# nothing yet\n');
    const s = await load();
    expect({ ...s, configFile: undefined }).toEqual({
      ...defaultSettings(),
      configFile: undefined,
    });
  });
});

describe('loadSettings: precedence flag > environment > file > default', () => {
  beforeEach(() =>
    write('cometkeys.config.yaml', 'baseUrl: https://file.example\nparallelism: 4\n'),
  );

  it('uses the file over the default', async () => {
    const s = await load();
    expect([s.baseUrl, s.parallelism]).toEqual(['https://file.example', 4]);
  });

  it('uses COMETAPI_BASE_URL over the file', async () => {
    const s = await load({ env: { COMETAPI_BASE_URL: 'https://env.example' } });
    expect(s.baseUrl).toBe('https://env.example');
  });

  it('ignores an empty COMETAPI_BASE_URL', async () => {
    expect((await load({ env: { COMETAPI_BASE_URL: '' } })).baseUrl).toBe('https://file.example');
  });

  it('uses flags over the environment and the file', async () => {
    const s = await load({
      env: { COMETAPI_BASE_URL: 'https://env.example' },
      flags: { baseUrl: 'http://127.0.0.1:8080', parallelism: 2 },
    });
    expect([s.baseUrl, s.parallelism]).toEqual(['http://127.0.0.1:8080', 2]);
  });

  it('names the source of a bad URL, never its value', async () => {
    expect((await failure(load({ env: { COMETAPI_BASE_URL: 'nope' } }))).message).toBe(
      'COMETAPI_BASE_URL: is not a URL (expected e.g. https://api.cometapi.com)',
    );
    expect((await failure(load({ flags: { baseUrl: 'ftp://x' } }))).message).toBe(
      '--base-url: must be an http(s) URL (expected e.g. https://api.cometapi.com)',
    );
    write('cometkeys.config.json', '{"baseUrl": "api.cometapi.com"}');
    expect((await failure(load())).message).toBe(
      'cometkeys.config.json: baseUrl: is not a URL (expected e.g. https://api.cometapi.com)',
    );
  });

  it('does not echo an access token set by mistake as COMETAPI_BASE_URL (SPEC §5)', async () => {
    for (const token of ['sk-AbCdEf0123456789', 'Bearer sk-AbCdEf0123456789', 'sk:AbCdEf012345']) {
      const err = await failure(load({ env: { COMETAPI_BASE_URL: token } }));
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).toMatch(/^COMETAPI_BASE_URL: /);
      expect(err.message).not.toContain('AbCdEf');
    }
  });

  it('records which setting gave the base URL', async () => {
    expect((await load()).baseUrlSetting).toBe('cometkeys.config.yaml: baseUrl');
    expect((await load({ env: { COMETAPI_BASE_URL: 'https://e.example' } })).baseUrlSetting).toBe(
      'COMETAPI_BASE_URL',
    );
    expect((await load({ flags: { baseUrl: 'https://f.example' } })).baseUrlSetting).toBe(
      '--base-url',
    );
    write('cometkeys.config.yaml', 'parallelism: 4\n');
    expect((await load()).baseUrlSetting).toBeUndefined();
  });
});

describe('loadSettings: values', () => {
  it('merges nested settings over their defaults', async () => {
    write(
      'cometkeys.config.yaml',
      'unmanaged: {action: disable}\nsafety: {maxDeleteCount: 2}\nwarnExpiryDays: 30\n',
    );
    const s = await load();
    expect(s.unmanaged).toEqual({ action: 'disable', ignoreNames: [] });
    expect(s.safety).toEqual({ ...defaultSettings().safety, maxDeleteCount: 2 });
    expect(s.warnExpiryDays).toBe(30);
  });

  it('converts "$" limits with the configured quotaPerUsd', async () => {
    write(
      'cometkeys.config.yaml',
      'quotaPerUsd: 1000\nsafety: {maxQuotaIncrease: "$2.5"}\npolicy: {maxBudget: "$100", allowedGroups: [""]}\n',
    );
    const s = await load();
    expect(s.safety.maxQuotaIncrease).toBe(2500);
    expect(s.policy).toEqual({ maxBudget: 100_000, allowedGroups: [''] });
  });

  it('reads warnUnusedDays (default 90, 0 turns it off) and policy.maxUnusedDays', async () => {
    expect(defaultSettings().warnUnusedDays).toBe(90);
    write('cometkeys.config.yaml', 'warnUnusedDays: 0\npolicy: {maxUnusedDays: 365}\n');
    const s = await load();
    expect(s.warnUnusedDays).toBe(0);
    expect(s.policy).toEqual({ maxUnusedDays: 365 });
  });

  it('refuses a negative warnUnusedDays and a policy.maxUnusedDays below 1', async () => {
    write('cometkeys.config.yaml', 'warnUnusedDays: -1\npolicy: {maxUnusedDays: 0}\n');
    const err = await failure(load());
    expect(err.problems).toEqual([
      'cometkeys.config.yaml: warnUnusedDays: must be at least 0, got -1',
      'cometkeys.config.yaml: policy.maxUnusedDays: must be at least 1, got 0',
    ]);
  });

  it('keeps unit limits as they are', async () => {
    write('cometkeys.config.yaml', 'policy: {maxBudget: 123}\n');
    expect((await load()).policy?.maxBudget).toBe(123);
  });

  it('resolves relative files globs against the config file directory', async () => {
    write('ops/cometkeys.yaml', 'files: ["keys/*.yaml", "/abs/k.yaml"]\nauditLog: audit.jsonl\n');
    const s = await load({ configPath: 'ops/cometkeys.yaml' });
    expect(s.files).toEqual([path.join(dir, 'ops/keys/*.yaml'), '/abs/k.yaml']);
    expect(s.auditLog).toBe(path.join(dir, 'ops/audit.jsonl'));
  });

  it('keeps files relative when the config sits in the working directory', async () => {
    write('cometkeys.config.yaml', 'files: "keys/*.yaml"\n');
    expect((await load()).files).toEqual(['keys/*.yaml']);
  });
});

describe('loadSettings: refusals', () => {
  it.each([
    ['accessToken: abc123\n', 'accessToken'],
    ['token: abc123\n', 'token'],
    ['COMETAPI_ACCESS_TOKEN: abc123\n', 'COMETAPI_ACCESS_TOKEN'],
    ['safety:\n  apiKey: abc123\n', 'safety.apiKey'],
  ])('refuses a config holding a token (%j) without showing it', async (text, where) => {
    write('cometkeys.config.yaml', text);
    const err = await failure(load());
    expect(err.message).toBe(
      `cometkeys.config.yaml: ${where}: a config file must not hold the access token; set COMETAPI_ACCESS_TOKEN in the environment instead`,
    );
    expect(err.message).not.toContain('abc123');
  });

  it('reports every shape problem, naming the file and the setting', async () => {
    write(
      'cometkeys.config.yaml',
      'paralelism: 3\nretries: -1\nunmanaged: {action: remove}\npolicy: {maxBudget: "100 dollars"}\n',
    );
    const err = await failure(load());
    expect(err.problems).toEqual([
      'cometkeys.config.yaml: paralelism: unknown field "paralelism"; did you mean "parallelism"?',
      'cometkeys.config.yaml: retries: must be at least 0, got -1',
      'cometkeys.config.yaml: unmanaged.action: must be one of ignore, disable, delete; got "remove"',
      'cometkeys.config.yaml: policy.maxBudget: "100 dollars" is not a quota amount: use a whole number of quota units or a dollar string such as "$100"',
    ]);
  });

  it("takes quotaMaxUnits up to the older servers' maximum, never above", async () => {
    write('cometkeys.config.yaml', 'quotaMaxUnits: 500000000000000\n');
    expect((await load()).quotaMaxUnits).toBe(500_000_000_000_000);
    write('cometkeys.config.yaml', 'quotaMaxUnits: 500000000000001\n');
    expect((await failure(load())).problems).toEqual([
      'cometkeys.config.yaml: quotaMaxUnits: must be at most 500000000000000, got 500000000000001',
    ]);
  });

  it('refuses a config that is not a mapping', async () => {
    write('cometkeys.config.yaml', '- a\n- b\n');
    expect((await failure(load())).message).toBe(
      'cometkeys.config.yaml: the config must be a mapping of settings',
    );
  });

  it('refuses a dollar limit that is not a whole number of units', async () => {
    write('cometkeys.config.yaml', 'quotaPerUsd: 10\npolicy: {maxBudget: "$0.01"}\n');
    expect((await failure(load())).message).toBe(
      'cometkeys.config.yaml: policy.maxBudget: "$0.01" is not a whole number of quota units at 10 units per dollar',
    );
  });

  it('refuses a bad --parallelism', async () => {
    expect((await failure(load({ flags: { parallelism: 0 } }))).message).toContain('--parallelism');
  });
});

describe('the example config', () => {
  it('loads, with dollar limits converted and files relative to it', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const s = await loadSettings({
      cwd: root,
      configPath: 'examples/cometkeys.config.yaml',
      env: {},
      flags: {},
    });
    expect(s.files).toEqual([path.join(root, 'examples/keys/*.yaml')]);
    expect(s.safety.maxQuotaIncrease).toBe(250_000_000);
    expect(s.policy?.maxBudget).toBe(500_000_000);
    expect(s.unmanaged).toEqual({ action: 'ignore', ignoreNames: ['personal-*', 'console-test'] });
  });
});

describe('loadSettings: discovery stops at the project', () => {
  let outer: string;
  const outerDir = tempDirs('boundary');
  beforeEach(() => {
    // No package.json or .git anywhere in this tree: nothing marks a project.
    outer = outerDir();
  });
  const put = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(outer, rel)), { recursive: true });
    writeFileSync(path.join(outer, rel), text);
  };
  const loadAt = (rel: string) => loadSettings({ cwd: path.join(outer, rel), env: {}, flags: {} });

  it('ignores a config two directories up when no project marker is between', async () => {
    put('.cometkeysrc.json', '{"unmanaged":{"action":"delete"},"baseUrl":"https://evil.example"}');
    mkdirSync(path.join(outer, 'a/b'), { recursive: true });
    const s = await loadAt('a/b');
    expect(s.unmanaged.action).toBe('ignore');
    expect(s.baseUrl).toBe(defaultSettings().baseUrl);
    expect(s.configFile).toBeUndefined();
  });

  it('ignores a config above the directory holding package.json', async () => {
    put('.cometkeysrc.json', '{"retries":1}');
    put('proj/package.json', '{"name":"p"}');
    mkdirSync(path.join(outer, 'proj/sub'), { recursive: true });
    expect((await loadAt('proj/sub')).retries).toBe(defaultSettings().retries);
  });

  it('ignores a config above the directory holding .git, and finds one inside it', async () => {
    put('.cometkeysrc.json', '{"retries":1}');
    mkdirSync(path.join(outer, 'repo/.git'), { recursive: true });
    mkdirSync(path.join(outer, 'repo/keys'), { recursive: true });
    expect((await loadAt('repo/keys')).retries).toBe(defaultSettings().retries);
    put('repo/.cometkeysrc.json', '{"retries":2}');
    expect((await loadAt('repo/keys')).retries).toBe(2);
  });

  it('never executes a .mjs config above the project', async () => {
    const marker = path.join(outer, 'executed');
    put(
      '.cometkeysrc.mjs',
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'x');\nexport default { retries: 1 };\n`,
    );
    put('proj/package.json', '{"name":"p"}');
    expect((await loadAt('proj')).retries).toBe(defaultSettings().retries);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a YAML alias bomb in a config instead of expanding it', async () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    put('proj/package.json', '{"name":"p"}');
    put('proj/cometkeys.config.yaml', lines.join('\n') + '\n');
    const err = await loadAt('proj').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^cometkeys\.config\.yaml: cannot be read: .*alias/i);
  });
});

describe('loadSettings: base URL forms', () => {
  it('takes https://api.cometapi.com/v1 (the form of CometAPI’s own CLI) as its origin, with a notice', async () => {
    const s = await load({ env: { COMETAPI_BASE_URL: 'https://api.cometapi.com/v1' } });
    expect(s.baseUrl).toBe('https://api.cometapi.com');
    expect(s.notices).toEqual([
      'COMETAPI_BASE_URL: the path /v1 is dropped: the key API lives at the origin (https://api.cometapi.com)',
    ]);
  });

  it('names a config found above the working directory', async () => {
    write('cometkeys.config.yaml', 'retries: 2\n');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    const s = await load({ cwd: path.join(dir, 'sub') });
    expect(s.notices).toEqual([`using the config ${path.join(dir, 'cometkeys.config.yaml')}`]);
    expect((await load()).notices).toEqual([]);
  });
});
