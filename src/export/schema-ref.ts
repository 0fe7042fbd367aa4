/**
 * Where the `# yaml-language-server: $schema=` comment of an exported key file points
 * (docs/export.md#editor-support), chosen so that it resolves from the file's directory:
 * 1. a project-local install found in that directory or above it: the relative path
 *    `./node_modules/cometkeys/schemas/keys.schema.json` (`../node_modules/…` from a subdirectory),
 *    which works in every checkout of the project;
 * 2. else a copy written by `cometkeys schema --out keys.schema.json` beside the file:
 *    `./keys.schema.json`;
 * 3. else (a global install, npx) the running package's own schema, as a `file://` URL: it
 *    resolves on this machine.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The schema's path inside the package. */
export const SCHEMA_IN_PACKAGE = 'schemas/keys.schema.json';
/** Where a project-local install puts it, relative to the project root. */
export const LOCAL_INSTALL_SCHEMA = `node_modules/cometkeys/${SCHEMA_IN_PACKAGE}`;
/** The file name `cometkeys schema --out` suggests, looked for beside an exported file. */
export const SCHEMA_COPY = 'keys.schema.json';
/** The title that tells a copy of this schema from another `keys.schema.json`. */
const SCHEMA_TITLE = 'cometkeys key file';
/** A copy larger than this is not ours (the schema is a few kilobytes). */
const MAX_COPY_BYTES = 1_000_000;

/** The running package's key-file schema (two levels above src/export/ and dist/cli-bundle/). */
export function packageSchemaFile(): string {
  return fileURLToPath(new URL(`../../${SCHEMA_IN_PACKAGE}`, import.meta.url));
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function isSchemaCopy(file: string): Promise<boolean> {
  try {
    const st = await stat(file);
    if (!st.isFile() || st.size > MAX_COPY_BYTES) return false;
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { title?: unknown };
    return parsed.title === SCHEMA_TITLE;
  } catch {
    return false;
  }
}

/**
 * The `$schema=` value for a key file in `dir` (absolute). Never holds white space or control
 * characters: the relative forms are made of `..`, `.` and fixed names only, and the URL is
 * percent-encoded.
 */
export async function schemaReference(dir: string): Promise<string> {
  let up = 0;
  for (let d = dir; ; d = path.dirname(d), up++) {
    if (await isFile(path.join(d, LOCAL_INSTALL_SCHEMA))) {
      return `${up === 0 ? './' : '../'.repeat(up)}${LOCAL_INSTALL_SCHEMA}`;
    }
    if (path.dirname(d) === d) break;
  }
  if (await isSchemaCopy(path.join(dir, SCHEMA_COPY))) return `./${SCHEMA_COPY}`;
  return pathToFileURL(packageSchemaFile()).href;
}
