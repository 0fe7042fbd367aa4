/**
 * The markdown plan for pull-request comments (docs/plan-format.md#markdown-format): counts first,
 * one `<details>` block per changed key, unchanged keys left out, the whole under
 * MAX_MARKDOWN_CHARS (GitHub refuses comments past 65,536) with a note pointing to the JSON plan.
 * Names are in code; other text from the server or a file is made inert (markdown-text.ts).
 */
import { countDrift } from '../plan/drift.js';
import type { KeyChange, Plan, PlanWarning } from '../plan/model.js';
import { quoteText } from '../values/index.js';
import { changeLines, changeSign, changeTitle, forceFlag, subject, summaryLine } from './format.js';
import { moneyLine } from './money.js';
import { codeSpan, htmlCode, longestBacktickRun, markdownText } from './markdown-text.js';
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

/** The most characters the markdown output may have. */
export const MAX_MARKDOWN_CHARS = 60_000;
/** Room kept for closing tags and the truncation note. */
const RESERVE_CHARS = 600;

/** A code fence longer than any run of backticks inside `body`. */
function fenceFor(body: string): string {
  return '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
}

function changeBlock(c: KeyChange, quotaPerUsd: number): string {
  const body = changeLines(c, quotaPerUsd)
    // In a `diff` block `!` lines show as changed, `+`/`-` as added/removed.
    .map((l) => `${l.sign === '~' ? '!' : l.sign} ${l.text}`)
    .join('\n');
  // `<summary>` opens an HTML block: markdown is not parsed there, so the name goes in <code>.
  const summary = `<code>${changeSign(c)}</code> ${changeTitle(c, (name) => htmlCode(quoteText(name)))}`;
  if (body === '') return `<details><summary>${summary}</summary>\n\n</details>\n`;
  const fence = fenceFor(body);
  return `<details><summary>${summary}</summary>\n\n${fence}diff\n${body}\n${fence}\n\n</details>\n`;
}

/** Renders the plan as GitHub-flavoured markdown. */
export function renderMarkdown(plan: Plan, opts: RenderOptions): string {
  const parts: string[] = [];
  let used = 0;
  const push = (s: string): void => {
    parts.push(s);
    used += s.length;
  };
  const fits = (s: string): boolean => used + s.length + RESERVE_CHARS <= MAX_MARKDOWN_CHARS;

  if (opts.heading === 'drift') {
    const n = countDrift(plan);
    push(
      `### cometkeys drift report: ${n === 0 ? 'no drift' : `${n} key${n === 1 ? '' : 's'} drifted`}\n\n`,
    );
  } else {
    push('### cometkeys plan\n\n');
  }
  push(`**${summaryLine(plan)}**`);
  if (plan.summary.missing > 0) push(` ${plan.summary.missing} missing.`);
  push('\n\n');
  const money = moneyLine(plan, opts.quotaPerUsd);
  // `\$` keeps GitHub from reading `$10.00) added, 0 ($` as inline math.
  if (money) push(`${money.replace(/\$/g, '\\$')}\n\n`);
  if (plan.targets) {
    push(
      `Targeted plan (${codeSpan(`--target ${plan.targets.join(', ')}`)}): other keys are not planned.\n\n`,
    );
  }
  if (plan.safety.length > 0) {
    push('> [!CAUTION]\n> `apply` would refuse this plan without `--force`:\n');
    for (const v of plan.safety)
      push(`> - ${markdownText(v.message)} (\`${forceFlag(v.limit)}\`)\n`);
    push('\n');
  }

  let omittedChanges = 0;
  let omittedOther = 0;
  for (const c of plan.changes) {
    const block = changeBlock(c, opts.quotaPerUsd);
    if (omittedChanges === 0 && fits(block)) push(block);
    else omittedChanges++;
  }
  if (plan.changes.length > 0) push('\n');

  /** A collapsed block; `title` is its summary, e.g. `Missing (2)`. */
  const list = (title: string, items: string[]): void => {
    if (items.length === 0) return;
    const open = `<details><summary>${title}</summary>\n\n`;
    if (!fits(open)) {
      omittedOther += items.length;
      return;
    }
    push(open);
    for (const item of items) {
      const line = `- ${item}\n`;
      if (fits(line)) push(line);
      else omittedOther++;
    }
    push('\n</details>\n\n');
  };
  const who = (w: { name?: string; id?: number }): string => {
    const s = subject(w);
    return s ? `${codeSpan(s)}: ` : '';
  };
  list(
    `Secrets to deliver again (${plan.handoffs?.length ?? 0})`,
    (plan.handoffs ?? []).map(
      (h) => `${codeSpan(subject(h))} → ${markdownText(h.deliver.join(', '))}`,
    ),
  );
  list(
    `Missing (${plan.missing.length})`,
    plan.missing.map((m) => `${who(m)}${markdownText(m.message)}`),
  );
  if (plan.unmanaged.length > 0) {
    const { shown, more } = shownUnmanaged(plan);
    list(`Unmanaged (${plan.unmanaged.length}; ${unmanagedFate(plan)})`, [
      ...shown.map((u) => codeSpan(subject(u))),
      ...(more > 0
        ? [markdownText(moreUnmanagedLine(more).replace('--format json', '`--format json`'))]
        : []),
    ]);
  }
  // One collapsed block for every warning, its title counting them by kind (docs/commands.md#consolidated-warnings).
  const { warnings, lastUse } = warningSections(plan, opts);
  const warningItems = (ws: readonly PlanWarning[]): string[] =>
    shownWarnings(ws, opts).map((e) =>
      'item' in e
        ? `${who(e.item)}${markdownText(e.item.message)}`
        : markdownText(moreLine(e.more).replace('--all-warnings', '`--all-warnings`')),
    );
  // A drift report's last-use section (docs/plan-format.md#last-use), shown with --quiet too.
  list(
    `Last use (${lastUse.length} enabled key${lastUse.length === 1 ? '' : 's'} unused: ${markdownText(warningCounts(lastUse))})`,
    warningItems(lastUse),
  );
  if (!opts.quiet) {
    list(
      `Warnings (${warnings.length}: ${markdownText(warningCounts(warnings))})`,
      warningItems(warnings),
    );
  }

  if (omittedChanges + omittedOther > 0) {
    const what = [
      omittedChanges > 0 ? `${omittedChanges} change${omittedChanges === 1 ? '' : 's'}` : '',
      omittedOther > 0 ? `${omittedOther} other entr${omittedOther === 1 ? 'y' : 'ies'}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    push(
      `> [!NOTE]\n> Truncated to stay under ${MAX_MARKDOWN_CHARS.toLocaleString('en-US')} characters: ${what} not shown. ` +
        'The full plan is in the JSON plan (`cometkeys plan --format json`, or `--out plan.json`).\n',
    );
  }
  return parts.join('');
}
