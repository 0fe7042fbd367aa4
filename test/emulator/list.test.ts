import { describe, expect, it } from 'vitest';
import { call, emulators, offline } from './helpers.js';

offline();
const start = emulators();

const ids = (items: Array<{ id: number }>) => items.map((r) => r.id);

describe('emulator list', () => {
  it('defaults to page 1 of 10, newest first, with page, page_size and total', async () => {
    const emu = await start({ seed: 25 });
    const r = await call(emu, 'GET', '/api/token/');
    expect(r.json.success).toBe(true);
    expect(r.json.message).toBe('');
    expect(r.json.data.page).toBe(1);
    expect(r.json.data.page_size).toBe(10);
    expect(r.json.data.total).toBe(25);
    expect(ids(r.json.data.items)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
  });

  it('walks pages by p and returns the rest on the last page', async () => {
    const emu = await start({ seed: 25 });
    const p3 = await call(emu, 'GET', '/api/token/?p=3&page_size=10');
    expect(p3.json.data.page).toBe(3);
    expect(ids(p3.json.data.items)).toEqual([5, 4, 3, 2, 1]);
  });

  it('caps page_size at 100 and echoes the cap', async () => {
    const emu = await start({ seed: 150 });
    const r = await call(emu, 'GET', '/api/token/?p=1&page_size=500');
    expect(r.json.data.page_size).toBe(100);
    expect(r.json.data.items).toHaveLength(100);
    expect(r.json.data.items[0].id).toBe(150);
    expect(r.json.data.total).toBe(150);
  });

  it('treats p=0, negative or junk p as 1, and junk/zero page_size as 10', async () => {
    const emu = await start({ seed: 15 });
    for (const q of ['p=0', 'p=-3', 'p=abc', 'p=1.5', '']) {
      const r = await call(emu, 'GET', `/api/token/?${q}`);
      expect(r.json.data.page, q).toBe(1);
      expect(r.json.data.items[0].id, q).toBe(15);
    }
    for (const q of ['page_size=0', 'page_size=x', 'page_size=-1']) {
      const r = await call(emu, 'GET', `/api/token/?${q}`);
      expect(r.json.data.page_size, q).toBe(10);
      expect(r.json.data.items, q).toHaveLength(10);
    }
  });

  it('answers a page past the end with items [] and the real total', async () => {
    const emu = await start({ seed: 12 });
    const r = await call(emu, 'GET', '/api/token/?p=9&page_size=10');
    expect(r.json.success).toBe(true);
    expect(r.json.data).toEqual({ page: 9, page_size: 10, total: 12, items: [] });
  });

  it('lists an empty account', async () => {
    const emu = await start();
    const r = await call(emu, 'GET', '/api/token/?p=1&page_size=100');
    expect(r.json.data).toEqual({ page: 1, page_size: 100, total: 0, items: [] });
  });

  it('leaves deleted keys out and shifts pages when keys are created', async () => {
    const emu = await start({ seed: 12 });
    emu.remove(12);
    emu.insert({ name: 'fresh' });
    const r = await call(emu, 'GET', '/api/token/?page_size=3');
    expect(ids(r.json.data.items)).toEqual([13, 11, 10]);
    expect(r.json.data.total).toBe(12);
  });

  it('returns every record field with the key masked', async () => {
    const emu = await start({ seed: 1 });
    const [item] = (await call(emu, 'GET', '/api/token/')).json.data.items;
    const stored = emu.get(1)!;
    expect(Object.keys(item)).toEqual([
      'id',
      'user_id',
      'key',
      'status',
      'name',
      'created_time',
      'accessed_time',
      'expired_time',
      'remain_quota',
      'unlimited_quota',
      'model_limits_enabled',
      'model_limits',
      'allow_ips',
      'used_quota',
      'group',
      'cross_group_retry',
      'DeletedAt',
    ]);
    expect(item.key).toBe(`${stored.key.slice(0, 4)}**********${stored.key.slice(-4)}`);
    expect(item.key).not.toBe(stored.key);
    const { key: _k, DeletedAt: _d, ...rest } = item;
    const { key: _sk, ...storedRest } = stored;
    expect(rest).toEqual(storedRest);
  });

  it('returns whole secrets when maskKeys is false', async () => {
    const emu = await start({ seed: 1, maskKeys: false });
    const [item] = (await call(emu, 'GET', '/api/token/')).json.data.items;
    expect(item.key).toBe(emu.get(1)!.key);
    expect(item.key).toMatch(/^sk-[A-Za-z0-9]{45}$/);
  });
});
