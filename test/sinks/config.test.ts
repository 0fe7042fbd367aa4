/** The `sinks` setting: checks naming sink and field, defaults, paths against the config's dir. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, defaultSettings, loadSettings } from '../../src/config/index.js';
import { checkSinks } from '../../src/sinks/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cometkeys-sinks-config-'));
  writeFileSync(path.join(dir, 'package.json'), '{"name":"fixture"}\n');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function loadYaml(text: string, cwd = dir) {
  writeFileSync(path.join(dir, '.cometkeysrc.yaml'), text);
  return loadSettings({ cwd, env: {}, flags: {} });
}

describe('sinks in the config', () => {
  it('has none by default', () => {
    expect(defaultSettings().sinks).toEqual({});
  });

  it('resolves commands and files, with defaults and paths relative to the config file', async () => {
    const sub = path.join(dir, 'sub');
    mkdirSync(sub);
    const settings = await loadYaml(
      [
        'sinks:',
        '  gh-secrets:',
        '    command: ["gh", "secret", "set", "COMETAPI_KEY_{NAME}"]',
        '  vault:',
        '    command: ["vault", "kv", "put", "secret/llm/{name}", "key=-"]',
        '    timeoutSeconds: 5',
        '    cwd: tools',
        '  local:',
        '    file: .secrets/{name}.env',
        '    format: dotenv',
        '  plain:',
        '    file: /abs/{id}',
      ].join('\n'),
      sub,
    );
    expect(settings.sinks).toEqual({
      'gh-secrets': { command: ['gh', 'secret', 'set', 'COMETAPI_KEY_{NAME}'], timeoutSeconds: 30 },
      vault: {
        command: ['vault', 'kv', 'put', 'secret/llm/{name}', 'key=-'],
        timeoutSeconds: 5,
        cwd: path.join(dir, 'tools'),
      },
      local: { file: path.join(dir, '.secrets/{name}.env'), format: 'dotenv' },
      plain: { file: '/abs/{id}', format: 'raw' },
    });
  });

  it('names the sink and field of every problem', async () => {
    const err = await loadYaml(
      [
        'sinks:',
        '  a: { command: [] }',
        '  b: { command: ["x"], timeoutSeconds: 0, shell: true }',
        '  c: { file: "x", format: yaml }',
        '  d: { file: "x", command: ["y"] }',
        '  e: {}',
        '  "bad name": { file: "x" }',
        '  f: "gh secret set"',
      ].join('\n'),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      '.cometkeysrc.yaml: sinks.a.command: must be a non-empty list of strings (argv, no shell)',
      '.cometkeysrc.yaml: sinks.b.shell: not a setting of a command sink (command, timeoutSeconds, cwd)',
      '.cometkeysrc.yaml: sinks.b.timeoutSeconds: must be a number of seconds above 0, got 0',
      '.cometkeysrc.yaml: sinks.c.format: must be raw, dotenv or json, got "yaml"',
      '.cometkeysrc.yaml: sinks.d: must have exactly one of "command" or "file"',
      '.cometkeysrc.yaml: sinks.e: must have exactly one of "command" or "file"',
      '.cometkeysrc.yaml: sinks.bad name: a sink name may hold letters, digits, ".", "_" and "-" only',
      '.cometkeysrc.yaml: sinks.f: must be a mapping with either "command" or "file"',
    ]);
  });

  it('refuses sinks that are not a mapping', async () => {
    await expect(loadYaml('sinks: [a]\n')).rejects.toThrow(/sinks/);
  });

  it('takes a sink name that looks like a credential name as a name, not a token field', async () => {
    const settings = await loadYaml('sinks:\n  repo-secrets:\n    file: s.env\n');
    expect(Object.keys(settings.sinks)).toEqual(['repo-secrets']);
    // A field inside a sink is still checked.
    await expect(loadYaml('sinks:\n  x:\n    file: s.env\n    apiKey: abc\n')).rejects.toThrow(
      /sinks\.x\.apiKey: a config file must not hold the access token/,
    );
  });

  it('checkSinks accepts nothing and a correct mapping', () => {
    expect(checkSinks(undefined)).toEqual([]);
    expect(checkSinks({ a: { file: 'x', format: 'json' }, b: { command: ['y'] } })).toEqual([]);
    expect(checkSinks({ a: { command: ['', 'x'] } })).toEqual([
      'sinks.a.command: the program (first element) must not be empty',
    ]);
  });
});

describe('the sink examples cannot rot', () => {
  const root = path.resolve(import.meta.dirname, '../..');

  it('examples/cometkeys.config.yaml: every recipe loads through the config checker', async () => {
    const s = await loadSettings({
      cwd: root,
      configPath: 'examples/cometkeys.config.yaml',
      env: {},
      flags: {},
    });
    expect(Object.keys(s.sinks).sort()).toEqual([
      'github-env',
      'github-repo',
      'k8s',
      'local',
      'vault',
    ]);
    const command = (name: string) => (s.sinks[name] as { command: string[] }).command;
    // gh reads the secret from stdin: no --body, no placeholder for the secret anywhere.
    expect(command('github-repo')).toEqual([
      'gh',
      'secret',
      'set',
      'COMETAPI_KEY_{NAME}',
      '--repo',
      'acme/backend',
    ]);
    expect(command('github-env')).toEqual([...command('github-repo'), '--env', 'production']);
    expect(command('vault')).toContain('key=-');
    // The Kubernetes recipe: a fixed script (no placeholder in shell code), the name from the
    // environment, the secret from stdin.
    const [sh, flag, script] = command('k8s');
    expect([sh, flag]).toEqual(['sh', '-c']);
    expect(script).not.toMatch(/\{(name|NAME|id)\}/);
    expect(script).toContain('"cometapi-$COMETKEYS_KEY_NAME" --from-file=key=/dev/stdin');
    expect(script).toContain('--dry-run=client -o yaml | kubectl apply -f -');
    expect(s.sinks.local).toEqual({
      file: path.join(root, 'examples/.secrets/{name}.env'),
      format: 'dotenv',
    });
  });

  it("the README's sinks block passes the same checks", () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const block = /```json\n(\{\n\s+"sinks"[\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const sinks = (JSON.parse(block ?? '{}') as { sinks: Record<string, unknown> }).sinks;
    expect(checkSinks(sinks)).toEqual([]);
    expect(Object.keys(sinks).length).toBeGreaterThanOrEqual(4);
  });
});
