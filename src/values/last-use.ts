/**
 * Last use of a key (docs/plan-format.md#last-use): `accessed_time` is the last time the key
 * authenticated a model request, and a key never used keeps `accessed_time == created_time`
 * (docs/write-protocol.md#server-facts). Shared by the planner's warnings and `report`.
 */
import { SECONDS_PER_DAY, formatUnixDate } from './time.js';

/** The times a last-use judgement reads; absent on servers that do not send them. */
export interface UseTimes {
  created_time?: number;
  accessed_time?: number;
}

/**
 * When the key was last used: unix seconds; `null` when it never was (`accessed_time` 0 or equal
 * to `created_time`); `undefined` when the server does not say (no `accessed_time`).
 */
export function lastUsedAt(k: UseTimes): number | null | undefined {
  const accessed = k.accessed_time;
  if (typeof accessed !== 'number') return undefined;
  if (accessed <= 0 || accessed === k.created_time) return null;
  return accessed;
}

/** A key idle for longer than a number of days. */
export interface UnusedFinding {
  /** `unused`: last used too long ago; `never-used`: never used and created too long ago. */
  kind: 'unused' | 'never-used';
  /** Whole days idle (since the last use, or since creation). */
  days: number;
  /** `not used for 120 days (last used 2026-08-03)`, `never used, created 200 days ago (…)`. */
  message: string;
}

/**
 * The key's idleness past `days` at `nowSec`, or null: last used more than `days` days ago, or
 * never used and created more than `days` days ago. Exactly `days` days is not past. `days` 0
 * (or less) disables the check; a key whose times the server does not send is never judged.
 */
export function unusedFinding(k: UseTimes, days: number, nowSec: number): UnusedFinding | null {
  if (!(days > 0)) return null;
  const last = lastUsedAt(k);
  if (last === undefined) return null;
  const since = last ?? k.created_time;
  if (typeof since !== 'number' || since <= 0) return null;
  const idle = nowSec - since;
  if (idle <= days * SECONDS_PER_DAY) return null;
  const n = Math.floor(idle / SECONDS_PER_DAY);
  const plural = n === 1 ? '' : 's';
  return last === null
    ? {
        kind: 'never-used',
        days: n,
        message: `never used, created ${n} day${plural} ago (${formatUnixDate(since)})`,
      }
    : {
        kind: 'unused',
        days: n,
        message: `not used for ${n} day${plural} (last used ${formatUnixDate(since)})`,
      };
}
