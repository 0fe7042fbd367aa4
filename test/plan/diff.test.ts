import { describe, expect, it } from 'vitest';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';
import { DAY, NOW_SEC, planOf } from './helpers.js';
import type { DesiredKey, ServerKey } from '../../src/model.js';

/** The fields of the one change planned for key "k", or [] when in sync. */
function fieldsOf(d: Partial<DesiredKey>, s: Partial<ServerKey>) {
  const plan = planOf([aDesiredKey({ name: 'k', ...d })], [aServerKey({ id: 1, name: 'k', ...s })]);
  return plan.changes[0]?.fields ?? [];
}

function changeOf(d: Partial<DesiredKey>, s: Partial<ServerKey>) {
  return planOf([aDesiredKey({ name: 'k', ...d })], [aServerKey({ id: 1, name: 'k', ...s })])
    .changes[0];
}

describe('field diffs (SPEC §4.4)', () => {
  it('is in sync for matching defaults', () => {
    expect(fieldsOf({}, {})).toEqual([]);
  });

  it('compares expired_time', () => {
    expect(fieldsOf({ expired_time: 1_900_000_000 }, {})).toEqual([
      { field: 'expired_time', before: -1, after: 1_900_000_000 },
    ]);
  });

  it('compares model_limits as sets', () => {
    expect(
      fieldsOf(
        { model_limits_enabled: true, model_limits: ['a', 'b'] },
        { model_limits_enabled: true, model_limits: 'b,a' },
      ),
    ).toEqual([]);
    expect(
      fieldsOf(
        { model_limits_enabled: true, model_limits: ['a', 'c'] },
        { model_limits_enabled: true, model_limits: 'b,a' },
      ),
    ).toEqual([{ field: 'model_limits', before: ['a', 'b'], after: ['a', 'c'] }]);
  });

  it('ignores model_limits while limits are off on both sides', () => {
    expect(
      fieldsOf({ model_limits: [] }, { model_limits_enabled: false, model_limits: 'x,y' }),
    ).toEqual([]);
  });

  it('compares model_limits_enabled and plans both wire values', () => {
    const c = changeOf(
      { model_limits_enabled: true, model_limits: ['a'] },
      { model_limits_enabled: false, model_limits: 'a' },
    );
    expect(c?.fields).toEqual([{ field: 'model_limits_enabled', before: false, after: true }]);
    expect(c?.planned).toEqual({ model_limits_enabled: true, model_limits: 'a' });
  });

  it('compares allow_ips as canonical sets, "" = null', () => {
    expect(fieldsOf({ allow_ips: [] }, { allow_ips: null })).toEqual([]);
    expect(
      fieldsOf({ allow_ips: ['10.0.0.1', '2001:db8::1'] }, { allow_ips: '2001:DB8::1\n10.0.0.1' }),
    ).toEqual([]);
    const c = changeOf({ allow_ips: ['10.0.0.1', '10.0.0.2'] }, { allow_ips: '10.0.0.1' });
    expect(c?.fields).toEqual([
      { field: 'allow_ips', before: ['10.0.0.1'], after: ['10.0.0.1', '10.0.0.2'] },
    ]);
    expect(c?.planned).toEqual({ allow_ips: '10.0.0.1\n10.0.0.2' });
  });

  it('keeps an unparsable stored IP as its raw string', () => {
    expect(fieldsOf({ allow_ips: ['10.0.0.1'] }, { allow_ips: '10.0.0.1,10.0.0.2' })).toEqual([
      { field: 'allow_ips', before: ['10.0.0.1,10.0.0.2'], after: ['10.0.0.1'] },
    ]);
  });

  it('compares group', () => {
    expect(fieldsOf({ group: 'vip' }, {})).toEqual([{ field: 'group', before: '', after: 'vip' }]);
  });

  it('treats cross_group_retry as false on both sides unless the group is auto', () => {
    expect(fieldsOf({ cross_group_retry: true }, { cross_group_retry: false })).toEqual([]);
    expect(
      fieldsOf(
        { group: 'auto', cross_group_retry: true },
        { group: 'auto', cross_group_retry: false },
      ),
    ).toEqual([{ field: 'cross_group_retry', before: false, after: true }]);
  });

  it('skips fields in ignore_changes', () => {
    expect(fieldsOf({ group: 'vip', ignore_changes: ['group'] }, {})).toEqual([]);
    expect(fieldsOf({ allow_ips: ['1.2.3.4'], ignore_changes: ['allow_ips'] }, {})).toEqual([]);
    expect(fieldsOf({ expired_time: 5, ignore_changes: ['expired_time'] }, {})).toEqual([]);
    expect(fieldsOf({ id: 1, name: 'other', ignore_changes: ['name'] }, {})).toEqual([]);
    expect(fieldsOf({ status: 2, ignore_changes: ['status'] }, {})).toEqual([]);
  });

  it('remain_quota in ignore_changes covers every quota field', () => {
    expect(
      fieldsOf({ quota: { kind: 'unlimited' }, ignore_changes: ['remain_quota'] }, {}),
    ).toEqual([]);
    expect(
      fieldsOf({ quota: null, ignore_changes: ['remain_quota'] }, { remain_quota: 1 }),
    ).toEqual([]);
  });

  it('model_limits in ignore_changes covers model_limits_enabled', () => {
    expect(fieldsOf({ model_limits_enabled: true, ignore_changes: ['model_limits'] }, {})).toEqual(
      [],
    );
  });
});

describe('quota forms (SPEC §2)', () => {
  it('unlimited: only unlimited_quota must be true, remain is not managed', () => {
    expect(
      fieldsOf({ quota: { kind: 'unlimited' } }, { unlimited_quota: true, remain_quota: -500 }),
    ).toEqual([]);
    expect(changeOf({ quota: { kind: 'unlimited' } }, {})?.planned).toEqual({
      unlimited_quota: true,
    });
  });

  it('budget: in sync when remain + used == N', () => {
    expect(
      fieldsOf({ quota: { kind: 'budget', amount: 100 } }, { remain_quota: 30, used_quota: 70 }),
    ).toEqual([]);
  });

  it('budget: in sync when spent (used >= N and remain <= 0)', () => {
    expect(
      fieldsOf(
        { quota: { kind: 'budget', amount: 100 }, status: 2 },
        { remain_quota: -5, used_quota: 120, status: 2 },
      ),
    ).toEqual([]);
  });

  it('budget: a change is quota_budget remain+used → N, planned as the budget', () => {
    const c = changeOf(
      { quota: { kind: 'budget', amount: 200 } },
      { remain_quota: 30, used_quota: 70 },
    );
    expect(c?.fields).toEqual([
      { field: 'quota_budget', before: 100, after: 200, remain_quota: 30, used_quota: 70 },
    ]);
    expect(c?.planned).toEqual({ quota_budget: 200 });
    expect(c?.refill_only).toBeUndefined();
  });

  it('budget: unlimited_quota must be false', () => {
    expect(
      fieldsOf(
        { quota: { kind: 'budget', amount: 100 } },
        { unlimited_quota: true, remain_quota: 100 },
      ),
    ).toEqual([{ field: 'unlimited_quota', before: true, after: false }]);
  });

  it('remain: compares remain_quota and marks a top-up refill_only', () => {
    const c = changeOf(
      { quota: { kind: 'remain', amount: 100 } },
      { remain_quota: 40, used_quota: 60 },
    );
    expect(c?.fields).toEqual([{ field: 'remain_quota', before: 40, after: 100 }]);
    expect(c?.planned).toEqual({ remain_quota: 100 });
    expect(c?.refill_only).toBe(true);
  });

  it('remain: a top-up that revives an exhausted key is still refill_only', () => {
    const c = changeOf({ quota: { kind: 'remain', amount: 100 } }, { status: 4, remain_quota: 0 });
    expect(c?.fields.map((f) => f.field)).toEqual(['status', 'remain_quota']);
    expect(c?.refill_only).toBe(true);
  });

  it('remain: not refill_only when another field changes too', () => {
    const c = changeOf(
      { quota: { kind: 'remain', amount: 100 }, group: 'g' },
      { remain_quota: 40 },
    );
    expect(c?.refill_only).toBeUndefined();
  });
});

describe('server-owned states (SPEC §4.5)', () => {
  it('declared disabled is in sync with stored 2, 3 and 4', () => {
    for (const status of [2, 3, 4]) expect(fieldsOf({ status: 2 }, { status })).toEqual([]);
  });

  it('declared disabled, stored enabled: disable first', () => {
    const c = changeOf({ status: 2, group: 'g' }, {});
    expect(c?.fields).toEqual([
      { field: 'status', before: 1, after: 2 },
      { field: 'group', before: '', after: 'g' },
    ]);
    expect(c?.sequence).toEqual(['disable', 'update']);
    expect(changeOf({ status: 2 }, {})?.sequence).toEqual(['disable']);
  });

  it('declared enabled, stored 2: enable after the fix', () => {
    expect(changeOf({}, { status: 2 })?.sequence).toEqual(['enable']);
    expect(changeOf({ group: 'g' }, { status: 2 })?.sequence).toEqual(['update', 'enable']);
  });

  it('revives a stored 3 key that can serve again (expiry moved), fix first', () => {
    const c = changeOf(
      { expired_time: NOW_SEC + 100 * DAY },
      { status: 3, expired_time: NOW_SEC - DAY },
    );
    expect(c?.fields.map((f) => f.field)).toEqual(['status', 'expired_time']);
    expect(c?.fields[0]).toEqual({ field: 'status', before: 3, after: 1 });
    expect(c?.sequence).toEqual(['update', 'enable']);
  });

  it('revives a stored 4 key that can serve with no other change', () => {
    const c = changeOf({}, { status: 4, remain_quota: 5_000_000 });
    expect(c?.fields).toEqual([{ field: 'status', before: 4, after: 1 }]);
    expect(c?.sequence).toEqual(['enable']);
  });

  it('does not revive a spent budget; warns what blocks it', () => {
    const plan = planOf(
      [aDesiredKey({ name: 'k', quota: { kind: 'budget', amount: 100 } })],
      [aServerKey({ id: 1, name: 'k', status: 4, remain_quota: 0, used_quota: 100 })],
    );
    expect(plan.changes).toEqual([]);
    expect(plan.warnings).toEqual([
      {
        name: 'k',
        id: 1,
        kind: 'cannot-serve',
        message: expect.stringMatching(/cannot serve.*budget is spent.*stays exhausted/),
      },
    ]);
  });

  it('does not revive a key whose expiry is past', () => {
    const plan = planOf(
      [aDesiredKey({ name: 'k', expired_time: NOW_SEC - DAY })],
      [aServerKey({ id: 1, name: 'k', status: 3, expired_time: NOW_SEC - DAY })],
    );
    expect(plan.changes).toEqual([]);
    // The key file declares the past expiry: the loader reports it (expired-enabled), once.
    expect(plan.warnings).toEqual([]);
  });

  it('still warns about an expiry the key file does not declare (ignore_changes)', () => {
    const plan = planOf(
      [aDesiredKey({ name: 'k', ignore_changes: ['expired_time'] })],
      [aServerKey({ id: 1, name: 'k', status: 3, expired_time: NOW_SEC - DAY })],
    );
    expect(plan.changes).toEqual([]);
    expect(plan.warnings).toEqual([
      expect.objectContaining({
        kind: 'cannot-serve',
        message: expect.stringMatching(/expired on 2026-11-25/),
      }),
    ]);
  });

  it('revives after a budget raise (remain computed from used)', () => {
    const c = changeOf(
      { quota: { kind: 'budget', amount: 200 } },
      { status: 4, remain_quota: 0, used_quota: 100 },
    );
    expect(c?.fields.map((f) => f.field)).toEqual(['status', 'quota_budget']);
  });

  it('warns about a stored enabled key that cannot serve', () => {
    const plan = planOf(
      [aDesiredKey({ name: 'k', quota: { kind: 'remain', amount: 0 } })],
      [aServerKey({ id: 1, name: 'k', remain_quota: 0 })],
    );
    expect(plan.changes).toEqual([]);
    expect(plan.warnings[0]?.message).toMatch(/remaining quota is 0/);
  });

  it('warns about keys expiring within warnExpiryDays', () => {
    const exp = Date.UTC(2026, 11, 2) / 1000;
    const plan = planOf(
      [aDesiredKey({ name: 'k', expired_time: exp })],
      [aServerKey({ id: 1, name: 'k', expired_time: exp })],
    );
    expect(plan.warnings).toEqual([
      { name: 'k', id: 1, kind: 'expiring', message: 'expires in 6 days (2026-12-02)' },
    ]);
    expect(
      planOf(
        [aDesiredKey({ name: 'k', expired_time: exp })],
        [aServerKey({ id: 1, name: 'k', expired_time: exp })],
        { warnExpiryDays: 3 },
      ).warnings,
    ).toEqual([]);
  });
});

describe('preconditions and planned values', () => {
  it('records observed wire values of managed fields and status, without counters', () => {
    const c = changeOf(
      { group: 'g', ignore_changes: ['allow_ips'] },
      { allow_ips: null, model_limits: 'a' },
    );
    expect(c?.precondition).toEqual({
      kind: 'record',
      values: {
        name: 'k',
        status: 1,
        expired_time: -1,
        unlimited_quota: false,
        model_limits_enabled: false,
        model_limits: 'a',
        group: '',
        cross_group_retry: false,
      },
    });
  });

  it('leaves unlimited_quota out when remain_quota is ignored', () => {
    const c = changeOf({ group: 'g', ignore_changes: ['remain_quota'] }, {});
    expect(c?.precondition.kind === 'record' && 'unlimited_quota' in c.precondition.values).toBe(
      false,
    );
  });

  it('a create carries every field and an absent-names precondition', () => {
    const plan = planOf(
      [
        aDesiredKey({
          name: 'n',
          previous_names: ['o'],
          model_limits_enabled: true,
          model_limits: ['a', 'b'],
          allow_ips: ['1.2.3.4'],
        }),
      ],
      [],
    );
    // Status is not a planned value: the sequence sets it (a create is enabled).
    expect(plan.changes[0]?.sequence).toEqual(['create']);
    expect(plan.changes[0]?.fields).toContainEqual({ field: 'status', before: null, after: 1 });
    expect(plan.changes[0]?.planned).toEqual({
      name: 'n',
      expired_time: -1,
      unlimited_quota: false,
      quota_budget: 5_000_000,
      model_limits_enabled: true,
      model_limits: 'a,b',
      allow_ips: '1.2.3.4',
      group: '',
      cross_group_retry: false,
    });
    expect(plan.changes[0]?.precondition).toEqual({ kind: 'absent', names: ['n', 'o'] });
  });

  it('creates unlimited keys with remain 0 and remain keys with remain N', () => {
    const u = planOf([aDesiredKey({ name: 'u', quota: { kind: 'unlimited' } })], []).changes[0];
    expect(u?.planned).toMatchObject({ unlimited_quota: true, remain_quota: 0 });
    const r = planOf([aDesiredKey({ name: 'r', quota: { kind: 'remain', amount: 7 } })], [])
      .changes[0];
    expect(r?.planned).toMatchObject({ unlimited_quota: false, remain_quota: 7 });
  });

  it('creates a disabled key inert, then disables and fills it', () => {
    expect(planOf([aDesiredKey({ name: 'd', status: 2 })], []).changes[0]?.sequence).toEqual([
      'create_inert',
      'disable',
      'update',
    ]);
  });

  it('refuses to create keys without quota, naming them all', () => {
    expect(() =>
      planOf(
        [
          aDesiredKey({ name: 'x', quota: null, ignore_changes: ['remain_quota'] }),
          aDesiredKey({ name: 'y', quota: null, ignore_changes: ['remain_quota'] }),
        ],
        [],
      ),
    ).toThrow(/"x" would be created without quota[\s\S]*"y" would be created without quota/);
  });

  it('an internal inconsistency is an InternalError', () => {
    expect(() =>
      planOf([aDesiredKey({ name: 'k', quota: null })], [aServerKey({ id: 1, name: 'k' })]),
    ).toThrow(
      expect.objectContaining({
        name: 'InternalError',
        message: expect.stringContaining('this is a bug'),
      }),
    );
  });
});

describe('stored IP canonicalisation', () => {
  it('agrees with the loader on forms the fast path does not take', () => {
    expect(
      fieldsOf(
        { allow_ips: ['2001:db8::/32', '::ffff:1.2.3.4'] },
        { allow_ips: '::FFFF:1.2.3.4\n2001:DB8:0::/32' },
      ),
    ).toEqual([]);
    expect(fieldsOf({ allow_ips: ['10.0.0.1'] }, { allow_ips: '010.0.0.1' })).toEqual([
      { field: 'allow_ips', before: ['010.0.0.1'], after: ['10.0.0.1'] },
    ]);
  });
});

describe('a stored remain_quota above quotaMaxUnits (SPEC §7.2 "server maximum")', () => {
  const MAX = 2_147_483_647;
  const BIG = 5_000_000_000;
  const toMax = { field: 'remain_quota', before: BIG, after: MAX, reason: 'server_maximum' };
  const ignored = { quota: null, ignore_changes: ['remain_quota' as const] };

  it('is lowered to the maximum when the key is written anyway; left alone otherwise', () => {
    const c = changeOf({ ...ignored, status: 2 }, { remain_quota: BIG });
    expect(c?.fields).toEqual([{ field: 'status', before: 1, after: 2 }, toMax]);
    expect(c?.planned).toEqual({ remain_quota: MAX });
    expect(c?.sequence).toEqual(['disable', 'update']);
    // Nothing to write, an unlimited key (not checked by the server), or an older server's limit.
    expect(fieldsOf(ignored, { remain_quota: BIG })).toEqual([]);
    expect(
      fieldsOf({ ...ignored, group: 'g' }, { remain_quota: BIG, unlimited_quota: true }),
    ).toEqual([{ field: 'group', before: '', after: 'g' }]);
    const older = planOf(
      [aDesiredKey({ name: 'k', ...ignored, status: 2 })],
      [aServerKey({ id: 1, name: 'k', remain_quota: BIG })],
      { quotaMaxUnits: 500_000_000_000_000 },
    );
    expect(older.changes[0]?.fields).toEqual([{ field: 'status', before: 1, after: 2 }]);
  });

  it('is lowered with an enable too, the update first', () => {
    const c = changeOf(ignored, { remain_quota: BIG, status: 2 });
    expect(c?.fields).toEqual([{ field: 'status', before: 2, after: 1 }, toMax]);
    expect(c?.sequence).toEqual(['update', 'enable']);
    // A quota form that fits plans its own change, which leaves remain_quota at most N.
    const budget = { quota: { kind: 'budget' as const, amount: 1_000_000_000 } };
    expect(changeOf(budget, { remain_quota: BIG, used_quota: 300 })?.fields).toEqual([
      {
        field: 'quota_budget',
        before: BIG + 300,
        after: 1_000_000_000,
        remain_quota: BIG,
        used_quota: 300,
      },
    ]);
    expect(fieldsOf(budget, { remain_quota: 1_000_000_000 - 300, used_quota: 300 })).toEqual([]);
    expect(fieldsOf({ quota: { kind: 'remain', amount: 10 } }, { remain_quota: BIG })).toEqual([
      { field: 'remain_quota', before: BIG, after: 10 },
    ]);
  });

  it('is lowered by the unmanaged disable too', () => {
    const plan = planOf([], [aServerKey({ id: 1, name: 'old', remain_quota: BIG })], {
      action: 'disable',
    });
    expect(plan.changes[0]).toMatchObject({
      fields: [{ field: 'status', before: 1, after: 2 }, toMax],
      planned: { remain_quota: MAX },
      sequence: ['disable', 'update'],
    });
  });
});
