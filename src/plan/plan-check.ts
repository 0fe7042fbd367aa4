/**
 * A saved plan is input, not authority (docs/plan-format.md): before apply sends anything, every
 * change is checked against what the planner itself would have written. Its write sequence is
 * derived again from its action and fields, every planned value passes the key-file rules, every
 * planned value is shown in `fields` (so `show` displays exactly what apply writes), and no key has
 * two changes. Pure: the safety limits, which need the account, are evaluated by the caller.
 */
import { KEY_FIELDS, sameWireValue, type KeyField } from '../fields.js';
import { createSequence, updateSequence } from './changes.js';
import { rotationSteps } from './rotation.js';
import { checkName, isGenerationOf, generationBases, quoteText } from '../values/index.js';
import { PlanFileError } from './errors.js';
import type { KeyChange, Plan, WriteStep } from './model.js';
import { planMoney } from './money.js';
import { PLANNED_FIELDS, plannedValueProblem, type PlannedValueLimits } from './planned-values.js';

/** How a change is named in a refusal. */
function label(c: KeyChange): string {
  return c.action === 'create'
    ? `create of "${c.name}"`
    : `${c.action} of "${c.name}" (id ${c.id})`;
}

/** A rotation: a generation name to rename to, the steps its fields give, sinks to deliver to. */
function checkRotation(c: KeyChange, problems: string[]): void {
  if (c.action !== 'rotate') {
    if ((c as { rotation?: unknown }).rotation !== undefined) {
      problems.push(`only a rotate carries a rotation`);
    }
    return;
  }
  if (!['id', 'name', 'previous_name'].includes(c.matched_by)) {
    problems.push(`a rotate is matched_by id, name or previous_name, not "${c.matched_by}"`);
  }
  const r = c.rotation;
  const why = checkName(r.rename_to);
  if (why) problems.push(`rename_to ${JSON.stringify(r.rename_to)} ${why}`);
  else if (!isGenerationOf(r.rename_to, c.name)) {
    problems.push(
      `rename_to ${JSON.stringify(r.rename_to)} is not a generation name of "${c.name}"`,
    );
  }
  if (c.deliver.length === 0) problems.push('a rotate delivers its secret to no sink');
  const rename = r.steps[0];
  const from = rename?.step === 'rename' ? rename.from : '';
  const steps = rotationSteps(c.id, from, r.rename_to, c.name, c.deliver);
  if (JSON.stringify(steps) !== JSON.stringify(r.steps)) {
    problems.push(`its steps are not the ones its id, names and deliver give`);
  }
  if (c.precondition.kind === 'record' && c.precondition.values['name'] !== from) {
    problems.push(
      `its precondition does not observe the name it renames (${JSON.stringify(from)})`,
    );
  }
}

/** A retirement is a generation's disable or delete. */
function checkRetirement(c: KeyChange, problems: string[]): void {
  const generation = c.matched_by === 'generation';
  if (!generation && !c.retirement) return;
  if (!generation || !c.retirement) {
    problems.push('matched_by "generation" and a retirement go together');
    return;
  }
  if (generationBases(c.name).length === 0) {
    problems.push(`"${c.name}" is not a generation name (NAME~YYYYMMDD)`);
  }
  const disable =
    c.action === 'update' &&
    c.fields.some((f) => f.field === 'status' && f.after === 2) &&
    c.fields.every((f) => f.field === 'status' || f.reason === 'server_maximum');
  if (c.retirement.reason === 'overlap_ended' ? !disable : c.action !== 'delete') {
    problems.push(`a retirement for ${c.retirement.reason} cannot ${c.action} these fields`);
  }
}

/** The status a change's `fields` set, or undefined; a problem when it is not 1 or 2. */
function plannedStatus(c: KeyChange, problems: string[]): 1 | 2 | undefined {
  const entries = c.fields.filter((f) => f.field === 'status');
  const after = entries[0]?.after;
  if (after === undefined) return undefined;
  if (after !== 1 && after !== 2) {
    problems.push(`status → ${JSON.stringify(after)} is not enabled (1) or disabled (2)`);
    return undefined;
  }
  return after;
}

/** The sequence the planner gives a change with this action and these fields. */
function derivedSequence(c: KeyChange, problems: string[]): WriteStep[] | undefined {
  const status = plannedStatus(c, problems);
  if (c.action === 'delete') {
    if (c.fields.length > 0 || Object.keys(c.planned).length > 0) {
      problems.push('a delete carries fields or planned values');
    }
    return ['delete'];
  }
  if (c.action === 'create') return createSequence(status ?? 1);
  if (c.action === 'rotate') return ['rename', ...createSequence(status ?? 1)];
  const hasFields = c.fields.some((f) => f.field !== 'status');
  if (!hasFields && status === undefined) {
    problems.push('an update that changes nothing');
    return undefined;
  }
  return updateSequence(hasFields, status);
}

/** A planned value a create sends without showing it: the defaults `fields` leaves out. */
function shownByDefault(c: KeyChange, field: KeyField, value: unknown): boolean {
  if (c.action !== 'create' && c.action !== 'rotate') return false;
  if (field === 'unlimited_quota') return value === false;
  return field === 'remain_quota' && value === 0 && c.planned.unlimited_quota === true;
}

/**
 * A planned value an update carries without showing it: one equal to what the precondition
 * observed (the model-limits pair is planned together), so writing it changes nothing.
 */
function unchangedByPrecondition(c: KeyChange, field: KeyField, value: unknown): boolean {
  if (c.action !== 'update' || c.precondition.kind !== 'record') return false;
  const values = c.precondition.values;
  return Object.hasOwn(values, field) && sameWireValue(field, value, values[field]);
}

/** Planned values ↔ fields ↔ the key-file rules. */
function checkValues(c: KeyChange, limits: PlannedValueLimits, problems: string[]): void {
  const planned = c.planned as Record<string, unknown>;
  const shown = new Map<string, unknown>();
  for (const f of c.fields) {
    if (!(KEY_FIELDS as readonly string[]).includes(f.field)) {
      problems.push(`fields names "${f.field}", which is not a key field`);
    } else if (shown.has(f.field)) {
      problems.push(`fields lists ${f.field} twice`);
    } else if (f.field !== 'status' && planned[f.field] === undefined) {
      problems.push(`fields shows ${f.field} but the plan writes no value for it`);
    } else if (f.field !== 'status' && !sameWireValue(f.field, planned[f.field], f.after)) {
      problems.push(
        `fields shows ${f.field} → ${JSON.stringify(f.after)} but the planned value is ` +
          JSON.stringify(planned[f.field]),
      );
    }
    shown.set(f.field, f.after);
  }
  for (const [name, value] of Object.entries(planned)) {
    const field = name as KeyField;
    if (!(PLANNED_FIELDS as readonly string[]).includes(name)) {
      problems.push(`planned value for "${name}", which is not a plannable field`);
      continue;
    }
    const why = plannedValueProblem(field, value, limits);
    if (why) problems.push(`planned ${field}: ${why}`);
    if (
      !shown.has(field) &&
      !shownByDefault(c, field, value) &&
      !unchangedByPrecondition(c, field, value)
    ) {
      problems.push(`planned ${field} = ${JSON.stringify(value)} is not shown in fields`);
    }
  }
  if (planned.name !== undefined && planned.name !== c.name) {
    problems.push(`planned name ${JSON.stringify(planned.name)} is not the change's name`);
  }
}

/** The precondition must guard what the change writes. */
function checkPrecondition(c: KeyChange, problems: string[]): void {
  const p = c.precondition;
  if (c.action === 'rotate' && p.kind === 'record' && !Object.hasOwn(p.values, 'name')) {
    problems.push('the precondition does not observe name');
  }
  if (c.action === 'create') {
    if (p.kind !== 'absent' || !p.names.includes(c.name)) {
      problems.push(`a create's precondition must require its name to be free`);
    }
    return;
  }
  if (p.kind !== 'record') {
    problems.push(`an ${c.action}'s precondition must be the record it was planned against`);
    return;
  }
  // A rotate's planned values are its successor's; the record it writes is only renamed.
  const written = c.action === 'rotate' ? ['name'] : Object.keys(c.planned);
  const guarded = ['status', ...written].filter(
    (f) => f !== 'quota_budget' && f !== 'remain_quota' && !Object.hasOwn(p.values, f),
  );
  if (guarded.length > 0) {
    problems.push(`the precondition does not observe ${guarded.join(', ')}`);
  }
}

/** A refill is only a rise of an absolute `remain_quota` (docs/safety.md#safety-limits). */
function checkRefill(c: KeyChange, problems: string[]): void {
  if (!c.refill_only) return;
  const others = c.fields.filter((f) => f.field !== 'status');
  const status = c.fields.find((f) => f.field === 'status');
  const refill =
    c.action === 'update' &&
    others.length === 1 &&
    others[0]?.field === 'remain_quota' &&
    (status === undefined || status.after === 1);
  if (!refill) problems.push('refill_only is set on a change that is not a refill');
}

/** The problems of one change. */
function changeProblems(c: KeyChange, limits: PlannedValueLimits): string[] {
  const problems: string[] = [];
  const derived = derivedSequence(c, problems);
  if (derived && derived.join(',') !== c.sequence.join(',')) {
    problems.push(
      `its sequence [${c.sequence.join(', ')}] is not the one its action and fields give ` +
        `[${derived.join(', ')}]`,
    );
  }
  if (c.action === 'create' && c.matched_by !== 'new') {
    problems.push(`a create is matched_by "new", not "${c.matched_by}"`);
  }
  checkValues(c, limits, problems);
  checkPrecondition(c, problems);
  checkRefill(c, problems);
  checkRotation(c, problems);
  checkRetirement(c, problems);
  return problems;
}

/** Two changes for one key: the same id, or two creates of one name. */
function duplicateProblems(changes: readonly KeyChange[]): string[] {
  const ids = new Map<number, number>();
  const creates = new Map<string, number>();
  const out: string[] = [];
  const note = (seen: Map<never, number>, key: never, message: string): void => {
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    if (count === 2) out.push(message);
  };
  for (const c of changes) {
    // A rotate writes its key and creates a key of its name.
    if (c.action !== 'create') {
      note(ids as never, c.id as never, `two changes for id ${c.id} ("${c.name}")`);
    }
    if (c.action === 'create' || c.action === 'rotate') {
      note(creates as never, c.name as never, `two creates of "${c.name}"`);
    }
  }
  return out;
}

/**
 * The money line shown must be the changes' own (docs/plan-format.md#the-money-line): quota added
 * and new unlimited keys follow from the changes alone. (Quota removed by a delete needs the
 * deleted key's record, which a plan does not carry.)
 */
function moneyProblems(plan: Plan): string[] {
  const s = plan.summary;
  const m = planMoney(plan.changes);
  const out: string[] = [];
  if (s.quota_added !== undefined && s.quota_added !== m.quota_added) {
    out.push(`summary.quota_added is ${s.quota_added} but its changes add ${m.quota_added}`);
  }
  if (s.new_unlimited !== undefined && s.new_unlimited !== m.new_unlimited) {
    out.push(
      `summary.new_unlimited is ${s.new_unlimited} but its changes make ${m.new_unlimited} keys unlimited`,
    );
  }
  return out;
}

const MAX_SHOWN = 10;

/**
 * Throws PlanFileError (exit 1, nothing sent) naming every change the planner could not have
 * written and what differs. `source` names the plan in the message; the value rules use the
 * resolved settings (`quotaMaxUnits` as configured, not the largest any server takes).
 */
export function checkPlanAuthority(
  plan: Plan,
  opts: { source: string } & PlannedValueLimits,
): void {
  const problems = [...duplicateProblems(plan.changes), ...moneyProblems(plan)];
  const handedOver = new Set<number>();
  for (const h of plan.handoffs ?? []) {
    if (handedOver.has(h.id)) problems.push(`two handoffs for id ${h.id} (${quoteText(h.name)})`);
    handedOver.add(h.id);
  }
  for (const c of plan.changes) {
    for (const p of changeProblems(c, opts)) problems.push(`${label(c)}: ${p}`);
  }
  if (problems.length === 0) return;
  const shown = problems.slice(0, MAX_SHOWN).map((p) => `  ${p}`);
  if (problems.length > MAX_SHOWN) shown.push(`  … and ${problems.length - MAX_SHOWN} more`);
  throw new PlanFileError(
    `${opts.source}: refusing the plan, nothing was sent: it holds what the planner would not ` +
      `have written:\n${shown.join('\n')}\nRe-run plan.`,
  );
}
