/**
 * How a command's error reaches the user: `error: MESSAGE` on stderr and an exit code. The
 * family's errors (`CometkeysError`) carry a safe message and their exit code; anything else
 * is a bug and says so (exit 1). Decided by `instanceof`, never by `name`.
 */
import { CometkeysError, escapeControlCharacters, InternalError } from '../errors.js';
import type { CliIo } from './context.js';

/** Prints the error that ended a command; returns the exit code. */
export function reportError(err: unknown, io: CliIo, verbose: boolean): number {
  const known = err instanceof CometkeysError;
  const reported = known ? err : asInternalError(err, io.env);
  io.stderr.write(`error: ${reported.message}\n`);
  if (verbose && (!known || err instanceof InternalError)) {
    const stack = err instanceof Error ? err.stack : undefined;
    if (stack) io.stderr.write(`${escapeControlCharacters(redact(stack, io.env))}\n`);
  }
  return reported.exitCode;
}

/**
 * Wraps what is not one of the family. Its text was not written to be printed, so the access
 * token is cut out of it, should it be there.
 */
export function asInternalError(
  err: unknown,
  env: Record<string, string | undefined>,
): InternalError {
  return new InternalError(redact(err instanceof Error ? err.message : String(err), env));
}

function redact(text: string, env: Record<string, string | undefined>): string {
  const token = env.COMETAPI_ACCESS_TOKEN?.trim();
  return token ? text.split(token).join('[redacted]') : text;
}
