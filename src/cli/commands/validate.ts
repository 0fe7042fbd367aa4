/**
 * `cometkeys validate [-f FILE]...` (docs/commands.md): parse, schema-check and semantically check
 * the key files, offline. Exit 0 when valid (warnings allowed), 1 when not. Text: diagnostics on
 * stderr, one summary line on stdout. JSON: one document on stdout.
 */
import type { Diagnostic } from '../../model.js';
import { stringifyJson } from '../../values/index.js';
import type { CommandContext } from '../context.js';
import { readDesired, resolveSettings } from '../pipeline.js';

interface ValidateOptions {
  file?: string[];
  format?: 'text' | 'json';
  allowEmpty?: boolean;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function colourSeverity(line: string, d: Diagnostic, color: boolean): string {
  if (!color) return line;
  const code = d.severity === 'error' ? '\u001b[31m' : '\u001b[33m';
  return line.replace(`: ${d.severity}: `, `: ${code}${d.severity}\u001b[39m: `);
}

/** Runs validate; returns the exit code. */
export async function runValidate(
  opts: Record<string, unknown>,
  _args: string[],
  ctx: CommandContext,
): Promise<number> {
  const o = opts as ValidateOptions;
  // The same settings and key-file loading as plan, so both print the same diagnostics.
  const settings = await resolveSettings(ctx);
  const result = await readDesired(
    ctx,
    settings,
    { files: o.file, allowEmpty: o.allowEmpty },
    ctx.io.now?.() ?? new Date(),
  );
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
  const valid = errors.length === 0;
  if (o.format === 'json') {
    const strip = ({ file, line, col, path, message, kind }: Diagnostic) => ({
      file,
      line,
      col,
      path,
      message,
      ...(kind !== undefined ? { kind } : {}),
    });
    const doc = {
      valid,
      files: result.files,
      // Every key the files declare, valid or not (docs/key-file.md#errors-and-warnings).
      keys: result.declaredKeys,
      errors: errors.map(strip),
      warnings: warnings.map(strip),
    };
    ctx.io.stdout.write(`${stringifyJson(doc, 2)}\n`);
    return valid ? 0 : 1;
  }
  const { formatDiagnostics } = await import('../../desired/index.js');
  ctx.io.stderr.write(
    formatDiagnostics(result.diagnostics, {
      allWarnings: ctx.global.allWarnings,
      quiet: ctx.global.quiet,
      paint: (line, d) => colourSeverity(line, d, ctx.global.color),
    }),
  );
  const head = `${plural(result.files.length, 'file')}, ${plural(result.declaredKeys, 'key')}`;
  const counts = [
    ...(errors.length ? [plural(errors.length, 'error')] : []),
    ...(warnings.length ? [plural(warnings.length, 'warning')] : []),
  ].join(', ');
  const verdict = valid ? 'valid' : 'invalid';
  ctx.io.stdout.write(`${head}: ${verdict}${counts ? ` (${counts})` : ''}.\n`);
  return valid ? 0 : 1;
}
