/**
 * Saved plans (docs/plan-format.md#saved-plans): stable serialisation, and parsing that validates
 * against `schemas/plan.schema.json` and refuses another `format_version`.
 */
import { PlanFileError } from './errors.js';
import { PLAN_FORMAT_VERSION, type Plan } from './model.js';
import { stringifyJson } from '../values/index.js';
import { validatorFor } from '../validators/index.js';

/** Validates a plan object against the schema; returns messages, empty when valid. */
export function validatePlanObject(value: unknown): string[] {
  // schemas/plan.schema.json, built ahead of time by `npm run build` (src/validators/).
  const validate = validatorFor('plan');
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '(root)'}: ${e.message ?? 'is invalid'}`,
  );
}

/** The plan as JSON: 2-space indent, trailing newline; the same plan gives the same bytes. */
export function serializePlan(plan: Plan): string {
  // C1 and bidi controls as \u escapes too: a JSON plan is read with `cat` (docs/commands.md#hostile-text).
  return `${stringifyJson(plan, 2)}\n`;
}

const MAX_ERRORS_SHOWN = 10;

/** Parses and validates a saved plan; throws PlanFileError naming `source`. */
export function parsePlanFile(text: string, source: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new PlanFileError(`${source}: not a JSON plan: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PlanFileError(`${source}: not a cometkeys plan (expected a JSON object)`);
  }
  const version = (value as Record<string, unknown>)['format_version'];
  if (version !== PLAN_FORMAT_VERSION) {
    throw new PlanFileError(
      `${source}: plan format_version ${JSON.stringify(version) ?? 'is missing'} is not supported ` +
        `(this cometkeys reads format_version ${PLAN_FORMAT_VERSION}); re-run plan`,
    );
  }
  const errors = validatePlanObject(value);
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_ERRORS_SHOWN).map((e) => `  ${e}`);
    if (errors.length > MAX_ERRORS_SHOWN)
      shown.push(`  … and ${errors.length - MAX_ERRORS_SHOWN} more`);
    throw new PlanFileError(`${source}: not a valid cometkeys plan:\n${shown.join('\n')}`);
  }
  return value as Plan;
}
