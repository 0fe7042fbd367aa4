/**
 * Hostile text (docs/commands.md#hostile-text): strings from the server or a file are shown with control and
 * bidirectional characters escaped as `\u{…}`, so a key name cannot move the cursor, recolour
 * the terminal, start a CSI sequence (U+009B) or reorder what a reviewer reads (U+202E).
 */

/**
 * What is escaped when shown: C0 (newline and tab too: the layout adds its own), DEL, C1, and
 * the bidirectional controls (embeddings, overrides, isolates, LRM/RLM, ALM).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** What a key file refuses in any string value: C0 (newline and tab too), DEL and C1. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Characters that show as nothing: zero-width space, non-joiner, joiner, word joiner, BOM. */
const INVISIBLE_CHARS = /[\u200b-\u200d\u2060\ufeff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * What JSON.stringify leaves raw but a terminal reading the JSON with `cat` would act on (C1,
 * bidi controls), plus the line and paragraph separators.
 */
const JSON_UNSAFE_CHARS =
  /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One character as `\u{1b}`: lower-case hex, no padding (the form Rust and ES use). */
export function charEscape(c: string): string {
  return `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`;
}

/**
 * Escapes the control and bidirectional characters of a string from the server or a file as
 * `\u{…}`; everything else (emoji, CJK, accents) is left alone. Applying it twice changes
 * nothing more, so layers may each escape what they print.
 */
export function escapeText(s: string): string {
  return s.replace(UNSAFE_CHARS, charEscape);
}

/** A value in double quotes, `"` and `\` backslash-escaped, then escaped like escapeText. */
export function quoteText(s: string): string {
  return escapeText(`"${s.replace(/["\\]/g, '\\$&')}"`);
}

/** Plain ASCII text from a space to `~`: none of the characters looked for below. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function distinct(s: string, pattern: RegExp): string[] {
  // Most names and values are plain ASCII: one test instead of a match and a set.
  if (PRINTABLE_ASCII.test(s)) return [];
  return [...new Set(s.match(pattern) ?? [])];
}

/**
 * Why a string from a key file is refused, or undefined: it holds C0 (newline and tab
 * included), DEL or C1 characters, each named as `\u{…}`.
 */
export function controlCharProblem(s: string): string | undefined {
  const found = distinct(s, CONTROL_CHARS);
  if (found.length === 0) return undefined;
  return `${quoteText(s)} contains control characters: ${found.map(charEscape).join(', ')}`;
}

/** The warning for a name with zero-width or bidirectional characters, if any. */
export function invisibleCharWarning(s: string): string | undefined {
  const found = distinct(s, INVISIBLE_CHARS);
  if (found.length === 0) return undefined;
  return (
    `contains invisible or bidirectional characters (${found.map(charEscape).join(', ')}): ` +
    'the name reads the same as another or out of order in review'
  );
}

/**
 * JSON text whose strings carry C1, bidi controls, U+2028 and U+2029 as `\u009b`-style escapes
 * (still valid JSON that parses to the same value), so a JSON plan shown with `cat` is as safe
 * as the text one. JSON.stringify already escapes C0.
 */
export function stringifyJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    JSON_UNSAFE_CHARS,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
