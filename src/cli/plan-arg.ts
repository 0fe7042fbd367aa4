/**
 * Reading the saved plan named on the command line (`apply PLAN`, `show PLAN`), with the hint a
 * person needs when they hand it a key file instead (docs/commands.md#usage-mistakes).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError, type CommandContext } from './context.js';

const KEY_FILE_EXTENSION = /\.ya?ml$/i;

/** The text of a saved plan; a key file or an unreadable path is a CliError (exit 1). */
export async function readSavedPlanText(
  ctx: CommandContext,
  file: string,
  command: 'apply' | 'plan',
): Promise<string> {
  if (KEY_FILE_EXTENSION.test(file)) {
    throw new CliError(
      `${file} looks like a key file, not a saved plan: to use key files run "cometkeys ${command} -f ${file}"; ` +
        `a saved plan is the JSON file written by "cometkeys plan --out plan.json"`,
    );
  }
  try {
    return await readFile(path.resolve(ctx.io.cwd, file), 'utf8');
  } catch (err) {
    throw new CliError(
      `cannot read the plan ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
}
