import { describe, expect, it } from 'vitest';
import {
  buildStatusBody,
  buildUpdateBody,
  limitRemainQuota,
  unknownFieldsOf,
} from '../../src/api/body.js';
import { READ_ONLY_FIELDS } from '../../src/model.js';
import { aServerKey } from '../helpers/builders.js';

describe('buildUpdateBody', () => {
  it('is the record minus read-only fields with the planned values laid over', () => {
    const record = aServerKey({ id: 7, name: 'a', group: 'g', key: 'sk-secret' });
    const body = buildUpdateBody(record, { name: 'b', allow_ips: '10.0.0.1' });
    for (const field of READ_ONLY_FIELDS) expect(body).not.toHaveProperty(field);
    expect(body).toEqual({
      id: 7,
      name: 'b',
      status: 1,
      expired_time: -1,
      remain_quota: 5_000_000,
      unlimited_quota: false,
      model_limits_enabled: false,
      model_limits: '',
      allow_ips: '10.0.0.1',
      group: 'g',
      cross_group_retry: false,
    });
  });

  it('passes unknown fields through', () => {
    const body = buildUpdateBody(aServerKey({ future_field: 'x' }), {});
    expect(body['future_field']).toBe('x');
  });

  it("sends a limited key's negative remain_quota as 0, an unlimited key's as is", () => {
    expect(buildUpdateBody(aServerKey({ remain_quota: -5 }), {}).remain_quota).toBe(0);
    expect(buildUpdateBody(aServerKey({}), { remain_quota: -1 }).remain_quota).toBe(0);
    const unlimited = aServerKey({ remain_quota: -5, unlimited_quota: true });
    expect(buildUpdateBody(unlimited, {}).remain_quota).toBe(-5);
  });

  it('refuses to build an incomplete body or to set a non-editable field', () => {
    const partial = aServerKey();
    delete (partial as Record<string, unknown>)['group'];
    expect(() => buildUpdateBody(partial, {})).toThrow(/lacks group/);
    expect(() => buildUpdateBody(aServerKey(), { used_quota: 1 } as never)).toThrow(
      /not an editable field/,
    );
  });
});

describe('buildStatusBody', () => {
  it('is the current record with only status changed', () => {
    const current = aServerKey({ id: 3, name: 'x', status: 1, allow_ips: null });
    const body = buildStatusBody(current, 2);
    expect(body).toEqual({ ...buildUpdateBody(current, {}), status: 2 });
  });
});

describe('quotaMaxUnits in bodies (new-api since 2026-08-10)', () => {
  const MAX = 2_147_483_647;

  it("sends a limited key's remain_quota above the maximum as the maximum, in every body", () => {
    const big = aServerKey({ id: 4, remain_quota: 5_000_000_000 });
    expect(buildUpdateBody(big, {}, { quotaMaxUnits: MAX }).remain_quota).toBe(MAX);
    expect(
      buildUpdateBody(big, { remain_quota: MAX + 1 }, { quotaMaxUnits: MAX }).remain_quota,
    ).toBe(MAX);
    expect(buildStatusBody(big, 2, { quotaMaxUnits: MAX })).toEqual({
      ...buildUpdateBody(big, {}),
      remain_quota: MAX,
      status: 2,
    });
    expect(limitRemainQuota(buildUpdateBody(big, {}), MAX).remain_quota).toBe(MAX);
    // Within the maximum, without one, and on unlimited keys, the value is sent as it is.
    expect(buildUpdateBody(big, { remain_quota: MAX }, { quotaMaxUnits: MAX }).remain_quota).toBe(
      MAX,
    );
    expect(buildUpdateBody(big, {}).remain_quota).toBe(5_000_000_000);
    const unlimited = aServerKey({ remain_quota: 5_000_000_000, unlimited_quota: true });
    expect(buildStatusBody(unlimited, 2, { quotaMaxUnits: MAX }).remain_quota).toBe(5_000_000_000);
    expect(limitRemainQuota(buildUpdateBody(unlimited, {}), MAX).remain_quota).toBe(5_000_000_000);
  });
});

describe('unknownFieldsOf', () => {
  it('names the fields cometkeys does not know, sorted', () => {
    expect(unknownFieldsOf(aServerKey({ zeta: 1, alpha: 2 }))).toEqual(['alpha', 'zeta']);
    expect(unknownFieldsOf(aServerKey())).toEqual([]);
  });
});
