import { describe, expect, it } from 'vitest';
import { GENERATIONS, INT32_QUOTA_MAX, MAX_QUOTA_VALUE } from '../../src/emulator/index.js';
import { call, emulators, fullBody, offline } from './helpers.js';

offline();
const start = emulators();

describe('emulator authStyle pat (new-api since 2026-07-20)', () => {
  it('answers 401 with code AUTH_UNAUTHORIZED for a missing or wrong token', async () => {
    const emu = await start({ authStyle: 'pat', token: 'tok-pat-1' });
    const missing = await call(emu, 'GET', '/api/token/', { auth: null });
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({
      success: false,
      code: 'AUTH_UNAUTHORIZED',
      message: 'Unauthorized, access token not provided',
    });
    for (const auth of ['wrong', 'Bearer wrong', 'Basic tok-pat-1', 'Bearer ', '']) {
      const r = await call(emu, 'GET', '/api/token/', { auth });
      expect(r.status, auth).toBe(401);
      expect(r.json.code, auth).toBe('AUTH_UNAUTHORIZED');
      expect(r.json.success, auth).toBe(false);
      expect(r.json.message, auth).toMatch(/^Unauthorized, /);
    }
    const write = await call(emu, 'POST', '/api/token/', { auth: 'wrong', body: fullBody() });
    expect(write.status).toBe(401);
    expect(emu.records()).toEqual([]);
  });

  it('accepts the raw token and Bearer in any case', async () => {
    const emu = await start({ authStyle: 'pat', token: 'tok-pat-1' });
    for (const auth of ['tok-pat-1', 'Bearer tok-pat-1', 'bearer tok-pat-1', 'BEARER tok-pat-1']) {
      const r = await call(emu, 'GET', '/api/token/', { auth });
      expect(r.status, auth).toBe(200);
      expect(r.json.success, auth).toBe(true);
    }
  });

  it('does not look at New-Api-User', async () => {
    const emu = await start({ authStyle: 'pat', userId: 5678 });
    expect((await call(emu, 'GET', '/api/token/')).status).toBe(200);
    const wrong = await call(emu, 'GET', '/api/token/', { headers: { 'New-Api-User': '1' } });
    expect(wrong.status).toBe(200);
  });

  it('refuses requireUserIdHeader with pat auth', async () => {
    await expect(start({ authStyle: 'pat', requireUserIdHeader: true })).rejects.toThrow(
      /requireUserIdHeader needs authStyle session/,
    );
    await expect(
      start({ generation: 'upstream-2026-08', requireUserIdHeader: true }),
    ).rejects.toThrow(/requireUserIdHeader/);
  });
});

describe('emulator authStyle session (the default)', () => {
  it('answers 401 without code and takes only the exact spelling Bearer', async () => {
    for (const opts of [{}, { authStyle: 'session' as const }]) {
      const emu = await start({ ...opts, token: 'tok-s' });
      const bad = await call(emu, 'GET', '/api/token/', { auth: 'wrong' });
      expect(bad.status).toBe(401);
      expect(bad.json).toEqual({ success: false, message: 'Unauthorized, invalid access token' });
      expect((await call(emu, 'GET', '/api/token/', { auth: 'Bearer tok-s' })).status).toBe(200);
      expect((await call(emu, 'GET', '/api/token/', { auth: 'bearer tok-s' })).status).toBe(401);
    }
  });
});

describe('emulator generation', () => {
  it('sets status mode, quota max, auto_groups, auth style and reveal routes together', () => {
    const rows = Object.entries(GENERATIONS).map(([name, g]) => [
      name,
      [g.statusMode, g.quotaMax, g.autoGroups, g.authStyle, g.revealRoutes],
    ]);
    expect(Object.fromEntries(rows)).toEqual({
      docs: ['docs', MAX_QUOTA_VALUE, false, 'session', 'none'],
      'upstream-2025': ['upstream', MAX_QUOTA_VALUE, false, 'session', 'none'],
      'upstream-2026-08': ['upstream', INT32_QUOTA_MAX, true, 'pat', 'both'],
    });
  });

  it('upstream-2026-08 behaves like the newest new-api over HTTP', async () => {
    const emu = await start({ generation: 'upstream-2026-08', seed: [{ id: 1, name: 'k' }] });
    const unauth = await call(emu, 'GET', '/api/token/', { auth: 'nope' });
    expect(unauth.status).toBe(401);
    expect(unauth.json.code).toBe('AUTH_UNAUTHORIZED');
    const list = await call(emu, 'GET', '/api/token/', { auth: `bearer ${emu.token}` });
    expect(list.json.data.items[0].auto_groups).toBeNull();
    const over = await call(emu, 'PUT', '/api/token/', {
      body: fullBody({ id: 1, remain_quota: INT32_QUOTA_MAX + 1 }),
    });
    expect(over.json.message).toBe(
      `Quota value exceeds valid range, maximum is ${INT32_QUOTA_MAX}`,
    );
    // upstream status: a plain update ignores status.
    const plain = await call(emu, 'PUT', '/api/token/', { body: fullBody({ id: 1, status: 2 }) });
    expect(plain.json.data.status).toBe(1);
  });

  it('docs writes status in a plain update; upstream-2025 keeps the defaults', async () => {
    const docs = await start({ generation: 'docs', seed: [{ id: 1, name: 'k' }] });
    const r = await call(docs, 'PUT', '/api/token/', { body: fullBody({ id: 1, status: 2 }) });
    expect(r.json.data.status).toBe(2);
    expect(r.json.data).not.toHaveProperty('auto_groups');
    const old = await start({ generation: 'upstream-2025', seed: [{ id: 1, name: 'k' }] });
    const big = await call(old, 'PUT', '/api/token/', {
      body: fullBody({ id: 1, status: 2, remain_quota: INT32_QUOTA_MAX + 1 }),
    });
    expect(big.json.data).toMatchObject({ status: 1, remain_quota: INT32_QUOTA_MAX + 1 });
    expect(big.json.data).not.toHaveProperty('auto_groups');
    expect((await call(old, 'GET', '/api/token/', { auth: `bearer ${old.token}` })).status).toBe(
      401,
    );
  });

  it('lets explicit options win over the generation', async () => {
    const emu = await start({
      generation: 'upstream-2026-08',
      authStyle: 'session',
      quotaMax: 10,
      autoGroups: false,
      statusMode: 'docs',
      seed: [{ id: 1, name: 'k', remain_quota: 5 }],
    });
    const bad = await call(emu, 'GET', '/api/token/', { auth: 'nope' });
    expect(bad.json).not.toHaveProperty('code');
    const r = await call(emu, 'PUT', '/api/token/', {
      body: fullBody({ id: 1, status: 2, remain_quota: 10 }),
    });
    expect(r.json.data.status).toBe(2);
    expect(r.json.data).not.toHaveProperty('auto_groups');
    const over = await call(emu, 'PUT', '/api/token/', {
      body: fullBody({ id: 1, remain_quota: 11 }),
    });
    expect(over.json.success).toBe(false);
  });

  it('refuses an unknown generation or auth style', async () => {
    // @ts-expect-error: not a generation
    await expect(start({ generation: 'upstream-2030' })).rejects.toThrow(
      /generation must be one of docs, upstream-2025, upstream-2026-08/,
    );
    // @ts-expect-error: not an auth style
    await expect(start({ authStyle: 'oauth' })).rejects.toThrow(/authStyle must be session or pat/);
  });
});
