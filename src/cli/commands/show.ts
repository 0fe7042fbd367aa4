import { CliError, outputOptions, type CommandContext } from '../context.js';
import { resolveSettings } from '../pipeline.js';
import { readSavedPlanText } from '../plan-arg.js';

type Format = 'text' | 'json' | 'markdown';

/** A saved plan older than this gets a warning: the account has likely moved on. */
export const STALE_PLAN_MS = 24 * 60 * 60 * 1000;

/**
 * `cometkeys show PLAN`: render a saved plan, offline (docs/commands.md), once apply's checks pass
 * (docs/plan-format.md).
 */
export async function runShow(
  opts: Record<string, unknown>,
  args: string[],
  ctx: CommandContext,
): Promise<number> {
  const source = args[0];
  if (!source) throw new CliError('show needs a plan file: cometkeys show plan.json');
  const text = await readSavedPlanText(ctx, source, 'plan');
  const [{ parsePlanFile }, { renderPlan }, { checkPlanAuthority }] = await Promise.all([
    import('../../plan/plan-file.js'),
    import('../../render/index.js'),
    import('../../plan/plan-check.js'),
  ]);
  const plan = parsePlanFile(text, source);
  const now = ctx.io.now?.() ?? new Date();
  const ageMs = now.getTime() - Date.parse(plan.created_at);
  if (ageMs > STALE_PLAN_MS) {
    const hours = Math.floor(ageMs / 3_600_000);
    ctx.io.stderr.write(
      `warning: this plan was made ${hours} hours ago (${plan.created_at}); the account may have changed since. Re-plan before applying.\n`,
    );
  }
  const settings = await resolveSettings(ctx);
  // What show displays is what apply writes: a plan apply would refuse is refused here too.
  checkPlanAuthority(plan, {
    source,
    quotaPerUsd: settings.quotaPerUsd,
    quotaMaxUnits: settings.quotaMaxUnits,
  });
  ctx.io.stdout.write(
    renderPlan(plan, {
      format: opts.format as Format,
      ...outputOptions(ctx.global),
      quotaPerUsd: settings.quotaPerUsd,
      heading: 'plan',
    }),
  );
  return 0;
}
