/**
 * Paths as messages show them: a file relative to the working directory when it lies inside
 * it (else as given), and a place in a document as `keys[2].allow_ips[1]`.
 */
import path from 'node:path';

/** `file` relative to `cwd` when it is inside it, else `file` unchanged. */
export function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Renders a document path (`['keys', 2, 'allow_ips', 1]`) as `keys[2].allow_ips[1]`. */
export function formatPath(docPath: readonly (string | number)[]): string {
  let out = '';
  for (const seg of docPath) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}
