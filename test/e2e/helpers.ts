/**
 * End-to-end helpers: a working directory for the BUILT CLI (run by `runCli` of
 * test/helpers/cli.ts, as users and CI scripts do) and the leak check.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir, removeDir } from '../helpers/temp.js';

/** A temporary working directory with the given files; `cleanup()` removes it. */
export function tempWorkdir(files: Record<string, string> = {}): {
  dir: string;
  write(name: string, text: string): string;
  cleanup(): void;
} {
  const dir = makeTempDir('e2e');
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  for (const [name, text] of Object.entries(files)) write(name, text);
  return { dir, write, cleanup: () => removeDir(dir) };
}

/** Asserts helper: every secret that must never appear in the given texts. */
export function findLeaks(texts: string[], secrets: string[]): string[] {
  const leaks: string[] = [];
  for (const secret of secrets) {
    if (!secret) continue;
    for (const t of texts) if (t.includes(secret)) leaks.push(secret);
  }
  return leaks;
}
