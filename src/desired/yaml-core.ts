/**
 * Plain scalars as `yaml` resolves them with its default schema (YAML 1.2 core, `yaml`'s
 * src/schema/core): the same tests in the same order, the same conversions. The fast path
 * (yaml-fast.ts) reads values with it.
 */

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** Any of the number forms above: one test skips them all for a string such as a date. */
const ANY_NUMBER =
  /^(?:[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

/** What resolvePlain returns for an integer past 2^53, which only the slow path reports. */
export const UNSAFE_INTEGER = Symbol('unsafe integer');

/** The value of the plain scalar `s` (single-line, trimmed), or UNSAFE_INTEGER. */
export function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Only a digit, + - . or the first letter of ~/null/true/false can start a non-string.
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) {
    if (!'~nNtTfF'.includes(s[0] ?? '')) return s;
    if (NULL.test(s)) return null;
    if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
    return s;
  }
  if (!ANY_NUMBER.test(s)) return s;
  let n: number;
  if (INT_OCT.test(s)) n = parseInt(s.substring(2), 8);
  else if (INT.test(s)) n = parseInt(s, 10);
  else if (INT_HEX.test(s)) n = parseInt(s.substring(2), 16);
  else if (FLOAT_NAN.test(s)) {
    n = s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  } else if (FLOAT_EXP.test(s) || FLOAT.test(s)) n = parseFloat(s);
  else return s;
  return Number.isInteger(n) && !Number.isSafeInteger(n) ? UNSAFE_INTEGER : n;
}
