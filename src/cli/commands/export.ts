import { CliError, type CommandContext } from '../context.js';

/** `cometkeys export` — placeholder until its issue lands. */
export async function runExport(
  _opts: Record<string, unknown>,
  _args: string[],
  _ctx: CommandContext,
): Promise<number> {
  throw new CliError('export is not implemented yet');
}
