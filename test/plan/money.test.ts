/**
 * The money line (docs/plan-format.md#the-money-line): quota added and removed, new unlimited
 * keys, with quota added exactly what the `quota` safety limit counts.
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/config/types.js';
import type { ExistingKeyChange, KeyChange } from '../../src/plan/model.js';
import { changeMoney, planMoney, quotaRemoved } from '../../src/plan/money.js';
import { evaluateSafety } from '../../src/plan/safety.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';
import { planOf } from './helpers.js';

const money = (m: Partial<ReturnType<typeof planMoney>>) => ({
  quota_added: 0,
  quota_removed: 0,
  new_unlimited: 0,
  ...m,
});

describe('the money line of a plan', () => {
  it('adds creates’ initial quota and counts unlimited creates apart, never as a number', () => {
    const plan = planOf(
      [
        aDesiredKey({ name: 'budget', quota: { kind: 'budget', amount: 1_000 } }),
        aDesiredKey({ name: 'remain', quota: { kind: 'remain', amount: 250 } }),
        aDesiredKey({ name: 'free', quota: { kind: 'unlimited' } }),
      ],
      [],
    );
    expect(plan.summary).toMatchObject(money({ quota_added: 1_250, new_unlimited: 1 }));
  });

  it('splits budget changes into added and removed by what the remaining quota does', () => {
    const plan = planOf(
      [
        // total 100 → 300: adds 200
        aDesiredKey({ name: 'up', quota: { kind: 'budget', amount: 300 } }),
        // total 100 (remain 60, used 40) → 70: remain 60 → 30, removes 30
        aDesiredKey({ name: 'down', quota: { kind: 'budget', amount: 70 } }),
        // total 100 (remain 60, used 40) → 10 (below used): remain 60 → 0, removes 60
        aDesiredKey({ name: 'below-used', quota: { kind: 'budget', amount: 10 } }),
      ],
      [
        aServerKey({ id: 1, name: 'up', remain_quota: 50, used_quota: 50 }),
        aServerKey({ id: 2, name: 'down', remain_quota: 60, used_quota: 40 }),
        aServerKey({ id: 3, name: 'below-used', remain_quota: 60, used_quota: 40 }),
      ],
    );
    expect(plan.summary).toMatchObject(money({ quota_added: 200, quota_removed: 90 }));
  });

  it('counts remain_quota raises and cuts, and a switch to unlimited as a new unlimited key', () => {
    const plan = planOf(
      [
        aDesiredKey({ name: 'raise', quota: { kind: 'remain', amount: 900 } }),
        aDesiredKey({ name: 'cut', quota: { kind: 'remain', amount: 100 } }),
        aDesiredKey({ name: 'free', quota: { kind: 'unlimited' } }),
      ],
      [
        aServerKey({ id: 1, name: 'raise', remain_quota: 400 }),
        aServerKey({ id: 2, name: 'cut', remain_quota: 700 }),
        aServerKey({ id: 3, name: 'free', remain_quota: 5_000 }),
      ],
    );
    expect(plan.summary).toMatchObject(
      money({ quota_added: 500, quota_removed: 600, new_unlimited: 1 }),
    );
  });

  it('removes a deleted limited key’s remaining quota; disables and unlimited keys remove none', () => {
    const server = [
      aServerKey({ id: 1, name: 'limited', remain_quota: 4_000 }),
      aServerKey({ id: 2, name: 'free', unlimited_quota: true, remain_quota: -300 }),
      aServerKey({ id: 3, name: 'overspent', remain_quota: -5 }),
    ];
    expect(planOf([], server, { action: 'delete' }).summary).toMatchObject(
      money({ quota_removed: 4_000 }),
    );
    expect(planOf([], server, { action: 'disable' }).summary).toMatchObject(money({}));
  });

  it('counts a stored remain_quota lowered to the server maximum as removed', () => {
    const plan = planOf(
      [aDesiredKey({ name: 'big', group: 'g', quota: { kind: 'budget', amount: 5_000 } })],
      [aServerKey({ id: 1, name: 'big', remain_quota: 4_000, used_quota: 1_000 })],
      { quotaMaxUnits: 3_000 },
    );
    expect(plan.changes[0]?.fields.map((f) => f.field)).toEqual(['remain_quota', 'group']);
    expect(plan.summary).toMatchObject(money({ quota_removed: 1_000 }));
  });

  it('reports as added exactly what the quota safety limit counts', () => {
    const plan = planOf(
      [
        aDesiredKey({ name: 'new', quota: { kind: 'remain', amount: 100 } }),
        aDesiredKey({ name: 'b', quota: { kind: 'budget', amount: 300 } }),
        aDesiredKey({ name: 'low', quota: { kind: 'budget', amount: 10 } }),
      ],
      [
        aServerKey({ id: 1, name: 'b', remain_quota: 50, used_quota: 50 }),
        aServerKey({ id: 2, name: 'low', remain_quota: 20, used_quota: 0 }),
      ],
    );
    const [limit] = evaluateSafety(plan.changes, 2, {
      ...defaultSettings().safety,
      minKeys: 100,
      maxQuotaIncrease: 0,
    });
    expect(limit?.value).toBe(300);
    expect(plan.summary.quota_added).toBe(300);
    expect(plan.summary.quota_removed).toBe(10);
  });

  it('gives the same parts from a change’s fields as from its listed record', () => {
    const server = [
      aServerKey({ id: 1, name: 'b', remain_quota: 60, used_quota: 40 }),
      aServerKey({ id: 2, name: 'r', remain_quota: 700 }),
    ];
    const plan = planOf(
      [
        aDesiredKey({ name: 'b', quota: { kind: 'budget', amount: 70 } }),
        aDesiredKey({ name: 'r', quota: { kind: 'remain', amount: 900 } }),
      ],
      server,
    );
    const listed = new Map(server.map((s) => [s.id, s]));
    for (const c of plan.changes) expect(changeMoney(c)).toEqual(changeMoney(c, listed));
    expect(planMoney(plan.changes)).toEqual(money({ quota_added: 200, quota_removed: 30 }));
  });

  it('removes nothing for a delete whose record is not known, or for a create', () => {
    const del: ExistingKeyChange = {
      action: 'delete',
      name: 'x',
      id: 5,
      matched_by: 'unmanaged',
      fields: [],
      planned: {},
      sequence: ['delete'],
      precondition: { kind: 'record', values: {} },
    };
    expect(quotaRemoved(del)).toBe(0);
    expect(quotaRemoved(del, new Map([[5, aServerKey({ id: 5, remain_quota: 42 })]]))).toBe(42);
    const create = planOf([aDesiredKey({ name: 'n' })], []).changes[0] as KeyChange;
    expect(quotaRemoved(create)).toBe(0);
  });
});
