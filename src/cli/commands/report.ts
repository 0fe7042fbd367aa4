import type { ReportFormat } from '../../report/index.js';
import type { CommandContext } from '../context.js';
import { listAccount, loadDesired, openClient, resolveSettings } from '../pipeline.js';

/**
 * `cometkeys report`: spend, budget use, expiry and last use per key of the account, sorted by
 * spend (docs/commands.md#report). Key files are read only when `-f` names them; they mark which
 * keys are managed. Never prints a secret: the listing has them stripped.
 */
export async function runReport(
  opts: Record<string, unknown>,
  _args: string[],
  ctx: CommandContext,
): Promise<number> {
  const now = ctx.io.now?.() ?? new Date();
  const settings = await resolveSettings(ctx);
  const files = opts.file as string[] | undefined;
  const desired =
    files && files.length > 0
      ? await loadDesired(ctx, settings, { files, allowEmpty: opts.allowEmpty === true }, now)
      : undefined;
  const client = await openClient(ctx, settings);
  const server = await listAccount(ctx, client);
  const { buildReport, renderReport } = await import('../../report/index.js');
  const report = buildReport({
    server,
    desired,
    ignoreNames: settings.unmanaged.ignoreNames,
    warnUnusedDays: settings.warnUnusedDays,
    now,
    baseUrl: settings.baseUrl,
  });
  ctx.io.stdout.write(renderReport(report, opts.format as ReportFormat, settings.quotaPerUsd));
  return 0;
}
