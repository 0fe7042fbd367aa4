/**
 * The top spenders as a Mermaid `xychart-beta` bar chart (GitHub renders it). Key names become
 * quoted axis labels: everything but letters, marks, digits, spaces and `_ . - + / ( )` is
 * replaced, so a name cannot close the quote, end the line (a new Mermaid statement, `%%{init}%%`
 * directives), open a markdown string (backticks), an entity (`#`) or HTML, or end the code
 * fence.
 */
import type { ReportKey } from './model.js';

/** Keys in the chart. */
export const CHART_KEYS = 20;

/** Longest label, in characters. */
const MAX_LABEL_CHARS = 32;

/** What may stand in a label; anything else becomes `_`. */
const UNSAFE_LABEL_CHAR = /[^\p{L}\p{M}\p{N} _.\-+/()]/gu;

/** A key name as a safe chart label (without the quotes). */
export function chartLabel(name: string): string {
  const safe = name.replace(UNSAFE_LABEL_CHAR, '_').replace(/\s+/g, ' ').trim();
  const chars = [...safe];
  const short =
    chars.length > MAX_LABEL_CHARS ? `${chars.slice(0, MAX_LABEL_CHARS - 1).join('')}…` : safe;
  return short === '' ? '_' : short;
}

/**
 * The chart of the keys that spent most (`keys` is sorted by spend), in dollars; null when no
 * key spent anything. Labels that repeat get their key's id.
 */
export function spendChart(keys: readonly ReportKey[], quotaPerUsd: number): string | null {
  const top = keys.filter((k) => k.spent > 0).slice(0, CHART_KEYS);
  if (top.length === 0) return null;
  const labels = top.map((k) => chartLabel(k.name));
  const shown = labels.map((l, i) =>
    labels.indexOf(l) !== labels.lastIndexOf(l) ? `${l} (${top[i]?.id ?? ''})` : l,
  );
  const dollars = top.map((k) => Number((k.spent / quotaPerUsd).toFixed(2)));
  return [
    '```mermaid',
    'xychart-beta',
    `    title "Top ${top.length === 1 ? 'key' : `${top.length} keys`} by spend (USD)"`,
    `    x-axis [${shown.map((l) => `"${l}"`).join(', ')}]`,
    '    y-axis "Spent (USD)"',
    `    bar [${dollars.join(', ')}]`,
    '```',
  ].join('\n');
}
