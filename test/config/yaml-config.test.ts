/**
 * YAML configs on the key files' fast path (docs/performance.md#the-yaml-fast-path): whichever
 * parser reads a config, its value is the one `yaml` gives, and a plain settings-only config
 * takes the fast path. The fast path itself is held to `yaml` by test/desired/yaml-fast.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadYamlConfig } from '../../src/config/yaml-config.js';
import { fastPathRefusal } from '../../src/desired/yaml-fast.js';
import { REPO_ROOT } from '../helpers/temp.js';

const example = readFileSync(path.join(REPO_ROOT, 'examples/cometkeys.config.yaml'), 'utf8');
/** The example's settings, without its sinks (whose shell script is a block scalar). */
const settingsOnly = example.slice(0, example.indexOf('\n# Secret handoff') + 1);

/** What the config loader gave before the fast path: `yaml` alone, with the alias limit. */
function withYaml(text: string): unknown {
  return parseDocument(text, { uniqueKeys: true }).toJS({ maxAliasCount: 100 });
}

const plain: [string, string][] = [
  ['the example without its sinks', settingsOnly],
  ['a few settings', 'parallelism: 3\nretries: 2 # comment\n\nunmanaged:\n  action: ignore\n'],
  [
    'lists and quoted values',
    "files: ['keys/*.yaml', \"b.yaml\"]\nsafety:\n  maxQuotaIncrease: '$500'\n",
  ],
  ['an empty value and a date-like string', 'auditLog:\nbaseUrl: https://x.example:8443/\n'],
];

const notPlain: [string, string][] = [
  ['the example with its sinks', example],
  ['a flow mapping', 'policy: {maxUnusedDays: 365}\n'],
  ['an anchor and alias', 'a: &x 1\nb: *x\n'],
  ['a block scalar', 'x: |\n  one\n  two\n'],
  ['an integer past 2^53', 'parallelism: 9007199254740993\n'],
];

describe('loadYamlConfig', () => {
  it.each(plain)('%s: takes the fast path and gives what yaml gives', async (_, text) => {
    expect(fastPathRefusal(text)).toBeUndefined();
    expect(await loadYamlConfig('c.yaml', text)).toStrictEqual(withYaml(text));
  });

  it.each(notPlain)('%s: is read by yaml', async (_, text) => {
    expect(fastPathRefusal(text)).toBeDefined();
    expect(await loadYamlConfig('c.yaml', text)).toStrictEqual(withYaml(text));
  });

  it('words a YAML error as before', async () => {
    await expect(loadYamlConfig('c.yaml', 'retries: [1,\n')).rejects.toThrow(/^YAML error: /);
  });
});
