import type { CommandContext } from '../context.js';
import { planAndRender } from './plan.js';

/**
 * `cometkeys drift`: a plan for schedules; exit 2 on any drift as
 * docs/exit-codes.md#what-counts-as-drift defines it.
 */
export async function runDrift(
  opts: Record<string, unknown>,
  _args: string[],
  ctx: CommandContext,
): Promise<number> {
  const { drift } = await planAndRender(opts, ctx, 'drift');
  return drift > 0 ? 2 : 0;
}
