/**
 * Files named on the command line: a failure to write one is the user's environment, not a bug, so
 * it names the path as given and the reason, and exits 1 (docs/exit-codes.md#errors).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeFileError } from '../apply/new-keys-file.js';
import { CliError } from './context.js';

/** True for an error of the file system (it has an errno code and names a system call). */
export function isFileSystemError(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException | null;
  return typeof e?.code === 'string' && typeof e.syscall === 'string';
}

/**
 * Writes `text` to `file` (as the user gave it, relative to `cwd`). Throws CliError
 * `cannot write FILE: REASON` when it cannot.
 */
export async function writeNamedFile(
  cwd: string,
  file: string,
  text: string,
  options: { mode?: number } = {},
): Promise<void> {
  try {
    await writeFile(path.resolve(cwd, file), text, options);
  } catch (err) {
    throw new CliError(`cannot write ${file}: ${describeFileError(err)}`, { cause: err });
  }
}
