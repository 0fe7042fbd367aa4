/**
 * Builds the spend report (docs/commands.md#report): a pure function of the listed keys, the key
 * files (optional), settings and now. Managed keys are the ones the planner would match.
 */
import type { DesiredKey, ServerKey } from '../model.js';
import { matchKeys } from '../plan/match.js';
import { compareNameId, lastUsedAt, unixSeconds, unusedFinding } from '../values/index.js';
import { REPORT_FORMAT_VERSION, type Report, type ReportKey, type ReportTotals } from './model.js';

export interface ReportInput {
  /** The listing, secrets already stripped. */
  server: ServerKey[];
  /** The key files' keys; undefined when none were read (then `managed` is null). */
  desired?: DesiredKey[];
  /** `unmanaged.ignoreNames`: such keys are never matched by name, as in a plan. */
  ignoreNames: readonly string[];
  warnUnusedDays: number;
  now: Date;
  baseUrl: string;
}

function ratio(n: number, of: number): number | null {
  return of > 0 ? n / of : null;
}

function reportKey(s: ServerKey, managed: boolean | null, days: number, nowSec: number): ReportKey {
  const unlimited = s.unlimited_quota === true;
  const budget = unlimited ? null : s.remain_quota + s.used_quota;
  const last = lastUsedAt(s);
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    spent: s.used_quota,
    budget,
    remain_quota: s.remain_quota,
    unlimited,
    share_used: budget === null ? null : ratio(s.used_quota, budget),
    expired_time: s.expired_time,
    last_used: last ?? null,
    never_used: last === null,
    // As in a plan, only keys that serve are judged: a disabled key is idle by design.
    unused: s.status === 1 ? unusedFinding(s, days, nowSec) : null,
    managed,
  };
}

function totalsOf(keys: readonly ReportKey[], withFiles: boolean): ReportTotals {
  const t: ReportTotals = {
    keys: keys.length,
    unlimited: 0,
    spent: 0,
    budget: 0,
    spent_limited: 0,
    share_used: null,
    managed: withFiles ? 0 : null,
    unmanaged: withFiles ? 0 : null,
    unused: 0,
  };
  for (const k of keys) {
    t.spent += k.spent;
    if (k.budget === null) t.unlimited++;
    else {
      t.budget += k.budget;
      t.spent_limited += k.spent;
    }
    if (k.unused) t.unused++;
    if (k.managed === true && t.managed !== null) t.managed++;
    if (k.managed === false && t.unmanaged !== null) t.unmanaged++;
  }
  t.share_used = ratio(t.spent_limited, t.budget);
  return t;
}

/** The report; throws PlanError when a key file's name is ambiguous (as a plan would). */
export function buildReport(input: ReportInput): Report {
  const nowSec = unixSeconds(input.now);
  const matched = input.desired
    ? new Set(
        matchKeys(input.desired, input.server, input.ignoreNames).pairs.map((p) => p.server.id),
      )
    : undefined;
  const keys = input.server
    .map((s) => reportKey(s, matched ? matched.has(s.id) : null, input.warnUnusedDays, nowSec))
    .sort((a, b) => b.spent - a.spent || compareNameId(a, b));
  return {
    format_version: REPORT_FORMAT_VERSION,
    created_at: input.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    base_url: input.baseUrl,
    warn_unused_days: input.warnUnusedDays,
    keys,
    totals: totalsOf(keys, matched !== undefined),
  };
}
