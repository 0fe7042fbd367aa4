/** What every key's run shares, and the small helpers its parts use. */
import { CometApiError } from '../api/errors.js';
import type { CometClient } from '../api/types.js';
import type { ServerKey } from '../model.js';
import type { AuditRecord, CreatedKey } from './types.js';

/** What every key's run shares. */
export interface KeyRunContext {
  client: CometClient;
  /** Creates resolve their id among keys above this one. */
  highestKnownId: number;
  /** Keys that appeared since the plan was made (ids above the plan's highest), as listed. */
  createdSincePlan: readonly ServerKey[];
  /** Records one write attempt (time and git commit are filled in by the caller). */
  audit: (record: Omit<AuditRecord, 'time' | 'git_commit'>) => Promise<void>;
  /** Called with every record read or written, to warn about fields passed through. */
  inspectRecord: (record: ServerKey) => void;
  onCreated: (key: CreatedKey) => void;
}

export const CHANGED_SINCE_PLAN = 'changed since plan';

/** A key that already holds what its change plans: nothing to write (docs/plan-format.md). */
export const ALREADY_PLANNED = 'already in the planned state';

/** The message of an error, whatever was thrown. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function isNotFound(err: unknown): boolean {
  return err instanceof CometApiError && err.kind === 'not_found';
}

export function httpStatusOf(err: unknown): number | null {
  return err instanceof CometApiError ? err.status : null;
}
