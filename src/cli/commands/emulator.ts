import { CliError, type CommandContext } from '../context.js';

/** `cometkeys emulator` — placeholder until its issue lands. */
export async function runEmulator(
  _opts: Record<string, unknown>,
  _args: string[],
  _ctx: CommandContext,
): Promise<number> {
  throw new CliError('emulator is not implemented yet');
}
