/**
 * Diagnostics of key files: building, sorting and formatting them. Text output follows
 * `file:line:col: severity: path: message` (SPEC §2 "Errors point at the source").
 */
import { formatDiagnostic, type Diagnostic } from '../model.js';

/** Where a diagnostic points: a document path and a 1-based position (0:0 = no position). */
export interface Located {
  /** Display path such as `keys[2].allow_ips[1]`; "" for the whole file. */
  path: string;
  line: number;
  col: number;
}

/** Builds an error diagnostic at a location. */
export function errorAt(file: string, at: Located, message: string): Diagnostic {
  return { severity: 'error', file, line: at.line, col: at.col, path: at.path, message };
}

/** Builds a warning diagnostic at a location. */
export function warningAt(file: string, at: Located, message: string): Diagnostic {
  return { severity: 'warning', file, line: at.line, col: at.col, path: at.path, message };
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts diagnostics by file, line and column (then errors first, path, message) so that the
 * same inputs always print the same bytes (SPEC §1 "Output").
 */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      a.line - b.line ||
      a.col - b.col ||
      compareText(a.severity, b.severity) ||
      compareText(a.path, b.path) ||
      compareText(a.message, b.message),
  );
}

/** Formats diagnostics as text, one per line, sorted; "" when there are none. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return sortDiagnostics(diagnostics)
    .map((d) => `${formatDiagnostic(d)}\n`)
    .join('');
}
