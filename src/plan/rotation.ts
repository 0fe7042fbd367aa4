/**
 * Rotation in the planner (docs/rotation.md): which server keys are generations of a rotating
 * key, when its rotation is due (one `rotate` change), and when a predecessor's overlap or
 * `delete_after_days` ended (a disable or a delete). Pure: `nowSec` is given.
 */
import type { DesiredKey, ServerKey } from '../model.js';
import {
  formatAgo,
  generationBases,
  nextGenerationName,
  SECONDS_PER_DAY,
} from '../values/index.js';
import { createChange, createSequence, recordPrecondition, unmanagedChange } from './changes.js';
import type {
  KeyChange,
  MatchedBy,
  PlanWarning,
  Retirement,
  RotateChange,
  RotationStep,
} from './model.js';

/** Server keys split into generations (by their rotating key's name) and the rest. */
export interface SplitServer {
  generations: Map<string, ServerKey[]>;
  rest: ServerKey[];
}

/**
 * Takes out the server keys named `NAME~YYYYMMDD` (or `~N`) of a rotating desired key `NAME`:
 * they are never matched by name nor unmanaged. A key some desired key pins by id stays.
 */
export function splitGenerations(
  desired: readonly DesiredKey[],
  server: readonly ServerKey[],
): SplitServer {
  const rotating = new Set<string>();
  const pinned = new Set<number>();
  for (const d of desired) {
    if (d.id !== undefined) pinned.add(d.id);
    else if (d.rotate) rotating.add(d.name);
  }
  const generations = new Map<string, ServerKey[]>();
  if (rotating.size === 0) return { generations, rest: [...server] };
  const rest: ServerKey[] = [];
  for (const s of server) {
    const base = pinned.has(s.id)
      ? undefined
      : generationBases(s.name).find((b) => rotating.has(b));
    if (base === undefined) {
      rest.push(s);
      continue;
    }
    const list = generations.get(base);
    if (list) list.push(s);
    else generations.set(base, [s]);
  }
  for (const list of generations.values()) list.sort((a, b) => a.id - b.id);
  return { generations, rest };
}

/** The current key's age in whole days, or null without a created_time. */
function ageDays(s: ServerKey, nowSec: number): number | null {
  return typeof s.created_time === 'number'
    ? Math.floor((nowSec - s.created_time) / SECONDS_PER_DAY)
    : null;
}

/** The steps a rotation shows, derived from what it writes (a saved plan is checked against them). */
export function rotationSteps(
  id: number,
  from: string,
  to: string,
  name: string,
  deliver: readonly string[],
): RotationStep[] {
  return [
    { step: 'rename', id, from, to },
    { step: 'create', name },
    { step: 'reveal' },
    { step: 'deliver', sinks: [...deliver] },
  ];
}

/** The outcome of looking at one rotating key's current key. */
export type RotationDecision =
  { due: false; warning?: PlanWarning } | { due: true; change: RotateChange; warning?: undefined };

/**
 * Whether the rotation of `d` (current key `s`) is due, and its change: due when `forced`
 * (`--rotate`) or when `s` is at least `after_days` old by its `created_time`.
 */
export function decideRotation(
  d: DesiredKey,
  s: ServerKey,
  matchedBy: Exclude<MatchedBy, 'unmanaged' | 'new' | 'generation'>,
  opts: { now: Date; nowSec: number; forced: boolean; takenNames: ReadonlySet<string> },
): RotationDecision {
  const spec = d.rotate;
  if (!spec) return { due: false };
  const notDue = (kind: string, message: string): RotationDecision => ({
    due: false,
    warning: { name: d.name, id: s.id, kind, message },
  });
  const age = ageDays(s, opts.nowSec);
  if (!opts.forced) {
    if (age === null) {
      return notDue(
        'rotation-age-unknown',
        'the server gives no created_time, so its age is unknown: it is rotated only with --rotate',
      );
    }
    if (opts.nowSec - (s.created_time as number) < spec.after_days * SECONDS_PER_DAY) {
      return { due: false };
    }
  }
  if (d.quota === null) {
    return notDue(
      'rotation-blocked',
      'rotation is due but its successor would be created without quota: declare quota_budget, remain_quota or unlimited_quota (remain_quota is in its ignore_changes)',
    );
  }
  const renameTo = nextGenerationName(d.name, opts.now, opts.takenNames);
  if (renameTo === undefined) {
    return notDue(
      'rotation-blocked',
      'rotation is due but cannot happen today: the next generation name would be longer than 50 characters; it happens on the next UTC day',
    );
  }
  const successor = createChange(d);
  const deliver = d.deliver ?? [];
  const change: RotateChange = {
    action: 'rotate',
    name: d.name,
    id: s.id,
    matched_by: matchedBy,
    fields: successor.fields,
    planned: successor.planned,
    sequence: ['rename', ...createSequence(d.status)],
    precondition: recordPrecondition(s, d),
    deliver: [...deliver],
    rotation: {
      rename_to: renameTo,
      age_days: age,
      ...(opts.forced ? { forced: true as const } : {}),
      steps: rotationSteps(s.id, s.name, renameTo, d.name, deliver),
    },
  };
  return { due: true, change };
}

/**
 * The disables and deletes of `d`'s predecessors whose overlap or `delete_after_days` ended,
 * counted from their successor's `created_time` (the next generation, the current key for the
 * newest), and the warnings about predecessors still used after their successor was created.
 * A predecessor whose successor's secret is known undelivered (`undelivered`, from the audit
 * log) is never retired.
 */
export function retirePredecessors(
  d: DesiredKey,
  current: ServerKey | undefined,
  generations: readonly ServerKey[],
  opts: { nowSec: number; quotaMaxUnits: number; undelivered?: ReadonlySet<number> },
): { changes: KeyChange[]; warnings: PlanWarning[] } {
  const spec = d.rotate;
  const changes: KeyChange[] = [];
  const warnings: PlanWarning[] = [];
  if (!spec) return { changes, warnings };
  if (current && opts.undelivered?.has(current.id)) {
    warnings.push({
      name: d.name,
      id: current.id,
      kind: 'secret-undelivered',
      message: `the audit log shows its secret not delivered to every sink: apply delivers it again (or run cometkeys deliver ${d.name}); its predecessors stay enabled until then`,
    });
  }
  generations.forEach((g, i) => {
    const successor = generations[i + 1] ?? current;
    const since = successor?.created_time;
    if (!successor || typeof since !== 'number') return;
    const who = { name: g.name, id: g.id };
    const accessed = g.accessed_time;
    if (g.status === 1 && typeof accessed === 'number' && accessed > since) {
      warnings.push({
        ...who,
        kind: 'old-key-used',
        message: `${g.name} was used ${formatAgo(opts.nowSec - accessed)}, after its successor was created: a consumer still holds the old key`,
      });
    }
    const elapsed = opts.nowSec - since;
    const deleting =
      spec.delete_after_days !== undefined && elapsed >= spec.delete_after_days * SECONDS_PER_DAY;
    const disabling = !deleting && elapsed >= spec.overlap_days * SECONDS_PER_DAY;
    if (!deleting && !disabling) return;
    if (opts.undelivered?.has(successor.id)) {
      if (g.status === 1) {
        warnings.push({
          ...who,
          kind: 'retirement-held',
          message: `its overlap ended but it stays enabled: the audit log shows its successor (id ${successor.id})'s secret was not delivered; run cometkeys deliver ${d.name}`,
        });
      }
      return;
    }
    const retirement: Retirement = {
      reason: deleting ? 'delete_after_days' : 'overlap_ended',
      successor_id: successor.id,
    };
    const change = unmanagedChange(g, deleting ? 'delete' : 'disable', opts.quotaMaxUnits);
    if (change) changes.push({ ...change, matched_by: 'generation', retirement });
  });
  return { changes, warnings };
}
