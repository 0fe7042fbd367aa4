/**
 * The repository root, and temporary directories that are removed after the test (or the
 * file, for `scope: 'all'`) that made them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach } from 'vitest';

/** The repository root (this file is test/helpers/temp.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A new empty directory under the system's temp dir; the caller removes it. */
export function makeTempDir(prefix = 'test'): string {
  return mkdtempSync(path.join(tmpdir(), `cometkeys-${prefix}-`));
}

/** Removes a directory made by `makeTempDir`, whatever it holds. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Registers cleanup and returns a maker: each call makes a new temp dir, removed after the
 * test that made it (`scope: 'each'`, the default) or after the file's tests (`'all'`).
 */
export function tempDirs(prefix = 'test', scope: 'each' | 'all' = 'each'): () => string {
  const made: string[] = [];
  const cleanup = () => {
    for (const dir of made.splice(0)) removeDir(dir);
  };
  if (scope === 'each') afterEach(cleanup);
  else afterAll(cleanup);
  return () => {
    const dir = makeTempDir(prefix);
    made.push(dir);
    return dir;
  };
}
