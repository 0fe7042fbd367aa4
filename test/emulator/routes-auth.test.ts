import { describe, expect, it } from 'vitest';
import { call, emulators, offline } from './helpers.js';

offline();
const start = emulators();

describe('emulator routes', () => {
  it('serves the list at /api/token/ and redirects /api/token with 301 for GET, query kept', async () => {
    const emu = await start({ seed: 3 });
    const list = await call(emu, 'GET', '/api/token/?p=1');
    expect(list.status).toBe(200);
    expect(list.json.success).toBe(true);
    const bare = await call(emu, 'GET', '/api/token?p=2&page_size=5');
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/api/token/?p=2&page_size=5');
    expect(bare.json).toBeUndefined();
  });

  it('redirects POST and PUT without the trailing slash (307) and does not write', async () => {
    const emu = await start({ seed: 1 });
    const post = await call(emu, 'POST', '/api/token', { body: { name: 'x' } });
    expect(post.status).toBe(307);
    expect(post.headers.get('location')).toBe('/api/token/');
    const put = await call(emu, 'PUT', '/api/token', { body: { id: 1, name: 'y' } });
    expect(put.status).toBe(307);
    expect(emu.records().map((r) => r.name)).not.toContain('x');
    expect(emu.get(1)?.name).not.toBe('y');
  });

  it('serves get/delete at /api/token/{id} and redirects the slashed form', async () => {
    const emu = await start({ seed: 2 });
    expect((await call(emu, 'GET', '/api/token/1')).json.data.id).toBe(1);
    const slashed = await call(emu, 'GET', '/api/token/1/');
    expect(slashed.status).toBe(301);
    expect(slashed.headers.get('location')).toBe('/api/token/1');
    const del = await call(emu, 'DELETE', '/api/token/2/');
    expect(del.status).toBe(307);
    expect(emu.get(2)).toBeDefined();
  });

  it('answers unknown /api paths and methods with an OpenAI-style 404', async () => {
    const emu = await start();
    for (const [method, path] of [
      ['GET', '/api/user/token'],
      ['PATCH', '/api/token/'],
      ['PUT', '/api/token/5'],
      // POST /api/token/5/key is a reveal route now (reveal.test.ts covers its 404 when off).
      ['GET', '/api/token/5/key'],
      ['POST', '/api/token/5/keys'],
    ] as const) {
      const r = await call(emu, method, path);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.json.error.message).toBe(`Invalid URL (${method} ${path})`);
      expect(r.json.error.type).toBe('invalid_request_error');
      expect(r.json.success).toBeUndefined();
    }
  });

  it('relays Go strconv errors for a non-numeric id as success:false', async () => {
    const emu = await start();
    const r = await call(emu, 'GET', '/api/token/abc');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      success: false,
      message: 'strconv.Atoi: parsing "abc": invalid syntax',
    });
  });

  it('serves the model catalogue without auth', async () => {
    const emu = await start();
    const r = await call(emu, 'GET', '/api/models', { auth: null });
    expect(r.status).toBe(200);
    expect(r.json.success).toBe(true);
    expect(r.json.data.map((m: { id: string }) => m.id)).toContain('gpt-4o');
  });
});

describe('emulator auth', () => {
  it('accepts the raw token and Bearer <token>', async () => {
    const emu = await start({ token: 'secret-token-1' });
    expect((await call(emu, 'GET', '/api/token/')).status).toBe(200);
    const bearer = await call(emu, 'GET', '/api/token/', { auth: 'Bearer secret-token-1' });
    expect(bearer.status).toBe(200);
    expect(bearer.json.success).toBe(true);
  });

  it('answers 401 JSON for a wrong, missing or mis-schemed token', async () => {
    const emu = await start({ token: 'secret-token-1' });
    for (const auth of ['wrong', null, 'Basic secret-token-1', 'Bearer wrong', '']) {
      const r = await call(emu, 'GET', '/api/token/', { auth });
      expect(r.status, String(auth)).toBe(401);
      expect(r.json).toEqual({ success: false, message: 'Unauthorized, invalid access token' });
    }
  });

  it('guards writes too: a POST with a wrong token creates nothing', async () => {
    const emu = await start();
    const r = await call(emu, 'POST', '/api/token/', { auth: 'nope', body: { name: 'x' } });
    expect(r.status).toBe(401);
    expect(emu.records()).toEqual([]);
  });

  it('demands New-Api-User when configured', async () => {
    const emu = await start({ requireUserIdHeader: true, userId: 5678 });
    const missing = await call(emu, 'GET', '/api/token/');
    expect(missing.status).toBe(401);
    expect(missing.json.message).toBe('Unauthorized, New-Api-User header not provided');
    const wrong = await call(emu, 'GET', '/api/token/', { headers: { 'New-Api-User': '1' } });
    expect(wrong.status).toBe(401);
    const right = await call(emu, 'GET', '/api/token/', { headers: { 'New-Api-User': '5678' } });
    expect(right.status).toBe(200);
    expect(emu.userId).toBe(5678);
  });

  it('ignores New-Api-User when not configured', async () => {
    const emu = await start();
    const r = await call(emu, 'GET', '/api/token/', { headers: { 'New-Api-User': '999' } });
    expect(r.status).toBe(200);
  });

  it('generates a ck-emu- token by default, different per start', async () => {
    const a = await start();
    const b = await start();
    expect(a.token).toMatch(/^ck-emu-[A-Za-z0-9_-]{20,}$/);
    expect(a.token).not.toBe(b.token);
  });
});

describe('emulator request log', () => {
  it('logs every request in order with redacted authorization, query, body, status', async () => {
    const emu = await start({ token: 'tok-abc' });
    await call(emu, 'GET', '/api/token/?p=2');
    await call(emu, 'POST', '/api/token/', { body: { name: 'n1' } });
    await call(emu, 'GET', '/api/token');
    await call(emu, 'GET', '/api/token/', { auth: 'bad' });
    const log = emu.requests();
    expect(log.map((r) => [r.seq, r.method, r.path, r.status, r.success])).toEqual([
      [1, 'GET', '/api/token/', 200, true],
      [2, 'POST', '/api/token/', 200, true],
      [3, 'GET', '/api/token', 301, undefined],
      [4, 'GET', '/api/token/', 401, false],
    ]);
    expect(log[0]?.query).toEqual({ p: '2' });
    expect(log[1]?.body).toEqual({ name: 'n1' });
    expect(log[0]?.headers.authorization).toBe('<redacted>');
    expect(JSON.stringify(log)).not.toContain('tok-abc');
    emu.clearRequests();
    expect(emu.requests()).toEqual([]);
  });
});
