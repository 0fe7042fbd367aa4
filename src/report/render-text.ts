/**
 * The text report (docs/commands.md#report): an aligned table, sorted by spend, the last-use
 * section and the totals line. Names are quoted with their control characters escaped
 * (docs/commands.md#hostile-text).
 */
import { quoteText } from '../values/index.js';
import { keyCells, reportHeadings, totalsLine, unusedCount } from './cells.js';
import type { Report } from './model.js';

/** Pads every column but the last to its widest cell. */
function alignRows(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  }
  return rows.map((row) =>
    row
      .map((cell, i) =>
        i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length),
      )
      .join('  ')
      .trimEnd(),
  );
}

/** Renders the report as text for people. */
export function renderReportText(r: Report, quotaPerUsd: number): string {
  const withManaged = r.totals.managed !== null;
  const rows = [
    reportHeadings(withManaged),
    ...r.keys.map((k) => [quoteText(k.name), ...keyCells(k, quotaPerUsd, withManaged)]),
  ];
  const out = r.keys.length > 0 ? alignRows(rows) : ['The account holds no keys.'];
  out.push('');
  const idle = r.keys.filter((k) => k.unused);
  if (idle.length > 0) {
    out.push(`Last use (${unusedCount(idle.length, r.warn_unused_days)}):`);
    for (const k of idle)
      out.push(`  ! ${quoteText(k.name)} (id ${k.id}): ${k.unused?.message ?? ''}`);
    out.push('');
  }
  out.push(totalsLine(r, quotaPerUsd));
  return `${out.join('\n')}\n`;
}
