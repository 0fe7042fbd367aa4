/**
 * The scanner of the YAML fast path (yaml-fast.ts): js-yaml's event stream for the plainest
 * key files, read line by line with `indexOf` and `charCodeAt` instead of js-yaml's general
 * parser (which costs most of the fast path). It knows only block mappings whose keys are plain
 * identifiers, block sequences, flow sequences of scalars on one line, and scalars on one line
 * (plain, or quoted without escapes); it refuses anything else, and the reader then asks js-yaml
 * as before. The reader checks every line of what the scanner gives it just as it checks
 * js-yaml's events, and test/desired/yaml-fast.test.ts holds the scanner to js-yaml's events.
 */
import { SCALAR_STYLE } from 'js-yaml';
import {
  CLOSE_BRACKET,
  COLON,
  COMMA,
  CR,
  DASH,
  DOUBLE_QUOTE,
  HASH,
  OPEN_BRACKET,
  refuse,
  SINGLE_QUOTE,
  SPACE,
} from './yaml-fast-lines.js';

/**
 * Where the scanner's events go, as js-yaml would give them: a collection opened, a scalar (its
 * offsets, -1 for an empty value; `fast` when a quoted one needs no unescaping), the innermost
 * collection closed (after the root mapping: the document's end).
 */
export interface EventSink {
  open(isMap: boolean, start: number, flow: boolean): void;
  scalar(valueStart: number, valueEnd: number, style: number, fast: boolean): void;
  pop(): void;
}

/** Deeper nesting is left to js-yaml (a key file needs 5 levels). */
const MAX_SCAN_DEPTH = 7;

interface Open {
  map: boolean;
  /** The column of its keys or dashes. */
  indent: number;
  /** A mapping whose last key has no value yet (it may come on the next lines). */
  pending: boolean;
}

/** Characters a plain scalar may not start with (`-`, `?` and `:` may, before a safe one). */
const INDICATORS = '-?:,[]{}#&*!|>\'"%@`';
const FLOW_INDICATORS = ',[]{}';

/**
 * Refuses a plain scalar starting at `at` that YAML would not read as one: an indicator first,
 * or `-`, `?` or `:` followed by a space, the line's end or (in a flow sequence) a flow indicator.
 */
function checkPlainStart(text: string, at: number, eol: number, inFlow: boolean): void {
  const first = text[at] as string;
  if (!INDICATORS.includes(first)) return;
  if (first === '-' || first === '?' || first === ':') {
    const next = text[at + 1];
    if (at + 1 < eol && next !== ' ' && !(inFlow && FLOW_INDICATORS.includes(next as string))) {
      return;
    }
  }
  refuse('a plain scalar starting with an indicator');
}

/** True for the characters of a plain identifier key: letters, digits, `_` and `-`. */
function isKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45
  );
}

/**
 * Gives `sink` js-yaml's events for `text` (but the document's start); throws a Refusal for
 * anything outside the scanner's subset, possibly after some events.
 */
export function scanEvents(text: string, sink: EventSink): void {
  const stack: Open[] = [];
  const n = text.length;
  let eol = 0;
  let rootDone = false;

  const close = () => {
    const top = stack.pop() as Open;
    if (top.pending) sink.scalar(-1, -1, SCALAR_STYLE.PLAIN, false);
    sink.pop();
    if (stack.length === 0) rootDone = true;
  };
  const open = (map: boolean, start: number, indent: number) => {
    if (stack.length >= MAX_SCAN_DEPTH) refuse('nesting too deep to scan');
    sink.open(map, start, false);
    stack.push({ map, indent, pending: false });
  };
  /** Spaces, then the line's end or a comment after at least one space. */
  const restOfLine = (from: number) => {
    let j = from;
    while (j < eol && text.charCodeAt(j) === SPACE) j++;
    if (j < eol && !(text.charCodeAt(j) === HASH && j > from)) refuse('more on a line');
  };
  /** A quoted scalar whose opening quote is at `at`; returns the offset after its closing one. */
  const quoted = (at: number): number => {
    const quote = text.charCodeAt(at);
    if (quote === DOUBLE_QUOTE) {
      const end = text.indexOf('"', at + 1);
      if (end === -1 || end >= eol) refuse('a quoted scalar over several lines');
      const escape = text.indexOf('\\', at + 1);
      if (escape !== -1 && escape < end) refuse('an escape');
      sink.scalar(at + 1, end, SCALAR_STYLE.DOUBLE_QUOTED, true);
      return end + 1;
    }
    let fast = true;
    let j = at + 1;
    for (;;) {
      const end = text.indexOf("'", j);
      if (end === -1 || end >= eol) refuse('a quoted scalar over several lines');
      if (text.charCodeAt(end + 1) !== SINGLE_QUOTE) {
        sink.scalar(at + 1, end, SCALAR_STYLE.SINGLE_QUOTED, fast);
        return end + 1;
      }
      fast = false;
      j = end + 2;
    }
  };
  /** A flow sequence of scalars on one line from its `[`; returns the offset after its `]`. */
  const flow = (at: number): number => {
    if (stack.length >= MAX_SCAN_DEPTH) refuse('nesting too deep to scan');
    sink.open(false, at, true);
    let j = at + 1;
    while (j < eol && text.charCodeAt(j) === SPACE) j++;
    if (text.charCodeAt(j) === CLOSE_BRACKET && j < eol) {
      sink.pop();
      return j + 1;
    }
    for (;;) {
      if (j >= eol) refuse('a flow sequence over several lines');
      const c = text.charCodeAt(j);
      if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE) j = quoted(j);
      else {
        const start = j;
        checkPlainStart(text, start, eol, true);
        let end = j;
        for (; j < eol; j++) {
          const d = text.charCodeAt(j);
          if (d === COMMA || d === CLOSE_BRACKET) break;
          if (d === OPEN_BRACKET || d === 123 || d === 125) refuse('a collection in a flow item');
          if (d === HASH && text.charCodeAt(j - 1) === SPACE) refuse('a comment in a flow item');
          if (d === COLON) {
            const e = text.charCodeAt(j + 1);
            if (e === SPACE || e === COMMA || e === CLOSE_BRACKET || j + 1 >= eol) {
              refuse('a colon in a flow item');
            }
          }
          if (d !== SPACE) end = j + 1;
        }
        if (end === start) refuse('an empty flow item');
        sink.scalar(start, end, SCALAR_STYLE.PLAIN, true);
      }
      while (j < eol && text.charCodeAt(j) === SPACE) j++;
      const sep = text.charCodeAt(j);
      if (j < eol && sep === CLOSE_BRACKET) {
        sink.pop();
        return j + 1;
      }
      if (j >= eol || sep !== COMMA) refuse('an odd flow sequence');
      j++;
      while (j < eol && text.charCodeAt(j) === SPACE) j++;
      if (text.charCodeAt(j) === CLOSE_BRACKET) refuse('a trailing comma');
    }
  };
  /** A value on its key's or dash's line from `at`; then nothing but a comment. */
  const value = (at: number) => {
    const c = text.charCodeAt(at);
    if (c === OPEN_BRACKET) return restOfLine(flow(at));
    if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE) return restOfLine(quoted(at));
    checkPlainStart(text, at, eol, false);
    let end = at;
    let j = at;
    for (; j < eol; j++) {
      const d = text.charCodeAt(j);
      if (d === SPACE) {
        if (text.charCodeAt(j + 1) === HASH) break;
        continue;
      }
      if (d === COLON) {
        const e = text.charCodeAt(j + 1);
        if (e === SPACE || j + 1 >= eol) refuse('a colon in a plain scalar');
      }
      end = j + 1;
    }
    sink.scalar(at, end, SCALAR_STYLE.PLAIN, true);
    return undefined;
  };
  /** The end of the identifier key at `at` if a `:` and a space or the line's end follow it. */
  const keyEnd = (at: number): number => {
    let k = at;
    while (k < eol && isKeyChar(text.charCodeAt(k))) k++;
    if (k === at || text.charCodeAt(k) !== COLON) return -1;
    return k + 1 >= eol || text.charCodeAt(k + 1) === SPACE ? k : -1;
  };
  /** `key:` and its value at `at`, in the mapping on top of the stack. */
  const entry = (at: number, end: number) => {
    sink.scalar(at, end, SCALAR_STYLE.PLAIN, true);
    let j = end + 1;
    while (j < eol && text.charCodeAt(j) === SPACE) j++;
    if (j >= eol || text.charCodeAt(j) === HASH) {
      (stack[stack.length - 1] as Open).pending = true;
      return;
    }
    value(j);
  };
  /** A sequence item from its dash at `at`. */
  const item = (at: number, lineStart: number) => {
    let j = at + 1;
    while (j < eol && text.charCodeAt(j) === SPACE) j++;
    if (j >= eol || text.charCodeAt(j) === HASH) refuse("an item not on its dash's line");
    if (text.charCodeAt(j) === DASH) {
      const after = text.charCodeAt(j + 1);
      if (after === SPACE || j + 1 >= eol) refuse('a sequence in a sequence');
    }
    const end = keyEnd(j);
    if (end === -1) return value(j);
    open(true, j, j - lineStart);
    return entry(j, end);
  };

  let p = 0;
  while (p < n) {
    let lineEnd = text.indexOf('\n', p);
    if (lineEnd === -1) lineEnd = n;
    eol = lineEnd > p && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
    let q = p;
    while (q < eol && text.charCodeAt(q) === SPACE) q++;
    const lineStart = p;
    p = lineEnd + 1;
    if (q >= eol || text.charCodeAt(q) === HASH) continue;
    if (rootDone) refuse('more than the root mapping');
    const col = q - lineStart;
    const after = text.charCodeAt(q + 1);
    const dash = text.charCodeAt(q) === DASH && (after === SPACE || q + 1 >= eol);
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top || !(top.indent > col || (top.indent === col && !top.map && !dash))) break;
      close();
    }
    if (rootDone) refuse('more than the root mapping');
    const top = stack[stack.length - 1];
    if (dash) {
      if (!top) refuse('the document is not a mapping');
      if (top.map) {
        if (!top.pending || col < top.indent) refuse('an item out of place');
        top.pending = false;
        open(false, q, col);
      } else if (top.indent !== col) refuse('an item out of place');
      item(q, lineStart);
      continue;
    }
    const end = keyEnd(q);
    if (end === -1) refuse('a line that is not a plain entry');
    if (!top) open(true, q, col);
    else if (top.map && top.indent === col) {
      if (top.pending) {
        sink.scalar(-1, -1, SCALAR_STYLE.PLAIN, false);
        top.pending = false;
      }
    } else if (top.map && top.pending && col > top.indent) {
      top.pending = false;
      open(true, q, col);
    } else refuse('a key out of place');
    entry(q, end);
  }
  if (stack.length === 0) refuse('no mapping');
  while (stack.length > 0) close();
  sink.pop();
}
