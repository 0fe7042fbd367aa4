/**
 * What rotation tests need from the emulator (docs/emulator.md#old-keys-and-the-clock): seeded
 * ages, a movable clock for new records, and a fault chosen for one request.
 */
import { describe, expect, it } from 'vitest';
import { call, emulators, fullBody, offline, T0_MS, T0_S } from './helpers.js';

offline();
const start = emulators();
const DAY = 86_400;

describe('the emulator for rotation', () => {
  it('keeps seeded created_time and accessed_time, and dates new keys by its clock', async () => {
    let now = T0_MS;
    const emu = await start({
      now: () => now,
      seed: [{ id: 1, name: 'old', created_time: T0_S - 100 * DAY, accessed_time: T0_S - DAY }],
    });
    expect(emu.get(1)).toMatchObject({ created_time: T0_S - 100 * DAY, accessed_time: T0_S - DAY });
    now += 3 * DAY * 1000;
    expect(
      (await call(emu, 'POST', '/api/token/', { body: fullBody({ name: 'new' }) })).json,
    ).toMatchObject({ success: true });
    const created = emu.records().find((k) => k.name === 'new');
    expect(created?.created_time).toBe(T0_S + 3 * DAY);
  });

  it('answers the requests faultFor picks with that fault, and only those', async () => {
    const emu = await start({
      seed: [{ id: 1, name: 'k' }],
      faultFor: (r) =>
        r.method === 'PUT' && (r.body as { name?: string }).name === 'k~20261126'
          ? '500'
          : undefined,
    });
    const record = (await call(emu, 'GET', '/api/token/1')).json.data as Record<string, unknown>;
    const rename = await call(emu, 'PUT', '/api/token/', {
      body: { ...record, name: 'k~20261126' },
    });
    expect(rename.status).toBe(500);
    expect(emu.get(1)?.name).toBe('k');
    const other = await call(emu, 'PUT', '/api/token/', { body: { ...record, group: 'vip' } });
    expect(other.json).toMatchObject({ success: true });
    emu.set({ faultFor: undefined });
    const again = await call(emu, 'PUT', '/api/token/', {
      body: { ...record, name: 'k~20261126' },
    });
    expect(again.json).toMatchObject({ success: true });
    expect(emu.requests().map((r) => r.fault ?? null)).toEqual([null, '500', null, null]);
  });
});
