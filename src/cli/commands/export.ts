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
  const { exportKeyFile } = await import('../../export/export-keys.js');
  const result = exportKeyFile(server, {
    quotaPerUsd: settings.quotaPerUsd,
    targets: opts.target as string[] | undefined,
    unmanagedAction: settings.unmanaged.action,
    now: ctx.io.now?.() ?? new Date(),
    quotaMaxUnits: settings.quotaMaxUnits,
  });
  for (const w of result.warnings) ctx.io.stderr.write(`warning: ${escapeText(w)}\n`);
  if (typeof opts.out === 'string') {
    await writeNamedFile(ctx.io.cwd, opts.out, result.text);
    if (!ctx.global.quiet) {
      ctx.io.stderr.write(`Exported ${result.count} keys to ${opts.out}.\n`);
    }
  } else {
    ctx.io.stdout.write(result.text);
  }
  return 0;
}
