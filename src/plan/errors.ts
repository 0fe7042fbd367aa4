/**
 * Typed errors of the planner and the plan file. The CLI turns them into `error: ...` + exit 1.
 */
import { CometkeysError } from '../errors.js';

// The planner's broken invariants are the family's one InternalError.
export { InternalError } from '../errors.js';

/**
 * The desired state cannot be planned against this account (docs/plan-format.md#matching), e.g.
 * ambiguous names.
 */
export class PlanError extends CometkeysError {}

/** A saved plan file that cannot be used: not JSON, wrong shape, other format_version. */
export class PlanFileError extends CometkeysError {}
