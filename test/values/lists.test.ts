/** Unit tests of list values compared as sets. */
import { describe, expect, it } from 'vitest';
import {
  normalizeStoredIps,
  normalizeStoredModels,
  sameSet,
  sortedSet,
} from '../../src/values/index.js';

describe('sets of list values', () => {
  it('sorts and removes repeats', () => {
    expect(sortedSet(['b', 'a', 'b'])).toEqual(['a', 'b']);
  });

  it('compares lists and sets as sets', () => {
    expect(sameSet(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameSet(['a', 'b'], ['a', 'c'])).toBe(false);
    expect(sameSet(['a'], ['a', 'b'])).toBe(false);
    expect(sameSet(new Set(['b', 'a']), new Set(['a', 'b']))).toBe(true);
    expect(sameSet(new Set(['a']), new Set(['b']))).toBe(false);
    expect(sameSet(new Set<string>(), [])).toBe(true);
  });

  it('normalizes the stored lists as the loader normalizes key files', () => {
    expect(normalizeStoredModels('gpt-4o,claude,gpt-4o')).toEqual(['claude', 'gpt-4o']);
    expect(normalizeStoredIps('2001:DB8::1\n10.0.0.1')).toEqual(['10.0.0.1', '2001:db8::1']);
    expect(normalizeStoredIps(null)).toEqual([]);
  });
});
