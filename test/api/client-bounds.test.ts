/** Bounds on what a server can make the client read: body size, numbers beyond 2^53. */
import { gzipSync } from 'node:zlib';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { aServerKey } from '../helpers/builders.js';
import { BASE, failureOf, listPage, ok, setupClient, wire } from './client-setup.js';
import { nockOnly } from '../helpers/offline.js';

nockOnly();

const KEY = aServerKey({ id: 42, name: 'backend' });

describe('response bounds', () => {
  it('refuses a body over 16 MB instead of reading it all', async () => {
    const huge = JSON.stringify(ok({ ...wire(KEY), name: 'x'.repeat(17 * 1024 * 1024) }));
    const scope = nock(BASE).get('/api/token/42').reply(200, huge, {
      'content-type': 'application/json',
    });
    const err = await failureOf(setupClient().client.getKey(42));
    expect(err.kind).toBe('protocol');
    expect(err.message).toBe('[GET] /api/token/42: HTTP 200 — response body larger than 16 MB');
    expect(scope.isDone()).toBe(true);
  });

  it('counts the size after decompression (a gzip bomb)', async () => {
    const bomb = gzipSync(Buffer.alloc(40 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    nock(BASE).get('/api/token/42').reply(200, bomb, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    const err = await failureOf(setupClient().client.getKey(42));
    expect(err.message).toContain('response body larger than 16 MB');
  });

  it('reads a body just under the limit', async () => {
    const big = JSON.stringify(ok({ ...wire(KEY), name: 'backend' })).padEnd(15 * 1024 * 1024, ' ');
    nock(BASE).get('/api/token/42').reply(200, big, { 'content-type': 'application/json' });
    expect((await setupClient().client.getKey(42)).name).toBe('backend');
  });

  it('refuses a number beyond 2^53 rather than rounding it', async () => {
    const text = JSON.stringify(ok(wire(KEY))).replace(
      `"remain_quota":${KEY.remain_quota}`,
      '"remain_quota":9007199254740993',
    );
    expect(text).toContain('9007199254740993');
    nock(BASE).get('/api/token/42').reply(200, text, { 'content-type': 'application/json' });
    const err = await failureOf(setupClient().client.getKey(42));
    expect(err.kind).toBe('protocol');
    expect(err.message).toBe(
      '[GET] /api/token/42: HTTP 200 — a number in the response is beyond 2^53 and cannot be read exactly',
    );
  });

  it.each([
    ['in an array in an unknown field', '"extra":[[1,2,9007199254740993]]'],
    ['deep in objects', '"extra":{"a":{"b":[{"c":-9007199254740993}]}}'],
    ['as a float that is an integer', '"extra":[1e300]'],
    ['as a value of a keys map', '"keys":{"42":9007199254740993}'],
  ])('refuses a number beyond 2^53 %s', async (_where, field) => {
    const text = JSON.stringify(ok(wire(KEY))).replace('{"id":42', `{"id":42,${field}`);
    expect(text).toContain(field);
    nock(BASE).get('/api/token/42').reply(200, text, { 'content-type': 'application/json' });
    const err = await failureOf(setupClient().client.getKey(42));
    expect(err.message).toBe(
      '[GET] /api/token/42: HTTP 200 — a number in the response is beyond 2^53 and cannot be read exactly',
    );
  });

  it('accepts the largest safe integer', async () => {
    const text = JSON.stringify(ok(wire({ ...KEY, remain_quota: Number.MAX_SAFE_INTEGER })));
    nock(BASE).get('/api/token/42').reply(200, text, { 'content-type': 'application/json' });
    expect((await setupClient().client.getKey(42)).remain_quota).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('records with a "__proto__" field', () => {
  it("keeps the prototype of the copy: no field is inherited from the server's object", async () => {
    const text = JSON.stringify(ok(wire(KEY))).replace(
      '"id":42',
      '"__proto__":{"inherited_field":"yes","allow_ips":"10.0.0.1"},"id":42',
    );
    expect(text).toContain('"__proto__"');
    nock(BASE).get('/api/token/42').reply(200, text, { 'content-type': 'application/json' });
    const key = await setupClient().client.getKey(42);
    expect(Object.getPrototypeOf(key)).toBe(Object.prototype);
    expect((key as unknown as Record<string, unknown>)['inherited_field']).toBeUndefined();
    expect(key.name).toBe('backend');
  });
});

describe('secrets in server messages', () => {
  it('redacts a key the server listed unmasked when an error message echoes it', async () => {
    const secret = 'Qw3rTy8uIoP1aSdF'; // short and unusual: only known because it was listed
    nock(BASE)
      .get('/api/token/')
      .query({ p: '1', page_size: '100' })
      .reply(200, listPage([wire(KEY, secret)]));
    nock(BASE)
      .delete('/api/token/42')
      .reply(200, { success: false, message: `cannot delete token ${secret} (sk-${secret})` });
    const { client } = setupClient();
    await client.listKeys();
    const err = await failureOf(client.deleteKey(42));
    expect(err.message).not.toContain(secret);
    expect(err.serverMessage).not.toContain(secret);
    expect(err.message).toContain('cannot delete token [redacted] ([redacted])');
  });

  it('redacts key-shaped text it never saw (sk- keys, 48-character keys)', async () => {
    const raw = 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5hJ7kL9mN1pQ3';
    expect(raw).toHaveLength(48);
    nock(BASE)
      .get('/api/token/42')
      .reply(200, { success: false, message: `bad key sk-${raw} and ${raw}, id 42` });
    const err = await failureOf(setupClient().client.getKey(42));
    expect(err.message).not.toContain(raw);
    expect(err.message).toContain('bad key [redacted] and [redacted], id 42');
  });
});
