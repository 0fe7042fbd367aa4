/**
 * Which ES modules a child Node process loads: `esmTrace(dir)` gives the node flags that register
 * a module hook appending each loaded module's URL to a file in `dir`, and reads that file back
 * after the run. `bundledFiles` names the node_modules/ files bundled into the chunks of
 * dist/cli-bundle/ among them (and among the files of its vendor/ a run required): each module of a chunk sits under a `// node_modules/...` comment
 * (scripts/bundle-cli.mjs builds the chunks unminified).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.LOADED_ESM_FILE, url + '\\n');
  return next(url, context);
}
`;
const REGISTER =
  "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n";

export interface EsmTrace {
  /** Node flags to put before the script. */
  nodeArgs: string[];
  /** Environment the child needs for the hook. */
  env: Record<string, string>;
  /** The URLs of the ES modules the run loaded, in order. */
  urls(): string[];
}

export function esmTrace(dir: string): EsmTrace {
  const list = path.join(dir, 'loaded-esm.txt');
  const register = path.join(dir, 'register-hooks.mjs');
  writeFileSync(path.join(dir, 'hooks.mjs'), HOOKS);
  writeFileSync(register, REGISTER);
  writeFileSync(list, '');
  return {
    nodeArgs: ['--import', register],
    env: { LOADED_ESM_FILE: list },
    urls: () => readFileSync(list, 'utf8').split('\n').filter(Boolean),
  };
}

/** The files of dist/cli-bundle/ among `urls` (file: URLs) and `required` (paths). */
export function bundleChunks(urls: string[], required: string[] = []): string[] {
  return [
    ...urls.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u)),
    ...required,
  ].filter((f) => /(^|\/)cli-bundle(\/vendor)?$/.test(path.dirname(f)));
}

/** The node_modules/ files bundled into `chunks`, as the chunks name them (from the package root). */
export function bundledFiles(chunks: string[]): string[] {
  return chunks.flatMap((chunk) =>
    [...readFileSync(chunk, 'utf8').matchAll(/^\/\/ (node_modules\/\S+)$/gm)].map(
      (m) => m[1] ?? '',
    ),
  );
}
