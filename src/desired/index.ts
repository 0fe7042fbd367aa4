/**
 * Key files (docs/key-file.md): load, validate and normalise them into desired keys in API units.
 * The public surface of src/desired/; other modules import from here.
 */
import { checkAcrossKeys } from './cross-checks.js';
import { sortDiagnostics } from './diagnostics.js';
import type { LoadResult } from './load-files.js';
import { loadFileEntries, type LoadTextOptions } from './load-text.js';
import { compareNameId } from '../values/index.js';

export { loadKeyFiles, type LoadResult, type LoadFilesOptions } from './load-files.js';
export type { LoadTextOptions } from './load-text.js';
export { hasErrors, sortDiagnostics, formatDiagnostics } from './diagnostics.js';
export { normalizeDesiredKey } from './normalize.js';
export { checkPolicy } from './policy.js';
export { MAX_KEY_FILE_BYTES } from './read-key-file.js';

/**
 * Loads one key file from memory (export validates its own output with it). Names are checked
 * for uniqueness within the file. `file` is the name used in diagnostics.
 */
export function loadKeyFileText(text: string, file: string, opts: LoadTextOptions): LoadResult {
  const loaded = loadFileEntries(text, file, opts);
  const diagnostics = [...loaded.diagnostics, ...checkAcrossKeys(loaded.entries)];
  return {
    keys: loaded.entries.map((e) => e.key).sort(compareNameId),
    diagnostics: sortDiagnostics(diagnostics),
    files: [file],
    declaredKeys: loaded.declared,
  };
}
