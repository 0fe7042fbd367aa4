/**
 * The key-file schema as an editor sees it (every rule, nothing skipped) against the CLI: never
 * stricter (every file the CLI accepts validates; every value a CLI check accepts matches its
 * pattern), and it rejects each invalid fixture whose fault JSON Schema can express.
 * docs/key-file.md#the-json-schema
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadKeyFileText } from '../../src/desired/index.js';
import { EDITOR_KEYWORDS, readKeysSchema } from '../../src/desired/schema-check.js';
import { exportKeyFile } from '../../src/export/export-keys.js';
import type { ServerKey } from '../../src/model.js';
import { checkGroupName, checkModelId, checkName } from '../../src/values/text.js';
import { parseExpiry } from '../../src/values/expiry.js';
import { parseIpEntry } from '../../src/values/ip.js';
import { aServerKey } from '../helpers/builders.js';
import { REPO_ROOT } from '../helpers/temp.js';

const INVALID = path.join(REPO_ROOT, 'test/fixtures/invalid');
const VALID = path.join(REPO_ROOT, 'test/fixtures/valid');
const NOW = new Date('2026-11-26T12:00:00Z');

/** The whole schema, as an editor applies it. */
function editorValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addVocabulary([...EDITOR_KEYWORDS]);
  return ajv.compile(readKeysSchema());
}
const editor = editorValidator();

function schemaErrors(doc: unknown): string[] {
  return editor(doc) ? [] : (editor.errors ?? []).map((e) => `${e.instancePath} ${e.schemaPath}`);
}

function cliErrors(text: string): string[] {
  return loadKeyFileText(text, 'k.yaml', { quotaPerUsd: 500_000, now: NOW })
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.path}: ${d.message}`);
}

type Node = Record<string, unknown>;

/** Follows a local `$ref` (`#/definitions/…`) to the schema it names. */
function resolve(root: Node, node: Node): Node {
  const ref = node['$ref'];
  if (typeof ref !== 'string') return node;
  const target = ref
    .slice(2)
    .split('/')
    .reduce<unknown>((n, seg) => (n as Node)[seg], root) as Node;
  return { ...target, ...node };
}

describe('every property an editor completes has a description with examples', () => {
  it('top level, defaults, keys and list items', () => {
    const root = readKeysSchema() as Node;
    const missing: string[] = [];
    const visit = (node: Node, where: string): void => {
      const props = (node['properties'] ?? {}) as Record<string, Node>;
      for (const [name, raw] of Object.entries(props)) {
        const prop = resolve(root, raw);
        const at = `${where}.${name}`;
        if (typeof prop['description'] !== 'string') missing.push(`${at}: description`);
        if (!Array.isArray(prop['examples']) || prop['examples'].length === 0) {
          missing.push(`${at}: examples`);
        }
        const items = prop['items'] as Node | undefined;
        if (items && !items['$ref']) {
          if (typeof items['description'] !== 'string') missing.push(`${at}[]: description`);
          if (!Array.isArray(items['examples'])) missing.push(`${at}[]: examples`);
        }
      }
    };
    visit(root, '');
    const definitions = root['definitions'] as Record<string, Node>;
    for (const name of ['keyFields', 'key']) visit(definitions[name] as Node, name);
    expect(missing).toEqual([]);
    // The walk saw the fields of both mappings.
    expect(Object.keys((definitions['key'] as Node)['properties'] as Node).length).toBe(17);
  });

  it('examples validate where they stand: every example of a key field is accepted', () => {
    const root = readKeysSchema() as Node;
    const fields = ((root['definitions'] as Record<string, Node>)['keyFields'] as Node)[
      'properties'
    ] as Record<string, Node>;
    const quota = ['unlimited_quota', 'quota_budget', 'remain_quota'];
    for (const [name, raw] of Object.entries(fields)) {
      for (const example of resolve(root, raw)['examples'] as unknown[]) {
        const key = { name: 'a', ...(quota.includes(name) ? {} : { quota_budget: 1 }) };
        const doc = {
          version: 1,
          keys: [{ ...key, [name]: example }],
          defaults: { [name]: example },
        };
        expect(schemaErrors(doc), `${name}: ${JSON.stringify(example)}`).toEqual([]);
      }
    }
  });
});

describe('files the CLI accepts validate against the schema', () => {
  const files = [
    'keys.example.yaml',
    ...readdirSync(path.join(REPO_ROOT, 'examples/keys')).map((f) => `examples/keys/${f}`),
    ...readdirSync(VALID).map((f) => `test/fixtures/valid/${f}`),
  ].filter((f) => f.endsWith('.yaml'));

  it('covers the example, examples/keys and the valid fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  it.each(files)('%s', (file) => {
    const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    expect(cliErrors(text)).toEqual([]);
    expect(schemaErrors(YAML.parse(text))).toEqual([]);
  });

  it('the output of export on random accounts (what export writes, the schema accepts)', () => {
    const stored = fc.record({
      name: fc.constantFrom('backend', ' padded ', 'dup', 'dup', 'x'.repeat(60), 'ok-1'),
      status: fc.constantFrom(1, 2, 3, 4),
      expired_time: fc.constantFrom(-1, 1_700_000_000, 1_830_297_600, 1_830_300_000),
      unlimited_quota: fc.boolean(),
      remain_quota: fc.constantFrom(0, 5, 5_000_000, -10),
      used_quota: fc.constantFrom(0, 7),
      model_limits_enabled: fc.boolean(),
      model_limits: fc.constantFrom('', 'gpt-4o', 'a,b', 'gpt 4o', 'a,a'),
      allow_ips: fc.constantFrom(null, '', '10.0.0.1', '10.0.0.1/8', '2001:DB8::1', 'junk'),
      group: fc.constantFrom('', 'auto', 'default'),
      cross_group_retry: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(stored, { minLength: 1, maxLength: 6 }), (records) => {
        const server: ServerKey[] = records.map((r, i) => aServerKey({ id: i + 1, ...r }));
        const { text } = exportKeyFile(server, {
          quotaPerUsd: 500_000,
          unmanagedAction: 'ignore',
          now: NOW,
        });
        expect(cliErrors(text)).toEqual([]);
        expect(schemaErrors(YAML.parse(text))).toEqual([]);
      }),
      { seed: 14, numRuns: 150 },
    );
  });
});

/** Invalid fixtures whose fault the schema states: an editor flags each. */
const EXPRESSIBLE = [
  '07-missing-version',
  '08-wrong-version',
  '09-keys-not-list',
  '10-unknown-top-level',
  '11-unknown-field',
  '12-unknown-field-in-defaults',
  '13-name-in-defaults',
  '14-missing-name',
  '15-empty-name',
  '16-name-too-long',
  '17-name-whitespace',
  '20-status-typo',
  '21-status-number',
  '22-expiry-relative',
  '23-expiry-no-zone',
  '25-expiry-negative',
  '26-expiry-float',
  '27-no-quota-form',
  '28-two-quota-forms',
  '30-quota-negative',
  '31-quota-bad-string',
  '33-model-id-comma',
  '34-model-id-duplicate',
  '35-model-limits-string',
  '36-ip-invalid',
  '37-ip-comma-list',
  '39-cidr-prefix-too-long',
  '40-ignore-changes-unknown',
  '41-ignore-name-without-id',
  '42-ignore-changes-duplicate',
  '43-id-string',
  '44-id-zero',
  '47-boolean-as-yes',
  '52-group-number',
  '54-ipv6-zone',
  '55-defaults-not-mapping',
  '56-key-not-mapping',
  '57-previous-names-duplicate',
  '58-defaults-two-quota-forms',
  '59-name-control-char',
  '61-expiry-millis',
  '62-status-null',
  '65-group-escape',
  '66-model-id-c1',
  '67-allow-ips-newline',
  '68-previous-name-del',
  '69-name-escape',
  '70-auto-groups-escape',
];

/** Faults beyond JSON Schema (or beyond one file's JSON), with the reason. */
const BEYOND_SCHEMA: Record<string, string> = {
  '01-yaml-syntax': 'not YAML',
  '02-duplicate-field': 'a YAML-level duplicate key',
  '03-multiple-documents': 'several YAML documents',
  '04-empty': 'no document',
  '05-comments-only': 'no document',
  '06-not-a-mapping': 'a scalar document: the editor reports the type',
  '18-duplicate-name': 'uniqueness across keys by one field',
  '19-duplicate-id': 'uniqueness across keys by one field',
  '24-expiry-impossible-date': 'calendar validity (a pattern allows day 31 in every month)',
  '29-quota-dollar-fraction': 'depends on quotaPerUsd (configuration)',
  '32-quota-too-large': 'depends on quotaMaxUnits (configuration)',
  '38-ip-duplicate-canonical': 'duplicates after canonicalisation',
  '45-previous-name-own': 'compares two fields',
  '46-previous-name-conflict': 'across keys',
  '48-alias-bomb': 'YAML aliases',
  '49-non-utf8': 'bytes',
  '50-binary': 'bytes',
  '51-utf16': 'bytes',
  '53-undefined-alias': 'YAML aliases',
  '60-directory': 'not a file',
  '63-many-yaml-errors': 'not YAML',
  '64-deep-nesting': 'YAML nesting deeper than a parser follows',
};

describe('invalid fixtures the schema can express', () => {
  const all = readdirSync(INVALID)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();

  it('every invalid fixture is classified, once', () => {
    expect([...EXPRESSIBLE, ...Object.keys(BEYOND_SCHEMA)].sort()).toEqual(all);
  });

  it.each(EXPRESSIBLE)('%s: the schema rejects it, and so does the CLI', (name) => {
    const text = readFileSync(path.join(INVALID, `${name}.yaml`), 'utf8');
    expect(cliErrors(text)).not.toEqual([]);
    expect(schemaErrors(YAML.parse(text))).not.toEqual([]);
  });
});

/** A file whose one key carries `fields`. */
function oneKey(fields: Record<string, unknown>): unknown {
  return { version: 1, keys: [{ name: 'a', quota_budget: 1, ...fields }] };
}

describe('each rule the schema copies from the loader is never stricter', () => {
  const ascii = fc.string({ unit: 'binary-ascii', maxLength: 12 });
  const text = fc.oneof(ascii, fc.string({ unit: 'grapheme', maxLength: 8 }));

  it('names (and previous names): no edge white space', () => {
    const names = fc.oneof(
      text,
      text.map((s) => ` ${s}`),
      text.map((s) => `${s}\u00a0`),
      fc.constantFrom('a', 'a b', '\u3000x', 'x\ufeff', 'ünï', 'a\u200bb'),
    );
    fc.assert(
      fc.property(names, (name) => {
        const cli = checkName(name) === undefined;
        const ok =
          schemaErrors({ version: 1, keys: [{ name, quota_budget: 1 }] }).length === 0 &&
          schemaErrors(oneKey({ name: 'z', previous_names: [name] })).length === 0;
        if (cli) expect(ok, JSON.stringify(name)).toBe(true);
        if (/^\s|\s$/.test(name)) expect(ok, JSON.stringify(name)).toBe(false);
      }),
      { seed: 1, numRuns: 400 },
    );
  });

  it('model ids: no commas or white space', () => {
    const ids = fc.oneof(text, fc.constantFrom('gpt-4o', 'gpt 4o', 'a,b', 'x\u2003', 'claude-3.5'));
    fc.assert(
      fc.property(ids, (id) => {
        const cli = id.length > 0 && checkModelId(id) === undefined;
        const ok = schemaErrors(oneKey({ model_limits: [id] })).length === 0;
        if (cli) expect(ok, JSON.stringify(id)).toBe(true);
        if (/[\s,]/.test(id)) expect(ok, JSON.stringify(id)).toBe(false);
      }),
      { seed: 2, numRuns: 400 },
    );
  });

  it('allow_ips: every entry the parser accepts matches the pattern', () => {
    const prefix = fc.oneof(
      fc.integer({ min: 0, max: 140 }).map(String),
      fc.integer({ min: 0, max: 140 }).map((n) => String(n).padStart(3, '0')),
    );
    const entry = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.tuple(fc.ipV4(), prefix).map(([a, p]) => `${a}/${p}`),
      fc.tuple(fc.ipV6(), prefix).map(([a, p]) => `${a}/${p}`),
      fc.ipV6().map((a) => a.toUpperCase()),
      fc.ipV4Extended(),
      fc.constantFrom('10.0.0.300', '01.2.3.4', 'fe80::1%eth0', '1:::2', '1::2::3', 'junk'),
      fc.constantFrom('::ffff:1.2.3.4', '0000:0000::1', '10.0.0.1,10.0.0.2', ' 10.0.0.1'),
      ascii,
    );
    let accepted = 0;
    fc.assert(
      fc.property(entry, (ip) => {
        const cli = parseIpEntry(ip).ok;
        const ok = schemaErrors(oneKey({ allow_ips: [ip] })).length === 0;
        if (cli) {
          accepted++;
          expect(ok, ip).toBe(true);
        }
      }),
      { seed: 3, numRuns: 600 },
    );
    // The property was exercised on real addresses, not only on junk.
    expect(accepted).toBeGreaterThan(200);
    for (const bad of ['10.0.0.300', 'fe80::1%eth0', '10.0.0.0/33', '::/129', '1.2.3.4,5.6.7.8']) {
      expect(schemaErrors(oneKey({ allow_ips: [bad] })), bad).not.toEqual([]);
    }
  });

  it('expired_time: every form the parser accepts matches; relative forms do not', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const date = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), two(13), two(32))
      .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${m}-${d}`);
    const zone = fc.oneof(
      fc.constantFrom('Z', 'z', ''),
      fc
        .tuple(fc.constantFrom('+', '-'), two(24), fc.constantFrom(':', ''), two(60))
        .map((t) => t.join('')),
    );
    const dateTime = fc
      .tuple(date, fc.constantFrom('T', 't', ' '), two(24), two(60), fc.option(two(60)), zone)
      .map(([d, t, h, m, s, z]) => `${d}${t}${h}:${m}${s === null ? '' : `:${s}`}${z}`);
    const value = fc.oneof(
      date,
      dateTime,
      fc.integer({ min: -3, max: 300_000_000_000 }),
      fc.integer({ min: 0, max: 300_000_000_000 }).map(String),
      fc.constantFrom(
        'never',
        '-1',
        ' never ',
        'Never',
        '90d',
        '1 week',
        'P30D',
        'now',
        'in 3 days',
      ),
      ascii,
    );
    let accepted = 0;
    fc.assert(
      fc.property(value, (v) => {
        const cli = parseExpiry(v).ok;
        const ok = schemaErrors(oneKey({ expired_time: v })).length === 0;
        if (cli) {
          accepted++;
          expect(ok, String(v)).toBe(true);
        }
      }),
      { seed: 4, numRuns: 800 },
    );
    expect(accepted).toBeGreaterThan(200);
    for (const relative of ['90d', '30 days', 'P30D', 'now', 'in 3 days', '2 weeks ago']) {
      expect(parseExpiry(relative).ok).toBe(false);
      expect(schemaErrors(oneKey({ expired_time: relative })), relative).not.toEqual([]);
    }
  });

  it('auto_groups: blank names and more than 5 groups', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.constantFrom(' ', '\u00a0', 'vip')), (g) => {
        const ok = schemaErrors(oneKey({ group: 'auto', auto_groups: [g] })).length === 0;
        if (g.length > 0 && checkGroupName(g) === undefined)
          expect(ok, JSON.stringify(g)).toBe(true);
      }),
      { seed: 5, numRuns: 300 },
    );
    expect(schemaErrors(oneKey({ auto_groups: ['a', 'b', 'c', 'd', 'e'] }))).toEqual([]);
    expect(schemaErrors(oneKey({ auto_groups: ['a', 'b', 'c', 'd', 'e', 'f'] }))).not.toEqual([]);
  });
});

describe('the quota-form rules, as the loader applies them', () => {
  const forms = [
    {},
    { unlimited_quota: true },
    { unlimited_quota: false },
    { quota_budget: 5 },
    { remain_quota: 5 },
    { quota_budget: 5, remain_quota: 5 },
    { unlimited_quota: true, quota_budget: 5 },
    { unlimited_quota: false, quota_budget: 5 },
    { unlimited_quota: true, remain_quota: 5 },
    { ignore_changes: ['remain_quota'] },
    { ignore_changes: ['status'] },
  ];
  const cases = forms.flatMap((defaults) => forms.map((key) => ({ defaults, key })));

  it.each(cases)(
    'defaults $defaults, key $key: the schema rejects only what the CLI rejects',
    ({ defaults, key }) => {
      const doc: Record<string, unknown> = { version: 1, keys: [{ name: 'a', ...key }] };
      if (Object.keys(defaults).length > 0) doc['defaults'] = defaults;
      const cli = cliErrors(YAML.stringify(doc));
      const schema = schemaErrors(doc);
      if (cli.length === 0) expect(schema).toEqual([]);
      // Two forms in one mapping, and no form where defaults declares nothing: both exact.
      const twoForms = (m: Record<string, unknown>) =>
        ['quota_budget', 'remain_quota', 'unlimited_quota'].filter(
          (f) => f in m && !(f === 'unlimited_quota' && m[f] === false),
        ).length > 1;
      if (twoForms(defaults) || twoForms(key)) expect(schema).not.toEqual([]);
      if (Object.keys(defaults).length === 0 && cli.some((m) => m.includes('no quota form'))) {
        expect(schema).not.toEqual([]);
      }
    },
  );
});
