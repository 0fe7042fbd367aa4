/**
 * The fast path of the key-file parser (docs/performance.md#the-yaml-fast-path): the events of
 * its own line scanner (yaml-fast-scan.ts, held to js-yaml's events by the differential test),
 * used only when the file keeps to the plain subset key files need. That subset is one
 * block mapping of block mappings, block sequences, one-line flow sequences of scalars and
 * one-line scalars, with plain identifier keys, and no anchors, aliases, tags, directives,
 * document markers, duplicate keys, escapes, tabs or control characters. Every line of the file
 * is checked against it (yaml-fast-lines.ts). Anything else is refused, and the caller parses
 * with `yaml` as before, so every diagnostic keeps its wording and position. Values are resolved
 * with `yaml`'s core schema rules (yaml-core.ts), positions with its `locateNode` rules
 * (yaml-fast-index.ts); the differential test (test/desired/yaml-fast.test.ts) holds both paths
 * to the same results.
 */
import { getScalarValue, SCALAR_STYLE } from 'js-yaml';
import type { Located } from './diagnostics.js';
import { resolvePlain, UNSAFE_INTEGER } from './yaml-core.js';
import { SourceIndex, type MapPos, type SeqPos } from './yaml-fast-index.js';
import { scanEvents, type EventSink } from './yaml-fast-scan.js';
import {
  checkAfterColon,
  checkDash,
  checkEveryLine,
  checkFlowGap,
  checkRestOfLine,
  CLOSE_BRACKET,
  COLON,
  DASH,
  DOUBLE_QUOTE,
  isLineEnd,
  OPEN_BRACKET,
  Refusal,
  refuse,
  SINGLE_QUOTE,
  SPACE,
} from './yaml-fast-lines.js';
import type { DocPath } from './yaml-source.js';

/** What the fast path read: the document as plain data and where each part of it starts. */
export interface FastYaml {
  value: Record<string, unknown>;
  locate(path: DocPath, at?: 'value' | 'key'): Located;
}

/** Longer keys take the slow path (`yaml` refuses implicit keys over 1024 characters). */
const MAX_FAST_KEY_LENGTH = 128;

/**
 * Characters the fast path leaves to `yaml`: tabs, control and C1 characters, the Unicode line
 * separators, byte-order marks, non-characters and a CR not ending a line.
 */
const UNUSUAL_CHAR =
  // eslint-disable-next-line no-control-regex
  /[\t\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]|\r(?!\n)/;

/** A lone surrogate (text that is not well-formed UTF-16); looked for only if there are any. */
const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Document markers and directives at the start of a line. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=[ \r\n]|$)|^%/m;

/** Keys on the fast path: plain identifiers, dashes allowed (every key-file field is one). */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Characters a plain scalar may not start with, but `-`, `?` and `:` before a non-space. */
const INDICATOR_CHARS = '-?:,[]{}#&*!|>\'"%@`';
const INDICATOR_NEEDS_SPACE = '-?:';

/** Reads `text` on the fast path; undefined when the file needs `yaml`. Never throws. */
export function parseYamlFast(text: string): FastYaml | undefined {
  const read = readFast(text);
  return typeof read === 'string' ? undefined : read;
}

/** Why `text` takes the slow path, or undefined when the fast path reads it (for tests). */
export function fastPathRefusal(text: string): string | undefined {
  const read = readFast(text);
  return typeof read === 'string' ? read : undefined;
}

function readFast(text: string): FastYaml | string {
  if (UNUSUAL_CHAR.test(text)) return 'a tab, control character or lone CR';
  if (DOCUMENT_MARKER.test(text)) return 'a document marker or directive';
  if (SURROGATE.test(text) && LONE_SURROGATE.test(text)) return 'a lone surrogate';
  // The scanner reads the file straight into the reader; what either refuses goes to `yaml`.
  try {
    const reader = new FastReader(text);
    scanEvents(text, reader);
    return reader.finish();
  } catch (err) {
    if (err instanceof Refusal) return err.message;
    throw err;
  }
}

interface MapFrame {
  map: true;
  value: Record<string, unknown>;
  pos: MapPos;
  /** The key waiting for its value, where it starts, and where its `:` is. */
  key: string | undefined;
  keyStart: number;
  colon: number;
  /** Column of this mapping's keys. */
  col: number;
  /** True for a sequence item: its first key follows `- ` on the dash's line. */
  afterDash: boolean;
}

interface SeqFrame {
  map: false;
  value: unknown[];
  pos: SeqPos;
  flow: boolean;
  /** Block: the column of the dashes. Flow: the end of the last item (or of the `[`). */
  col: number;
}

type Frame = MapFrame | SeqFrame;

class FastReader implements EventSink {
  private readonly index: SourceIndex;
  private readonly stack: Frame[] = [];
  /** Lines whose key or sequence item was checked from the line's start. */
  private readonly verified: Uint8Array;
  /** Keys already found to be plain identifiers; each one's first copy, reused as the key. */
  private readonly plainKeys = new Map<string, string>();

  /** The root mapping, once closed; and whether the document's end was seen. */
  private root: Record<string, unknown> | undefined;
  private ended = false;

  constructor(private readonly text: string) {
    this.index = new SourceIndex(text);
    this.verified = new Uint8Array(this.index.lineStarts.length);
  }

  /** The document read, once every event is in. */
  finish(): FastYaml {
    const value = this.root;
    if (value === undefined || !this.ended) refuse('more than one document');
    checkEveryLine(this.text, this.index.lineStarts, this.verified);
    const { index } = this;
    return { value, locate: (path, at) => index.locate(value, path, at) };
  }

  /** Nothing may follow the root mapping. */
  private notAfterRoot(): void {
    if (this.root !== undefined || this.ended) refuse('more than one document');
  }

  /** Closes the innermost collection, or ends the document. */
  pop(): void {
    const done = this.stack.pop();
    if (!done) {
      this.ended = true; // the document's end
      return;
    }
    this.close(done);
    if (this.stack.length === 0) this.root = done.value as Record<string, unknown>;
  }

  /** Opens a mapping or sequence as the value the current frame expects. */
  open(isMap: boolean, start: number, flow: boolean): void {
    this.notAfterRoot();
    const parent = this.stack[this.stack.length - 1];
    if (!parent && !isMap) refuse('the document is not a mapping');
    if (parent && !parent.map && parent.flow) refuse('a collection inside a flow sequence');
    if (isMap) {
      if (flow) refuse('a flow mapping');
      const value: Record<string, unknown> = {};
      const pos: MapPos = { start, entries: [] };
      const afterDash = parent !== undefined && !parent.map;
      this.attach(parent, value, pos, afterDash ? 'dash' : 'line');
      const col = start - this.index.lineStart(start);
      this.stack.push({
        map: true,
        value,
        pos,
        key: undefined,
        keyStart: -1,
        colon: -1,
        col,
        afterDash,
      });
      return;
    }
    const value: unknown[] = [];
    const pos: SeqPos = { start, items: [] };
    if (flow) {
      if (this.text.charCodeAt(start) !== OPEN_BRACKET) refuse('an odd flow sequence');
      this.attach(parent, value, pos, 'inline');
      this.stack.push({ map: false, value, pos, flow, col: start + 1 });
    } else {
      this.attach(parent, value, pos, 'line');
      const col = start - this.index.lineStart(start);
      this.stack.push({ map: false, value, pos, flow, col });
    }
  }

  /**
   * Puts a collection where the current frame expects a value. `how`: on the lines after its
   * key (`line`), after `- ` (`dash`: a mapping as a sequence item), or on its key's or dash's
   * line (`inline`: a flow sequence).
   */
  private attach(
    parent: Frame | undefined,
    value: object,
    pos: MapPos | SeqPos,
    how: 'line' | 'dash' | 'inline',
  ): void {
    this.index.positions.set(value, pos);
    if (!parent) {
      if (how !== 'line') refuse('an odd top level');
      return;
    }
    if (parent.map) {
      if (parent.key === undefined) refuse('a collection as a key');
      if (how === 'inline') checkAfterColon(this.text, parent.colon, pos.start);
      else if (how === 'line') checkRestOfLine(this.text, parent.colon + 1);
      else refuse('an odd mapping');
      this.setMapValue(parent, value, pos.start);
      return;
    }
    if (how === 'line') refuse('a sequence directly inside a sequence');
    this.dash(parent, pos.start);
    parent.value.push(value);
    parent.pos.items.push(pos.start);
  }

  /** A scalar from `valueStart` to `valueEnd` (-1: empty); `fast`: a quoted one has no escapes. */
  scalar(valueStart: number, valueEnd: number, style: number, fast: boolean): void {
    this.notAfterRoot();
    const frame = this.stack[this.stack.length - 1];
    if (!frame) refuse('a scalar document');
    const { text } = this;
    if (valueStart === -1) {
      // An empty value: only `key:` with nothing after it.
      if (!frame.map || frame.key === undefined || style !== SCALAR_STYLE.PLAIN) {
        refuse('an empty item or key');
      }
      checkRestOfLine(this.text, frame.colon + 1);
      this.setMapValue(frame, null, -1);
      return;
    }
    let start = valueStart;
    let end = valueEnd;
    const { index } = this;
    if (index.lineOf(end) !== index.lineOf(start)) refuse('a scalar over several lines');
    let value: unknown;
    if (style === SCALAR_STYLE.PLAIN) {
      const first = text.charCodeAt(start);
      if (
        end <= start ||
        first === SPACE ||
        text.charCodeAt(end - 1) === SPACE ||
        (INDICATOR_CHARS.includes(text[start] as string) &&
          !(INDICATOR_NEEDS_SPACE.includes(text[start] as string) && end > start + 1))
      ) {
        refuse('a plain scalar with an odd start or end');
      }
      if (frame.map && frame.key === undefined) {
        this.key(frame, start, end);
        return;
      }
      value = resolvePlain(text.slice(start, end));
      if (value === UNSAFE_INTEGER) refuse('an integer past 2^53');
    } else if (style === SCALAR_STYLE.SINGLE_QUOTED || style === SCALAR_STYLE.DOUBLE_QUOTED) {
      if (frame.map && frame.key === undefined) refuse('a quoted key');
      const quote = style === SCALAR_STYLE.SINGLE_QUOTED ? SINGLE_QUOTE : DOUBLE_QUOTE;
      start -= 1;
      end += 1;
      if (text.charCodeAt(start) !== quote || text.charCodeAt(end - 1) !== quote) {
        refuse('an odd quoted scalar');
      }
      const escape = quote === DOUBLE_QUOTE ? text.indexOf('\\', start) : -1;
      if (escape !== -1 && escape < end) refuse('an escape in a double-quoted scalar');
      value = fast
        ? text.slice(valueStart, valueEnd)
        : getScalarValue(text, { valueStart, valueEnd, style } as Parameters<
            typeof getScalarValue
          >[1]);
    } else {
      refuse('a block scalar');
    }
    if (frame.map) {
      checkAfterColon(this.text, frame.colon, start);
      checkRestOfLine(this.text, end);
      this.setMapValue(frame, value, value === null ? -1 : start);
      return;
    }
    if (frame.flow) {
      checkFlowGap(this.text, frame.col, start, frame.value.length > 0);
      frame.col = end;
    } else {
      this.dash(frame, start);
      checkRestOfLine(this.text, end);
    }
    frame.value.push(value);
    frame.pos.items.push(value === null ? -1 : start);
  }

  /** A key of a block mapping: a plain identifier at the mapping's column, then `:`. */
  private key(frame: MapFrame, start: number, end: number): void {
    const { text } = this;
    const slice = text.slice(start, end);
    let name = this.plainKeys.get(slice);
    if (name === undefined) {
      const plain =
        slice.length <= MAX_FAST_KEY_LENGTH &&
        PLAIN_KEY.test(slice) &&
        slice !== '__proto__' &&
        typeof resolvePlain(slice) === 'string';
      if (!plain) refuse('a key that is not a plain identifier');
      this.plainKeys.set(slice, slice);
      name = slice;
    }
    if (Object.hasOwn(frame.value, name)) refuse('a duplicate key');
    const after = text.charCodeAt(end + 1);
    if (text.charCodeAt(end) !== COLON || !(after === SPACE || isLineEnd(after))) {
      refuse('a key not followed by ": "');
    }
    const lineStart = this.index.lineStart(start);
    if (start - lineStart !== frame.col) refuse('a key out of line');
    // Before the key: its indentation, and for a sequence item's first key, `- ` as well.
    let j = lineStart;
    while (text.charCodeAt(j) === SPACE) j++;
    if (frame.afterDash && frame.pos.entries.length === 0) {
      if (text.charCodeAt(j) !== DASH || text.charCodeAt(j + 1) !== SPACE) refuse('an odd item');
      j += 1;
      while (text.charCodeAt(j) === SPACE) j++;
    }
    if (j !== start) refuse('something before a key');
    this.verified[this.index.lineOf(start)] = 1;
    frame.key = name;
    frame.keyStart = start;
    frame.colon = end;
  }

  /** A block sequence item, checked from its line's start. */
  private dash(frame: SeqFrame, itemStart: number): void {
    checkDash(this.text, this.index.lineStart(itemStart), frame.col, itemStart);
    this.verified[this.index.lineOf(itemStart)] = 1;
  }

  private setMapValue(frame: MapFrame, value: unknown, valueStart: number): void {
    const key = frame.key as string;
    frame.value[key] = value;
    frame.pos.entries.push(key, frame.keyStart, valueStart);
    frame.key = undefined;
  }

  private close(frame: Frame): void {
    if (frame.map) {
      if (frame.key !== undefined) refuse('a key without a value');
      return;
    }
    if (!frame.flow) return;
    // `]` after the last item (or the `[`), then the rest of the line.
    const { text } = this;
    let j = frame.col;
    while (text.charCodeAt(j) === SPACE) j++;
    if (text.charCodeAt(j) !== CLOSE_BRACKET) refuse('an odd end of a flow sequence');
    checkRestOfLine(this.text, j + 1);
  }
}
