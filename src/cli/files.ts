/**
 * Files named on the command line: a failure to write one is the user's environment, not a bug, so
 * it names the path as given and the reason, and exits 1 (docs/exit-codes.md#errors).
 */
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { describeFileError } from '../apply/new-keys-file.js';
import { replaceFile } from '../sinks/file.js';
import { CliError } from './context.js';

/** True for an error of the file system (it has an errno code and names a system call). */
export function isFileSystemError(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException | null;
  return typeof e?.code === 'string' && typeof e.syscall === 'string';
}

/**
 * Writes `text` to `file` (as the user gave it, relative to `cwd`), replacing it whole: never
 * through a symlink, never leaving half a file on a full disk. Throws CliError
 * `cannot write FILE: REASON` when it cannot.
 */
export async function writeNamedFile(
  cwd: string,
  file: string,
  text: string,
  options: { mode?: number } = {},
): Promise<void> {
  const target = path.resolve(cwd, file);
  try {
    const kind = await existingKind(target);
    if (kind === 'link') throw new CliError(`cannot write ${file}: it is a symbolic link`);
    if (kind === 'other') throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    await replaceFile(target, text, options.mode ?? 0o644);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot write ${file}: ${describeFileError(err)}`, { cause: err });
  }
}

/** What is at `target` now: nothing or a regular file (replaceable), a link, or other. */
async function existingKind(target: string): Promise<'none' | 'file' | 'link' | 'other'> {
  try {
    const st = await lstat(target);
    return st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : 'other';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw err;
  }
}
