/**
 * The write protocol for one key (docs/write-protocol.md#the-protocol, #convergence): the
 * precondition (./precondition.ts), then the change's `sequence` call by call (./steps.ts), then
 * its ledger entry. Never throws: every way a key can end is a ledger entry.
 */
import type { KeyChange, WriteStep } from '../plan/model.js';
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

/** What a rotation did before it ended: `id 12 renamed "NAME~20261201"`. */
export function renamedNote(renamed: { id: number; name: string }): string {
  return `id ${renamed.id} renamed ${JSON.stringify(renamed.name)}`;
}

/**
 * A rotation's ending (docs/rotation.md#when-a-step-fails): which step failed and what was done
 * before it, so the next plan's view of the account is no surprise.
 */
function rotationEnding(ending: Ending, state: KeyRunState, step: WriteStep | undefined): Ending {
  const at = step ? { failed_step: step } : {};
  if (ending.outcome === 'applied') {
    return state.renamed
      ? {
          ...ending,
          detail: [renamedNote(state.renamed), ending.detail].filter(Boolean).join('; '),
        }
      : ending;
  }
  if (!state.renamed) {
    // Nothing was written: the current key still serves under its name.
    return {
      ...ending,
      ...at,
      detail: `failed at ${step ?? 'the precondition'}: ${ending.detail ?? ending.outcome}; the current key is unchanged`,
    };
  }
  const next = state.createdId === null ? '; the next plan creates the successor' : '';
  return {
    ...ending,
    ...at,
    outcome: ending.outcome === 'did_not_converge' ? 'did_not_converge' : 'failed',
    detail: `${renamedNote(state.renamed)}, failed at ${step ?? 'create'}: ${ending.detail ?? 'did not converge'}${next}`,
  };
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
  const rotating = change.action === 'rotate';
  let current: WriteStep | undefined;
  try {
    for (const step of change.sequence) {
      current = step;
      await runStep(change, step, state, ctx);
    }
  } catch (err) {
    const ending = endingOfFailure(err, state.createdId);
    return entry(rotating ? rotationEnding(ending, state, current) : ending);
  }
  const done: Ending = {
    outcome: 'applied',
    ...(state.alreadyDeleted ? { detail: 'already deleted' } : {}),
  };
  return entry(rotating ? rotationEnding(done, state, undefined) : done);
}
