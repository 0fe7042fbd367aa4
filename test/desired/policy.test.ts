/** Policy rules (SPEC §6): each is an error naming the rule and the key, at the field. */
import { describe, expect, it } from 'vitest';
import type { PolicySettings } from '../../src/config/types.js';
import { checkPolicy } from '../../src/desired/policy.js';
import { formatDiagnostics, loadKeyFileText } from '../../src/desired/index.js';
import { aDesiredKey } from '../helpers/builders.js';

const NOW = new Date('2026-11-26T00:00:00Z');
const DAY = 86_400;
const nowS = NOW.getTime() / 1000;

function violations(policy: PolicySettings, overrides: Parameters<typeof aDesiredKey>[0] = {}) {
  return checkPolicy(aDesiredKey({ name: 'k', ...overrides }), policy, NOW, 500_000);
}

describe('checkPolicy', () => {
  it('finds nothing without a policy or with an empty one', () => {
    expect(checkPolicy(aDesiredKey(), undefined, NOW, 500_000)).toEqual([]);
    expect(violations({})).toEqual([]);
  });

  it('maxExpiryDays refuses never and expiries past the limit', () => {
    expect(violations({ maxExpiryDays: 90 }, { expired_time: -1 })).toEqual([
      { field: 'expired_time', message: 'policy maxExpiryDays (90): key "k" never expires' },
    ]);
    expect(violations({ maxExpiryDays: 90 }, { expired_time: nowS + 90 * DAY })).toEqual([]);
    expect(violations({ maxExpiryDays: 90 }, { expired_time: nowS + 91 * DAY })).toEqual([
      {
        field: 'expired_time',
        message:
          'policy maxExpiryDays (90): key "k" expires on 2027-02-25, more than 90 days from now',
      },
    ]);
    expect(
      violations({ maxExpiryDays: 90 }, { expired_time: -1, ignore_changes: ['expired_time'] }),
    ).toEqual([]);
  });

  it('forbidUnlimitedQuota refuses unlimited keys', () => {
    expect(violations({ forbidUnlimitedQuota: true }, { quota: { kind: 'unlimited' } })).toEqual([
      {
        field: 'unlimited_quota',
        message: 'policy forbidUnlimitedQuota: key "k" has unlimited_quota: true',
      },
    ]);
    expect(violations({ forbidUnlimitedQuota: false }, { quota: { kind: 'unlimited' } })).toEqual(
      [],
    );
    expect(violations({ forbidUnlimitedQuota: true })).toEqual([]);
  });

  it('requireAllowIps refuses keys open to every address unless allow_ips is ignored', () => {
    expect(violations({ requireAllowIps: true })).toEqual([
      { field: 'allow_ips', message: 'policy requireAllowIps: key "k" has no allow_ips' },
    ]);
    expect(violations({ requireAllowIps: true }, { allow_ips: ['10.0.0.1'] })).toEqual([]);
    expect(violations({ requireAllowIps: true }, { ignore_changes: ['allow_ips'] })).toEqual([]);
  });

  it('allowedGroups refuses other groups, "" included', () => {
    expect(violations({ allowedGroups: ['default', 'auto'] })).toEqual([
      { field: 'group', message: 'policy allowedGroups ("default", "auto"): key "k" has group ""' },
    ]);
    expect(violations({ allowedGroups: ['default'] }, { group: 'default' })).toEqual([]);
  });

  it('maxBudget limits both budget and remain forms, in units with dollars shown', () => {
    expect(
      violations({ maxBudget: 50_000_000 }, { quota: { kind: 'budget', amount: 50_000_001 } }),
    ).toEqual([
      {
        field: 'quota_budget',
        message:
          'policy maxBudget (50000000 ($100)): key "k" has quota_budget 50000001 ($100.000002)',
      },
    ]);
    expect(violations({ maxBudget: 10 }, { quota: { kind: 'remain', amount: 11 } })[0]?.field).toBe(
      'remain_quota',
    );
    expect(violations({ maxBudget: 10 }, { quota: { kind: 'budget', amount: 10 } })).toEqual([]);
    expect(violations({ maxBudget: 10 }, { quota: { kind: 'unlimited' } })).toEqual([]);
  });
});

describe('policy in key files', () => {
  it('reports every violation at the declaring field, key or default', () => {
    const text = [
      'version: 1',
      'defaults:',
      '  group: vip',
      'keys:',
      '  - name: a',
      '    quota_budget: "$200"',
      '  - name: b',
      '    unlimited_quota: true',
      '',
    ].join('\n');
    const r = loadKeyFileText(text, 'keys.yaml', {
      quotaPerUsd: 500_000,
      now: NOW,
      policy: {
        allowedGroups: ['default'],
        maxBudget: 50_000_000,
        forbidUnlimitedQuota: true,
        requireAllowIps: true,
      },
    });
    expect(formatDiagnostics(r.diagnostics)).toBe(
      [
        'keys.yaml:3:10: error: defaults.group: policy allowedGroups ("default"): key "a" has group "vip"',
        'keys.yaml:3:10: error: defaults.group: policy allowedGroups ("default"): key "b" has group "vip"',
        'keys.yaml:5:5: error: keys[0]: policy requireAllowIps: key "a" has no allow_ips',
        'keys.yaml:6:19: error: keys[0].quota_budget: policy maxBudget (50000000 ($100)): key "a" has quota_budget 100000000 ($200)',
        'keys.yaml:7:5: error: keys[1]: policy requireAllowIps: key "b" has no allow_ips',
        'keys.yaml:8:22: error: keys[1].unlimited_quota: policy forbidUnlimitedQuota: key "b" has unlimited_quota: true',
        '',
      ].join('\n'),
    );
    expect(r.keys).toEqual([]);
  });
});
