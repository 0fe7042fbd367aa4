/**
 * Reads a key file defensively (docs/key-file.md#errors-and-warnings: hostile input gets a clear
 * message, never a stack trace): size is checked with stat before reading, then binary content,
 * UTF-16 and invalid UTF-8 are refused.
 */
import { readFile, stat } from 'node:fs/promises';

/** Key files larger than this are refused before they are read. */
export const MAX_KEY_FILE_BYTES = 50 * 1024 * 1024;

/** The decoded text, or why the file cannot be used (with a 1-based position when known). */
export type ReadOutcome =
  { ok: true; text: string } | { ok: false; message: string; line: number; col: number };

function refuse(message: string, line = 0, col = 0): ReadOutcome {
  return { ok: false, message, line, col };
}

function positionOf(text: string, index: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: index - lineStart + 1 };
}

/** Decodes file bytes as UTF-8 text, refusing binary, UTF-16 and malformed content. */
export function decodeKeyFileBytes(bytes: Uint8Array): ReadOutcome {
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    return refuse('is UTF-16 encoded; save it as UTF-8', 1, 1);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return refuse('is a binary file (it contains NUL bytes), not a YAML key file', 1, 1);
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { ok: true, text };
  } catch {
    // Decode again leniently only to find where the first bad byte sits.
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const at = positionOf(lenient, Math.max(0, lenient.indexOf('\uFFFD')));
    return refuse('is not valid UTF-8 text; save it as UTF-8', at.line, at.col);
  }
}

/** Reads and decodes one key file; never throws for problems with the file itself. */
export async function readKeyFile(absPath: string): Promise<ReadOutcome> {
  let info;
  try {
    info = await stat(absPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return refuse('file not found');
    if (code === 'EACCES') return refuse('permission denied');
    return refuse(`cannot be read (${code ?? 'unknown error'})`);
  }
  if (info.isDirectory()) {
    return refuse('is a directory; pass a key file, or a glob such as "dir/*.yaml"');
  }
  if (!info.isFile()) return refuse('is not a regular file');
  if (info.size > MAX_KEY_FILE_BYTES) {
    const mb = (info.size / (1024 * 1024)).toFixed(1);
    return refuse(`is ${mb} MB; key files larger than 50 MB are refused`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(absPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return refuse(`cannot be read (${code ?? 'unknown error'})`);
  }
  return decodeKeyFileBytes(bytes);
}
