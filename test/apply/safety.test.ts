import { describe, expect, it } from 'vitest';
import { checkSafety, parseForce, SafetyRefusalError } from '../../src/apply/safety.js';
import type { SafetyViolation } from '../../src/plan/model.js';
import { aServerKey } from '../helpers/builders.js';
import { declared, realPlan } from './real-plans.js';

const updates: SafetyViolation = {
  limit: 'updates',
  message: 'updates 12 of 20 keys (60%) > safety.maxUpdatePercent 30',
  value: 60,
  threshold: 30,
  setting: 'safety.maxUpdatePercent',
};
const quota: SafetyViolation = {
  limit: 'quota',
  message: 'adds 9000000 quota > safety.maxQuotaIncrease 1000000',
  value: 9_000_000,
  threshold: 1_000_000,
  setting: 'safety.maxQuotaIncrease',
};

describe('parseForce', () => {
  it('reads a bare --force as every limit', () => {
    expect(parseForce(true)).toBe('all');
    expect(parseForce('all')).toBe('all');
    expect(parseForce(undefined)).toBeUndefined();
  });

  it('reads a comma list of limits', () => {
    expect(parseForce('updates,quota')).toEqual(['updates', 'quota']);
    expect(parseForce(' deletes , unlimited,deletes')).toEqual(['deletes', 'unlimited']);
  });

  it('refuses unknown words, naming them and the valid ones', () => {
    expect(() => parseForce('updates,quotas')).toThrow(
      '--force: unknown limit "quotas"; use --force alone for every limit, or a comma list of updates, deletes, quota, unlimited',
    );
    expect(() => parseForce('all,quota')).toThrow(/cannot be combined/);
  });
});

describe('checkSafety', () => {
  const key = aServerKey({ name: 'k' });
  const plan = realPlan([declared(key, { group: 'x' })], [key], {
    overrides: { safety: [updates, quota] },
  });

  it('refuses a plan past its limits, naming limit, value and setting', () => {
    expect(() => checkSafety(plan, undefined, false)).toThrow(SafetyRefusalError);
    try {
      checkSafety(plan, undefined, false);
    } catch (err) {
      const message = (err as Error).message;
      expect((err as Error).name).toBe('SafetyRefusalError');
      expect(message).toContain('updates: updates 12 of 20 keys (60%)');
      expect(message).toContain('(raise safety.maxUpdatePercent or pass --force=updates)');
      expect(message).toContain('raise safety.maxQuotaIncrease or pass --force=quota');
    }
  });

  it('lets --force through every limit and --force=LIST through only those', () => {
    expect(() => checkSafety(plan, 'all', false)).not.toThrow();
    expect(() => checkSafety(plan, ['updates', 'quota'], false)).not.toThrow();
    expect(() => checkSafety(plan, ['updates'], false)).toThrow(/pass --force=quota/);
    expect(() => checkSafety(plan, ['updates'], false)).not.toThrow(/--force=updates/);
  });

  it('needs --allow-delete for any delete, even when forced', () => {
    // The planner's own delete-percentage finding is set aside: this is about --allow-delete.
    const del = realPlan([], [aServerKey({ name: 'old', id: 77 })], {
      unmanaged: 'delete',
      overrides: { safety: [] },
    });
    expect(() => checkSafety(del, 'all', false)).toThrow(
      'deletes: the plan deletes 1 key: old (id 77); pass --allow-delete',
    );
    expect(() => checkSafety(del, undefined, true)).not.toThrow();
  });
});
