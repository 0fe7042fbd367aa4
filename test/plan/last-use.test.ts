/**
 * Last use (docs/plan-format.md#last-use): warnings for enabled keys not used for
 * `warnUnusedDays` or never used and older, `policy.maxUnusedDays` as an error, at a fixed now.
 */
import { describe, expect, it } from 'vitest';
import { PlanError } from '../../src/plan/errors.js';
import { unusedFinding } from '../../src/values/index.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';
import { DAY, NOW_SEC, planOf } from './helpers.js';

const CREATED = NOW_SEC - 400 * DAY;

describe('unusedFinding', () => {
  it('warns once the last use is more than the days ago, not at exactly that many', () => {
    const at = (accessed: number) =>
      unusedFinding({ created_time: CREATED, accessed_time: accessed }, 90, NOW_SEC);
    expect(at(NOW_SEC - 90 * DAY)).toBeNull();
    expect(at(NOW_SEC - 90 * DAY - 1)).toEqual({
      kind: 'unused',
      days: 90,
      message: 'not used for 90 days (last used 2026-08-28)',
    });
    expect(at(NOW_SEC - DAY)).toBeNull();
  });

  it('judges a never-used key (accessed 0 or equal to created) by its age', () => {
    const young = NOW_SEC - 90 * DAY;
    expect(unusedFinding({ created_time: young, accessed_time: young }, 90, NOW_SEC)).toBeNull();
    expect(unusedFinding({ created_time: young, accessed_time: 0 }, 90, NOW_SEC)).toBeNull();
    const old = young - 1;
    expect(unusedFinding({ created_time: old, accessed_time: old }, 90, NOW_SEC)).toEqual({
      kind: 'never-used',
      days: 90,
      message: 'never used, created 90 days ago (2026-08-28)',
    });
    expect(unusedFinding({ created_time: old, accessed_time: 0 }, 90, NOW_SEC)?.kind).toBe(
      'never-used',
    );
  });

  it('never judges without accessed_time, or with the check disabled', () => {
    expect(unusedFinding({ created_time: CREATED }, 90, NOW_SEC)).toBeNull();
    expect(unusedFinding({ accessed_time: 0 }, 90, NOW_SEC)).toBeNull();
    expect(
      unusedFinding({ created_time: CREATED, accessed_time: CREATED + DAY }, 0, NOW_SEC),
    ).toBeNull();
  });
});

describe('last use in the plan', () => {
  const server = [
    aServerKey({ id: 1, name: 'idle', created_time: CREATED, accessed_time: NOW_SEC - 120 * DAY }),
    aServerKey({ id: 2, name: 'never', created_time: CREATED, accessed_time: CREATED }),
    aServerKey({ id: 3, name: 'busy', created_time: CREATED, accessed_time: NOW_SEC - 3600 }),
    aServerKey({ id: 4, name: 'off', status: 2, created_time: CREATED, accessed_time: CREATED }),
    aServerKey({ id: 5, name: 'stray', created_time: CREATED, accessed_time: CREATED }),
  ];
  const desired = [
    aDesiredKey({ name: 'idle' }),
    aDesiredKey({ name: 'never' }),
    aDesiredKey({ name: 'busy' }),
    aDesiredKey({ name: 'off', status: 2 }),
  ];

  it('warns about enabled managed keys, by kind; not disabled or unmanaged ones', () => {
    const plan = planOf(desired, server);
    expect(plan.warnings).toEqual([
      {
        name: 'idle',
        id: 1,
        kind: 'unused',
        message: 'not used for 120 days (last used 2026-07-29)',
      },
      {
        name: 'never',
        id: 2,
        kind: 'never-used',
        message: 'never used, created 400 days ago (2025-10-22)',
      },
    ]);
    expect(plan.changes).toEqual([]);
  });

  it('follows warnUnusedDays; 0 turns the warning off', () => {
    expect(planOf(desired, server, { warnUnusedDays: 150 }).warnings.map((w) => w.name)).toEqual([
      'never',
    ]);
    expect(planOf(desired, server, { warnUnusedDays: 0 }).warnings).toEqual([]);
  });

  it('makes policy.maxUnusedDays an error naming each key, the rule and the way out', () => {
    const plan = () => planOf(desired, server, { policy: { maxUnusedDays: 100 } });
    expect(plan).toThrow(PlanError);
    expect(plan).toThrow(
      [
        'policy maxUnusedDays (100): "idle" (id 1) not used for 120 days (last used 2026-07-29)',
        'policy maxUnusedDays (100): "never" (id 2) never used, created 400 days ago (2025-10-22)',
        'disable such keys (status: disabled), delete them, or raise policy.maxUnusedDays',
      ].join('\n'),
    );
    // Between the warning and the rule: a warning, no error.
    const ok = planOf(desired, server, { policy: { maxUnusedDays: 400 } });
    expect(ok.warnings.map((w) => w.kind)).toEqual(['unused', 'never-used']);
  });
});
