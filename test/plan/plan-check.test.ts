/**
 * A saved plan is input, not authority (SPEC §4): real plans from the planner pass; the same
 * plans edited by hand are refused, naming the change and what differs.
 */
import { describe, expect, it } from 'vitest';
import { checkSafety } from '../../src/apply/safety.js';
import { DEFAULT_QUOTA_MAX_UNITS, defaultSettings } from '../../src/config/types.js';
import { PlanFileError } from '../../src/plan/errors.js';
import type { KeyChange, Plan } from '../../src/plan/model.js';
import { planMoney } from '../../src/plan/money.js';
import { checkPlanAuthority } from '../../src/plan/plan-check.js';
import { evaluateSafety } from '../../src/plan/safety.js';
import { aServerKey } from '../helpers/builders.js';
import { aNewKey, declared, realPlan } from '../apply/real-plans.js';

const QUOTA_PER_USD = 500_000;
/** The settings the value rules use, as the CLI resolves them by default. */
const LIMITS = { quotaPerUsd: QUOTA_PER_USD, quotaMaxUnits: DEFAULT_QUOTA_MAX_UNITS };

const kept = aServerKey({ id: 10, name: 'kept' });
const gone = aServerKey({ id: 11, name: 'gone' });
const off = aServerKey({ id: 12, name: 'off' });

/** A real plan: an update, a delete (unmanaged), two creates (one disabled), a disable. */
function basePlan(): Plan {
  return realPlan(
    [
      declared(kept, {
        group: 'team',
        allow_ips: ['10.0.0.1'],
        model_limits_enabled: true,
        model_limits: ['gpt-4o'],
      }),
      declared(off, { status: 2 }),
      aNewKey('fresh'),
      aNewKey('quiet', { status: 2, model_limits_enabled: true, model_limits: ['a'] }),
    ],
    [kept, gone, off],
    { unmanaged: 'delete' },
  );
}

/** The plan as a file would hold it, edited by `edit` on its JSON. */
function tampered(edit: (plan: Plan) => void): Plan {
  const plan = JSON.parse(JSON.stringify(basePlan())) as Plan;
  edit(plan);
  return plan;
}

function change(plan: Plan, name: string): KeyChange {
  const c = plan.changes.find((x) => x.name === name);
  if (!c) throw new Error(`no change ${name}`);
  return c;
}

function refusal(plan: Plan, limits = LIMITS): string {
  try {
    checkPlanAuthority(plan, { source: 'plan.json', ...limits });
  } catch (err) {
    expect(err).toBeInstanceOf(PlanFileError);
    return (err as Error).message;
  }
  throw new Error('the plan was accepted');
}

describe('checkPlanAuthority', () => {
  it('accepts the plans the planner writes', () => {
    const plan = basePlan();
    expect(plan.changes.map((c) => `${c.action}:${c.name}:${c.sequence.join('+')}`)).toEqual([
      'create:fresh:create',
      'delete:gone:delete',
      'update:kept:update',
      'update:off:disable',
      'create:quiet:create_inert+disable+update',
    ]);
    expect(() => checkPlanAuthority(plan, { source: 'plan.json', ...LIMITS })).not.toThrow();
  });

  it('refuses a money line its changes do not give', () => {
    const msg = refusal(
      tampered((p) => {
        p.summary.quota_added = 0;
        p.summary.new_unlimited = 3;
      }),
    );
    expect(msg).toContain('summary.quota_added is 0 but its changes add 10000000');
    expect(msg).toContain('summary.new_unlimited is 3 but its changes make 0 keys unlimited');
    // A plan saved before the money line carries none, and is not refused for it.
    const older = tampered((p) => {
      delete p.summary.quota_added;
      delete p.summary.quota_removed;
      delete p.summary.new_unlimited;
    });
    expect(() => checkPlanAuthority(older, { source: 'x', ...LIMITS })).not.toThrow();
  });

  it('refuses a sequence its action and fields do not give (an update that deletes)', () => {
    const msg = refusal(tampered((p) => (change(p, 'kept').sequence = ['delete'])));
    expect(msg).toContain('update of "kept" (id 10): its sequence [delete] is not the one');
    expect(msg).toContain('[update]');
    expect(msg).toContain('nothing was sent');
  });

  it('refuses a disabled create that is not created inert', () => {
    expect(refusal(tampered((p) => (change(p, 'quiet').sequence = ['create'])))).toContain(
      'create of "quiet": its sequence [create]',
    );
  });

  it('accepts an expiry of 0 that fields shows: 1970-01-01, as a key file may declare', () => {
    const plan = tampered((p) => {
      const c = change(p, 'kept');
      c.planned.expired_time = 0;
      c.fields.push({ field: 'expired_time', before: -1, after: 0 });
    });
    expect(() => checkPlanAuthority(plan, { source: 'plan.json', ...LIMITS })).not.toThrow();
  });

  it('refuses an expiry of 0 that fields does not show', () => {
    const msg = refusal(tampered((p) => (change(p, 'kept').planned.expired_time = 0)));
    expect(msg).toContain('planned expired_time = 0 is not shown in fields');
  });

  it('refuses a planned value fields does not show (unlimited)', () => {
    const msg = refusal(tampered((p) => (change(p, 'kept').planned.unlimited_quota = true)));
    expect(msg).toContain('planned unlimited_quota = true is not shown in fields');
  });

  it('refuses a comma list in allow_ips and a model id with white space', () => {
    const msg = refusal(
      tampered((p) => {
        const c = change(p, 'kept');
        c.planned.allow_ips = '10.0.0.1,0.0.0.0/0';
        c.planned.model_limits = 'gpt-4o, o3';
      }),
    );
    expect(msg).toContain('planned allow_ips: "10.0.0.1,0.0.0.0/0" is not an IPv4/IPv6');
    expect(msg).toContain('planned model_limits: " o3" is not a model id');
  });

  it('refuses fields whose after disagrees with the planned value', () => {
    const msg = refusal(
      tampered((p) => {
        const f = change(p, 'kept').fields.find((x) => x.field === 'group');
        if (f) f.after = 'other';
      }),
    );
    expect(msg).toContain('fields shows group → "other" but the planned value is "team"');
  });

  it('refuses a quota beyond the limit and a bad name', () => {
    const msg = refusal(
      tampered((p) => {
        const c = change(p, 'fresh');
        c.planned.quota_budget = 1e18;
        const f = c.fields.find((x) => x.field === 'quota_budget');
        if (f) f.after = 1e18;
        c.planned.name = ' fresh';
      }),
    );
    expect(msg).toContain('planned quota_budget:');
    expect(msg).toContain('planned name: " fresh" has leading or trailing white space');
  });

  it('refuses a quota above the configured quotaMaxUnits, not only above the largest any server takes', () => {
    const raised = (units: number) =>
      tampered((p) => {
        const c = change(p, 'fresh');
        c.planned.quota_budget = units;
        const f = c.fields.find((x) => x.field === 'quota_budget');
        if (f) f.after = units;
        // A careful tamperer keeps the money line consistent, so only the quota rule can refuse.
        p.summary.quota_added = planMoney(p.changes).quota_added;
      });
    const above = DEFAULT_QUOTA_MAX_UNITS + 1;
    expect(refusal(raised(above))).toContain(
      `create of "fresh": planned quota_budget: quota_budget ${above} is above quotaMaxUnits ${DEFAULT_QUOTA_MAX_UNITS}`,
    );
    // An older server's setting allows it, as it would allow it in a key file.
    const older = { quotaPerUsd: QUOTA_PER_USD, quotaMaxUnits: 500_000_000_000_000 };
    expect(() =>
      checkPlanAuthority(raised(above), { source: 'plan.json', ...older }),
    ).not.toThrow();
    expect(refusal(raised(1_000), { ...LIMITS, quotaMaxUnits: 999 })).toContain(
      'quota_budget 1000 is above quotaMaxUnits 999',
    );
  });

  it('refuses two changes for one key', () => {
    const msg = refusal(
      tampered((p) => {
        p.changes.push(JSON.parse(JSON.stringify(change(p, 'kept'))) as KeyChange);
        p.changes.push(JSON.parse(JSON.stringify(change(p, 'fresh'))) as KeyChange);
      }),
    );
    expect(msg).toContain('two changes for id 10 ("kept")');
    expect(msg).toContain('two creates of "fresh"');
  });

  it('refuses a create whose precondition no longer guards its name', () => {
    const msg = refusal(
      tampered((p) => {
        const c = change(p, 'fresh');
        c.precondition = { kind: 'absent', names: [] };
      }),
    );
    expect(msg).toContain('create of "fresh": a create\'s precondition must require its name');
  });
});

describe('safety evaluated afresh', () => {
  const safety = { ...defaultSettings().safety, minKeys: 100, maxQuotaIncrease: 1000 };

  it('counts the quota added from the listed record, not the plan file`s before', () => {
    const plan = tampered((p) => {
      const c = change(p, 'kept');
      c.planned.quota_budget = 10_000_000;
      c.fields.push({ field: 'quota_budget', before: 10_000_000, after: 10_000_000 });
    });
    const kc = [change(plan, 'kept')];
    expect(evaluateSafety(kc, 3, safety)).toEqual([]);
    const listed = new Map([[kept.id, kept]]);
    expect(evaluateSafety(kc, 3, safety, listed).map((v) => v.limit)).toEqual(['quota']);
  });

  it('counts deletes from sequences and refuses them without --allow-delete', () => {
    const plan = tampered((p) => (change(p, 'kept').sequence = ['delete']));
    plan.changes = plan.changes.filter((c) => c.name === 'kept');
    expect(() => checkSafety(plan, 'all', false, [])).toThrow(/deletes 1 key: kept \(id 10\)/);
    expect(evaluateSafety(plan.changes, 100, { ...safety, maxDeleteCount: 0 })).toHaveLength(1);
  });
});
