import path from 'node:path';
import { consolidate, moreLine, SHOWN_PER_KIND } from '../../values/consolidate.js';
import { escapeText } from '../../values/index.js';
import type { CommandContext } from '../context.js';
import { writeNamedFile } from '../files.js';
import { listAccount, openClient, resolveSettings } from '../pipeline.js';

/** `cometkeys export`: the account as a key file that plans with zero changes (docs/export.md). */
export async function runExport(
  opts: Record<string, unknown>,
  _args: string[],
  ctx: CommandContext,
): Promise<number> {
  const settings = await resolveSettings(ctx);
  const client = await openClient(ctx, settings);
  const server = await listAccount(ctx, client);
  const [{ exportKeyFile }, { schemaReference }] = await Promise.all([
    import('../../export/export-keys.js'),
    import('../../export/schema-ref.js'),
  ]);
  // The schema comment resolves from where the file goes (stdout: the working directory).
  const out = typeof opts.out === 'string' ? opts.out : undefined;
  const dir = out === undefined ? ctx.io.cwd : path.dirname(path.resolve(ctx.io.cwd, out));
  const result = exportKeyFile(server, {
    quotaPerUsd: settings.quotaPerUsd,
    targets: opts.target as string[] | undefined,
    unmanagedAction: settings.unmanaged.action,
    now: ctx.io.now?.() ?? new Date(),
    quotaMaxUnits: settings.quotaMaxUnits,
    schemaRef: await schemaReference(dir),
  });
  if (!ctx.global.quiet) {
    const shown = consolidate(
      result.warnings,
      (w) => w.kind,
      ctx.global.allWarnings ? Infinity : SHOWN_PER_KIND,
    );
    for (const entry of shown) {
      const text = 'item' in entry ? escapeText(entry.item.message) : moreLine(entry.more);
      ctx.io.stderr.write(`warning: ${text}\n`);
    }
  }
  if (out !== undefined) {
    await writeNamedFile(ctx.io.cwd, out, result.text);
    if (!ctx.global.quiet) {
      ctx.io.stderr.write(`Exported ${result.count} keys to ${out}.\n`);
    }
  } else {
    ctx.io.stdout.write(result.text);
  }
  return 0;
}
