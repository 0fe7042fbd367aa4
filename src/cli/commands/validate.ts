import { CliError, type CommandContext } from '../context.js';

/** `cometkeys validate` — placeholder until its issue lands. */
export async function runValidate(
  _opts: Record<string, unknown>,
  _args: string[],
  _ctx: CommandContext,
): Promise<number> {
  throw new CliError('validate is not implemented yet');
}
