/**
 * The spend report as data (docs/commands.md#report): one row per key of the account, sorted by
 * spend, with totals. Built by ./build-report.ts, rendered by ./index.ts. Never holds a secret.
 */
import type { UnusedFinding } from '../values/index.js';

export const REPORT_FORMAT_VERSION = 1;

/** One key of the account. Quota amounts in quota units. */
export interface ReportKey {
  id: number;
  name: string;
  /** As stored: 1 enabled, 2 disabled, 3 expired, 4 exhausted. */
  status: number;
  /** `used_quota`: what the key has spent. */
  spent: number;
  /** `remain_quota + used_quota` of a limited key; null when unlimited. */
  budget: number | null;
  remain_quota: number;
  unlimited: boolean;
  /** spent / budget of a limited key (0.4 = 40 %); null when unlimited or the budget is 0. */
  share_used: number | null;
  /** Unix seconds; -1 = never. */
  expired_time: number;
  /** Unix seconds of the last use; null when never used or not reported. */
  last_used: number | null;
  /** True when the server's times say the key was never used. */
  never_used: boolean;
  /** An enabled key idle past `warnUnusedDays`, or null (docs/plan-format.md#last-use). */
  unused: UnusedFinding | null;
  /** Declared by a key file; null when the report read no key files. */
  managed: boolean | null;
}

/** Sums over the rows. */
export interface ReportTotals {
  keys: number;
  unlimited: number;
  /** Spent by every key, unlimited ones included. */
  spent: number;
  /** Sum of the limited keys' budgets. */
  budget: number;
  /** Spent by the limited keys, of `budget`. */
  spent_limited: number;
  /** spent_limited / budget; null when budget is 0. */
  share_used: number | null;
  /** Null when the report read no key files. */
  managed: number | null;
  unmanaged: number | null;
  /** Enabled keys idle past `warnUnusedDays`. */
  unused: number;
}

export interface Report {
  format_version: typeof REPORT_FORMAT_VERSION;
  /** ISO-8601 UTC, from the `now` the report was built at. */
  created_at: string;
  base_url: string;
  /** The days past which an enabled key counts as unused (0: not judged). */
  warn_unused_days: number;
  /** Sorted by spent, most first, then by (name, id). */
  keys: ReportKey[];
  totals: ReportTotals;
}
