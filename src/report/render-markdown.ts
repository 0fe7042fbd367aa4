/**
 * The markdown report (docs/commands.md#report): the totals, a Mermaid chart of the top
 * spenders, a table sorted by spend and a collapsed last-use section. Names are code spans (with
 * `|` escaped, which GFM tables need even inside code); every `$` is escaped so GitHub does not
 * read amounts as math.
 */
import { codeSpan } from '../render/markdown-text.js';
import { quoteText } from '../values/index.js';
import { keyCells, reportHeadings, totalsLine, unusedCount } from './cells.js';
import { spendChart } from './mermaid.js';
import type { Report } from './model.js';

/** Text of ours holding dollar amounts: `$` escaped against GitHub's math. */
function noMath(s: string): string {
  return s.replace(/\$/g, '\\$');
}

/** A key name for a table cell. */
function nameCell(name: string): string {
  return codeSpan(quoteText(name)).replace(/\|/g, '\\|');
}

/** Renders the report as GitHub-flavoured markdown. */
export function renderReportMarkdown(r: Report, quotaPerUsd: number): string {
  const withManaged = r.totals.managed !== null;
  const out = ['### cometkeys report', '', `**${noMath(totalsLine(r, quotaPerUsd))}**`, ''];
  const chart = spendChart(r.keys, quotaPerUsd);
  if (chart) out.push(chart, '');
  if (r.keys.length > 0) {
    const headings = reportHeadings(withManaged).map((h) =>
      h === 'ID' ? h : h[0] + h.slice(1).toLowerCase(),
    );
    out.push(`| ${headings.join(' | ')} |`);
    out.push(`|${headings.map((_, i) => (i === 1 ? ' ---: ' : ' --- ')).join('|')}|`);
    for (const k of r.keys) {
      const cells = [nameCell(k.name), ...keyCells(k, quotaPerUsd, withManaged).map(noMath)];
      out.push(`| ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  const idle = r.keys.filter((k) => k.unused);
  if (idle.length > 0) {
    out.push(
      `<details><summary>Last use (${unusedCount(idle.length, r.warn_unused_days)})</summary>`,
      '',
      ...idle.map(
        (k) => `- ${codeSpan(`${quoteText(k.name)} (id ${k.id})`)}: ${k.unused?.message ?? ''}`,
      ),
      '',
      '</details>',
      '',
    );
  }
  return `${out.join('\n')}\n`;
}
