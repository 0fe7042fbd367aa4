import { describe, expect, it } from 'vitest';
import { INT32_QUOTA_MAX, MAX_QUOTA_VALUE } from '../../src/emulator/index.js';
import { call, emulators, fullBody, offline } from './helpers.js';

offline();
const start = emulators();

const INT32 = 2_147_483_647;
const refusal = (max: number) => ({
  success: false,
  message: `Quota value exceeds valid range, maximum is ${max}`,
});

describe('emulator quotaMax (new-api since 2026-08-10 refuses remain_quota above int32)', () => {
  it('defaults to the old maximum, 500,000,000,000,000', async () => {
    expect(MAX_QUOTA_VALUE).toBe(500_000_000_000_000);
    expect(INT32_QUOTA_MAX).toBe(INT32);
    const emu = await start();
    const big = await call(emu, 'POST', '/api/token/', {
      body: fullBody({ remain_quota: INT32 + 1 }),
    });
    expect(big.json.success).toBe(true);
    const over = await call(emu, 'POST', '/api/token/', {
      body: fullBody({ remain_quota: MAX_QUOTA_VALUE + 1 }),
    });
    expect(over.json).toEqual(refusal(MAX_QUOTA_VALUE));
  });

  it('refuses a create above N with HTTP 200 success:false and creates nothing; N itself is fine', async () => {
    const emu = await start({ quotaMax: INT32 });
    const over = await call(emu, 'POST', '/api/token/', {
      body: fullBody({ remain_quota: INT32 + 1 }),
    });
    expect(over.status).toBe(200);
    expect(over.json).toEqual(refusal(INT32));
    expect(emu.records()).toEqual([]);
    const at = await call(emu, 'POST', '/api/token/', { body: fullBody({ remain_quota: INT32 }) });
    expect(at.json.success).toBe(true);
    expect(emu.records().map((r) => r.remain_quota)).toEqual([INT32]);
  });

  it('does not check unlimited keys', async () => {
    const emu = await start({ quotaMax: INT32 });
    const body = fullBody({ unlimited_quota: true, remain_quota: 10 * INT32 });
    expect((await call(emu, 'POST', '/api/token/', { body })).json.success).toBe(true);
    expect(emu.records()[0]?.remain_quota).toBe(10 * INT32);
  });

  it('refuses a full update above N and leaves the key as it was', async () => {
    const emu = await start({ quotaMax: INT32, seed: [{ id: 1, name: 'a', remain_quota: 100 }] });
    const before = emu.get(1);
    const r = await call(emu, 'PUT', '/api/token/', {
      body: fullBody({ id: 1, name: 'b', remain_quota: INT32 + 1 }),
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(refusal(INT32));
    expect(emu.get(1)).toEqual(before);
  });

  it('keeps a seeded key above N, which then cannot be disabled with a body that echoes it', async () => {
    const stored = 5_000_000_000;
    const emu = await start({
      quotaMax: INT32,
      seed: [{ id: 1, name: 'big', remain_quota: stored }],
    });
    const got = await call(emu, 'GET', '/api/token/1');
    expect(got.json.data.remain_quota).toBe(stored);
    const echo = await call(emu, 'PUT', '/api/token/?status_only=true', {
      body: fullBody({ id: 1, name: 'big', remain_quota: stored, status: 2 }),
    });
    expect(echo.json).toEqual(refusal(INT32));
    expect(emu.get(1)?.status).toBe(1);
    // Planned down to N first, the same status-only call goes through.
    const fixed = await call(emu, 'PUT', '/api/token/?status_only=true', {
      body: fullBody({ id: 1, name: 'big', remain_quota: INT32, status: 2 }),
    });
    expect(fixed.json.success).toBe(true);
    expect(emu.get(1)).toMatchObject({ status: 2, remain_quota: stored });
  });

  it('can be changed at runtime with set()', async () => {
    const emu = await start();
    emu.set({ quotaMax: 1000 });
    const r = await call(emu, 'POST', '/api/token/', { body: fullBody({ remain_quota: 1001 }) });
    expect(r.json).toEqual(refusal(1000));
  });

  it('refuses a quotaMax that is not a non-negative integer', async () => {
    await expect(start({ quotaMax: -1 })).rejects.toThrow(
      /quotaMax must be a non-negative integer/,
    );
    await expect(start({ quotaMax: 1.5 })).rejects.toThrow(/quotaMax/);
  });
});
