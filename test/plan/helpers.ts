/** Shared set-up of the planner tests: a fixed clock and default settings. */
import {
  defaultSettings,
  type PolicySettings,
  type UnmanagedAction,
} from '../../src/config/types.js';
import type { DesiredKey, ServerKey } from '../../src/model.js';
import { createPlan } from '../../src/plan/create-plan.js';
import type { Plan } from '../../src/plan/model.js';

export const NOW = new Date('2026-11-26T12:00:00Z');
export const NOW_SEC = Math.floor(NOW.getTime() / 1000);
export const DAY = 86_400;

export interface PlanOptions {
  action?: UnmanagedAction;
  ignoreNames?: string[];
  targets?: string[];
  warnExpiryDays?: number;
  quotaMaxUnits?: number;
  warnUnusedDays?: number;
  policy?: PolicySettings;
  rotate?: string[];
  undelivered?: ReadonlySet<number>;
  now?: Date;
}

/** Plans `desired` against `server` at NOW with default settings. */
export function planOf(desired: DesiredKey[], server: ServerKey[], opts: PlanOptions = {}): Plan {
  const settings = defaultSettings();
  settings.unmanaged = { action: opts.action ?? 'ignore', ignoreNames: opts.ignoreNames ?? [] };
  if (opts.warnExpiryDays !== undefined) settings.warnExpiryDays = opts.warnExpiryDays;
  if (opts.quotaMaxUnits !== undefined) settings.quotaMaxUnits = opts.quotaMaxUnits;
  if (opts.warnUnusedDays !== undefined) settings.warnUnusedDays = opts.warnUnusedDays;
  if (opts.policy !== undefined) settings.policy = opts.policy;
  return createPlan({
    desired,
    server,
    settings,
    now: opts.now ?? NOW,
    baseUrl: 'https://api.cometapi.com',
    userId: 1,
    toolVersion: '0.0.0-test',
    ...(opts.targets ? { targets: opts.targets } : {}),
    ...(opts.rotate ? { rotate: opts.rotate } : {}),
    ...(opts.undelivered ? { undelivered: opts.undelivered } : {}),
  });
}
