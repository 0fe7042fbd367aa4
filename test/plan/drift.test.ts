import { describe, expect, it } from 'vitest';
import { countDrift } from '../../src/plan/drift.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';
import { planOf } from './helpers.js';

describe('countDrift (SPEC §1)', () => {
  it('counts changes and missing ids, not warnings or ignored unmanaged keys', () => {
    const plan = planOf(
      [
        aDesiredKey({ name: 'a', group: 'g' }),
        aDesiredKey({ name: 'gone', id: 99 }),
        aDesiredKey({ name: 'soon', expired_time: Date.UTC(2026, 11, 1) / 1000 }),
      ],
      [
        aServerKey({ id: 1, name: 'a' }),
        aServerKey({ id: 2, name: 'soon', expired_time: Date.UTC(2026, 11, 1) / 1000 }),
        aServerKey({ id: 3, name: 'stray' }),
      ],
    );
    expect(plan.warnings.length).toBeGreaterThan(0);
    expect(countDrift(plan)).toBe(2);
  });

  it('counts unmanaged keys whose action is disable or delete', () => {
    expect(countDrift(planOf([], [aServerKey({ id: 3 })], { action: 'disable' }))).toBe(1);
    expect(countDrift(planOf([], [aServerKey({ id: 3 })], { action: 'delete' }))).toBe(1);
    expect(countDrift(planOf([], [aServerKey({ id: 3 })]))).toBe(0);
  });
});
