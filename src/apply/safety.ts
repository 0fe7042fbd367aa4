/**
 * Safety refusals before any write (docs/safety.md#safety-limits): the limits crossed, unless
 * forced, and deletes, unless allowed. Apply passes limits evaluated afresh: a saved plan's
 * `safety` section is informational (docs/plan-format.md).
 */
import { CometkeysError } from '../errors.js';
import type { Plan, SafetyLimit, SafetyViolation } from '../plan/model.js';

export const SAFETY_LIMITS: readonly SafetyLimit[] = ['updates', 'deletes', 'quota', 'unlimited'];

/** What `--force` asked for: every limit, some, or none (undefined). */
export type ForceOption = 'all' | SafetyLimit[] | undefined;

/** Apply refuses the plan; nothing was written. Exit code 1 (docs/exit-codes.md#the-codes). */
export class SafetyRefusalError extends CometkeysError {}

/** A `--force` value that names no limit. */
export class ForceOptionError extends CometkeysError {}

/**
 * Parses `--force` (commander gives `true`) or `--force=updates,quota` (a comma list; `all`
 * is every limit). Unknown words are an error naming the valid ones.
 */
export function parseForce(value: unknown): ForceOption {
  if (value === undefined || value === false) return undefined;
  if (value === true) return 'all';
  if (typeof value !== 'string') throw new ForceOptionError('--force takes a comma list');
  const words = value
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w.length > 0);
  if (words.length === 0 || words.includes('all')) {
    if (words.some((w) => w !== 'all')) {
      throw new ForceOptionError('--force=all cannot be combined with single limits');
    }
    return 'all';
  }
  const unknown = words.filter((w) => !(SAFETY_LIMITS as readonly string[]).includes(w));
  if (unknown.length > 0) {
    throw new ForceOptionError(
      `--force: unknown limit ${unknown.map((w) => `"${w}"`).join(', ')}; ` +
        `use --force alone for every limit, or a comma list of ${SAFETY_LIMITS.join(', ')}`,
    );
  }
  return [...new Set(words as SafetyLimit[])];
}

function isForced(force: ForceOption, limit: SafetyLimit): boolean {
  return force === 'all' || (Array.isArray(force) && force.includes(limit));
}

/**
 * Throws SafetyRefusalError when `violations` (by default the plan's own; apply passes a fresh
 * evaluation) hold a limit not forced, naming the limit, the value that crossed it and the
 * setting that changes it; or when a change deletes a key (a `delete` step in its sequence)
 * without `allowDelete`. Every refusal is listed, so one run shows all that needs deciding.
 */
export function checkSafety(
  plan: Plan,
  force: ForceOption,
  allowDelete: boolean,
  violations: readonly SafetyViolation[] = plan.safety,
): void {
  const problems: string[] = [];
  for (const v of violations) {
    if (isForced(force, v.limit)) continue;
    problems.push(`${v.limit}: ${v.message} (raise ${v.setting} or pass --force=${v.limit})`);
  }
  const deletes = plan.changes.filter((c) => c.sequence.includes('delete'));
  if (deletes.length > 0 && !allowDelete) {
    const shown = deletes
      .slice(0, 5)
      .map((c) => `${c.name} (id ${c.id ?? '?'})`)
      .join(', ');
    const more = deletes.length > 5 ? ` and ${deletes.length - 5} more` : '';
    problems.push(
      `deletes: the plan deletes ${deletes.length} ${deletes.length === 1 ? 'key' : 'keys'}: ` +
        `${shown}${more}; pass --allow-delete`,
    );
  }
  if (problems.length === 0) return;
  throw new SafetyRefusalError(
    `refusing to apply, nothing was written:\n  ${problems.join('\n  ')}`,
  );
}
