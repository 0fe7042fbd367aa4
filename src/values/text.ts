/** Names and model ids (docs/key-file.md#names, #model-limits). */
import { controlCharProblem, invisibleCharWarning, quoteText } from './escape.js';

/** The most characters (code points) a name may have. */
export const MAX_NAME_CHARS = 50;
/** Older servers count bytes: past this many UTF-8 bytes a name gets a warning. */
export const MAX_NAME_UTF8_BYTES = 50;

/** Length in Unicode code points, as the API documentation counts. */
export function countCodePoints(s: string): number {
  return [...s].length;
}

/** Length in UTF-8 bytes, as new-api counts. */
export function countUtf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Errors of a name (or previous name); undefined when it is fine. */
export function checkName(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  // No more UTF-16 units than the limit: no more code points either (no need to count them).
  const chars = name.length <= MAX_NAME_CHARS ? 0 : countCodePoints(name);
  if (chars > MAX_NAME_CHARS) return `must be at most ${MAX_NAME_CHARS} characters, got ${chars}`;
  if (name !== name.trim()) return `${quoteText(name)} has leading or trailing white space`;
  return controlCharProblem(name);
}

/** The warning for a name past the byte limit of older servers, if any. */
export function nameByteWarning(name: string): string | undefined {
  // A UTF-16 unit is at most 3 bytes in UTF-8: a short name needs no count.
  if (name.length * 3 <= MAX_NAME_UTF8_BYTES) return undefined;
  const bytes = countUtf8Bytes(name);
  return bytes > MAX_NAME_UTF8_BYTES
    ? `${JSON.stringify(name)} is ${bytes} bytes in UTF-8; servers that count bytes refuse names over ${MAX_NAME_UTF8_BYTES} bytes`
    : undefined;
}

/**
 * The warnings of a name, each with its kind (docs/commands.md#consolidated-warnings): past the byte limit of older servers
 * (`name-bytes`), invisible characters (`invisible-chars`).
 */
export function nameWarnings(name: string): { kind: string; message: string }[] {
  const found: { kind: string; message: string }[] = [];
  const bytes = nameByteWarning(name);
  if (bytes !== undefined) found.push({ kind: 'name-bytes', message: bytes });
  const invisible = invisibleCharWarning(name);
  if (invisible !== undefined) found.push({ kind: 'invisible-chars', message: invisible });
  return found;
}

/** Errors of a model id; undefined when it is fine. */
export function checkModelId(id: string): string | undefined {
  if (/[\s,]/.test(id)) {
    return `${JSON.stringify(id)} is not a model id: model ids have no commas or white space`;
  }
  return controlCharProblem(id);
}

/** The most groups `auto_groups` may list (docs/write-protocol.md#server-facts). */
export const MAX_AUTO_GROUPS = 5;

/** Errors of a group name in `auto_groups`; undefined when it is fine. */
export function checkGroupName(name: string): string | undefined {
  if (name.trim().length === 0) return `${JSON.stringify(name)} is not a group name`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    return `${JSON.stringify(name)} contains control characters`;
  }
  return undefined;
}
