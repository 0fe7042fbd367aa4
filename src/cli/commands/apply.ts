import { CliError, type CommandContext } from '../context.js';

/** `cometkeys apply` — placeholder until its issue lands. */
export async function runApply(
  _opts: Record<string, unknown>,
  _args: string[],
  _ctx: CommandContext,
): Promise<number> {
  throw new CliError('apply is not implemented yet');
}
