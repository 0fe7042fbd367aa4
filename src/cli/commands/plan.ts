import type { Plan } from '../../plan/model.js';
import { outputOptions, type CommandContext } from '../context.js';
import { writeNamedFile } from '../files.js';
import { preparePlan } from '../pipeline.js';

type Format = 'text' | 'json' | 'markdown';

/**
 * Loads, lists, plans and prints the plan (`plan`) or the drift report (`drift`); returns the
 * plan and its drift count (docs/exit-codes.md#what-counts-as-drift).
 */
export async function planAndRender(
  opts: Record<string, unknown>,
  ctx: CommandContext,
  heading: 'plan' | 'drift',
): Promise<{ plan: Plan; drift: number }> {
  const { plan, settings } = await preparePlan(ctx, {
    files: opts.file as string[] | undefined,
    targets: heading === 'plan' ? (opts.target as string[] | undefined) : undefined,
    allowEmpty: opts.allowEmpty === true,
  });
  const [{ renderPlan }, { countDrift }] = await Promise.all([
    import('../../render/index.js'),
    import('../../plan/drift.js'),
  ]);
  ctx.io.stdout.write(
    renderPlan(plan, {
      format: opts.format as Format,
      ...outputOptions(ctx.global),
      quotaPerUsd: settings.quotaPerUsd,
      heading,
    }),
  );
  return { plan, drift: countDrift(plan) };
}

/**
 * `cometkeys plan`: list, diff, print; `--out` saves the plan for apply (docs/commands.md,
 * docs/plan-format.md).
 */
export async function runPlan(
  opts: Record<string, unknown>,
  _args: string[],
  ctx: CommandContext,
): Promise<number> {
  const { plan, drift } = await planAndRender(opts, ctx, 'plan');
  if (typeof opts.out === 'string') {
    const { serializePlan } = await import('../../plan/plan-file.js');
    await writeNamedFile(ctx.io.cwd, opts.out, serializePlan(plan), { mode: 0o600 });
    if (!ctx.global.quiet) ctx.io.stderr.write(`Saved the plan to ${opts.out}.\n`);
  }
  if (opts.detailedExitcode === true && drift > 0) return 2;
  return 0;
}
