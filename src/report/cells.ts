/**
 * The report's values as people read them, shared by the text and markdown renderers: quota with
 * dollars, shares as percentages, UTC dates, and the totals line.
 */
import { formatQuota, formatUnixDate, formatUnixTime, statusName } from '../values/index.js';
import type { Report, ReportKey } from './model.js';

/** `40.0%`; `—` when there is no share (unlimited, or a budget of 0). */
export function formatShare(share: number | null): string {
  return share === null ? '—' : `${(share * 100).toFixed(1)}%`;
}

/** `2026-11-20`, `never` (never used), or `unknown` (the server does not say). */
export function formatLastUse(k: ReportKey): string {
  if (k.last_used !== null) return formatUnixDate(k.last_used);
  return k.never_used ? 'never' : 'unknown';
}

/** The columns of one key but its name, in the order of REPORT_HEADINGS (after NAME). */
export function keyCells(k: ReportKey, quotaPerUsd: number, withManaged: boolean): string[] {
  return [
    String(k.id),
    statusName(k.status),
    formatQuota(k.spent, quotaPerUsd),
    k.budget === null ? 'unlimited' : formatQuota(k.budget, quotaPerUsd),
    formatShare(k.share_used),
    formatUnixTime(k.expired_time),
    formatLastUse(k),
    ...(withManaged ? [k.managed ? 'yes' : 'no'] : []),
  ];
}

/** Column headings; MANAGED only when key files were read. */
export function reportHeadings(withManaged: boolean): string[] {
  return [
    'NAME',
    'ID',
    'STATUS',
    'SPENT',
    'BUDGET',
    'USED',
    'EXPIRES',
    'LAST USE',
    ...(withManaged ? ['MANAGED'] : []),
  ];
}

/**
 * `12 keys (3 unlimited); spent 120000000 ($240.00); limited keys used 100000000 ($200.00) of
 * 300000000 ($600.00) (33.3%); 8 managed, 4 unmanaged; 2 enabled keys unused for more than 90 days.`
 */
export function totalsLine(r: Report, quotaPerUsd: number): string {
  const t = r.totals;
  const parts = [
    `${t.keys} key${t.keys === 1 ? '' : 's'} (${t.unlimited} unlimited)`,
    `spent ${formatQuota(t.spent, quotaPerUsd)}`,
    `limited keys used ${formatQuota(t.spent_limited, quotaPerUsd)} of ` +
      `${formatQuota(t.budget, quotaPerUsd)} (${formatShare(t.share_used)})`,
  ];
  if (t.managed !== null) parts.push(`${t.managed} managed, ${t.unmanaged ?? 0} unmanaged`);
  if (r.warn_unused_days > 0) parts.push(unusedCount(t.unused, r.warn_unused_days));
  return `Total: ${parts.join('; ')}.`;
}

/** `2 enabled keys unused for more than 90 days`. */
export function unusedCount(n: number, days: number): string {
  return `${n} enabled key${n === 1 ? '' : 's'} unused for more than ${days} days`;
}
