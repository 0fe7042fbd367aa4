/**
 * `--target NAME` matching: exact names or globs with `*` (any run) and `?` (one character).
 */

const globCache = new Map<string, RegExp>();

function toRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (re === undefined) {
    const body = Array.from(glob)
      .map((ch) => {
        if (ch === '*') return '.*';
        if (ch === '?') return '.';
        return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      })
      .join('');
    // `u` so that `?` matches one code point, like the name length rule counts them.
    re = new RegExp(`^${body}$`, 'su');
    globCache.set(glob, re);
  }
  return re;
}

/** True when `name` equals one of `targets` or matches one of them as a glob. */
export function matchesTarget(name: string, targets: readonly string[]): boolean {
  for (const t of targets) {
    if (t === name) return true;
    if ((t.includes('*') || t.includes('?')) && toRegExp(t).test(name)) return true;
  }
  return false;
}
