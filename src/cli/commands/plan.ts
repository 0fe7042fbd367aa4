import { CliError, type CommandContext } from '../context.js';

/** `cometkeys plan` — placeholder until its issue lands. */
export async function runPlan(
  _opts: Record<string, unknown>,
  _args: string[],
  _ctx: CommandContext,
): Promise<number> {
  throw new CliError('plan is not implemented yet');
}
