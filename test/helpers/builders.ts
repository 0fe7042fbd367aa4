/**
 * Small builders for tests (STYLE.md "Tests"): a valid record, create body, emulator seed
 * record or desired key with sensible defaults, overridden per test — instead of whole records
 * written out by hand.
 */
import type { CreateFields } from '../../src/api/types.js';
import type { SeedRecord } from '../../src/emulator/index.js';
import type { DesiredKey, ServerKey } from '../../src/model.js';

let nextId = 1000;

/** The editable fields (a create body): never expires, limited to $10, no restrictions. */
export function keyFields(overrides: Partial<CreateFields> = {}): CreateFields {
  return {
    name: 'key',
    expired_time: -1,
    remain_quota: 5_000_000,
    unlimited_quota: false,
    model_limits_enabled: false,
    model_limits: '',
    allow_ips: '',
    group: '',
    cross_group_retry: false,
    ...overrides,
  };
}

/**
 * A key for the emulator's seed: `keyFields`, enabled, nothing used yet; the emulator gives
 * what is left out (id unless given, user, times, secret).
 */
export function aSeedKey(overrides: SeedRecord = {}): SeedRecord {
  const { name, ...fields } = keyFields();
  return { name, status: 1, used_quota: 0, ...fields, ...overrides };
}

/**
 * A stored key: enabled, never expires, limited with $10 remaining, no restrictions, created in
 * 2023 and last used 2026-11-20 (recently, for the planner tests' NOW of 2026-11-26: no last-use
 * warning unless a test asks for one).
 */
export function aServerKey(overrides: Partial<ServerKey> = {}): ServerKey {
  const id = overrides.id ?? nextId++;
  return {
    id,
    user_id: 1,
    status: 1,
    created_time: 1_700_000_000,
    accessed_time: 1_795_132_800,
    used_quota: 0,
    ...keyFields({ name: `key-${id}` }),
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
