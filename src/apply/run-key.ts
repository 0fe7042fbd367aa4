/**
 * The write protocol for one key (docs/write-protocol.md#the-protocol, #convergence): the
 * precondition (./precondition.ts), then the change's `sequence` call by call (./steps.ts), then
 * its ledger entry. Never throws: every way a key can end is a ledger entry.
 */
import type { KeyChange } from '../plan/model.js';
import { describeError, type KeyRunContext } from './context.js';
import { checkPrecondition } from './precondition.js';
import { runStep, StepFailure, type KeyRunState } from './steps.js';
import type { LedgerEntry } from './types.js';

export { describeError, type KeyRunContext } from './context.js';

type Ending = { outcome: LedgerEntry['outcome'] } & Partial<LedgerEntry>;

/** How a sequence that threw ends in the ledger. */
function endingOfFailure(err: unknown, createdId: number | null): Ending {
  if (err instanceof StepFailure) {
    const outcome = err.entry.outcome ?? 'failed';
    if (createdId !== null && outcome !== 'did_not_converge') {
      return {
        outcome: 'failed',
        detail: `created as id ${createdId}, not finished: ${err.message}`,
      };
    }
    return {
      outcome,
      ...(outcome === 'did_not_converge' ? {} : { detail: err.message }),
      ...(err.entry.fields ? { fields: err.entry.fields } : {}),
    };
  }
  if (createdId !== null) {
    return {
      outcome: 'failed',
      detail: `created as id ${createdId}, not finished: ${describeError(err)}`,
    };
  }
  return { outcome: 'failed', detail: describeError(err) };
}

/** Runs one change and returns its ledger entry. */
export async function runKeyChange(change: KeyChange, ctx: KeyRunContext): Promise<LedgerEntry> {
  const state: KeyRunState = {
    id: change.id,
    current: undefined,
    createdId: null,
    alreadyDeleted: false,
  };
  const entry = ({ outcome, ...extra }: Ending): LedgerEntry => ({
    name: change.name,
    id: state.id,
    action: change.action,
    outcome,
    ...extra,
  });
  const checked = await checkPrecondition(change, ctx);
  if (!checked.ok) return entry({ outcome: checked.outcome, ...checked.extra });
  state.current = checked.current;
  try {
    for (const step of change.sequence) await runStep(change, step, state, ctx);
  } catch (err) {
    return entry(endingOfFailure(err, state.createdId));
  }
  return entry({
    outcome: 'applied',
    ...(state.alreadyDeleted ? { detail: 'already deleted' } : {}),
  });
}
