import { describe, expect, it } from 'vitest';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';
import { PlanError } from '../../src/plan/errors.js';
import { planOf } from './helpers.js';

describe('matching (SPEC §4.3)', () => {
  it('matches a pinned id even when the name differs, and renames', () => {
    const plan = planOf(
      [aDesiredKey({ name: 'new', id: 7 })],
      [aServerKey({ id: 7, name: 'old' })],
    );
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ action: 'update', id: 7, matched_by: 'id' });
    expect(plan.changes[0]?.fields).toEqual([{ field: 'name', before: 'old', after: 'new' }]);
  });

  it('matches by exact name and marks it', () => {
    const plan = planOf(
      [aDesiredKey({ name: 'a', expired_time: 2_000_000_000 })],
      [aServerKey({ id: 3, name: 'a' })],
    );
    expect(plan.changes[0]).toMatchObject({ id: 3, matched_by: 'name' });
    expect(plan.summary.create).toBe(0);
  });

  it('refuses a desired key whose name is in unmanaged.ignoreNames instead of creating a duplicate', () => {
    const plan = () =>
      planOf([aDesiredKey({ name: 'ops-x' })], [aServerKey({ id: 3, name: 'ops-x' })], {
        ignoreNames: ['ops-*'],
      });
    expect(plan).toThrow(PlanError);
    expect(plan).toThrow(/"ops-x" matches unmanaged.ignoreNames/);
  });

  it('refuses a previous name in unmanaged.ignoreNames, and keeps exempt server keys unmatched', () => {
    const desired = [aDesiredKey({ name: 'ci-runner', previous_names: ['ops-ci'] })];
    expect(() =>
      planOf(desired, [aServerKey({ id: 3, name: 'ops-ci' })], { ignoreNames: ['ops-*'] }),
    ).toThrow(PlanError);
    const plan = planOf([aDesiredKey({ name: 'a' })], [aServerKey({ id: 3, name: 'ops-x' })], {
      ignoreNames: ['ops-*'],
    });
    expect(plan.unmanaged).toEqual([{ id: 3, name: 'ops-x', action: 'ignore', exempt: true }]);
  });

  it('lets a key that pins its id have a name in unmanaged.ignoreNames (matched by id)', () => {
    const plan = planOf(
      [aDesiredKey({ name: 'ops-x', id: 3 })],
      [aServerKey({ id: 3, name: 'ops-x' })],
      {
        ignoreNames: ['ops-*'],
      },
    );
    expect(plan.changes).toEqual([]);
  });

  it('adopts a key through previous_names and renames it', () => {
    const plan = planOf(
      [aDesiredKey({ name: 'ci-runner', previous_names: ['ci'] })],
      [aServerKey({ id: 9, name: 'ci' })],
    );
    expect(plan.changes[0]).toMatchObject({
      id: 9,
      matched_by: 'previous_name',
      planned: { name: 'ci-runner' },
    });
  });

  it('prefers an exact name over a previous name held by another key', () => {
    const plan = planOf(
      [aDesiredKey({ name: 'b' }), aDesiredKey({ name: 'a', previous_names: ['b'] })],
      [aServerKey({ id: 1, name: 'b' })],
    );
    const a = plan.changes.find((c) => c.name === 'a');
    expect(a?.action).toBe('create');
    expect(plan.summary.unchanged).toBe(1);
  });

  it('fails with both ids when two server keys carry the name', () => {
    expect(() =>
      planOf(
        [aDesiredKey({ name: 'dup' })],
        [aServerKey({ id: 5, name: 'dup' }), aServerKey({ id: 4, name: 'dup' })],
      ),
    ).toThrow(
      expect.objectContaining({
        name: 'PlanError',
        message: expect.stringMatching(/ids 4, 5.*`id`/),
      }),
    );
  });

  it('fails when previous names find two keys', () => {
    expect(() =>
      planOf(
        [aDesiredKey({ name: 'x', previous_names: ['p', 'q'] })],
        [aServerKey({ id: 5, name: 'p' }), aServerKey({ id: 6, name: 'q' })],
      ),
    ).toThrow(/ids 5, 6/);
  });

  it('a duplicate name no desired key asks for is no error', () => {
    const plan = planOf(
      [],
      [aServerKey({ id: 5, name: 'dup' }), aServerKey({ id: 4, name: 'dup' })],
    );
    expect(plan.unmanaged.map((u) => u.id)).toEqual([4, 5]);
  });

  it('reports a pinned id that is not on the server as missing, never a create', () => {
    const plan = planOf([aDesiredKey({ name: 'gone', id: 42 }), aDesiredKey({ name: 'new' })], []);
    expect(plan.missing).toEqual([
      expect.objectContaining({
        id: 42,
        name: 'gone',
        message: expect.stringContaining('id 42 not found'),
      }),
    ]);
    expect(plan.changes.map((c) => c.name)).toEqual(['new']);
    expect(plan.summary.missing).toBe(1);
  });

  it('creates unmatched desired keys', () => {
    const plan = planOf([aDesiredKey({ name: 'fresh' })], []);
    expect(plan.changes[0]).toMatchObject({
      action: 'create',
      id: null,
      matched_by: 'new',
      sequence: ['create'],
    });
  });

  it('lists a create after the pinned key of the same name (no id sorts last)', () => {
    const plan = planOf(
      [aDesiredKey({ name: 'a', id: 5, group: 'g' }), aDesiredKey({ name: 'a' })],
      [aServerKey({ id: 5, name: 'a' })],
    );
    expect(plan.changes.map((c) => [c.action, c.id])).toEqual([
      ['update', 5],
      ['create', null],
    ]);
  });
});

describe('unmanaged keys', () => {
  const stray = () => aServerKey({ id: 77, name: 'old-intern' });

  it('are reported once, in unmanaged, with action ignore (not also as warnings)', () => {
    const plan = planOf([], [stray()]);
    expect(plan.unmanaged).toEqual([{ id: 77, name: 'old-intern', action: 'ignore' }]);
    expect(plan.summary.unmanaged).toBe(1);
    expect(plan.changes).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  it('are disabled with action disable', () => {
    const plan = planOf([], [stray()], { action: 'disable' });
    expect(plan.changes[0]).toMatchObject({
      action: 'update',
      matched_by: 'unmanaged',
      fields: [{ field: 'status', before: 1, after: 2 }],
      sequence: ['disable'],
    });
    expect(plan.unmanaged[0]?.action).toBe('disable');
    expect(plan.summary).toMatchObject({ update: 1, unmanaged: 1 });
  });

  it('already disabled ones need no change', () => {
    const plan = planOf([], [aServerKey({ id: 1, status: 2 })], { action: 'disable' });
    expect(plan.changes).toEqual([]);
  });

  it('are deleted with action delete', () => {
    const plan = planOf([], [stray()], { action: 'delete' });
    expect(plan.changes[0]).toMatchObject({
      action: 'delete',
      sequence: ['delete'],
      matched_by: 'unmanaged',
    });
    expect(plan.summary.delete).toBe(1);
  });

  it('in ignoreNames are exempt from the action', () => {
    const plan = planOf([], [stray()], { action: 'delete', ignoreNames: ['old-*'] });
    expect(plan.changes).toEqual([]);
    expect(plan.unmanaged[0]?.action).toBe('ignore');
    expect(plan.warnings).toEqual([]);
  });
});

describe('--target', () => {
  it('plans only targeted keys and never applies the unmanaged action', () => {
    const plan = planOf(
      [aDesiredKey({ name: 'a', group: 'x' }), aDesiredKey({ name: 'b', group: 'x' })],
      [
        aServerKey({ id: 1, name: 'a' }),
        aServerKey({ id: 2, name: 'b' }),
        aServerKey({ id: 3, name: 'c' }),
      ],
      { targets: ['a*'], action: 'delete' },
    );
    expect(plan.changes.map((c) => c.name)).toEqual(['a']);
    expect(plan.unmanaged).toEqual([{ id: 3, name: 'c', action: 'ignore' }]);
    expect(plan.targets).toEqual(['a*']);
  });
});

describe('ordering and totals', () => {
  it('sorts changes by name then id and counts unchanged keys', () => {
    const plan = planOf(
      [
        aDesiredKey({ name: 'b', id: 2, group: 'g' }),
        aDesiredKey({ name: 'b', id: 1, group: 'g' }),
        aDesiredKey({ name: 'a' }),
        aDesiredKey({ name: 'c' }),
      ],
      [
        aServerKey({ id: 1, name: 'b' }),
        aServerKey({ id: 2, name: 'b' }),
        aServerKey({ id: 30, name: 'c' }),
      ],
    );
    expect(plan.changes.map((c) => [c.name, c.id])).toEqual([
      ['a', null],
      ['b', 1],
      ['b', 2],
    ]);
    expect(plan.summary).toEqual({
      create: 1,
      update: 2,
      delete: 0,
      unchanged: 1,
      unmanaged: 0,
      missing: 0,
      // The money line: the create of "a" adds its $10 budget.
      quota_added: 5_000_000,
      quota_removed: 0,
      new_unlimited: 0,
    });
    expect(plan.highest_id).toBe(30);
    expect(plan.account_keys).toBe(3);
    expect(plan.created_at).toBe('2026-11-26T12:00:00Z');
  });
});
