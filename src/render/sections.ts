/**
 * The parts of a plan that can run to thousands of lines on a large account, kept short for
 * people (docs/commands.md#consolidated-warnings): warnings consolidated by kind, unmanaged keys as a count and a few names.
 * JSON output holds every entry; these shape only text and markdown.
 */
import type { Plan, PlanWarning, UnmanagedKey } from '../plan/model.js';
import { consolidate, countKinds, moreLine, type Consolidated } from '../values/index.js';
import type { RenderOptions } from './types.js';

/** Unmanaged keys named in text and markdown; the rest are counted. */
export const SHOWN_UNMANAGED = 10;

/** The kind a warning is grouped by: its code, else (an older saved plan) its message. */
function warningKind(w: PlanWarning): string {
  return w.kind ?? w.message;
}

/** The kinds of the last-use warnings (docs/plan-format.md#last-use). */
const LAST_USE_KINDS: ReadonlySet<string> = new Set(['unused', 'never-used']);

/**
 * The plan's warnings by section: a drift report lists the last-use warnings in a section of
 * their own (`lastUse`), a plan among the others.
 */
export function warningSections(
  plan: Plan,
  opts: RenderOptions,
): { warnings: PlanWarning[]; lastUse: PlanWarning[] } {
  if (opts.heading !== 'drift') return { warnings: plan.warnings, lastUse: [] };
  const isLastUse = (w: PlanWarning): boolean => LAST_USE_KINDS.has(w.kind ?? '');
  return {
    warnings: plan.warnings.filter((w) => !isLastUse(w)),
    lastUse: plan.warnings.filter(isLastUse),
  };
}

/** The warnings to show: the first of each kind, or all with `--all-warnings`. */
export function shownWarnings(
  warnings: readonly PlanWarning[],
  opts: RenderOptions,
): Consolidated<PlanWarning>[] {
  return consolidate(warnings, warningKind, opts.allWarnings ? Infinity : undefined);
}

/** `498 expiring, 2 cannot-serve` (`other` for warnings of older saved plans, without kind). */
export function warningCounts(warnings: readonly PlanWarning[]): string {
  return countKinds(warnings, (w) => w.kind ?? 'other')
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
}

export { moreLine };

function fateOf(u: UnmanagedKey, plan: Plan): string {
  if (u.exempt) return 'left alone: unmanaged.ignoreNames';
  if (plan.targets) return 'left alone: --target is set';
  if (u.action === 'disable') return 'disabled: unmanaged.action is disable';
  if (u.action === 'delete') return 'deleted: unmanaged.action is delete';
  return 'left alone: unmanaged.action is ignore';
}

/**
 * What happens to the keys no file declares: `left alone: unmanaged.action is ignore`, or
 * `3 left alone: unmanaged.ignoreNames; 5 disabled: unmanaged.action is disable` when mixed.
 */
export function unmanagedFate(plan: Plan): string {
  const fates = countKinds(plan.unmanaged, (u) => fateOf(u, plan));
  if (fates.length === 1) return fates[0]?.[0] ?? '';
  return fates.map(([fate, n]) => `${n} ${fate}`).join('; ');
}

/** `2,000 unmanaged (left alone: unmanaged.action is ignore)`. */
export function unmanagedSummary(plan: Plan): string {
  const n = plan.unmanaged.length > 0 ? plan.unmanaged.length : plan.summary.unmanaged;
  const fate = plan.unmanaged.length > 0 ? ` (${unmanagedFate(plan)})` : '';
  return `${n} unmanaged${fate}`;
}

/** The unmanaged keys named in text and markdown, and how many are left out. */
export function shownUnmanaged(plan: Plan): { shown: UnmanagedKey[]; more: number } {
  return {
    shown: plan.unmanaged.slice(0, SHOWN_UNMANAGED),
    more: Math.max(0, plan.unmanaged.length - SHOWN_UNMANAGED),
  };
}

/** The line that stands for the unmanaged keys not named. */
export function moreUnmanagedLine(more: number): string {
  return `(and ${more} more; --format json lists all)`;
}
