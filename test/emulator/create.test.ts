import { describe, expect, it } from 'vitest';
import { call, emulators, fullBody, offline, T0_S } from './helpers.js';

offline();
const start = emulators();

describe('emulator create', () => {
  it('answers exactly {success:true,message:""} with no id and no key', async () => {
    const emu = await start();
    const r = await call(emu, 'POST', '/api/token/', { body: fullBody() });
    expect(r.status).toBe(200);
    expect(r.text).toBe('{"success":true,"message":""}');
    const [rec] = emu.records();
    expect(rec).toMatchObject({
      id: 1,
      user_id: 1,
      status: 1,
      name: 'backend-prod',
      created_time: T0_S,
      accessed_time: T0_S,
      expired_time: -1,
      remain_quota: 1_000_000,
      used_quota: 0,
      unlimited_quota: false,
      model_limits_enabled: true,
      model_limits: 'gpt-4o,gpt-4o-mini',
      allow_ips: '198.51.100.10',
      group: 'auto',
      cross_group_retry: true,
    });
    expect(rec?.key).toMatch(/^sk-[A-Za-z0-9]{45}$/);
  });

  it('stores zero values for omitted fields (expired_time 0, quota 0)', async () => {
    const emu = await start();
    await call(emu, 'POST', '/api/token/', { body: { name: 'bare' } });
    const { key: _key, ...rec } = emu.records()[0]!;
    expect(rec).toEqual({
      id: 1,
      user_id: 1,
      status: 1,
      name: 'bare',
      created_time: T0_S,
      accessed_time: T0_S,
      expired_time: 0,
      remain_quota: 0,
      used_quota: 0,
      unlimited_quota: false,
      model_limits_enabled: false,
      model_limits: '',
      allow_ips: '',
      group: '',
      cross_group_retry: false,
    });
  });

  it('ignores status and id in the body: new keys start enabled with the next id', async () => {
    const emu = await start({ seed: 2 });
    await call(emu, 'POST', '/api/token/', { body: fullBody({ status: 2, id: 99 }) });
    const rec = emu.get(3);
    expect(rec?.status).toBe(1);
    expect(emu.get(99)).toBeUndefined();
  });

  it('gives every key its own random secret', async () => {
    const emu = await start();
    await call(emu, 'POST', '/api/token/', { body: fullBody() });
    await call(emu, 'POST', '/api/token/', { body: fullBody() });
    const [a, b] = emu.records();
    expect(a?.key).not.toBe(b?.key);
  });

  it('counts the name in UTF-8 bytes: 50 accepted, 51 refused', async () => {
    const emu = await start();
    const ok = await call(emu, 'POST', '/api/token/', { body: fullBody({ name: 'a'.repeat(50) }) });
    expect(ok.json.success).toBe(true);
    // 17 three-byte characters: 17 characters, 51 bytes.
    const tooLong = await call(emu, 'POST', '/api/token/', {
      body: fullBody({ name: '键'.repeat(17) }),
    });
    expect(tooLong.status).toBe(200);
    expect(tooLong.json).toEqual({ success: false, message: 'Token name is too long' });
    expect(emu.records()).toHaveLength(1);
  });

  it('refuses a negative or too large quota unless unlimited', async () => {
    const emu = await start();
    const neg = await call(emu, 'POST', '/api/token/', { body: fullBody({ remain_quota: -1 }) });
    expect(neg.json).toEqual({ success: false, message: 'Quota value cannot be negative' });
    const big = await call(emu, 'POST', '/api/token/', {
      body: fullBody({ remain_quota: 500_000_000_000_001 }),
    });
    expect(big.json).toEqual({
      success: false,
      message: 'Quota value exceeds valid range, maximum is 500000000000000',
    });
    const max = await call(emu, 'POST', '/api/token/', {
      body: fullBody({ remain_quota: 500_000_000_000_000 }),
    });
    expect(max.json.success).toBe(true);
    const unlimited = await call(emu, 'POST', '/api/token/', {
      body: fullBody({ unlimited_quota: true, remain_quota: -5 }),
    });
    expect(unlimited.json.success).toBe(true);
    expect(emu.records().map((r) => r.remain_quota)).toEqual([500_000_000_000_000, -5]);
  });

  it('refuses a create at the key cap with the Chinese message', async () => {
    const emu = await start({ seed: 3, maxKeys: 3 });
    const r = await call(emu, 'POST', '/api/token/', { body: fullBody() });
    expect(r.json).toEqual({ success: false, message: '已达到最大令牌数量限制 (3)' });
    expect(emu.records()).toHaveLength(3);
    emu.remove(1);
    expect((await call(emu, 'POST', '/api/token/', { body: fullBody() })).json.success).toBe(true);
  });

  it('caps at 1000 keys by default', async () => {
    const emu = await start({ seed: 1000 });
    const r = await call(emu, 'POST', '/api/token/', { body: fullBody() });
    expect(r.json.message).toBe('已达到最大令牌数量限制 (1000)');
  });

  it('deletes commas inside allow_ips lines and keeps newlines', async () => {
    const emu = await start();
    await call(emu, 'POST', '/api/token/', {
      body: fullBody({ allow_ips: '1.2.3.4,5.6.7.8\n2001:db8::/32' }),
    });
    expect(emu.records()[0]?.allow_ips).toBe('1.2.3.45.6.7.8\n2001:db8::/32');
  });

  it('stores allow_ips null when the body sends null', async () => {
    const emu = await start();
    await call(emu, 'POST', '/api/token/', { body: fullBody({ allow_ips: null }) });
    expect(emu.records()[0]?.allow_ips).toBeNull();
  });

  it('forces cross_group_retry false outside group auto', async () => {
    const emu = await start();
    await call(emu, 'POST', '/api/token/', { body: fullBody({ group: 'vip' }) });
    expect(emu.records()[0]).toMatchObject({ group: 'vip', cross_group_retry: false });
  });

  it('relays a Go-style error for wrong types and invalid JSON, writing nothing', async () => {
    const emu = await start();
    const wrong = await call(emu, 'POST', '/api/token/', { body: fullBody({ remain_quota: '5' }) });
    expect(wrong.json).toEqual({
      success: false,
      message: 'json: cannot unmarshal string into Go struct field Token.remain_quota of type int',
    });
    const frac = await call(emu, 'POST', '/api/token/', { body: fullBody({ expired_time: 1.5 }) });
    expect(frac.json.message).toContain('number 1.5');
    const junk = await call(emu, 'POST', '/api/token/', { body: '{"name":' });
    expect(junk.json.success).toBe(false);
    const arr = await call(emu, 'POST', '/api/token/', { body: '[]' });
    expect(arr.json.success).toBe(false);
    expect(emu.records()).toEqual([]);
  });
});
