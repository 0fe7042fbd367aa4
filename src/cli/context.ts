/**
 * What a command receives: the process's streams and environment, passed in so that tests
 * can run commands in-process (`runCli(argv, io)`), and the parsed global options.
 */

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
  quiet: boolean;
  verbose: boolean;
}

export interface CommandContext {
  io: CliIo;
  global: GlobalOptions;
  /** The package's version. */
  version: string;
}

/** An error the CLI prints as `error: message` and exits 1 on; no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Decides whether to colour output (SPEC §1 "Output"). */
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
