/**
 * Files named on the command line: a failure to write one is the user's environment, not a
 * bug, so it names the path as given and the reason, and exits 1 (SPEC §13 "Errors say where
 * and why").
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './context.js';

const REASONS: Record<string, string> = {
  ENOENT: 'the directory does not exist',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EEXIST: 'it already exists',
};

/** Why a file operation failed, in words; the error code when it has no words here. */
export function fileErrorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string') return REASONS[code] ?? code;
  return err instanceof Error ? err.message : String(err);
}

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
    throw new CliError(`cannot write ${file}: ${fileErrorReason(err)}`, { cause: err });
  }
}
