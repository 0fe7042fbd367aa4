/** Unit tests of `--target` name matching. */
import { describe, expect, it } from 'vitest';
import { matchesTarget } from '../../src/values/index.js';

describe('matchesTarget', () => {
  it('matches exact names', () => {
    expect(matchesTarget('a.b', ['a.b'])).toBe(true);
    expect(matchesTarget('axb', ['a.b'])).toBe(false);
  });
  it('matches * and ? globs', () => {
    expect(matchesTarget('ci-runner', ['ci-*'])).toBe(true);
    expect(matchesTarget('ci', ['ci-*'])).toBe(false);
    expect(matchesTarget('k1', ['k?'])).toBe(true);
    expect(matchesTarget('k10', ['k?'])).toBe(false);
    expect(matchesTarget('ké', ['k?'])).toBe(true);
  });
  it('treats regex characters literally', () => {
    expect(matchesTarget('a+b', ['a+*'])).toBe(true);
    expect(matchesTarget('aab', ['a+*'])).toBe(false);
  });
});
