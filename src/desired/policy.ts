/**
 * Organisation policy (docs/safety.md#policy): rules from the config's `policy`, checked by
 * validate and plan on each normalised key. A violation is an error naming the rule and the key.
 * Fields in the key's `ignore_changes` are not managed by the file, so the rules skip them.
 */
import type { PolicySettings } from '../config/types.js';
import type { DesiredKey } from '../model.js';
import { formatQuota, formatUnixTime, SECONDS_PER_DAY } from '../values/index.js';

/** One violation: the field it concerns (for the position) and the message. */
export interface PolicyViolation {
  field: string;
  message: string;
}

/** Checks one key against the policy; returns every violation. */
export function checkPolicy(
  key: DesiredKey,
  policy: PolicySettings | undefined,
  now: Date,
  quotaPerUsd: number,
): PolicyViolation[] {
  if (!policy) return [];
  const out: PolicyViolation[] = [];
  const ignored = new Set<string>(key.ignore_changes);
  const who = `key ${JSON.stringify(key.name)}`;
  if (policy.maxExpiryDays !== undefined && !ignored.has('expired_time')) {
    const rule = `policy maxExpiryDays (${policy.maxExpiryDays})`;
    const limit = Math.floor(now.getTime() / 1000) + policy.maxExpiryDays * SECONDS_PER_DAY;
    if (key.expired_time === -1) {
      out.push({ field: 'expired_time', message: `${rule}: ${who} never expires` });
    } else if (key.expired_time > limit) {
      out.push({
        field: 'expired_time',
        message: `${rule}: ${who} expires on ${formatUnixTime(key.expired_time)}, more than ${policy.maxExpiryDays} days from now`,
      });
    }
  }
  if (policy.forbidUnlimitedQuota && key.quota?.kind === 'unlimited') {
    out.push({
      field: 'unlimited_quota',
      message: `policy forbidUnlimitedQuota: ${who} has unlimited_quota: true`,
    });
  }
  if (policy.requireAllowIps && !ignored.has('allow_ips') && key.allow_ips.length === 0) {
    out.push({
      field: 'allow_ips',
      message: `policy requireAllowIps: ${who} has no allow_ips`,
    });
  }
  if (
    policy.allowedGroups !== undefined &&
    !ignored.has('group') &&
    !policy.allowedGroups.includes(key.group)
  ) {
    const list = policy.allowedGroups.map((g) => JSON.stringify(g)).join(', ');
    out.push({
      field: 'group',
      message: `policy allowedGroups (${list}): ${who} has group ${JSON.stringify(key.group)}`,
    });
  }
  if (
    policy.maxBudget !== undefined &&
    key.quota &&
    key.quota.kind !== 'unlimited' &&
    key.quota.amount > policy.maxBudget
  ) {
    const field = key.quota.kind === 'budget' ? 'quota_budget' : 'remain_quota';
    out.push({
      field,
      message: `policy maxBudget (${formatQuota(policy.maxBudget, quotaPerUsd, 'short')}): ${who} has ${field} ${formatQuota(key.quota.amount, quotaPerUsd, 'short')}`,
    });
  }
  return out;
}
