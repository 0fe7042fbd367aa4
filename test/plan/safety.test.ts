import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/config/types.js';
import type { ExistingKeyChange, KeyChange } from '../../src/plan/model.js';
import { evaluateSafety } from '../../src/plan/safety.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';
import { planOf } from './helpers.js';

const SAFETY = defaultSettings().safety;

function update(fields: KeyChange['fields'], extra: Partial<ExistingKeyChange> = {}): KeyChange {
  return {
    action: 'update',
    name: 'k',
    id: 1,
    matched_by: 'name',
    fields,
    planned: {},
    sequence: ['update'],
    precondition: { kind: 'record', values: {} },
    ...extra,
  };
}

const groupChange = () => update([{ field: 'group', before: '', after: 'g' }]);

describe('evaluateSafety (SPEC §6)', () => {
  it('allows updates up to maxUpdatePercent', () => {
    expect(evaluateSafety(Array.from({ length: 3 }, groupChange), 10, SAFETY)).toEqual([]);
  });

  it('refuses more than maxUpdatePercent of the account', () => {
    const v = evaluateSafety(Array.from({ length: 4 }, groupChange), 10, SAFETY);
    expect(v).toEqual([
      {
        limit: 'updates',
        message: 'updates 4 of 10 keys (40%) > safety.maxUpdatePercent 30',
        value: 40,
        threshold: 30,
        setting: 'safety.maxUpdatePercent',
      },
    ]);
  });

  it('ignores the update limit below minKeys', () => {
    expect(evaluateSafety(Array.from({ length: 4 }, groupChange), 9, SAFETY)).toEqual([]);
  });

  it('does not count refill-only changes as updates', () => {
    const refill = () =>
      update([{ field: 'remain_quota', before: 1, after: 9 }], { refill_only: true });
    expect(evaluateSafety(Array.from({ length: 5 }, refill), 10, SAFETY)).toEqual([]);
  });

  it('counts unmanaged disables and deletes as deletes, by percent and count', () => {
    const del = (): KeyChange =>
      update([], { action: 'delete', matched_by: 'unmanaged', sequence: ['delete'] });
    const dis = (): KeyChange =>
      update([{ field: 'status', before: 1, after: 2 }], {
        matched_by: 'unmanaged',
        sequence: ['disable'],
      });
    const v = evaluateSafety([del(), dis(), del(), dis(), del(), dis()], 100, SAFETY);
    expect(v.map((x) => x.setting)).toEqual(['safety.maxDeleteCount']);
    const w = evaluateSafety([del(), dis()], 10, SAFETY);
    expect(w.map((x) => x.setting)).toEqual(['safety.maxDeletePercent']);
    expect(w[0]?.value).toBe(20);
  });

  it('sums added quota of creates and raises, budgets included', () => {
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
    const v = evaluateSafety(plan.changes, 2, {
      ...SAFETY,
      minKeys: 100,
      maxDeletePercent: 100,
      maxQuotaIncrease: 299,
    });
    expect(v).toEqual([
      expect.objectContaining({ limit: 'quota', value: 300, setting: 'safety.maxQuotaIncrease' }),
    ]);
    expect(
      evaluateSafety(plan.changes, 2, { ...SAFETY, minKeys: 100, maxQuotaIncrease: 300 }),
    ).toEqual([]);
  });

  it('counts new unlimited keys, created or switched', () => {
    const plan = planOf(
      [
        aDesiredKey({ name: 'a', quota: { kind: 'unlimited' } }),
        aDesiredKey({ name: 'b', quota: { kind: 'unlimited' } }),
      ],
      [aServerKey({ id: 1, name: 'b' })],
    );
    const v = evaluateSafety(plan.changes, 1, { ...SAFETY, minKeys: 100, maxNewUnlimited: 1 });
    expect(v).toEqual([expect.objectContaining({ limit: 'unlimited', value: 2 })]);
  });

  it('createPlan fills plan.safety', () => {
    const plan = planOf(
      [],
      Array.from({ length: 10 }, (_, i) => aServerKey({ id: i + 1 })),
      { action: 'delete' },
    );
    expect(plan.safety.map((v) => v.setting)).toEqual([
      'safety.maxDeletePercent',
      'safety.maxDeleteCount',
    ]);
  });
});
