/**
 * The differential test of the YAML fast path (docs/performance.md#the-yaml-fast-path): on every
 * file it reads, the fast path must give exactly what `yaml` gives — the same values, the same
 * position for every path (and for paths that lead nowhere), and through the loader the same
 * keys and diagnostics. Over every fixture, example and the example key file, then seeded
 * generated documents: export-shaped files (which must all take the fast path), `yaml.stringify`
 * output, and both cut and spliced at random. `YAML_FAST_RUNS` and `YAML_FAST_SEED` run longer
 * or other seeds (CONTRIBUTING.md#the-yaml-fast-path).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadFileEntries } from '../../src/desired/load-text.js';
import { KEY_FIELDS } from '../../src/fields.js';
import { decodeKeyFileBytes } from '../../src/desired/read-key-file.js';
import { EVENT_ID, parseEvents, SCALAR_STYLE } from 'js-yaml';
import { fastPathRefusal, parseYamlFast } from '../../src/desired/yaml-fast.js';
import { scanEvents } from '../../src/desired/yaml-fast-scan.js';
import { parseWithYaml, type DocPath } from '../../src/desired/yaml-source.js';
import { REPO_ROOT } from '../helpers/temp.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const RUNS = Number(process.env.YAML_FAST_RUNS ?? 100);
const SEED = Number(process.env.YAML_FAST_SEED ?? 20261201);

/** Every path to a node of `value`, and beside each, paths that lead nowhere. */
function probePaths(value: unknown, base: DocPath = [], out: DocPath[] = []): DocPath[] {
  out.push(base);
  if (Array.isArray(value)) {
    value.forEach((v, i) => probePaths(v, [...base, i], out));
    out.push([...base, value.length], [...base, -1], [...base, 'name']);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) probePaths(v, [...base, k], out);
    out.push([...base, 'no_such_field'], [...base, 0]);
  } else {
    out.push([...base, 'below'], [...base, 0]);
  }
  return out;
}

/**
 * Fails on any difference between the fast path and `yaml` on `text`; returns which path read
 * it. Where the fast path declines, only the slow path runs, so there is nothing to compare.
 */
function expectSameParse(text: string): 'fast' | 'slow' {
  const fast = parseYamlFast(text);
  if (!fast) return 'slow';
  const slow = parseWithYaml(text);
  expect(slow.problems, 'the fast path read a file yaml has problems with').toEqual([]);
  expect(slow.empty).toBe(false);
  expect(fast.value).toStrictEqual(slow.value);
  for (const p of probePaths(slow.value)) {
    for (const at of ['value', 'key'] as const) {
      expect(fast.locate(p, at), `${JSON.stringify(p)} (${at})`).toEqual(slow.locate(p, at));
    }
  }
  return 'fast';
}

/** The loader's keys and diagnostics through the default parser and through `yaml` alone. */
function expectSameLoad(text: string): void {
  const opts = { quotaPerUsd: 500_000, now: NOW, sinkNames: ['vault'] };
  const both = loadFileEntries(text, 'f.yaml', opts);
  const slow = loadFileEntries(text, 'f.yaml', opts, parseWithYaml);
  expect(both).toStrictEqual(slow);
}

/** Every `.yaml`/`.yml` file under `dir`, relative to the repository root. */
function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(REPO_ROOT, dir))) {
    const rel = path.join(dir, entry);
    if (statSync(path.join(REPO_ROOT, rel)).isDirectory()) out.push(...yamlFilesUnder(rel));
    else if (/\.ya?ml$/.test(entry)) out.push(rel);
  }
  return out.sort();
}

const corpus = [
  'keys.example.yaml',
  ...yamlFilesUnder('test/fixtures'),
  ...yamlFilesUnder('examples'),
];

/** The key files that must take the fast path: the plain files users write and export. */
const plainKeyFiles = [
  'keys.example.yaml',
  ...corpus.filter((f) => f.startsWith('examples/keys/') || f.startsWith('test/fixtures/valid/')),
];

describe('the fast path against yaml: the corpus', () => {
  it('covers the fixtures, the examples and the example key file', () => {
    expect(corpus.filter((f) => f.startsWith('test/fixtures/invalid/')).length).toBeGreaterThan(40);
    expect(corpus.filter((f) => f.startsWith('examples/')).length).toBeGreaterThan(3);
    expect(plainKeyFiles.length).toBeGreaterThan(5);
  });

  it.each(corpus)('%s: same values, positions, keys and diagnostics', (file) => {
    const abs = path.join(REPO_ROOT, file);
    if (statSync(abs).isDirectory()) return; // 60-directory.yaml is a directory on purpose
    const read = decodeKeyFileBytes(readFileSync(abs));
    if (!read.ok) return; // refused before any parser sees it
    const taken = expectSameParse(read.text);
    expectSameLoad(read.text);
    if (plainKeyFiles.includes(file)) expect(fastPathRefusal(read.text)).toBeUndefined();
    expect(taken).toBe(fastPathRefusal(read.text) === undefined ? 'fast' : 'slow');
  });
});

// Generated documents ------------------------------------------------------------------------

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}[a-z0-9]$/);
const plainScalar = fc.oneof(
  word,
  fc.constantFrom(
    '2027-06-30',
    '2027-06-30T12:00:00Z',
    '2027-06-30T12:00:00+02:00',
    'never',
    'enabled',
    'disabled',
    'auto',
    '10.0.0.0/8',
    '2001:db8::1',
    '::ffff:192.0.2.1',
    '$12.50',
    'gpt-4o-mini',
    'a b',
    'a#b',
    'x:y',
    '数据管道-生产',
    'é',
  ),
  fc.integer({ min: -5, max: 3_000_000_000 }).map(String),
  fc.constantFrom('-1', '+5', '007', '-0', '1.5', '.5', '1.', '-2.50', '1e3', '2E-2'),
  fc.constantFrom('0x1F', '0o17', '.inf', '-.Inf', '.nan', '9007199254740991'),
  fc.constantFrom('~', 'null', 'Null', 'NULL', 'true', 'True', 'FALSE', 'false', 'yes', 'on'),
);
const quotedScalar = fc.oneof(
  word.map((w) => `'${w}'`),
  word.map((w) => `"${w}"`),
  fc.constantFrom(`'it''s'`, `''`, `""`, `'$100'`, `"2001:db8::/32"`, `' padded '`, `'a\\b'`),
  fc.constantFrom(`'a # b'`, `"x, y"`, `'[x]'`, `"null"`, `'123'`),
);
/** Scalars in the fast subset. */
const scalar = fc.oneof(plainScalar, quotedScalar);
/** Scalars the fast path leaves to `yaml`: escapes, integers past 2^53, anchors, tags, blocks. */
const slowScalar = fc.constantFrom(
  `"a\\tb"`,
  `"\\u00e9"`,
  '12345678901234567',
  '9007199254740993',
  '1e20',
  '&a x',
  '*a',
  '!!str 5',
  '|\n  text',
  '>-\n  folded',
  '"two\n  lines"',
  '@at',
  '`tick',
);
/** Every key-file field (fields added to the table come along), and a few unknown ones. */
const FIELDS = [
  ...KEY_FIELDS,
  ...['id', 'previous_names', 'ignore_changes', 'deliver'],
  ...['extra_field', 'Name', '_private'],
];

/** How a document is laid out: indentation, where comments go, line ends. */
const layout = fc.record({
  indent: fc.constantFrom(2, 4),
  seqIndented: fc.boolean(),
  comments: fc.boolean(),
  blankLines: fc.boolean(),
  crlf: fc.boolean(),
  finalNewline: fc.boolean(),
});
type Layout = typeof layout extends fc.Arbitrary<infer T> ? T : never;

type FieldValue =
  | { kind: 'scalar'; text: string }
  | { kind: 'empty' }
  | { kind: 'flow'; items: string[]; spaced: boolean }
  | { kind: 'block'; items: string[] };

function fieldValue(value: fc.Arbitrary<string>): fc.Arbitrary<FieldValue> {
  return fc.oneof(
    { weight: 6, arbitrary: value.map((text) => ({ kind: 'scalar' as const, text })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
    {
      weight: 2,
      arbitrary: fc
        .record({ items: fc.array(value, { maxLength: 4 }), spaced: fc.boolean() })
        .map((r) => ({ kind: 'flow' as const, ...r })),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(value, { minLength: 1, maxLength: 3 })
        .map((items) => ({ kind: 'block' as const, items })),
    },
  );
}

function entries(value: fc.Arbitrary<string>) {
  return fc.uniqueArray(fc.tuple(fc.constantFrom(...FIELDS), fieldValue(value)), {
    selector: ([f]) => f,
    minLength: 1,
    maxLength: 8,
  });
}

/** A key file written as people and `export` write them, with scalars from `value`. */
function documentOf(value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .record({
      layout,
      defaults: fc.option(entries(value), { nil: undefined }),
      keys: fc.array(entries(value), { maxLength: 6 }),
      version: fc.constantFrom('1', '2', "'1'"),
    })
    .map(({ layout: l, defaults, keys, version }) => renderDocument(l, version, defaults, keys));
}

/** Key files in the subset the fast path reads. */
const plainDocument = documentOf(scalar);

/** A plain key file with one value the fast path must leave to `yaml`. */
const documentWithSlowValue = fc
  .tuple(documentOf(scalar), slowScalar, fc.nat())
  .map(([text, slow, n]) => {
    const lines = text.split('\n');
    const at = n % (lines.length + 1);
    lines.splice(at, 0, `odd_field: ${slow}`);
    return { text: lines.join('\n'), at };
  });

function renderDocument(
  l: Layout,
  version: string,
  defaults: [string, FieldValue][] | undefined,
  keys: [string, FieldValue][][],
): string {
  const lines: string[] = [];
  const pad = (n: number) => ' '.repeat(n);
  const note = (s: string) => (l.comments ? `${s} # note` : s);
  const entryLines = (col: number, first: string, [field, v]: [string, FieldValue]) => {
    const head = `${first}${field}:`;
    if (v.kind === 'scalar') lines.push(note(`${head} ${v.text}`));
    else if (v.kind === 'empty') lines.push(note(head));
    else if (v.kind === 'flow') {
      const inner = v.items.join(v.spaced ? ', ' : ',');
      lines.push(note(`${head} ${v.spaced && inner ? `[ ${inner} ]` : `[${inner}]`}`));
    } else {
      lines.push(head);
      const dash = pad(l.seqIndented ? col + l.indent : col);
      for (const item of v.items) lines.push(note(`${dash}- ${item}`));
    }
  };
  if (l.comments) lines.push('# yaml-language-server: $schema=./schemas/keys.schema.json', '');
  lines.push(note(`version: ${version}`));
  if (defaults) {
    lines.push('defaults:');
    for (const e of defaults) entryLines(l.indent, pad(l.indent), e);
  }
  lines.push(keys.length === 0 ? 'keys: []' : 'keys:');
  const dashCol = l.seqIndented ? l.indent : 0;
  for (const k of keys) {
    if (l.blankLines) lines.push('');
    if (l.comments) lines.push(`${pad(dashCol)}# a key`);
    k.forEach((e, i) => {
      const first = i === 0 ? `${pad(dashCol)}- ` : pad(dashCol + 2);
      entryLines(dashCol + 2, first, e);
    });
  }
  const eol = l.crlf ? '\r\n' : '\n';
  return lines.join(eol) + (l.finalNewline ? eol : '');
}

/** Any JSON-like document, as `yaml` writes it with one of several option sets. */
const json = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string(), word, fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        { weight: 6, arbitrary: word },
        { weight: 3, arbitrary: fc.constantFrom(...FIELDS) },
        { weight: 1, arbitrary: fc.string() },
      ),
      tie('node'),
      { maxKeys: 5 },
    ),
  ),
})).node;
const stringified = fc
  .tuple(
    fc.dictionary(fc.oneof(word, fc.constantFrom(...FIELDS)), json, { minKeys: 1, maxKeys: 5 }),
    fc.record({
      indent: fc.constantFrom(2, 3, 4),
      indentSeq: fc.boolean(),
      flowCollectionPadding: fc.boolean(),
      collectionStyle: fc.constantFrom<'any' | 'block' | 'flow'>('any', 'any', 'block', 'flow'),
      defaultStringType: fc.constantFrom<'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE'>(
        'PLAIN',
        'PLAIN',
        'PLAIN',
        'QUOTE_SINGLE',
        'QUOTE_DOUBLE',
      ),
    }),
  )
  .map(([doc, opts]) => stringify(doc, opts));

/** Characters that change YAML's meaning, spliced into documents. */
const hostileChar = fc.constantFrom(
  ...' :-#\'"[]{},&*!|>?%@`\\\t\n\r~.0aZé\u0085\u2028\ufeff'.split(''),
  '---\n',
  '...\n',
  '- ',
  ': ',
  ' #',
);
/** A document with a few characters inserted, deleted or replaced, and lines moved. */
const mutated = fc
  .tuple(
    fc.oneof(plainDocument, documentOf(fc.oneof(scalar, slowScalar)), stringified),
    fc.array(
      fc.record({
        op: fc.constantFrom('insert', 'delete', 'replace', 'indent', 'duplicate'),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        char: hostileChar,
      }),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([text, edits]) => edits.reduce(applyEdit, text));

function applyEdit(text: string, e: { op: string; at: number; char: string }): string {
  const i = Math.min(text.length, Math.floor(e.at * (text.length + 1)));
  if (e.op === 'insert') return text.slice(0, i) + e.char + text.slice(i);
  if (e.op === 'delete') return text.slice(0, i) + text.slice(i + 1);
  if (e.op === 'replace') return text.slice(0, i) + e.char + text.slice(i + 1);
  const lines = text.split('\n');
  const n = Math.min(lines.length - 1, Math.floor(e.at * lines.length));
  if (e.op === 'indent') lines[n] = ` ${lines[n]}`;
  else lines.splice(n, 0, lines[n] ?? '');
  return lines.join('\n');
}

describe('the fast path against yaml: large files', () => {
  it('locates entries of a mapping too large to search one by one', () => {
    const many = (n: number, indent: string) =>
      Array.from({ length: n }, (_, i) => `${indent}field_${i}: ${i % 3 === 0 ? '' : `v${i}`}`);
    const text = [
      'version: 1',
      ...many(40, ''),
      'keys:',
      '  - name: wide',
      ...many(60, '    '),
      '  - name: narrow',
      '    quota_budget: 5',
    ].join('\n');
    expect(fastPathRefusal(text)).toBeUndefined();
    expectSameParse(text);
    expectSameLoad(text);
  });
});

describe('the fast path against yaml: generated documents', () => {
  it('reads every plain key file on the fast path, exactly as yaml does', () => {
    fc.assert(
      fc.property(plainDocument, (text) => {
        expect(fastPathRefusal(text)).toBeUndefined();
        expectSameParse(text);
        expectSameLoad(text);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('leaves anchors, aliases, tags, block scalars, escapes and rounded integers to yaml', () => {
    fc.assert(
      fc.property(documentWithSlowValue, ({ text }) => {
        expect(parseYamlFast(text)).toBeUndefined();
      }),
      { seed: SEED + 3, numRuns: RUNS },
    );
  });

  it('agrees with yaml on whatever yaml.stringify writes', () => {
    let fast = 0;
    fc.assert(
      fc.property(stringified, (text) => {
        if (expectSameParse(text) === 'fast') fast++;
      }),
      { seed: SEED + 1, numRuns: RUNS * 2 },
    );
    // Not vacuous: a good share of them is in the fast subset.
    expect(fast).toBeGreaterThan(RUNS / 10);
  });

  it('falls back, or agrees with yaml, on documents with characters spliced in', () => {
    let fast = 0;
    fc.assert(
      fc.property(mutated, (text) => {
        if (expectSameParse(text) === 'fast') {
          fast++;
          expectSameLoad(text);
        }
      }),
      { seed: SEED + 2, numRuns: RUNS * 4 },
    );
    expect(fast).toBeGreaterThan(RUNS / 10);
  });
});

/**
 * The fast path's own scanner (yaml-fast-scan.ts) against js-yaml's parser: wherever it reads a
 * file, it gives js-yaml's events, and it reads every plain key file.
 */
function scannedLikeJsYaml(text: string): boolean {
  // The events the scanner gives the reader, written down as js-yaml writes them.
  const scanned: object[] = [
    { type: EVENT_ID.DOCUMENT, explicitStart: false, explicitEnd: false, directives: [] },
  ];
  const none = { anchorStart: -1, anchorEnd: -1, tagStart: -1, tagEnd: -1 };
  try {
    scanEvents(text, {
      open: (isMap, start, flow) =>
        scanned.push({
          type: isMap ? EVENT_ID.MAPPING : EVENT_ID.SEQUENCE,
          start,
          ...none,
          style: flow ? 2 : 1,
        }),
      scalar: (valueStart, valueEnd, style, fast) =>
        scanned.push({
          type: EVENT_ID.SCALAR,
          valueStart,
          valueEnd,
          ...none,
          style,
          chomping: 1,
          indent: -1,
          fast,
        }),
      pop: () => scanned.push({ type: EVENT_ID.POP }),
    });
  } catch {
    return false;
  }
  // `fast` of a plain scalar is js-yaml's note on how it read it; the reader never uses it.
  const comparable = (events: object[]) =>
    events.map((e) => {
      if (!('style' in e && 'fast' in e) || e.style !== SCALAR_STYLE.PLAIN) return e;
      const { fast: _fast, ...rest } = e;
      return rest;
    });
  expect(comparable(scanned)).toEqual(comparable(parseEvents(text, { maxDepth: 8 })));
  return true;
}

describe("the fast path's scanner against js-yaml", () => {
  it.each(corpus)('%s: the same events where it reads the file', (file) => {
    const abs = path.join(REPO_ROOT, file);
    if (statSync(abs).isDirectory()) return;
    const read = decodeKeyFileBytes(readFileSync(abs));
    if (!read.ok || fastPathRefusal(read.text) !== undefined) return;
    const scanned = scannedLikeJsYaml(read.text);
    if (plainKeyFiles.includes(file)) expect(scanned).toBe(true);
  });

  it.each([
    'key: a:',
    'key: a: b',
    'key: - a',
    'key: ? a',
    'key: [a, ]',
    'key: [a, , b]',
    'key: [a:, b]',
    'key: [a #c]',
    "key: 'a'b",
    "key: 'a' b",
    'key: "a" b',
    'key: [a, [b]]',
    'key: [a, {b: c}]',
    'key: [a',
    'key: "a',
    'keys:\n- a\n  b: c',
    'keys:\n  - a\n - b',
    'a: 1\n  b: 2',
    'a:\n  b: 1\n c: 2',
    '- a',
    'a: 1\n- b',
    'a:\n- - b',
    'a:\n-\n  b: 1',
    'a: 1 # c\nb:#c',
    "a: 'it''s'",
    'a: [ x , y ]',
    'a: x #c\r\nb: [y]\r\n',
  ])('%j: refused, or js-yaml reads the same', (text) => {
    expect(() => scannedLikeJsYaml(text)).not.toThrow();
  });

  it('reads every plain key file, with the same events', () => {
    fc.assert(
      fc.property(plainDocument, (text) => {
        expect(scannedLikeJsYaml(text)).toBe(true);
      }),
      { seed: SEED + 4, numRuns: RUNS },
    );
  });

  it('gives the same events, or refuses, on yaml.stringify output and spliced documents', () => {
    let scanned = 0;
    fc.assert(
      fc.property(fc.oneof(stringified, mutated), (text) => {
        if (scannedLikeJsYaml(text)) scanned++;
      }),
      { seed: SEED + 5, numRuns: RUNS * 4 },
    );
    expect(scanned).toBeGreaterThan(RUNS / 10);
  });
});
