/** Unit tests of hostile-text escaping (SPEC §13 "Hostile text"). */
import { describe, expect, it } from 'vitest';
import {
  controlCharProblem,
  escapeText,
  invisibleCharWarning,
  nameWarnings,
  quoteText,
  stringifyJson,
} from '../../src/values/index.js';
import { RAW_UNSAFE } from '../helpers/hostile.js';

describe('escapeText', () => {
  it('escapes C0 (newline and tab too), DEL and C1 as \\u{…}', () => {
    expect(escapeText('evil\u001b[31m')).toBe('evil\\u{1b}[31m');
    expect(escapeText('a\nb\tc\rd\u0000')).toBe('a\\u{a}b\\u{9}c\\u{d}d\\u{0}');
    expect(escapeText('del\u007f')).toBe('del\\u{7f}');
    expect(escapeText('\u009b31m')).toBe('\\u{9b}31m');
    expect(escapeText('nel\u0085 x\u0080')).toBe('nel\\u{85} x\\u{80}');
  });

  it('escapes bidirectional controls', () => {
    expect(escapeText('abc\u202Egnp.exe')).toBe('abc\\u{202e}gnp.exe');
    for (const c of ['\u202A', '\u202B', '\u202C', '\u202D', '\u2066', '\u2067', '\u2068']) {
      expect(escapeText(c)).toMatch(/^\\u\{20[26][0-9a-f]\}$/);
    }
    expect(escapeText('\u2069\u200E\u200F\u061C')).toBe('\\u{2069}\\u{200e}\\u{200f}\\u{61c}');
  });

  it('leaves printable Unicode alone: emoji, CJK, accents, joiners in emoji', () => {
    for (const s of ['backend-prod', '密钥-生产', 'café', '😀 key', '👨‍👩‍👧', 'a b', '\u00a0x']) {
      expect(escapeText(s)).toBe(s);
    }
  });

  it('is idempotent, so layers may each escape what they print', () => {
    const once = escapeText('x\u001b\u009b\u202e');
    expect(escapeText(once)).toBe(once);
  });
});

describe('quoteText', () => {
  it('quotes like JSON for plain text and escapes controls as \\u{…}', () => {
    expect(quoteText('backend')).toBe(JSON.stringify('backend'));
    expect(quoteText('a"b\\c')).toBe(JSON.stringify('a"b\\c'));
    expect(quoteText('evil\u001b[31m')).toBe('"evil\\u{1b}[31m"');
    expect(quoteText('\u009b31m')).toBe('"\\u{9b}31m"');
  });
});

describe('key-file checks', () => {
  it('names every control character, once', () => {
    expect(controlCharProblem('fine')).toBeUndefined();
    expect(controlCharProblem('密钥 😀')).toBeUndefined();
    expect(controlCharProblem('a\u001bb\u001b\u009b')).toBe(
      '"a\\u{1b}b\\u{1b}\\u{9b}" contains control characters: \\u{1b}, \\u{9b}',
    );
    expect(controlCharProblem('a\tb')).toContain('\\u{9}');
    expect(controlCharProblem('x\u007f')).toContain('\\u{7f}');
    // Bidi controls are not control characters: names get a warning for them instead.
    expect(controlCharProblem('a\u202eb')).toBeUndefined();
  });

  it('warns about zero-width and bidi characters in names, and nothing else', () => {
    for (const c of ['\u200B', '\u200C', '\u200D', '\uFEFF', '\u2060', '\u202E', '\u2066']) {
      const hex = (c.codePointAt(0) ?? 0).toString(16);
      expect(invisibleCharWarning(`back${c}end`)).toContain(`(\\u{${hex}})`);
    }
    expect(invisibleCharWarning('backend-prod 密钥')).toBeUndefined();
    expect(nameWarnings('back\u200bend')).toHaveLength(1);
    expect(nameWarnings('backend')).toEqual([]);
  });
});

describe('stringifyJson', () => {
  it('escapes C1, bidi, U+2028/9 as \\u00XX and parses back to the same value', () => {
    const value = { name: '\u009b31m\u202e\u2028x', esc: 'a\u001b', plain: '密钥 😀' };
    const text = stringifyJson(value, 2);
    expect(text).not.toMatch(RAW_UNSAFE);
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(text).toContain('\\u009b31m\\u202e\\u2028x');
    expect(text).toContain('密钥 😀');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('is JSON.stringify for everything else', () => {
    const value = { a: [1, 'two', null], b: { c: true } };
    expect(stringifyJson(value, 2)).toBe(JSON.stringify(value, null, 2));
    expect(stringifyJson(value)).toBe(JSON.stringify(value));
  });
});
