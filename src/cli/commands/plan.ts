import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandContext } from '../context.js';
import { preparePlan } from '../pipeline.js';

type Format = 'text' | 'json' | 'markdown';

/** `cometkeys plan`: list, diff, print; `--out` saves the plan for apply (SPEC §1, §4). */
export async function runPlan(
  opts: Record<string, unknown>,
  _args: string[],
  ctx: CommandContext,
): Promise<number> {
  const { plan, settings } = await preparePlan(ctx, {
    files: opts.file as string[] | undefined,
    targets: opts.target as string[] | undefined,
    allowEmpty: opts.allowEmpty === true,
  });
  const [{ renderPlan }, { serializePlan }, { countDrift }] = await Promise.all([
    import('../../render/index.js'),
    import('../../plan/plan-file.js'),
    import('../../plan/drift.js'),
  ]);
  ctx.io.stdout.write(
    renderPlan(plan, {
      format: opts.format as Format,
      color: ctx.global.color,
      quotaPerUsd: settings.quotaPerUsd,
      heading: 'plan',
    }),
  );
  if (typeof opts.out === 'string') {
    const file = path.resolve(ctx.io.cwd, opts.out);
    await writeFile(file, serializePlan(plan), { mode: 0o600 });
    if (!ctx.global.quiet) ctx.io.stderr.write(`Saved the plan to ${opts.out}.\n`);
  }
  if (opts.detailedExitcode === true && countDrift(plan) > 0) return 2;
  return 0;
}
