import { describe, expect, it } from 'vitest';
import { call, emulators, offline, T0_MS, T0_S } from './helpers.js';

offline();
const start = emulators();

describe('emulator test controls', () => {
  it('use() moves quota and accessed_time; remain + used stays constant', async () => {
    let now = T0_MS;
    const emu = await start({ now: () => now });
    const { id } = emu.insert({ remain_quota: 100, used_quota: 5, expired_time: -1 });
    now += 60_000;
    emu.use(id, 30);
    expect(emu.get(id)).toMatchObject({
      remain_quota: 70,
      used_quota: 35,
      accessed_time: T0_S + 60,
      status: 1,
    });
  });

  it('use() flips a limited key to 4 once its quota is spent, lazily', async () => {
    const emu = await start();
    const { id } = emu.insert({ remain_quota: 10 });
    emu.use(id, 10);
    expect(emu.get(id)).toMatchObject({ status: 4, remain_quota: 0, used_quota: 10 });
  });

  it('use() never flips an unlimited key, even below zero', async () => {
    const emu = await start();
    const { id } = emu.insert({ remain_quota: 10, unlimited_quota: true });
    emu.use(id, 25);
    expect(emu.get(id)).toMatchObject({ status: 1, remain_quota: -15 });
  });

  it('use() flips a key past its expiry to 3 only when used', async () => {
    let now = T0_MS;
    const emu = await start({ now: () => now });
    const { id } = emu.insert({ expired_time: T0_S + 10 });
    now += 20_000;
    expect(emu.get(id)?.status).toBe(1);
    expect((await call(emu, 'GET', `/api/token/${id}`)).json.data.status).toBe(1);
    emu.use(id, 1);
    expect(emu.get(id)?.status).toBe(3);
  });

  it('use() leaves a disabled key disabled', async () => {
    const emu = await start();
    const { id } = emu.insert({ status: 2, remain_quota: 1 });
    emu.use(id, 5);
    expect(emu.get(id)?.status).toBe(2);
  });

  it('edit() bypasses every check and shows up in responses', async () => {
    const emu = await start();
    const { id } = emu.insert({ name: 'a' });
    emu.edit(id, { name: ' padded', remain_quota: -99, allow_ips: '1.1.1.1,2.2.2.2' });
    const r = await call(emu, 'GET', `/api/token/${id}`);
    expect(r.json.data).toMatchObject({ name: ' padded', remain_quota: -99 });
    expect(r.json.data.allow_ips).toBe('1.1.1.1,2.2.2.2');
    expect(() => emu.edit(999, { name: 'x' })).toThrow(/no live key with id 999/);
  });

  it('insert() ignores the cap; remove() soft-deletes; both refuse what cannot be', async () => {
    const emu = await start({ maxKeys: 1, seed: 1 });
    const added = emu.insert({ name: 'over-cap' });
    expect(added.id).toBe(2);
    expect(() => emu.insert({ id: 2 })).toThrow(/already exists/);
    emu.remove(1);
    expect(emu.records().map((r) => r.id)).toEqual([2]);
    expect(() => emu.remove(1)).toThrow(/no live key/);
  });

  it('records() and get() return copies', async () => {
    const emu = await start({ seed: 1 });
    emu.records()[0]!.name = 'mutated';
    emu.get(1)!.name = 'mutated';
    expect(emu.get(1)?.name).not.toBe('mutated');
  });

  it('set({ maskKeys }) switches masking at run time', async () => {
    const emu = await start({ seed: 1 });
    const secret = emu.get(1)!.key;
    expect((await call(emu, 'GET', '/api/token/1')).json.data.key).not.toBe(secret);
    emu.set({ maskKeys: false });
    expect((await call(emu, 'GET', '/api/token/1')).json.data.key).toBe(secret);
  });

  it('set() and startEmulator() reject nonsense values', async () => {
    const emu = await start();
    expect(() => emu.set({ failRate: 2 })).toThrow(/failRate/);
    await expect(start({ port: 70000 })).rejects.toThrow(/port/);
    await expect(start({ seed: -1 })).rejects.toThrow(/seed/);
  });

  it('adds latency to every request, redirects and 404s included', async () => {
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
    };
    const emu = await start({ seed: 1, latencyMs: 50, sleep });
    expect((await call(emu, 'GET', '/api/token/1')).json.data.id).toBe(1);
    await call(emu, 'GET', '/api/token');
    await call(emu, 'GET', '/nope');
    expect(slept).toEqual([50, 50, 50]);
    emu.set({ latencyMs: 0 });
    await call(emu, 'GET', '/api/token/1');
    expect(slept).toHaveLength(3);
  });

  it('calls onRequest once per finished request with its log entry', async () => {
    const seen: Array<[number, number]> = [];
    const emu = await start({ onRequest: (e) => seen.push([e.seq, e.status]) });
    await call(emu, 'GET', '/api/token/');
    await call(emu, 'GET', '/api/token');
    expect(seen).toEqual([
      [1, 200],
      [2, 301],
    ]);
  });
});
