import { CliError, type CommandContext } from '../context.js';

/** `cometkeys drift` — placeholder until its issue lands. */
export async function runDrift(
  _opts: Record<string, unknown>,
  _args: string[],
  _ctx: CommandContext,
): Promise<number> {
  throw new CliError('drift is not implemented yet');
}
