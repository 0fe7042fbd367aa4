/**
 * The planner (docs/plan-format.md#how-a-plan-is-made): a pure function of (desired state, listed
 * state, settings, now). No I/O, no clock of its own; output sorted by (name, id).
 */
import {
  DEFAULT_QUOTA_MAX_UNITS,
  DEFAULT_WARN_UNUSED_DAYS,
  type Settings,
} from '../config/types.js';
import type { DesiredKey, ServerKey } from '../model.js';
import {
  compareNameId,
  formatUnixDate,
  matchesTarget,
  quoteText,
  SECONDS_PER_DAY,
  serveBlockers,
  unixSeconds,
  unusedFinding,
} from '../values/index.js';
import { createChange, unmanagedChange, updateChange } from './changes.js';
import { diffKey, expiryReported } from './diff.js';
import { PlanError } from './errors.js';
import { matchKeys } from './match.js';
import { planMoney } from './money.js';
import {
  PLAN_FORMAT_VERSION,
  type Handoff,
  type KeyChange,
  type MissingKey,
  type Plan,
  type PlanWarning,
  type UnmanagedKey,
} from './model.js';
import { decideRotation, retirePredecessors, splitGenerations } from './rotation.js';
import { evaluateSafety } from './safety.js';

/** Everything the planner needs; nothing else is read. */
export interface PlanInput {
  /** Loaded, validated, normalised key-file keys (src/desired). */
  desired: DesiredKey[];
  /** The listing, secrets already stripped. */
  server: ServerKey[];
  /** The settings the plan depends on. */
  settings: Pick<Settings, 'unmanaged' | 'safety' | 'warnExpiryDays' | 'quotaPerUsd'> &
    Partial<Pick<Settings, 'quotaMaxUnits' | 'warnUnusedDays' | 'policy'>>;
  /** The time expiry and "can serve" are judged at; also `created_at`. */
  now: Date;
  /** The API origin the listing came from; apply refuses a plan for another. */
  baseUrl: string;
  /** The account (`COMETAPI_USER_ID`), null when unknown; apply refuses a plan for another. */
  userId: number | null;
  /** cometkeys' version, recorded in the plan. */
  toolVersion: string;
  /** `--target`: only these desired keys are planned; the unmanaged action is not applied. */
  targets?: string[];
  /** `--rotate`: rotate these keys (which must declare `rotate`) now, whatever their age. */
  rotate?: string[];
  /**
   * Ids of keys whose secret the audit log shows not delivered (the last delivery record of a
   * sink failed): their predecessors are not retired (docs/rotation.md#when-a-step-fails).
   */
  undelivered?: ReadonlySet<number>;
}

function expiryWarning(expiredTime: number, nowSec: number, warnDays: number): string | null {
  if (expiredTime === -1 || expiredTime <= nowSec) return null;
  const left = expiredTime - nowSec;
  if (left > warnDays * SECONDS_PER_DAY) return null;
  const days = Math.ceil(left / SECONDS_PER_DAY);
  return `expires in ${days} day${days === 1 ? '' : 's'} (${formatUnixDate(expiredTime)})`;
}

/** Shown in a policy error before the rest are counted. */
const MAX_UNUSED_ERRORS_SHOWN = 10;

/** The PlanError of keys past `policy.maxUnusedDays` (docs/plan-format.md#last-use). */
function unusedPolicyError(days: number, offenders: string[]): PlanError {
  const shown = offenders.slice(0, MAX_UNUSED_ERRORS_SHOWN);
  const more = offenders.length - shown.length;
  return new PlanError(
    [
      ...shown.map((o) => `policy maxUnusedDays (${days}): ${o}`),
      ...(more > 0 ? [`… and ${more} more`] : []),
      'disable such keys (status: disabled), delete them, or raise policy.maxUnusedDays',
    ].join('\n'),
  );
}

/** The warnings of a key about to be created (a create, or a rotation's successor). */
function createWarnings(
  d: DesiredKey,
  change: KeyChange,
  nowSec: number,
  warnDays: number,
): PlanWarning[] {
  if (d.status !== 1) return [];
  const out: PlanWarning[] = [];
  const blockers = serveBlockers(
    {
      expired_time: expiryReported(d, nowSec) ? -1 : d.expired_time,
      unlimited_quota: change.planned.unlimited_quota === true,
      remain_quota: change.planned.quota_budget ?? change.planned.remain_quota ?? 0,
    },
    nowSec,
  );
  if (blockers.length > 0) {
    out.push({
      name: d.name,
      kind: 'cannot-serve',
      message: `declared enabled but cannot serve requests (${blockers.join(', ')})`,
    });
  }
  const soon = expiryWarning(d.expired_time, nowSec, warnDays);
  if (soon) out.push({ name: d.name, kind: 'expiring', message: soon });
  return out;
}

/**
 * Computes the plan. Throws PlanError for ambiguous names, creates without quota, or enabled
 * keys past `policy.maxUnusedDays`.
 */
export function createPlan(input: PlanInput): Plan {
  const { settings, now } = input;
  const nowSec = unixSeconds(now);
  const quotaMaxUnits = settings.quotaMaxUnits ?? DEFAULT_QUOTA_MAX_UNITS;
  const targets = input.targets && input.targets.length > 0 ? input.targets : undefined;
  const isTargeted = (name: string): boolean => !targets || matchesTarget(name, targets);
  const ignoreNames = settings.unmanaged.ignoreNames;

  const forced = new Set(input.rotate ?? []);
  for (const name of forced) {
    if (!input.desired.some((d) => d.name === name && d.rotate && d.id === undefined)) {
      throw new PlanError(
        `--rotate ${JSON.stringify(name)}: no key of that name declares rotate in the key files`,
      );
    }
  }
  // Generations of rotating keys are theirs: never matched by name, never unmanaged.
  const split = splitGenerations(input.desired, input.server);
  const match = matchKeys(input.desired, split.rest, ignoreNames);
  const takenNames = new Set(input.server.map((s) => s.name));

  const noQuota = match.unmatchedDesired.filter((d) => isTargeted(d.name) && d.quota === null);
  if (noQuota.length > 0) {
    throw new PlanError(
      noQuota
        .map(
          (d) =>
            `${d.source.file}:${d.source.line}:${d.source.col}: "${d.name}" would be created ` +
            `without quota: declare quota_budget, remain_quota or unlimited_quota ` +
            `(remain_quota is in its ignore_changes)`,
        )
        .join('\n'),
    );
  }

  const changes: KeyChange[] = [];
  const warnings: PlanWarning[] = [];
  const handoffs: Handoff[] = [];
  let unchanged = 0;
  const warnUnusedDays = settings.warnUnusedDays ?? DEFAULT_WARN_UNUSED_DAYS;
  const maxUnusedDays = settings.policy?.maxUnusedDays;
  const unusedOffenders: string[] = [];

  for (const { desired: d, server: s, matchedBy } of match.pairs) {
    const shownName = d.ignore_changes.includes('name') ? s.name : d.name;
    if (!isTargeted(shownName)) continue;
    const rotation = d.rotate
      ? decideRotation(d, s, matchedBy, { now, nowSec, forced: forced.has(d.name), takenNames })
      : undefined;
    if (rotation?.warning) warnings.push(rotation.warning);
    // A secret the audit log shows undelivered is handed over again (not if rotated now).
    if (!rotation?.due && d.deliver && input.undelivered?.has(s.id)) {
      handoffs.push({ id: s.id, name: shownName, deliver: [...d.deliver] });
    }
    if (rotation?.due) {
      // The successor gets the declared fields; the predecessor keeps its own.
      changes.push(rotation.change);
      warnings.push(...createWarnings(d, rotation.change, nowSec, settings.warnExpiryDays));
      continue;
    }
    const diff = diffKey(d, s, nowSec, quotaMaxUnits);
    const change = updateChange(d, s, matchedBy, diff);
    if (change) changes.push(change);
    else unchanged++;
    for (const w of diff.warnings) warnings.push({ name: shownName, id: s.id, ...w });
    const ignore = d.ignore_changes;
    const statusEnabled = ignore.includes('status') ? s.status === 1 : d.status === 1;
    const expiry = ignore.includes('expired_time') ? s.expired_time : d.expired_time;
    const soon = statusEnabled ? expiryWarning(expiry, nowSec, settings.warnExpiryDays) : null;
    if (soon) warnings.push({ name: shownName, id: s.id, kind: 'expiring', message: soon });
    // Last use is judged on keys that are to serve: a disabled key is idle by design.
    if (statusEnabled) {
      const offence = maxUnusedDays ? unusedFinding(s, maxUnusedDays, nowSec) : null;
      const idle = offence ? null : unusedFinding(s, warnUnusedDays, nowSec);
      if (offence) unusedOffenders.push(`${quoteText(shownName)} (id ${s.id}) ${offence.message}`);
      if (idle)
        warnings.push({ name: shownName, id: s.id, kind: idle.kind, message: idle.message });
    }
  }
  if (maxUnusedDays && unusedOffenders.length > 0) {
    throw unusedPolicyError(maxUnusedDays, unusedOffenders.sort());
  }

  for (const d of match.unmatchedDesired) {
    if (!isTargeted(d.name)) continue;
    const change = createChange(d);
    changes.push(change);
    warnings.push(...createWarnings(d, change, nowSec, settings.warnExpiryDays));
  }

  // Predecessors of rotating keys: retired once their overlap or delete_after_days ended.
  const rotating = input.desired.filter((d) => d.rotate && isTargeted(d.name));
  const currentOf = new Map(
    rotating.length === 0 ? [] : match.pairs.map((p) => [p.desired, p.server]),
  );
  for (const d of rotating) {
    const generations = split.generations.get(d.name) ?? [];
    const retired = retirePredecessors(d, currentOf.get(d), generations, {
      nowSec,
      quotaMaxUnits,
      ...(input.undelivered ? { undelivered: input.undelivered } : {}),
    });
    changes.push(...retired.changes);
    warnings.push(...retired.warnings);
  }

  const missing: MissingKey[] = match.missing
    .filter((d) => isTargeted(d.name))
    .map((d) => ({
      id: d.id as number,
      name: d.name,
      message:
        `id ${String(d.id)} not found: the key is never recreated ` +
        `(remove \`id\` from ${d.source.file}:${d.source.line} to create a new key)`,
    }));

  const unmanaged: UnmanagedKey[] = [];
  for (const s of match.unmatchedServer) {
    const exempt = ignoreNames.length > 0 && matchesTarget(s.name, ignoreNames);
    // --target never applies the unmanaged action (docs/safety.md#targeted-runs).
    const action = exempt || targets ? 'ignore' : settings.unmanaged.action;
    // Listed once, in `unmanaged` (and counted in the summary), not also as a warning each.
    unmanaged.push({
      id: s.id,
      name: s.name,
      action,
      ...(exempt ? { exempt: true as const } : {}),
    });
    if (action !== 'ignore') {
      const change = unmanagedChange(s, action, quotaMaxUnits);
      if (change) changes.push(change);
    }
  }

  changes.sort(compareNameId);
  unmanaged.sort(compareNameId);
  missing.sort(compareNameId);
  warnings.sort(
    (a, b) => compareNameId(a, b) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );

  const count = (action: KeyChange['action']): number =>
    changes.reduce((n, c) => n + (c.action === action ? 1 : 0), 0);
  let highestId = 0;
  const listed = new Map<number, ServerKey>();
  for (const s of input.server) {
    if (s.id > highestId) highestId = s.id;
    listed.set(s.id, s);
  }

  return {
    format_version: PLAN_FORMAT_VERSION,
    tool_version: input.toolVersion,
    created_at: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    base_url: input.baseUrl,
    account: { user_id: input.userId },
    summary: {
      create: count('create'),
      update: count('update'),
      delete: count('delete'),
      unchanged,
      unmanaged: unmanaged.length,
      missing: missing.length,
      ...planMoney(changes, listed),
      ...(count('rotate') > 0 ? { rotate: count('rotate') } : {}),
    },
    changes,
    unmanaged,
    missing,
    warnings,
    ...(handoffs.length > 0 ? { handoffs: handoffs.sort(compareNameId) } : {}),
    safety: evaluateSafety(changes, input.server.length, settings.safety),
    ...(targets ? { targets: [...targets] } : {}),
    highest_id: highestId,
    account_keys: input.server.length,
  };
}
