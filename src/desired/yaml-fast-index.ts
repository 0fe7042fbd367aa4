/**
 * Where the parts of a document read on the fast path start, and `locateNode`'s rules over them
 * (yaml-source.ts): the same path gives the same line and column on both paths.
 */
import { formatPath } from '../values/index.js';
import type { Located } from './diagnostics.js';
import type { DocPath } from './yaml-source.js';

/**
 * Where a mapping's entries start: key name, key offset, value offset, repeated. A value offset
 * of -1 is a null scalar: an empty value points at its key, as on the slow path.
 */
export interface MapPos {
  start: number;
  entries: (string | number)[];
  /** Entry indexes by key, built on the first lookup in a large mapping. */
  byKey?: Map<string, number>;
}

/** Mappings with more entries than this are searched through `byKey`. */
const LINEAR_SEARCH_MAX_ENTRIES = 32;

/** The index in `entries` of the entry named `name`, or -1. */
function entryIndex(pos: MapPos, name: string): number {
  const { entries } = pos;
  if (entries.length > LINEAR_SEARCH_MAX_ENTRIES * 3) {
    if (!pos.byKey) {
      const byKey = new Map<string, number>();
      for (let k = entries.length - 3; k >= 0; k -= 3) byKey.set(entries[k] as string, k);
      pos.byKey = byKey;
    }
    return pos.byKey.get(name) ?? -1;
  }
  for (let k = 0; k < entries.length; k += 3) if (entries[k] === name) return k;
  return -1;
}

/** Where a sequence's items start; -1 for a null item. */
export interface SeqPos {
  start: number;
  items: number[];
}

/** The lines of a text, and the offsets of the collections read from it. */
export class SourceIndex {
  readonly positions = new Map<object, MapPos | SeqPos>();
  /** Offsets where each line starts. */
  readonly lineStarts: number[];
  /** The line of the last offset looked up (the reader asks in text order). */
  private line = 0;

  constructor(text: string) {
    const starts = [0];
    for (let j = text.indexOf('\n'); j !== -1; j = text.indexOf('\n', j + 1)) starts.push(j + 1);
    this.lineStarts = starts;
  }

  /** The line (0-based) an offset is on; cheap for offsets near the last one. */
  lineOf(offset: number): number {
    const starts = this.lineStarts;
    let n = this.line;
    while (n + 1 < starts.length && (starts[n + 1] as number) <= offset) n++;
    while (n > 0 && (starts[n] as number) > offset) n--;
    this.line = n;
    return n;
  }

  /** Where the line of an offset starts. */
  lineStart(offset: number): number {
    return this.lineStarts[this.lineOf(offset)] as number;
  }

  /** 1-based line and column of an offset, as `yaml`'s LineCounter counts them. */
  position(offset: number): { line: number; col: number } {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (starts[lo] as number) + 1 };
  }

  /** The slow path's `locateNode` over the recorded offsets, from the root mapping. */
  locate(root: object, path: DocPath, at: 'value' | 'key' = 'value'): Located {
    let node: unknown = root;
    let best = (this.positions.get(root) as MapPos).start;
    for (let i = 0; i < path.length; i++) {
      const pos = typeof node === 'object' && node !== null ? this.positions.get(node) : undefined;
      if (!pos) break;
      const seg = path[i] as string | number;
      let keyOffset = -1;
      let valueOffset: number;
      let next: unknown;
      if ('entries' in pos) {
        const name = String(seg);
        const k = entryIndex(pos, name);
        if (k === -1) break;
        next = (node as Record<string, unknown>)[name];
        keyOffset = pos.entries[k + 1] as number;
        valueOffset = pos.entries[k + 2] as number;
      } else {
        if (typeof seg !== 'number' || !Number.isInteger(seg) || seg < 0) break;
        if (seg >= pos.items.length) break;
        next = (node as unknown[])[seg];
        valueOffset = pos.items[seg] as number;
      }
      if (i === path.length - 1 && at === 'key' && keyOffset !== -1) best = keyOffset;
      else if (valueOffset !== -1) best = valueOffset;
      else if (keyOffset !== -1) best = keyOffset;
      node = next;
    }
    return { path: formatPath(path), ...this.position(best) };
  }
}
