/**
 * "Can serve" (docs/plan-format.md#server-owned-states): a key serves at time t when it has not
 * expired and it is unlimited or has quota left. Used for revivals of stored 3/4 keys and for
 * warnings.
 */
import { formatUnixDate } from './time.js';

export interface ServeState {
  expired_time: number;
  unlimited_quota: boolean;
  /** Remaining quota after the planned writes. */
  remain_quota: number;
  /** The budget N when the key's quota form is a budget (for the message). */
  budget?: number;
}

/** What keeps the key from serving at `nowSec`; empty when it can serve. */
export function serveBlockers(state: ServeState, nowSec: number): string[] {
  const out: string[] = [];
  if (state.expired_time !== -1 && state.expired_time <= nowSec) {
    out.push(`expired on ${formatUnixDate(state.expired_time)}`);
  }
  if (!state.unlimited_quota && !(state.remain_quota > 0)) {
    out.push(state.budget !== undefined ? 'its quota budget is spent' : 'its remaining quota is 0');
  }
  return out;
}

const STATUS_NAMES: Record<number, string> = {
  1: 'enabled',
  2: 'disabled',
  3: 'expired',
  4: 'exhausted',
};

/** `enabled`, `expired`, … or `status N` for a value the API does not define. */
export function statusName(status: unknown): string {
  return (typeof status === 'number' && STATUS_NAMES[status]) || `status ${String(status)}`;
}
