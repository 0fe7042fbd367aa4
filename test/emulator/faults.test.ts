import { describe, expect, it } from 'vitest';
import { call, emulators, fullBody, offline } from './helpers.js';

offline();
const start = emulators();

describe('emulator faults', () => {
  it("'500' answers new-api's panic JSON", async () => {
    const emu = await start({ seed: 1, failRate: 1, faultKinds: ['500'] });
    const r = await call(emu, 'GET', '/api/token/');
    expect(r.status).toBe(500);
    expect(r.json.error.type).toBe('new_api_panic');
    expect(emu.requests()[0]).toMatchObject({ status: 500, fault: '500' });
  });

  it("'html502' answers an HTML page with 502", async () => {
    const emu = await start({ failRate: 1, faultKinds: ['html502'] });
    const r = await call(emu, 'GET', '/api/token/1');
    expect(r.status).toBe(502);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(r.text).toContain('<html>');
    expect(r.json).toBeUndefined();
  });

  it("'reset' destroys the socket without a response", async () => {
    const emu = await start({ failRate: 1, faultKinds: ['reset'] });
    await expect(call(emu, 'GET', '/api/token/')).rejects.toThrow();
    expect(emu.requests()[0]).toMatchObject({ status: 0, fault: 'reset' });
  });

  it("'hang' holds the request, then destroys the socket", async () => {
    const emu = await start({ failRate: 1, faultKinds: ['hang'], hangMs: 20 });
    await expect(call(emu, 'GET', '/api/token/')).rejects.toThrow();
    expect(emu.requests()[0]).toMatchObject({ status: 0, fault: 'hang' });
  });

  it('close() ends a request still hanging', async () => {
    const emu = await start({ failRate: 1, faultKinds: ['hang'] });
    const pending = call(emu, 'GET', '/api/token/');
    const settled = pending.then(
      () => 'answered',
      () => 'failed',
    );
    while (emu.requests().length === 0) await new Promise((r) => setImmediate(r));
    await emu.close();
    expect(await settled).toBe('failed');
  });

  it("'malformed' answers 200 with truncated JSON", async () => {
    const emu = await start({ seed: 2, failRate: 1, faultKinds: ['malformed'] });
    const r = await call(emu, 'GET', '/api/token/');
    expect(r.status).toBe(200);
    expect(r.json).toBeUndefined();
    expect(r.text.startsWith('{"success":true,"message":"","data":{"page":1')).toBe(true);
  });

  it("'malformed' on a write does not commit it", async () => {
    const emu = await start({ failRate: 1, faultKinds: ['malformed'] });
    const r = await call(emu, 'POST', '/api/token/', { body: fullBody() });
    expect(r.status).toBe(200);
    expect(r.json).toBeUndefined();
    expect(emu.records()).toEqual([]);
  });

  it("'after_commit' commits POST, PUT and DELETE although the client sees a failure", async () => {
    const emu = await start({ seed: 2, failRate: 1, faultKinds: ['after_commit'] });
    const outcome = (p: Promise<{ status: number }>) =>
      p.then(
        (r) => r.status,
        () => 'reset',
      );
    const results = [
      await outcome(call(emu, 'POST', '/api/token/', { body: fullBody({ name: 'late' }) })),
      await outcome(call(emu, 'PUT', '/api/token/', { body: fullBody({ id: 1, name: 'put' }) })),
      await outcome(call(emu, 'DELETE', '/api/token/2')),
    ];
    for (const r of results) expect([500, 'reset']).toContain(r);
    expect(emu.records().map((r) => [r.id, r.name])).toEqual([
      [1, 'put'],
      [3, 'late'],
    ]);
    expect(emu.requests().every((r) => r.fault === 'after_commit')).toBe(true);
  });

  it("never picks 'after_commit' for a read", async () => {
    const emu = await start({ seed: 1, failRate: 1, faultKinds: ['after_commit'] });
    const r = await call(emu, 'GET', '/api/token/1');
    expect(r.status).toBe(200);
    expect(r.json.success).toBe(true);
    expect(emu.requests()[0]?.fault).toBeUndefined();
  });

  it('picks faults with the seeded PRNG: the same seed gives the same pattern', async () => {
    const pattern = async (seedRandom: number) => {
      const emu = await start({
        seed: 1,
        failRate: 0.5,
        faultKinds: ['500', 'html502'],
        seedRandom,
      });
      const out: number[] = [];
      for (let i = 0; i < 24; i++) out.push((await call(emu, 'GET', '/api/token/')).status);
      return out;
    };
    const a = await pattern(7);
    expect(await pattern(7)).toEqual(a);
    expect(a).toContain(200);
    expect(a).toContain(500);
    expect(a).toContain(502);
    expect(await pattern(8)).not.toEqual(a);
  });

  it('injects nothing at failRate 0 and can be switched on with set()', async () => {
    const emu = await start({ seed: 1 });
    expect((await call(emu, 'GET', '/api/token/')).status).toBe(200);
    emu.set({ failRate: 1, faultKinds: ['500'] });
    expect((await call(emu, 'GET', '/api/token/')).status).toBe(500);
    emu.set({ failRate: 0 });
    expect((await call(emu, 'GET', '/api/token/')).status).toBe(200);
  });

  it('leaves redirects and unknown paths alone', async () => {
    const emu = await start({ failRate: 1, faultKinds: ['500'] });
    expect((await call(emu, 'GET', '/api/token')).status).toBe(301);
    expect((await call(emu, 'GET', '/api/nope')).status).toBe(404);
  });
});
