/**
 * YAML with source positions: parses one document, converts it to plain values with a bound on
 * alias expansion (no "billion laughs"), and maps document paths back to line and column. A file
 * in the plain key-file subset is read on the fast path (yaml-fast.ts); every other file, and so
 * every file with a YAML problem, is parsed by `yaml`, which words the problems.
 */
import { createRequire } from 'node:module';
import type { Document, Node } from 'yaml';
import { formatPath } from '../values/index.js';
import type { Located } from './diagnostics.js';
import { parseYamlFast } from './yaml-fast.js';

// yaml is loaded on first use, not at start-up: only a file off the fast path needs it. The call
// names the package literally, so that the bundled CLI carries it (esbuild bundles `require(...)`,
// scripts/bundle-cli.mjs); the tsc output, an ES module, has no `require` and uses createRequire
// (docs/performance.md#start-up).
const requireCjs = createRequire(import.meta.url);
let yamlLibLoaded: typeof import('yaml') | undefined;
/** The `yaml` package, loaded on first use (key files off the fast path, YAML configs). */
export function yamlLib(): typeof import('yaml') {
  yamlLibLoaded ??= typeof require === 'function' ? require('yaml') : requireCjs('yaml');
  return yamlLibLoaded as typeof import('yaml');
}

/** At most this many alias expansions per file; far above any honest key file. */
export const MAX_YAML_ALIASES = 100;

/** Parse problems reported per file; past this a hostile file would only flood the output. */
export const MAX_YAML_PROBLEMS = 20;

/** A path into the document: map keys and sequence indexes. */
export type DocPath = readonly (string | number)[];

/** A problem found while parsing, with its position. */
export interface YamlProblem {
  severity: 'error' | 'warning';
  line: number;
  col: number;
  message: string;
}

/** A parsed key file: its plain value, how to find positions, and parse problems. */
export interface YamlSource {
  /** The document as plain data; undefined when it could not be converted. */
  value: unknown;
  /** True when the file holds no document at all (empty or only comments). */
  empty: boolean;
  problems: YamlProblem[];
  /** Where a path points: its value, or (`at: 'key'`) the map key that names it. */
  locate(path: DocPath, at?: 'value' | 'key'): Located;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  // yaml appends " at line L, column C:" — the position is reported separately.
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

function rewordYamlError(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') {
    return 'a key file holds one YAML document; found more than one (a "---" separator)';
  }
  if (code === 'DUPLICATE_KEY') return `${firstLine(message)} (a field is declared twice)`;
  if (/maximum call stack/i.test(message)) return 'the YAML nests too deeply to read';
  return firstLine(message);
}

/** Parses YAML text: the fast path when the file allows it, else `yaml`; never throws. */
export function parseYamlSource(text: string): YamlSource {
  const fast = parseYamlFast(text);
  if (fast) return { value: fast.value, empty: false, problems: [], locate: fast.locate };
  return parseWithYaml(text);
}

/** Parses YAML text with `yaml` alone (the slow path, and the reference of the fast one). */
export function parseWithYaml(text: string): YamlSource {
  const { LineCounter, parseDocument, visit } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: true,
    uniqueKeys: true,
  });
  const problems: YamlProblem[] = [];
  const seen = new Set<string>();
  let dropped = 0;
  let firstDropped: { line: number; col: number } | undefined;
  for (const [severity, list] of [
    ['error', doc.errors],
    ['warning', doc.warnings],
  ] as const) {
    for (const e of list) {
      const message = rewordYamlError(e.code, e.message);
      // Where the parser ran out of stack depends on the engine, not the file: say 1:1.
      const deep = /maximum call stack/i.test(e.message);
      const pos = (!deep && e.linePos?.[0]) || { line: 1, col: 1 };
      const id = `${pos.line}:${pos.col}:${message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      if (problems.length >= MAX_YAML_PROBLEMS) {
        dropped++;
        firstDropped ??= pos;
        continue;
      }
      problems.push({ severity, line: pos.line, col: pos.col, message });
    }
  }
  if (dropped > 0 && firstDropped) {
    problems.push({
      severity: 'error',
      line: firstDropped.line,
      col: firstDropped.col,
      message: `${dropped} more YAML problems not shown`,
    });
  }
  const empty = doc.contents === null && doc.errors.length === 0;
  let value: unknown;
  // An alias without its anchor would fail in toJS without a position: find it first. (No
  // `*` in the text means no alias: skip the walk over a large file.)
  if (doc.errors.length === 0 && !empty && text.includes('*')) {
    visit(doc, {
      Alias(_, node) {
        if (node.resolve(doc) !== undefined) return undefined;
        const p = lineCounter.linePos(node.range?.[0] ?? 0);
        problems.push({
          severity: 'error',
          line: p.line,
          col: p.col,
          message: `alias *${node.source} has no anchor &${node.source} before it`,
        });
        return visit.BREAK;
      },
    });
  }
  // A number beyond 2^53 would be rounded (an `id` pin to the wrong key): refuse it where it
  // stands. (Only a run of 16 digits can be that large: skip the walk otherwise.)
  if (doc.errors.length === 0 && !empty && /\d{16}/.test(text)) {
    visit(doc, {
      Scalar(_, node) {
        const v = node.value;
        if (typeof v !== 'number' || !Number.isInteger(v) || Number.isSafeInteger(v)) return;
        const p = lineCounter.linePos(node.range?.[0] ?? 0);
        problems.push({
          severity: 'error',
          line: p.line,
          col: p.col,
          message: `${node.source ?? String(v)} is beyond 2^53 (${Number.MAX_SAFE_INTEGER}) and cannot be read exactly`,
        });
      },
    });
  }
  if (doc.errors.length === 0 && !empty && problems.every((p) => p.severity !== 'error')) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      problems.push({
        severity: 'error',
        line: 1,
        col: 1,
        message: /excessive alias count/i.test(msg)
          ? `too many YAML alias expansions (more than ${MAX_YAML_ALIASES}); this looks like an alias bomb`
          : `cannot read the YAML document: ${firstLine(msg)}`,
      });
    }
  }
  const position = (offset: number): { line: number; col: number } => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  return {
    value,
    empty,
    problems,
    locate: (path, at = 'value') => locateNode(doc, path, at, position),
  };
}

function locateNode(
  doc: Document,
  path: DocPath,
  at: 'value' | 'key',
  position: (offset: number) => { line: number; col: number },
): Located {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yamlLib();
  const display = formatPath(path);
  const start = (n: Node | null | undefined) => n?.range?.[0];
  let node: unknown = doc.contents;
  let best = start(doc.contents as Node | null) ?? 0;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const seg = path[i];
    let next: unknown;
    let keyOffset: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && String(isScalar(p.key) ? p.key.value : p.key) === String(seg),
      );
      if (pair) {
        next = pair.value;
        keyOffset = start(pair.key as Node | null);
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
    }
    if (next === undefined && keyOffset === undefined) break;
    const last = i === path.length - 1;
    const valueOffset = start(next as Node | null);
    // An empty value (`allow_ips:`) has no useful range of its own: point at its key.
    const scalarNull = isScalar(next) && next.value === null;
    if (last && at === 'key' && keyOffset !== undefined) best = keyOffset;
    else if (valueOffset !== undefined && !scalarNull) best = valueOffset;
    else if (keyOffset !== undefined) best = keyOffset;
    node = next;
  }
  return { path: display, ...position(best) };
}
