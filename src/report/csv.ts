/**
 * The CSV report (docs/commands.md#report), for spreadsheets: RFC 4180 (a header row, CRLF line
 * ends, a field quoted when it holds `"`, `,`, CR or LF, a `"` inside doubled), and no formula
 * injection: a text cell from the server that starts with `=`, `+`, `-`, `@`, tab or CR is
 * prefixed with `'`, so a spreadsheet shows it as text instead of evaluating it (OWASP "CSV
 * Injection"). Numbers are written as numbers.
 */
import { escapeText, formatUnixTime } from '../values/index.js';
import type { Report, ReportKey } from './model.js';

/** Characters a spreadsheet reads as the start of a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell from the server or a file: escaped, defused, quoted when needed. */
export function csvText(value: string): string {
  const text = escapeText(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return csvField(safe);
}

/** RFC 4180: quoted when it holds a quote, a comma or a line break; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const HEADER = [
  'name',
  'id',
  'status',
  'spent_quota',
  'spent_usd',
  'budget_quota',
  'budget_usd',
  'share_used',
  'remain_quota',
  'unlimited',
  'expires',
  'last_used',
  'unused_days',
  'managed',
];

function usd(units: number | null, quotaPerUsd: number): string {
  return units === null ? '' : (units / quotaPerUsd).toFixed(2);
}

function row(k: ReportKey, quotaPerUsd: number): string[] {
  return [
    csvText(k.name),
    String(k.id),
    String(k.status),
    String(k.spent),
    usd(k.spent, quotaPerUsd),
    k.budget === null ? '' : String(k.budget),
    usd(k.budget, quotaPerUsd),
    k.share_used === null ? '' : String(Number(k.share_used.toFixed(4))),
    String(k.remain_quota),
    String(k.unlimited),
    formatUnixTime(k.expired_time),
    k.last_used !== null ? formatUnixTime(k.last_used) : k.never_used ? 'never' : '',
    k.unused ? String(k.unused.days) : '',
    k.managed === null ? '' : String(k.managed),
  ];
}

/** The report as CSV: the header, then one row per key in the report's order. */
export function renderReportCsv(r: Report, quotaPerUsd: number): string {
  const lines = [HEADER, ...r.keys.map((k) => row(k, quotaPerUsd))].map((cells) => cells.join(','));
  return `${lines.join('\r\n')}\r\n`;
}
