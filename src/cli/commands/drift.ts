import type { CommandContext } from '../context.js';
import { preparePlan } from '../pipeline.js';

type Format = 'text' | 'json' | 'markdown';

/** `cometkeys drift`: a plan for schedules; exit 2 on any drift as SPEC §1 defines it. */
export async function runDrift(
  opts: Record<string, unknown>,
  _args: string[],
  ctx: CommandContext,
): Promise<number> {
  const { plan, settings } = await preparePlan(ctx, {
    files: opts.file as string[] | undefined,
    allowEmpty: opts.allowEmpty === true,
  });
  const [{ renderPlan }, { countDrift }] = await Promise.all([
    import('../../render/index.js'),
    import('../../plan/drift.js'),
  ]);
  ctx.io.stdout.write(
    renderPlan(plan, {
      format: opts.format as Format,
      color: ctx.global.color,
      quotaPerUsd: settings.quotaPerUsd,
      heading: 'drift',
    }),
  );
  return countDrift(plan) > 0 ? 2 : 0;
}
