/**
 * Diagnostics of key files: building, sorting and formatting them. Text output follows
 * `file:line:col: severity: path: message` (docs/key-file.md#errors-and-warnings).
 */
import { formatDiagnostic, type Diagnostic } from '../model.js';
import { consolidate, moreLine } from '../values/index.js';

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

/** Builds a warning diagnostic at a location; `kind` groups repeats (docs/commands.md#consolidated-warnings). */
export function warningAt(file: string, at: Located, message: string, kind: string): Diagnostic {
  return { severity: 'warning', file, line: at.line, col: at.col, path: at.path, message, kind };
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
 * same inputs always print the same bytes (docs/commands.md#output).
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

/** How diagnostics are printed (docs/commands.md#consolidated-warnings). */
export interface DiagnosticTextOptions {
  /** Every warning, not the first 3 of each kind (`--all-warnings`). */
  allWarnings?: boolean;
  /** Errors only (`--quiet`). */
  quiet?: boolean;
  /** Decorates one formatted line (colour). */
  paint?: (line: string, d: Diagnostic) => string;
}

/** The kind a warning is grouped by: its code, else its message; errors are never grouped. */
function diagnosticKind(d: Diagnostic): string | undefined {
  return d.severity === 'error' ? undefined : (d.kind ?? d.message);
}

/**
 * Formats diagnostics as text, one per line, sorted; "" when there are none. A warning kind
 * that repeats shows its first instances, then one line counting the rest.
 */
export function formatDiagnostics(
  diagnostics: readonly Diagnostic[],
  opts: DiagnosticTextOptions = {},
): string {
  const shown = sortDiagnostics(diagnostics).filter((d) => !opts.quiet || d.severity === 'error');
  const paint = opts.paint ?? ((line: string) => line);
  return consolidate(shown, diagnosticKind, opts.allWarnings ? Infinity : undefined)
    .map((e) =>
      'item' in e
        ? `${paint(formatDiagnostic(e.item), e.item)}\n`
        : `warning: ${moreLine(e.more)}\n`,
    )
    .join('');
}
