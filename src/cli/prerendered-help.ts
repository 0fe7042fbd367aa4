/**
 * The help texts `npm run build` renders from the real commander program into
 * dist/cli/help.json, so that bin/cometkeys.js can answer `--help`, `help CMD`, `CMD --help` and a
 * bare `cometkeys` without loading the CLI (docs/performance.md#start-up). Commander wraps help
 * to the terminal's width (80 when the stream is not a terminal); each text is kept at 80 columns
 * and unwrapped, with the narrowest width at which commander prints the unwrapped text. The bin
 * uses a text only at a width where commander prints exactly it, and runs the CLI otherwise.
 */
import { commandNames, runCli } from './main.js';

/** The width commander uses when the stream is not a terminal. */
export const DEFAULT_HELP_WIDTH = 80;

/** One help text: at 80 columns, and as printed at any width from `wideFrom` on. */
export interface HelpText {
  text: string;
  wide: string;
  wideFrom: number;
}

/** An argv the bin answers alone: which text, on which stream, with which exit code. */
export interface HelpCall {
  help: string;
  stream: 'stdout' | 'stderr';
  code: number;
}

/** The contents of dist/cli/help.json; `calls` is keyed by JSON.stringify(argv). */
export interface PrerenderedHelp {
  calls: Record<string, HelpCall>;
  help: Record<string, HelpText>;
}

/** The name of the program's own help among the texts. */
export const MAIN_HELP = 'cometkeys';

/** What the CLI printed for one argv. */
export interface Rendered {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs the CLI in-process for `argv` with help wrapped to `width`. */
export async function renderCall(argv: string[], width: number): Promise<Rendered> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: {},
      cwd: '.',
    },
    { helpWidth: width },
  );
  return { stdout, stderr, code };
}

/** Every argv the bin answers from the file, and the help text each prints. */
export function helpArgvs(): { argv: string[]; help: string }[] {
  const calls = [[], ['--help'], ['-h'], ['help']].map((argv) => ({ argv, help: MAIN_HELP }));
  for (const name of commandNames()) {
    for (const argv of [
      ['help', name],
      [name, '--help'],
      [name, '-h'],
    ]) {
      calls.push({ argv, help: name });
    }
  }
  return calls;
}

const printed = (r: Rendered): string => r.stdout + r.stderr;
const maxLineLength = (text: string): number =>
  Math.max(...text.split('\n').map((line) => line.length));

/** Renders every help text and call through commander; throws if the calls disagree. */
export async function prerenderHelp(): Promise<PrerenderedHelp> {
  const help: Record<string, HelpText> = {};
  const calls: Record<string, HelpCall> = {};
  for (const { argv, help: name } of helpArgvs()) {
    const at80 = await renderCall(argv, DEFAULT_HELP_WIDTH);
    const unwrapped = await renderCall(argv, Number.MAX_SAFE_INTEGER);
    const stream = at80.stderr === '' ? 'stdout' : 'stderr';
    if ((at80.stdout === '') === (at80.stderr === '')) {
      throw new Error(`${JSON.stringify(argv)}: help must go to exactly one stream`);
    }
    let entry = help[name];
    if (entry === undefined) {
      let wideFrom = maxLineLength(printed(unwrapped));
      while (printed(await renderCall(argv, wideFrom - 1)) === printed(unwrapped)) wideFrom--;
      entry = { text: printed(at80), wide: printed(unwrapped), wideFrom };
      help[name] = entry;
    }
    const atWideFrom = await renderCall(argv, entry.wideFrom);
    if (
      printed(at80) !== entry.text ||
      printed(unwrapped) !== entry.wide ||
      printed(atWideFrom) !== entry.wide ||
      unwrapped.code !== at80.code
    ) {
      throw new Error(`${JSON.stringify(argv)} does not print the help of ${name}`);
    }
    calls[JSON.stringify(argv)] = { help: name, stream, code: at80.code };
  }
  return { calls, help };
}
