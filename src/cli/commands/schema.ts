/**
 * `cometkeys schema [--out FILE]` (docs/commands.md): the key-file JSON Schema, for editors — on
 * stdout, or written to FILE (replaced whole, never through a symlink). Offline.
 */
import { readFile } from 'node:fs/promises';
import { packageSchemaFile } from '../../export/schema-ref.js';
import type { CommandContext } from '../context.js';
import { writeNamedFile } from '../files.js';

/** Runs schema; returns the exit code. */
export async function runSchema(
  opts: Record<string, unknown>,
  _args: string[],
  ctx: CommandContext,
): Promise<number> {
  // The shipped file as it is: the bytes an editor would read from the package.
  const text = await readFile(packageSchemaFile(), 'utf8');
  if (typeof opts.out !== 'string') {
    ctx.io.stdout.write(text);
    return 0;
  }
  await writeNamedFile(ctx.io.cwd, opts.out, text);
  if (!ctx.global.quiet) ctx.io.stderr.write(`Wrote the key-file schema to ${opts.out}.\n`);
  return 0;
}
