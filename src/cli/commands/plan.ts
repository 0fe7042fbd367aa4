import type { Plan } from '../../plan/model.js';
import { outputOptions, type CommandContext } from '../context.js';
import { writeNamedFile } from '../files.js';
import { preparePlan } from '../pipeline.js';
import { escapeText } from '../../values/index.js';

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
    rotate: heading === 'plan' ? (opts.rotate as string[] | undefined) : undefined,
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
    if (!ctx.global.quiet) ctx.io.stderr.write(savedPlanNote(ctx, opts.out, plan));
  }
  if (opts.detailedExitcode === true && drift > 0) return 2;
  return 0;
}

/** A word as a POSIX shell reads it back: bare when safe, else in single quotes. */
export function shellWord(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** What `plan --out` says on stderr: where the plan went and the command that applies it. */
function savedPlanNote(ctx: CommandContext, out: string, plan: Plan): string {
  if (plan.changes.length === 0) {
    return `Saved the plan to ${escapeText(out)} (no changes: there is nothing to apply).\n`;
  }
  const globals: string[] = [];
  if (ctx.global.config !== undefined) globals.push('--config', ctx.global.config);
  if (ctx.global.baseUrl !== undefined) globals.push('--base-url', ctx.global.baseUrl);
  const command = ['cometkeys', ...globals, 'apply', out].map(shellWord).join(' ');
  return (
    `Saved the plan to ${escapeText(out)}.\n` +
    `To apply exactly this plan, run:\n    ${escapeText(command)}\n`
  );
}
