/**
 * What a command receives: the process's streams and environment, passed in so that tests
 * can run commands in-process (`runCli(argv, io)`), and the parsed global options.
 */
import { CometkeysError } from '../errors.js';

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  /** For the interactive `yes` prompt of apply. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Injected in tests; defaults to globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
  /** Injected in tests; defaults to the wall clock. */
  now?: () => Date;
}

export interface GlobalOptions {
  config?: string;
  baseUrl?: string;
  parallelism?: number;
  /** Resolved: colour on a TTY, never with NO_COLOR or --no-color, forced by FORCE_COLOR. */
  color: boolean;
  /** Only errors and the result: no progress, no warnings. */
  quiet: boolean;
  verbose: boolean;
  /** Every warning instead of the first 3 of each kind (docs/commands.md#consolidated-warnings). */
  allWarnings: boolean;
}

export interface CommandContext {
  io: CliIo;
  global: GlobalOptions;
  /** The package's version. */
  version: string;
}

/** An error of the command line itself (usage, environment, files named on it); exit 1. */
export class CliError extends CometkeysError {}

/** Decides whether to colour output (docs/commands.md#output). */
export function resolveColor(
  env: Record<string, string | undefined>,
  isTTY: boolean | undefined,
  noColorFlag: boolean,
): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false')
    return true;
  return isTTY === true;
}

/** The render options that follow the global flags: colour, `--all-warnings`, `--quiet`. */
export function outputOptions(g: GlobalOptions): {
  color: boolean;
  allWarnings: boolean;
  quiet: boolean;
} {
  return { color: g.color, allWarnings: g.allWarnings, quiet: g.quiet };
}
