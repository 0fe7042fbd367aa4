/**
 * Key files from disk: `-f` values and config globs (plain paths or globs, via tinyglobby), read
 * defensively, loaded, then checked across files. An empty desired state must be deliberate
 * (docs/commands.md#an-empty-desired-state): a pattern matching nothing, or no keys at all, is an
 * error unless `allowEmpty`.
 */
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Diagnostic, DesiredKey } from '../model.js';
import { compareNameId, displayPath } from '../values/index.js';
import { checkAcrossKeys } from './cross-checks.js';
import { hasErrors, sortDiagnostics } from './diagnostics.js';
import { loadFileEntries, type LoadedEntry, type LoadTextOptions } from './load-text.js';
import { readKeyFile } from './read-key-file.js';

// tinyglobby is loaded on first use, not at start-up: only a -f value or config glob that names no
// existing file needs it. The call names the package literally, so that the bundled CLI carries it
// (esbuild bundles `require(...)`, scripts/bundle-cli.mjs); the tsc output, an ES module, has no
// `require` and uses createRequire (docs/performance.md#start-up).
const requireCjs = createRequire(import.meta.url);
let tinyglobbyLoaded: typeof import('tinyglobby') | undefined;
function tinyglobby(): typeof import('tinyglobby') {
  tinyglobbyLoaded ??=
    typeof require === 'function' ? require('tinyglobby') : requireCjs('tinyglobby');
  return tinyglobbyLoaded as typeof import('tinyglobby');
}

/** What the loaders return: normalised keys (sorted by name, id), diagnostics, files read. */
export interface LoadResult {
  keys: DesiredKey[];
  /** Sorted by file, line, column. */
  diagnostics: Diagnostic[];
  /** The files read, as shown in diagnostics (relative to cwd when inside it), sorted. */
  files: string[];
  /** The key entries the files declare, valid or not (`keys` holds the valid ones). */
  declaredKeys: number;
}

/** Options of loadKeyFiles. */
export interface LoadFilesOptions extends LoadTextOptions {
  /** Plain paths or globs, relative to cwd or absolute. */
  patterns: string[];
  cwd: string;
  /** Allow patterns that match nothing and files that declare no keys. */
  allowEmpty?: boolean;
  /** The config's `unmanaged.ignoreNames`: a declared key may not match one. */
  ignoreNames?: readonly string[];
}

async function exists(abs: string): Promise<boolean> {
  try {
    await stat(abs);
    return true;
  } catch {
    return false;
  }
}

/** Expands the patterns into absolute file paths, reporting those that match nothing. */
async function expandPatterns(
  opts: LoadFilesOptions,
  diagnostics: Diagnostic[],
): Promise<string[]> {
  const found = new Set<string>();
  const severity = opts.allowEmpty ? 'warning' : 'error';
  for (const pattern of opts.patterns) {
    const abs = path.resolve(opts.cwd, pattern);
    // A path that exists is taken as is, even if it contains glob characters.
    if (await exists(abs)) {
      found.add(abs);
      continue;
    }
    const { glob, isDynamicPattern } = tinyglobby();
    if (isDynamicPattern(pattern)) {
      const matches = await glob([pattern], { cwd: opts.cwd, absolute: true, onlyFiles: true });
      if (matches.length === 0) {
        diagnostics.push({
          severity,
          file: pattern,
          line: 0,
          col: 0,
          path: '',
          message: 'no file matches this pattern',
        });
      }
      for (const m of matches) found.add(path.resolve(m));
      continue;
    }
    diagnostics.push({
      severity,
      file: displayPath(opts.cwd, abs),
      line: 0,
      col: 0,
      path: '',
      message: 'file not found',
    });
  }
  return [...found];
}

/** Loads, validates and normalises every key file the patterns name. Never throws for bad input. */
export async function loadKeyFiles(opts: LoadFilesOptions): Promise<LoadResult> {
  const diagnostics: Diagnostic[] = [];
  const absFiles = await expandPatterns(opts, diagnostics);
  const files = absFiles
    .map((abs) => ({ abs, shown: displayPath(opts.cwd, abs) }))
    .sort((a, b) => (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0));
  const texts = await Promise.all(files.map((f) => readKeyFile(f.abs)));
  const entries: LoadedEntry[] = [];
  let declaredKeys = 0;
  files.forEach((f, i) => {
    const read = texts[i];
    if (!read) return;
    if (!read.ok) {
      diagnostics.push({
        severity: 'error',
        file: f.shown,
        line: read.line,
        col: read.col,
        path: '',
        message: read.message,
      });
      return;
    }
    const loaded = loadFileEntries(read.text, f.shown, opts);
    declaredKeys += loaded.declared;
    // No spread: a 100,000-key file would overflow the stack with that many arguments.
    for (const d of loaded.diagnostics) diagnostics.push(d);
    for (const e of loaded.entries) entries.push(e);
  });
  for (const d of checkAcrossKeys(entries, opts.ignoreNames)) diagnostics.push(d);
  if (entries.length === 0 && !opts.allowEmpty && !hasErrors(diagnostics)) {
    diagnostics.push({
      severity: 'error',
      file: files[0]?.shown ?? opts.patterns.join(', '),
      line: 0,
      col: 0,
      path: '',
      message:
        'the key files declare no keys; an empty desired state must be deliberate (pass --allow-empty)',
    });
  }
  return {
    keys: entries.map((e) => e.key).sort(compareNameId),
    diagnostics: sortDiagnostics(diagnostics),
    files: files.map((f) => f.shown),
    declaredKeys,
  };
}
