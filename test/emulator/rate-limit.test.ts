import { describe, expect, it } from 'vitest';
import { SlidingWindow } from '../../src/emulator/rate-limit.js';
import { call, emulators, offline, T0_MS } from './helpers.js';

offline();
const start = emulators();

describe('SlidingWindow', () => {
  it('admits N per window and says when the oldest admitted request leaves it', () => {
    const w = new SlidingWindow(2, 10_000);
    expect(w.take(0)).toEqual({ allowed: true });
    expect(w.take(3_000)).toEqual({ allowed: true });
    expect(w.take(4_000)).toEqual({ allowed: false, retryAfterSeconds: 6 });
    expect(w.take(9_500)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(w.take(10_000)).toEqual({ allowed: true });
    // The window now holds 3_000 and 10_000.
    expect(w.take(12_001)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(w.take(13_000)).toEqual({ allowed: true });
  });

  it('rounds the wait up to whole seconds, at least 1', () => {
    const w = new SlidingWindow(1, 1_500);
    w.take(0);
    expect(w.take(1)).toEqual({ allowed: false, retryAfterSeconds: 2 });
    expect(w.take(1_499)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });
});

describe('emulator rate limit', () => {
  it('answers 429 with an empty body and Retry-After once the window is full', async () => {
    let now = T0_MS;
    const emu = await start({ now: () => now, rateLimit: { requests: 3, windowSeconds: 10 } });
    for (let i = 0; i < 3; i++) expect((await call(emu, 'GET', '/api/token/')).status).toBe(200);
    now += 2_500;
    const limited = await call(emu, 'GET', '/api/token/');
    expect(limited.status).toBe(429);
    expect(limited.text).toBe('');
    expect(limited.headers.get('retry-after')).toBe('8');
    now = T0_MS + 10_000;
    expect((await call(emu, 'GET', '/api/token/')).status).toBe(200);
  });

  it('limits every /api route together, writes and the public model list included', async () => {
    const emu = await start({ rateLimit: { requests: 2, windowSeconds: 60 } });
    expect((await call(emu, 'POST', '/api/token/', { body: { name: 'a' } })).status).toBe(200);
    expect((await call(emu, 'GET', '/api/models', { auth: null })).status).toBe(200);
    const post = await call(emu, 'POST', '/api/token/', { body: { name: 'b' } });
    expect(post.status).toBe(429);
    expect(emu.records().map((r) => r.name)).toEqual(['a']);
    expect((await call(emu, 'DELETE', '/api/token/1')).status).toBe(429);
    expect(emu.requests().map((r) => r.status)).toEqual([200, 200, 429, 429]);
  });

  it('checks the limit before auth: a bad token still spends the budget', async () => {
    const emu = await start({ rateLimit: { requests: 1, windowSeconds: 60 } });
    expect((await call(emu, 'GET', '/api/token/', { auth: 'bad' })).status).toBe(401);
    expect((await call(emu, 'GET', '/api/token/')).status).toBe(429);
  });

  it('omits Retry-After when configured like older servers', async () => {
    const emu = await start({ rateLimit: { requests: 1, windowSeconds: 5 }, retryAfter: false });
    await call(emu, 'GET', '/api/token/');
    const r = await call(emu, 'GET', '/api/token/');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBeNull();
  });

  it('can be switched on and off with set()', async () => {
    const emu = await start();
    emu.set({ rateLimit: { requests: 1, windowSeconds: 60 } });
    await call(emu, 'GET', '/api/token/');
    expect((await call(emu, 'GET', '/api/token/')).status).toBe(429);
    emu.set({ rateLimit: undefined });
    expect((await call(emu, 'GET', '/api/token/')).status).toBe(200);
  });
});
