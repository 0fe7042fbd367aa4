/**
 * Typed errors of the planner and the plan file. The CLI turns them into `error: ...` + exit 1.
 */

/** The desired state cannot be planned against this account (SPEC §4.3), e.g. ambiguous names. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** A saved plan file that cannot be used: not JSON, wrong shape, other format_version. */
export class PlanFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanFileError';
  }
}

/** A broken invariant inside the planner: never the user's fault. */
export class InternalError extends Error {
  constructor(message: string) {
    super(`internal error (this is a bug, please report it): ${message}`);
    this.name = 'InternalError';
  }
}
