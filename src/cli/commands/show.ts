import { CliError, type CommandContext } from '../context.js';

/** `cometkeys show` — placeholder until its issue lands. */
export async function runShow(
  _opts: Record<string, unknown>,
  _args: string[],
  _ctx: CommandContext,
): Promise<number> {
  throw new CliError('show is not implemented yet');
}
