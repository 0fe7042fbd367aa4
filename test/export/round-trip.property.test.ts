/**
 * The law of SPEC §8: export → load → plan shows no changes, on random accounts with
 * duplicate names, expired and exhausted keys, unlimited keys below zero and garbage values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/config/types.js';
import { loadKeyFileText } from '../../src/desired/index.js';
import { exportKeyFile } from '../../src/export/export-keys.js';
import type { ServerKey } from '../../src/model.js';
import { createPlan } from '../../src/plan/create-plan.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const NOW_SEC = NOW.getTime() / 1000;
const SECRET_MARK = 'SECRETSECRET';

const name = fc.oneof(
  fc.constantFrom(
    'backend-prod',
    'ci',
    'ci',
    'dup',
    'dup',
    'ünïcødé-键',
    ' padded ',
    '',
    'x'.repeat(60),
    'tab\there',
    'yes',
    '123',
    '- dash',
    '#hash',
    'a: b',
  ),
  fc.string({ minLength: 1, maxLength: 12 }),
);
const expiredTime = fc.oneof(
  fc.constant(-1),
  fc.constant(0),
  fc.integer({ min: 1, max: NOW_SEC - 1 }),
  fc.integer({ min: NOW_SEC + 1, max: NOW_SEC + 400 * 86_400 }),
  fc.integer({ min: 20_000, max: 25_000 }).map((d) => d * 86_400),
  fc.constantFrom(-5, 1e13),
);
const models = fc.oneof(
  fc.constantFrom(
    '',
    'gpt-4o',
    'gpt-4o,claude-sonnet-4-5',
    'b,a,a',
    'gpt 4o',
    ' x , y ',
    ',,',
    'a,,b',
  ),
  fc.array(fc.constantFrom('m1', 'm2', 'm3', 'm-4'), { maxLength: 3 }).map((l) => l.join(',')),
);
const ips = fc.oneof(
  fc.constantFrom(
    null,
    '',
    '10.0.0.1',
    '2001:DB8::1\n10.0.0.0/8',
    '1.2.3.4,5.6.7.8',
    'garbage',
    '10.0.0.1/8',
    '10.0.0.1\n10.0.0.1',
    '::FFFF:1.2.3.4',
    ' 10.0.0.2 \n\n',
  ),
  fc.array(fc.ipV4(), { maxLength: 3 }).map((l) => l.join('\n')),
  fc.array(fc.ipV6(), { maxLength: 2 }).map((l) => l.join('\n')),
);

const record = (id: number): fc.Arbitrary<ServerKey> =>
  fc
    .record({
      name,
      status: fc.constantFrom(1, 1, 2, 3, 4, 0, 7),
      expired_time: expiredTime,
      remain_quota: fc.oneof(fc.integer({ min: -1_000_000, max: 10_000_000 }), fc.constant(0)),
      used_quota: fc.integer({ min: 0, max: 10_000_000 }),
      unlimited_quota: fc.boolean(),
      model_limits_enabled: fc.boolean(),
      model_limits: models,
      allow_ips: ips,
      group: fc.constantFrom('', '', 'auto', 'vip', ' spaced '),
      cross_group_retry: fc.boolean(),
      masked: fc.boolean(),
    })
    .map(({ masked, ...r }) => ({
      id,
      user_id: 1,
      key: masked ? `ab${SECRET_MARK}**cd` : `sk-${SECRET_MARK}${id}`,
      created_time: 1_700_000_000,
      accessed_time: 1_700_000_000,
      ...r,
    }));

const account: fc.Arbitrary<ServerKey[]> = fc
  .uniqueArray(fc.integer({ min: 1, max: 100_000 }), { maxLength: 25 })
  .chain((ids) => (ids.length === 0 ? fc.constant([]) : fc.tuple(...ids.map(record))));

describe('export round trip', () => {
  it('export → load → plan has zero changes, nothing missing or unmanaged', () => {
    fc.assert(
      fc.property(account, (server) => {
        const exported = exportKeyFile(server, {
          quotaPerUsd: 500_000,
          unmanagedAction: 'ignore',
          now: NOW,
        });
        expect(exported.text).not.toContain(SECRET_MARK);
        expect(exported.count).toBe(server.length);
        const loaded = loadKeyFileText(exported.text, 'keys.yaml', {
          quotaPerUsd: 500_000,
          now: NOW,
        });
        expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(loaded.keys).toHaveLength(server.length);
        const plan = createPlan({
          desired: loaded.keys,
          server,
          settings: defaultSettings(),
          now: NOW,
          baseUrl: 'http://127.0.0.1:1',
          userId: 1,
          toolVersion: 'test',
        });
        expect(plan.changes).toEqual([]);
        expect(plan.missing).toEqual([]);
        expect(plan.unmanaged).toEqual([]);
        expect(plan.summary.unchanged).toBe(server.length);
      }),
      { numRuns: 100 },
    );
  });
});
