import { describe, expect, it } from 'vitest';
import { parseEmulatorOptions } from '../../src/cli/commands/emulator.js';
import { DEFAULT_REVEAL_RATE_LIMIT, MAX_REVEAL_IDS } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { call, emulators, offline, T0_MS } from './helpers.js';

offline();
const start = emulators();

const SEED = [
  { id: 1, name: 'a', key: 'sk-' + 'A'.repeat(45) },
  { id: 2, name: 'b', key: 'sk-' + 'B'.repeat(45) },
  { id: 3, name: 'c', key: 'sk-' + 'C'.repeat(45) },
];

const batch = (emu: Emulator, ids: unknown) =>
  call(emu, 'POST', '/api/token/batch/keys', { body: { ids } });
const single = (emu: Emulator, id: number | string) => call(emu, 'POST', `/api/token/${id}/key`);

describe('emulator reveal routes', () => {
  it('masks keys in list, get and update answers by default', async () => {
    const emu = await start({ seed: SEED });
    const list = await call(emu, 'GET', '/api/token/');
    expect(list.json.data.items.map((r: { key: string }) => r.key)).toEqual([
      'sk-C**********CCCC',
      'sk-B**********BBBB',
      'sk-A**********AAAA',
    ]);
    expect((await call(emu, 'GET', '/api/token/1')).json.data.key).toBe('sk-A**********AAAA');
  });

  it('POST /api/token/batch/keys maps each found id to its secret, without sk-', async () => {
    const emu = await start({ seed: SEED });
    emu.remove(3);
    const r = await batch(emu, [1, 3, 2, 99]);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      success: true,
      message: '',
      data: { keys: { '1': 'A'.repeat(45), '2': 'B'.repeat(45) } },
    });
    // What clients send is sk- + the revealed key: the emulator's stored secret.
    expect(`sk-${r.json.data.keys['1']}`).toBe(emu.get(1)?.key);
  });

  it('refuses more than MAX_REVEAL_IDS ids, none, or a body that is not {ids:[integers]}', async () => {
    const emu = await start({ seed: SEED });
    const ids = Array.from({ length: MAX_REVEAL_IDS }, (_, i) => i + 1);
    expect((await batch(emu, ids)).json.success).toBe(true);
    const over = await batch(emu, [...ids, MAX_REVEAL_IDS + 1]);
    expect(over.status).toBe(200);
    expect(over.json).toEqual({ success: false, message: 'at most 100 ids per request' });
    for (const bad of [[], ['1'], [1.5], 'x', null]) {
      expect((await batch(emu, bad)).json, JSON.stringify(bad)).toEqual({
        success: false,
        message: 'invalid parameters',
      });
    }
    const notJson = await call(emu, 'POST', '/api/token/batch/keys', { body: '{"ids":' });
    expect(notJson.json.success).toBe(false);
  });

  it('POST /api/token/{id}/key answers data.key, or "record not found"', async () => {
    const emu = await start({ seed: SEED });
    expect((await single(emu, 2)).json).toEqual({
      success: true,
      message: '',
      data: { key: 'B'.repeat(45) },
    });
    expect((await single(emu, 42)).json).toEqual({ success: false, message: 'record not found' });
    expect((await single(emu, 'x')).json.success).toBe(false);
    const slash = await call(emu, 'POST', '/api/token/2/key/');
    expect(slash.status).toBe(307);
    expect(slash.headers.get('location')).toBe('/api/token/2/key');
  });

  it('requires the access token on both routes', async () => {
    const emu = await start({ seed: SEED });
    const r = await call(emu, 'POST', '/api/token/1/key', { auth: 'wrong' });
    expect(r.status).toBe(401);
    expect(r.text).not.toContain('A'.repeat(45));
    const b = await call(emu, 'POST', '/api/token/batch/keys', { auth: null, body: { ids: [1] } });
    expect(b.status).toBe(401);
  });

  it('shares upstream\'s "critical" limit (20 per 1,200 s) between the two routes', async () => {
    expect(DEFAULT_REVEAL_RATE_LIMIT).toEqual({ requests: 20, windowSeconds: 1200 });
    let now = T0_MS;
    const emu = await start({ seed: SEED, now: () => now });
    for (let i = 0; i < 10; i++) expect((await batch(emu, [1])).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await single(emu, 1)).status).toBe(200);
    now += 200_000;
    const limited = await batch(emu, [1]);
    expect(limited.status).toBe(429);
    expect(limited.text).toBe('');
    expect(limited.headers.get('retry-after')).toBe('1000');
    expect((await single(emu, 1)).status).toBe(429);
    // Other routes are not limited by it.
    expect((await call(emu, 'GET', '/api/token/')).status).toBe(200);
    now = T0_MS + 1_200_000;
    expect((await single(emu, 1)).status).toBe(200);
  });

  it('takes --reveal-rate-limit and set({ revealRateLimit })', async () => {
    const emu = await start({ seed: SEED, revealRateLimit: { requests: 1, windowSeconds: 60 } });
    expect((await single(emu, 1)).status).toBe(200);
    expect((await single(emu, 1)).headers.get('retry-after')).toBe('60');
    emu.set({ revealRateLimit: null });
    for (let i = 0; i < 25; i++) expect((await single(emu, 1)).status).toBe(200);
    expect(parseEmulatorOptions({ revealRateLimit: '3/60' }, '/tmp').revealRateLimit).toEqual({
      requests: 3,
      windowSeconds: 60,
    });
    expect(() => parseEmulatorOptions({ revealRateLimit: '0/60' }, '/tmp')).toThrow(
      '--reveal-rate-limit must be N/SECONDS with N >= 1, e.g. 20/1200, got "0/60"',
    );
  });

  it('checks auth before the critical limit: a refused token does not spend it', async () => {
    const emu = await start({ seed: SEED, revealRateLimit: { requests: 1, windowSeconds: 60 } });
    expect((await call(emu, 'POST', '/api/token/1/key', { auth: 'bad' })).status).toBe(401);
    expect((await single(emu, 1)).status).toBe(200);
  });

  it('serves no reveal route with revealRoutes none, only the single one with single', async () => {
    const none = await start({ seed: SEED, revealRoutes: 'none' });
    for (const r of [await batch(none, [1]), await single(none, 1)]) {
      expect(r.status).toBe(404);
      expect(r.json.error.type).toBe('invalid_request_error');
      expect(r.text).not.toContain('A'.repeat(45));
    }
    expect((await single(none, 1)).json.error.message).toBe('Invalid URL (POST /api/token/1/key)');
    const one = await start({ seed: SEED, revealRoutes: 'single' });
    expect((await batch(one, [1])).status).toBe(404);
    expect((await single(one, 1)).json.data.key).toBe('A'.repeat(45));
  });

  it('maps --no-reveal and --no-batch-reveal to revealRoutes, and leaves it unset otherwise', () => {
    expect(parseEmulatorOptions({ reveal: false }, '/tmp').revealRoutes).toBe('none');
    expect(parseEmulatorOptions({ reveal: true, batchReveal: false }, '/tmp').revealRoutes).toBe(
      'single',
    );
    expect(
      parseEmulatorOptions({ reveal: true, batchReveal: true, mask: true }, '/tmp'),
    ).not.toHaveProperty('revealRoutes');
  });

  it('follows the generation unless revealRoutes is given', async () => {
    const old = await start({ seed: SEED, generation: 'upstream-2025' });
    expect((await single(old, 1)).status).toBe(404);
    const newest = await start({ seed: SEED, generation: 'upstream-2026-08' });
    const r = await call(newest, 'POST', '/api/token/batch/keys', {
      auth: `Bearer ${newest.token}`,
      body: { ids: [1] },
    });
    expect(r.json.data.keys).toEqual({ '1': 'A'.repeat(45) });
    const explicit = await start({ seed: SEED, generation: 'upstream-2025', revealRoutes: 'both' });
    expect((await batch(explicit, [2])).json.data.keys).toEqual({ '2': 'B'.repeat(45) });
    await expect(
      // @ts-expect-error: not a reveal setting
      start({ revealRoutes: 'some' }),
    ).rejects.toThrow(/revealRoutes must be both, single or none/);
  });
});
