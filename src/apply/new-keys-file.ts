/**
 * The `--new-keys-out` file: created new (never an existing path, never through a symlink, so
 * no earlier secret is lost and no other file is overwritten), mode 0600, and rewritten as
 * each key is created, so an interrupted run still leaves the keys it made on record.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { CreatedKey } from './types.js';

/** A file of created keys that is kept current while apply runs. */
export interface NewKeysFile {
  /** Rewrites the file with `keys` (sorted by id) and syncs it. Writes never overlap. */
  write(keys: readonly CreatedKey[]): Promise<void>;
  close(): Promise<void>;
}

/** Why a path cannot be used, in words; `code` is the errno code. */
export function describeFileError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'EEXIST':
      return 'it already exists (choose a new path: an existing file may hold earlier secrets)';
    case 'ELOOP':
      return 'it is a symbolic link';
    case 'ENOENT':
      return 'its directory does not exist';
    case 'ENOTDIR':
      return 'a part of its path is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return code ?? (err instanceof Error ? err.message : String(err));
  }
}

/**
 * Creates `file` exclusively (O_EXCL also refuses a symlink, dangling or not; O_NOFOLLOW
 * guards systems where it would not) and writes `[]` to it. Throws the fs error.
 */
export async function createNewKeysFile(file: string): Promise<NewKeysFile> {
  const flags =
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  const handle: FileHandle = await open(file, flags, 0o600);
  let last: Promise<void> = Promise.resolve();
  const rewrite = async (text: string) => {
    await handle.truncate(0);
    await handle.write(text, 0, 'utf8');
    await handle.sync();
  };
  const file_: NewKeysFile = {
    write(keys) {
      const sorted = [...keys].sort((a, b) => a.id - b.id);
      const next = last.then(() => rewrite(`${JSON.stringify(sorted, null, 2)}\n`));
      last = next.catch(() => {});
      return next;
    },
    async close() {
      await last;
      await handle.close();
    },
  };
  try {
    await file_.write([]);
  } catch (err) {
    await handle.close().catch(() => {});
    throw err;
  }
  return file_;
}
