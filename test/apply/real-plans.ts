/** Plans for executor tests, made by the real planner (`createPlan`) from desired and server keys. */
import { defaultSettings, type UnmanagedAction } from '../../src/config/types.js';
import {
  parseAllowIps,
  parseModelLimits,
  type DesiredKey,
  type ServerKey,
} from '../../src/model.js';
import { createPlan } from '../../src/plan/create-plan.js';
import type { Plan } from '../../src/plan/model.js';
import { aDesiredKey } from '../helpers/builders.js';

const NOW = new Date('2026-11-26T12:00:00Z');

/** The declaration `record` is in sync with (pinned by id), with `changes` laid over it. */
export function declared(record: ServerKey, changes: Partial<DesiredKey> = {}): DesiredKey {
  return aDesiredKey({
    name: record.name,
    id: record.id,
    status: record.status === 1 ? 1 : 2,
    expired_time: record.expired_time,
    quota: record.unlimited_quota
      ? { kind: 'unlimited' }
      : { kind: 'budget', amount: record.remain_quota + record.used_quota },
    model_limits_enabled: record.model_limits_enabled,
    model_limits: parseModelLimits(record.model_limits).sort(),
    allow_ips: parseAllowIps(record.allow_ips).sort(),
    group: record.group,
    cross_group_retry: record.cross_group_retry,
    ...changes,
  });
}

/** A new key's declaration: enabled, never, $10 budget. */
export function aNewKey(name: string, changes: Partial<DesiredKey> = {}): DesiredKey {
  return aDesiredKey({ name, ...changes });
}

export interface RealPlanOptions {
  /** What happens to server keys no file declares (default: ignore). */
  unmanaged?: UnmanagedAction;
  /** When the plan is made (default 2026-11-26T12:00Z). */
  now?: Date;
  /** Plan fields a test sets by hand (missing keys, safety findings). */
  overrides?: Partial<Plan>;
}

/** The plan `createPlan` makes for `desired` against `server`. */
export function realPlan(
  desired: DesiredKey[],
  server: ServerKey[],
  opts: RealPlanOptions = {},
): Plan {
  const settings = defaultSettings();
  settings.unmanaged = { action: opts.unmanaged ?? 'ignore', ignoreNames: [] };
  const plan = createPlan({
    desired,
    server,
    settings,
    now: opts.now ?? NOW,
    baseUrl: 'http://127.0.0.1:1',
    userId: 1,
    toolVersion: '0.1.0',
  });
  return { ...plan, ...opts.overrides };
}
