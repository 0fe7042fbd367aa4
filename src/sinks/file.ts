/**
 * The `file` sink (docs/write-protocol.md#new-keys-secrets): the secret written with mode 0600,
 * never through a symlink.
 *
 * The content goes to a new temporary file in the target's directory (O_CREAT | O_EXCL |
 * O_NOFOLLOW, mode 0600), is synced, and is renamed over the target, so a reader sees the old
 * file or the new one, never half of one. A target that is a symlink, a directory or anything
 * but a regular file is refused; an existing regular file is replaced (a sink re-delivering a
 * rotated key overwrites its own earlier file). Only the last path component is checked: the
 * directories above it are the config author's. A missing directory is created (mode 0700).
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { expandPlaceholders, fingerprintOf, pathComponent, redactSecret } from './secret-text.js';
import type { DeliveryKey, DeliveryResult, FileSink, FileSinkFormat } from './types.js';

/** The file's content in each format. */
export function fileContent(format: FileSinkFormat, key: DeliveryKey): string {
  switch (format) {
    case 'raw':
      return `${key.secret}\n`;
    case 'dotenv':
      return `COMETAPI_KEY=${key.secret}\n`;
    case 'json':
      return `${JSON.stringify({ id: key.id, name: key.name, key: key.secret })}\n`;
  }
}

/** The target path of a file sink for one key (placeholders as safe path components). */
export function fileSinkPath(sink: FileSink, key: Pick<DeliveryKey, 'id' | 'name'>): string {
  return path.resolve(expandPlaceholders(sink.file, key, pathComponent));
}

/** Why an existing target may not be replaced, or undefined when it may (or is absent). */
async function refusal(target: string): Promise<string | undefined> {
  try {
    const st = await lstat(target);
    if (st.isSymbolicLink()) return `${target} is a symbolic link (never written through)`;
    if (!st.isFile()) return `${target} exists and is not a regular file`;
    return undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function writeNew(temp: string, content: string, mode: number): Promise<void> {
  const flags =
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  const handle = await open(temp, flags, mode);
  try {
    // The umask may have narrowed the mode; the mode asked for exactly is the rule.
    await handle.chmod(mode);
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await handle.close();
}

/** Syncs a directory so the rename survives a crash (best effort: not every system allows it). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open a directory; the file itself is synced.
  }
}

/**
 * Replaces `target` with `content`: written to a new temporary file beside it (O_EXCL,
 * O_NOFOLLOW, `mode` exactly), synced, then renamed over it — so a reader never sees half a
 * file, a full disk leaves the old one, and a symlink is replaced, never written through.
 * The caller checks `refusal` first. Throws the fs error.
 */
export async function replaceFile(target: string, content: string, mode = 0o600): Promise<void> {
  const dir = path.dirname(target);
  // node:crypto at first need: plan and apply load this module, few runs write a file.
  const { randomBytes } = await import('node:crypto');
  const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  await writeNew(temp, content, mode);
  try {
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}

/** Writes a file sink for one key. Never throws; never puts the secret in its result. */
export async function writeFileSink(sink: FileSink, key: DeliveryKey): Promise<DeliveryResult> {
  const fingerprint = fingerprintOf(key.secret);
  const target = fileSinkPath(sink, key);
  try {
    const refused = await refusal(target);
    if (refused) return { ok: false, fingerprint, reason: refused };
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await replaceFile(target, fileContent(sink.format, key));
    return { ok: true, fingerprint };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code ? `${e.code}` : 'write failed';
    return {
      ok: false,
      fingerprint,
      reason: redactSecret(`cannot write ${target}: ${why}`, key.secret),
    };
  }
}
