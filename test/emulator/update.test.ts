import { describe, expect, it } from 'vitest';
import { call, emulators, fullBody, offline, T0_S } from './helpers.js';

offline();
const start = emulators();

const DAY = 86_400;

/** A stored key with every editable field set to a non-zero value. */
const RICH = {
  name: 'rich',
  status: 1,
  expired_time: T0_S + 30 * DAY,
  remain_quota: 777,
  used_quota: 50,
  unlimited_quota: false,
  model_limits_enabled: true,
  model_limits: 'gpt-4o',
  allow_ips: '203.0.113.5',
  group: 'auto',
  cross_group_retry: true,
};

describe('emulator update: full replace', () => {
  it('writes every editable field from the body and returns the masked record', async () => {
    const emu = await start();
    const { id, key } = emu.insert(RICH);
    const r = await call(emu, 'PUT', '/api/token/', {
      body: fullBody({ id, name: 'renamed', remain_quota: 5, group: 'vip' }),
    });
    expect(r.json.success).toBe(true);
    expect(r.json.message).toBe('');
    expect(r.json.data).toMatchObject({
      id,
      name: 'renamed',
      remain_quota: 5,
      used_quota: 50,
      group: 'vip',
      cross_group_retry: false,
      expired_time: -1,
    });
    expect(r.json.data.key).toBe(`${key.slice(0, 4)}**********${key.slice(-4)}`);
    expect(emu.get(id)).toMatchObject({ name: 'renamed', remain_quota: 5, key });
  });

  it('zeroes every omitted field (omitted expired_time → 0, allow_ips → "")', async () => {
    const emu = await start();
    const { id } = emu.insert(RICH);
    const r = await call(emu, 'PUT', '/api/token/', { body: { id, name: 'only-name' } });
    expect(r.json.success).toBe(true);
    expect(emu.get(id)).toMatchObject({
      name: 'only-name',
      status: 1,
      expired_time: 0,
      remain_quota: 0,
      unlimited_quota: false,
      model_limits_enabled: false,
      model_limits: '',
      allow_ips: '',
      group: '',
      cross_group_retry: false,
      used_quota: 50,
      created_time: T0_S,
    });
  });

  it('answers record not found for an unknown, missing or deleted id', async () => {
    const emu = await start({ seed: 1 });
    for (const body of [fullBody({ id: 42 }), fullBody()]) {
      const r = await call(emu, 'PUT', '/api/token/', { body });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ success: false, message: 'record not found' });
    }
    emu.remove(1);
    const gone = await call(emu, 'PUT', '/api/token/', { body: fullBody({ id: 1 }) });
    expect(gone.json.message).toBe('record not found');
  });

  it('refuses a too long name and a negative limited quota, writing nothing', async () => {
    const emu = await start();
    const { id } = emu.insert(RICH);
    const name = await call(emu, 'PUT', '/api/token/', {
      body: fullBody({ id, name: 'é'.repeat(26) }),
    });
    expect(name.json).toEqual({ success: false, message: 'Token name is too long' });
    const neg = await call(emu, 'PUT', '/api/token/', { body: fullBody({ id, remain_quota: -1 }) });
    expect(neg.json).toEqual({ success: false, message: 'Quota value cannot be negative' });
    expect(emu.get(id)?.name).toBe('rich');
  });
});

describe('emulator update: status modes', () => {
  it('upstream: a plain update ignores status', async () => {
    const emu = await start({ statusMode: 'upstream' });
    const { id } = emu.insert(RICH);
    const r = await call(emu, 'PUT', '/api/token/', { body: fullBody({ id, status: 2 }) });
    expect(r.json.data.status).toBe(1);
    expect(emu.get(id)?.status).toBe(1);
  });

  it('upstream: status_only copies only status', async () => {
    const emu = await start({ statusMode: 'upstream' });
    const { id } = emu.insert(RICH);
    const r = await call(emu, 'PUT', '/api/token/?status_only=true', {
      body: { id, status: 2 },
    });
    expect(r.json.success).toBe(true);
    expect(r.json.data.status).toBe(2);
    const { key: _k, ...rest } = emu.get(id)!;
    expect(rest).toMatchObject({ ...RICH, status: 2 });
  });

  it('docs: a plain update applies status', async () => {
    const emu = await start({ statusMode: 'docs' });
    const { id } = emu.insert(RICH);
    const r = await call(emu, 'PUT', '/api/token/', { body: fullBody({ id, status: 2 }) });
    expect(r.json.data.status).toBe(2);
    expect(emu.get(id)?.status).toBe(2);
  });

  it('docs: status_only is ignored, so {id, status} wipes the key', async () => {
    const emu = await start({ statusMode: 'docs' });
    const { id } = emu.insert(RICH);
    await call(emu, 'PUT', '/api/token/?status_only=true', { body: { id, status: 2 } });
    expect(emu.get(id)).toMatchObject({
      status: 2,
      name: '',
      expired_time: 0,
      remain_quota: 0,
      model_limits: '',
      allow_ips: '',
    });
  });

  it('set() switches the mode at run time', async () => {
    const emu = await start({ statusMode: 'upstream' });
    const { id } = emu.insert(RICH);
    emu.set({ statusMode: 'docs' });
    await call(emu, 'PUT', '/api/token/', { body: fullBody({ id, status: 2 }) });
    expect(emu.get(id)?.status).toBe(2);
  });

  it('status_only still refuses a negative remain_quota in the body', async () => {
    const emu = await start({ statusMode: 'upstream' });
    const { id } = emu.insert(RICH);
    const r = await call(emu, 'PUT', '/api/token/?status_only=true', {
      body: { ...fullBody({ id, remain_quota: -10 }), status: 2 },
    });
    expect(r.json).toEqual({ success: false, message: 'Quota value cannot be negative' });
    expect(emu.get(id)?.status).toBe(1);
  });
});

describe('emulator update: enable guard', () => {
  for (const mode of ['upstream', 'docs'] as const) {
    it(`${mode}: refuses status 1 on a stored expired key, even when the body fixes expiry`, async () => {
      const emu = await start({ statusMode: mode });
      const { id } = emu.insert({ ...RICH, status: 3, expired_time: T0_S - DAY });
      for (const query of ['', '?status_only=true']) {
        const r = await call(emu, 'PUT', `/api/token/${query}`, {
          body: fullBody({ id, status: 1, expired_time: -1, name: 'fixed' }),
        });
        expect(r.json.success, query).toBe(false);
        expect(r.json.message).toMatch(/^Token has expired and cannot be enabled/);
      }
      expect(emu.get(id)).toMatchObject({ status: 3, name: 'rich', expired_time: T0_S - DAY });
    });

    it(`${mode}: refuses status 1 on a stored exhausted limited key`, async () => {
      const emu = await start({ statusMode: mode });
      const { id } = emu.insert({ ...RICH, status: 4, remain_quota: 0 });
      const r = await call(emu, 'PUT', '/api/token/?status_only=true', {
        body: fullBody({ id, status: 1, remain_quota: 1000 }),
      });
      expect(r.json.success).toBe(false);
      expect(r.json.message).toMatch(/^Token quota is exhausted and cannot be enabled/);
      expect(emu.get(id)).toMatchObject({ status: 4, remain_quota: 0 });
    });

    it(`${mode}: fix first (stored status kept), enable second`, async () => {
      const emu = await start({ statusMode: mode });
      const { id } = emu.insert({ ...RICH, status: 3, expired_time: T0_S - DAY });
      const fix = await call(emu, 'PUT', '/api/token/', {
        body: fullBody({ id, status: 3, expired_time: T0_S + DAY }),
      });
      expect(fix.json.success).toBe(true);
      const enable = await call(emu, 'PUT', '/api/token/?status_only=true', {
        body: { ...fix.json.data, status: 1 },
      });
      expect(enable.json.success).toBe(true);
      expect(emu.get(id)).toMatchObject({ status: 1, expired_time: T0_S + DAY });
    });
  }

  it('lets status 1 through for a status-4 key that is unlimited or has quota left', async () => {
    const emu = await start({ statusMode: 'upstream' });
    const a = emu.insert({ ...RICH, status: 4, remain_quota: -5, unlimited_quota: true });
    const b = emu.insert({ ...RICH, status: 4, remain_quota: 10 });
    for (const { id } of [a, b]) {
      const r = await call(emu, 'PUT', '/api/token/?status_only=true', {
        body: { id, status: 1 },
      });
      expect(r.json.success).toBe(true);
      expect(emu.get(id)?.status).toBe(1);
    }
  });

  it('only guards stored status 3 and 4: a disabled key past expiry with no quota can be enabled', async () => {
    const emu = await start({ statusMode: 'upstream' });
    const { id } = emu.insert({ ...RICH, status: 2, expired_time: T0_S - DAY, remain_quota: 0 });
    const r = await call(emu, 'PUT', '/api/token/?status_only=true', { body: { id, status: 1 } });
    expect(r.json.success).toBe(true);
    expect(emu.get(id)?.status).toBe(1);
  });

  it('lets status 1 through for a status-3 key whose expiry is in the future or never', async () => {
    const emu = await start({ statusMode: 'upstream' });
    const { id } = emu.insert({ ...RICH, status: 3, expired_time: -1 });
    const r = await call(emu, 'PUT', '/api/token/?status_only=true', { body: { id, status: 1 } });
    expect(r.json.success).toBe(true);
  });
});

describe('emulator delete', () => {
  it('soft-deletes: gone from get, list and records; a second delete is record not found', async () => {
    const emu = await start({ seed: 3 });
    const del = await call(emu, 'DELETE', '/api/token/2');
    expect(del.text).toBe('{"success":true,"message":""}');
    expect((await call(emu, 'GET', '/api/token/2')).json).toEqual({
      success: false,
      message: 'record not found',
    });
    const list = await call(emu, 'GET', '/api/token/');
    expect(list.json.data.items.map((r: { id: number }) => r.id)).toEqual([3, 1]);
    expect(emu.get(2)).toBeUndefined();
    const again = await call(emu, 'DELETE', '/api/token/2');
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ success: false, message: 'record not found' });
    expect((await call(emu, 'DELETE', '/api/token/999')).json.message).toBe('record not found');
  });

  it('never reuses a deleted id', async () => {
    const emu = await start({ seed: 2 });
    await call(emu, 'DELETE', '/api/token/2');
    await call(emu, 'POST', '/api/token/', { body: fullBody() });
    expect(emu.records().map((r) => r.id)).toEqual([1, 3]);
  });
});
