import { describe, expect, it } from 'vitest';
import { countDrift } from '../../src/plan/drift.js';
import { matchesTarget } from '../../src/plan/targets.js';
import { aDesiredKey, aServerKey } from '../helpers/builders.js';
import { planOf } from './helpers.js';

describe('matchesTarget', () => {
  it('matches exact names', () => {
    expect(matchesTarget('a.b', ['a.b'])).toBe(true);
    expect(matchesTarget('axb', ['a.b'])).toBe(false);
  });
  it('matches * and ? globs', () => {
    expect(matchesTarget('ci-runner', ['ci-*'])).toBe(true);
    expect(matchesTarget('ci', ['ci-*'])).toBe(false);
    expect(matchesTarget('k1', ['k?'])).toBe(true);
    expect(matchesTarget('k10', ['k?'])).toBe(false);
    expect(matchesTarget('ké', ['k?'])).toBe(true);
  });
  it('treats regex characters literally', () => {
    expect(matchesTarget('a+b', ['a+*'])).toBe(true);
    expect(matchesTarget('aab', ['a+*'])).toBe(false);
  });
});

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
