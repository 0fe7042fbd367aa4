/**
 * Small builders for tests of pure code (STYLE.md "Tests"): a valid record or desired key
 * with sensible defaults, overridden per test.
 */
import type { DesiredKey, ServerKey } from '../../src/model.js';

let nextId = 1000;

/** A stored key: enabled, never expires, limited with $10 remaining, no restrictions. */
export function aServerKey(overrides: Partial<ServerKey> = {}): ServerKey {
  const id = overrides.id ?? nextId++;
  return {
    id,
    user_id: 1,
    name: `key-${id}`,
    status: 1,
    created_time: 1_700_000_000,
    accessed_time: 1_700_000_000,
    expired_time: -1,
    remain_quota: 5_000_000,
    used_quota: 0,
    unlimited_quota: false,
    model_limits_enabled: false,
    model_limits: '',
    allow_ips: '',
    group: '',
    cross_group_retry: false,
    ...overrides,
  };
}

/** A desired key matching `aServerKey`'s defaults: enabled, never, $10 budget. */
export function aDesiredKey(overrides: Partial<DesiredKey> = {}): DesiredKey {
  return {
    name: 'key',
    previous_names: [],
    status: 1,
    expired_time: -1,
    quota: { kind: 'budget', amount: 5_000_000 },
    model_limits_enabled: false,
    model_limits: [],
    allow_ips: [],
    group: '',
    cross_group_retry: false,
    ignore_changes: [],
    source: { file: 'keys.yaml', line: 1, col: 1 },
    ...overrides,
  };
}
