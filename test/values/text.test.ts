/** Unit tests of the name and model id rules. */
import { describe, expect, it } from 'vitest';
import { checkModelId, checkName, nameByteWarning } from '../../src/values/index.js';

describe('names and model ids', () => {
  it('counts code points for the 50-character limit', () => {
    expect(checkName('é'.repeat(50))).toBeUndefined();
    expect(checkName('é'.repeat(51))).toBe('must be at most 50 characters, got 51');
    expect(checkName('😀'.repeat(50))).toBeUndefined();
  });

  it('refuses empty names, surrounding white space and control characters', () => {
    expect(checkName('')).toBe('must not be empty');
    expect(checkName('a ')).toContain('leading or trailing white space');
    expect(checkName('\u00a0a')).toContain('leading or trailing white space');
    expect(checkName('a\nb')).toContain('control characters');
    expect(checkName('a b')).toBeUndefined();
  });

  it('warns past 50 UTF-8 bytes only', () => {
    expect(nameByteWarning('a'.repeat(50))).toBeUndefined();
    expect(nameByteWarning('é'.repeat(26))).toContain('is 52 bytes in UTF-8');
  });

  it('refuses model ids with commas or white space', () => {
    expect(checkModelId('gpt-4o-mini')).toBeUndefined();
    expect(checkModelId('claude-sonnet-4-5@20250929')).toBeUndefined();
    expect(checkModelId('gpt 4o')).toContain('no commas or white space');
    expect(checkModelId('a,b')).toContain('no commas or white space');
    expect(checkModelId('a\tb')).toContain('no commas or white space');
  });
});
