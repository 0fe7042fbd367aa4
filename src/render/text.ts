/**
 * The text plan (docs/plan-format.md#text-format): Terraform-like blocks, then missing keys,
 * warnings, safety refusals and the summary line. Colour only when asked (the CLI decides: TTY,
 * NO_COLOR). Messages and names are escaped (docs/commands.md#hostile-text): the only escapes are
 * the colours.
 */
import { countDrift } from '../plan/drift.js';
import type { Plan, PlanWarning } from '../plan/model.js';
import { escapeText } from '../values/index.js';
import { changeLines, changeSign, changeTitle, forceFlag, subject, summaryLine } from './format.js';
import { moneyLine } from './money.js';
import {
  moreLine,
  moreUnmanagedLine,
  shownUnmanaged,
  shownWarnings,
  unmanagedFate,
  warningCounts,
  warningSections,
} from './sections.js';
import type { RenderOptions } from './types.js';

const ANSI = {
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  red: '\x1b[31m',
  bold: '\x1b[1m',
  reset: '\x1b[0m',
};
const SIGN_COLOUR = {
  '+': ANSI.green,
  '~': ANSI.yellow,
  '-': ANSI.red,
  '↻': ANSI.yellow,
  ' ': '',
} as const;

/** Renders the plan as text for people. */
export function renderText(plan: Plan, opts: RenderOptions): string {
  const paint = (colour: string, s: string): string =>
    opts.color && colour ? `${colour}${s}${ANSI.reset}` : s;
  const out: string[] = [];
  if (opts.heading === 'drift') {
    const n = countDrift(plan);
    out.push(
      paint(
        ANSI.bold,
        `Drift report: ${n === 0 ? 'no drift' : `${n} key${n === 1 ? '' : 's'} drifted`}`,
      ),
      '',
    );
  }
  if (plan.targets)
    out.push(
      `Targeted plan (--target ${escapeText(plan.targets.join(', '))}): other keys are not planned.`,
      '',
    );

  if (plan.changes.length > 0) {
    out.push('cometkeys will make these changes:', '');
    for (const c of plan.changes) {
      const sign = changeSign(c);
      out.push(paint(SIGN_COLOUR[sign], `  ${sign} ${changeTitle(c)}`));
      for (const line of changeLines(c, opts.quotaPerUsd)) {
        out.push(paint(SIGN_COLOUR[line.sign], `      ${line.sign} ${line.text}`));
      }
      out.push('');
    }
  }
  if (plan.missing.length > 0) {
    out.push('Missing (pinned ids not on the server; never recreated):');
    for (const m of plan.missing)
      out.push(paint(ANSI.red, `  ! ${subject(m)}: ${escapeText(m.message)}`));
    out.push('');
  }
  if (plan.handoffs && plan.handoffs.length > 0) {
    out.push('Secrets to deliver again (the audit log shows them not delivered):');
    for (const h of plan.handoffs) out.push(`  ${subject(h)} → ${h.deliver.join(', ')}`);
    out.push('');
  }
  if (plan.unmanaged.length > 0) {
    const { shown, more } = shownUnmanaged(plan);
    out.push(`Unmanaged (${plan.unmanaged.length}; ${unmanagedFate(plan)}):`);
    for (const u of shown) out.push(`  ${subject(u)}`);
    if (more > 0) out.push(`  ${moreUnmanagedLine(more)}`);
    out.push('');
  }
  const { warnings, lastUse } = warningSections(plan, opts);
  /** A titled list of warnings, consolidated by kind. */
  const warningList = (title: string, list: readonly PlanWarning[]): void => {
    out.push(title);
    for (const e of shownWarnings(list, opts)) {
      if (!('item' in e)) {
        out.push(paint(ANSI.yellow, `  ${moreLine(e.more)}`));
        continue;
      }
      const who = subject(e.item);
      out.push(paint(ANSI.yellow, `  ! ${who ? `${who}: ` : ''}${escapeText(e.item.message)}`));
    }
    out.push('');
  };
  // The drift report's own section (docs/plan-format.md#last-use): part of the report, so shown
  // with --quiet too.
  if (lastUse.length > 0) {
    warningList(
      `Last use (${lastUse.length} enabled key${lastUse.length === 1 ? '' : 's'} unused; ${warningCounts(lastUse)}):`,
      lastUse,
    );
  }
  if (warnings.length > 0 && !opts.quiet) warningList('Warnings:', warnings);
  if (plan.safety.length > 0) {
    out.push('apply would refuse this plan without --force:');
    for (const v of plan.safety)
      out.push(paint(ANSI.red, `  ! ${escapeText(v.message)} (${forceFlag(v.limit)})`));
    out.push('');
  }
  out.push(paint(ANSI.bold, summaryLine(plan)));
  const money = moneyLine(plan, opts.quotaPerUsd);
  if (money) out.push(money);
  return `${out.join('\n')}\n`;
}
