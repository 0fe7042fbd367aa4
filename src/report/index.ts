/**
 * Report renderers: a registry of pure functions (report, quotaPerUsd) → string, one per
 * `--format` of `cometkeys report` (docs/commands.md#report).
 */
import { stringifyJson } from '../values/index.js';
import { renderReportCsv } from './csv.js';
import type { Report } from './model.js';
import { renderReportMarkdown } from './render-markdown.js';
import { renderReportText } from './render-text.js';

export type ReportFormat = 'text' | 'markdown' | 'json' | 'csv';

export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'markdown', 'json', 'csv'];

const RENDERERS: Record<ReportFormat, (r: Report, quotaPerUsd: number) => string> = {
  text: renderReportText,
  markdown: renderReportMarkdown,
  // C1 and bidi controls escaped too, as in a JSON plan (docs/commands.md#hostile-text).
  json: (r) => `${stringifyJson(r, 2)}\n`,
  csv: renderReportCsv,
};

/** Renders a report in the requested format. */
export function renderReport(r: Report, format: ReportFormat, quotaPerUsd: number): string {
  const render = RENDERERS[format];
  if (!render) throw new Error(`unknown format ${String(format)}`);
  return render(r, quotaPerUsd);
}

export { buildReport, type ReportInput } from './build-report.js';
export type { Report, ReportKey, ReportTotals } from './model.js';
