import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { CreateFields } from '../../src/api/types.js';
import { aServerKey, keyFields } from '../helpers/builders.js';
import { BASE, failureOf, listScope, ok, setupClient, wire } from './client-setup.js';
import { nockOnly } from '../helpers/offline.js';

nockOnly();

const KEY = aServerKey({ id: 42, name: 'backend' });

describe('429', () => {
  it('waits Retry-After seconds, says so, and retries', async () => {
    const scope = nock(BASE)
      .get('/api/token/42')
      .reply(429, '', { 'Retry-After': '7' })
      .get('/api/token/42')
      .reply(200, ok(wire(KEY)));
    const { client, clock, notices } = setupClient();
    expect((await client.getKey(42)).id).toBe(42);
    expect(clock.sleeps).toEqual([7000]);
    expect(notices).toEqual(['rate limited, resuming in 7 s']);
    expect(scope.isDone()).toBe(true);
  });

  it('waits until a Retry-After HTTP date', async () => {
    const { client, clock } = setupClient();
    const until = new Date(clock.now() + 30_000).toUTCString();
    const scope = nock(BASE)
      .get('/api/token/42')
      .reply(429, '', { 'Retry-After': until })
      .get('/api/token/42')
      .reply(200, ok(wire(KEY)));
    await client.getKey(42);
    expect(clock.sleeps).toEqual([30_000]);
    expect(scope.isDone()).toBe(true);
  });

  it('backs off 1 s, 2 s, 4 s without Retry-After', async () => {
    const scope = nock(BASE)
      .get('/api/token/42')
      .times(3)
      .reply(429, '')
      .get('/api/token/42')
      .reply(200, ok(wire(KEY)));
    const { client, clock } = setupClient();
    await client.getKey(42);
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
    expect(scope.isDone()).toBe(true);
  });

  it('does not use up retries', async () => {
    const scope = nock(BASE)
      .get('/api/token/42')
      .times(4)
      .reply(429, '', { 'Retry-After': '1' })
      .get('/api/token/42')
      .reply(500, '')
      .get('/api/token/42')
      .reply(200, ok(wire(KEY)));
    const { client } = setupClient({ retries: 1 });
    expect((await client.getKey(42)).id).toBe(42);
    expect(scope.isDone()).toBe(true);
  });

  it('retries a POST answered 429 (the server never handled it)', async () => {
    const fields: CreateFields = keyFields({ name: 'new', remain_quota: 100 });
    const created = aServerKey({ id: 50, ...fields });
    const scope = listScope(
      [{ keys: [created, KEY] }],
      nock(BASE)
        .post('/api/token/', { ...fields })
        .reply(429, '', { 'Retry-After': '2' })
        .post('/api/token/', { ...fields })
        .reply(200, ok()),
    );
    const { client, clock } = setupClient();
    const result = await client.createKey(fields, { highestKnownId: 42 });
    expect(result.record.id).toBe(50);
    expect(clock.sleeps).toEqual([2000]);
    expect(scope.isDone()).toBe(true);
  });

  it('fails with kind rate_limited once the pause budget is spent, for the whole client', async () => {
    const scope = nock(BASE)
      .get('/api/token/42')
      .reply(429, '', { 'Retry-After': '4' })
      .get('/api/token/42')
      .reply(429, '', { 'Retry-After': '4' })
      .delete('/api/token/42')
      .reply(429, '', { 'Retry-After': '1' });
    const { client } = setupClient({ maxRateLimitWaitSeconds: 5 });
    const err = await failureOf(client.getKey(42));
    expect(err.kind).toBe('rate_limited');
    expect(err.status).toBe(429);
    expect(client.rateLimitExhausted()).toBe(true);
    const next = await failureOf(client.deleteKey(42));
    expect(next.kind).toBe('rate_limited');
    expect(scope.isDone()).toBe(true);
  });

  it('holds back other requests during a pause', async () => {
    let paused!: () => void;
    const pauseBegan = new Promise<void>((resolve) => (paused = resolve));
    const { client, clock } = setupClient({ onNotice: () => paused() });
    const start = clock.now();
    let secondSentAt = 0;
    const scope = nock(BASE)
      .get('/api/token/1')
      .reply(429, '', { 'Retry-After': '10' })
      .get('/api/token/1')
      .reply(200, ok(wire(aServerKey({ id: 1 }))))
      .get('/api/token/2')
      .reply(() => {
        secondSentAt = clock.now();
        return [200, ok(wire(aServerKey({ id: 2 })))];
      });
    const first = client.getKey(1);
    await pauseBegan;
    await client.getKey(2);
    await first;
    expect(secondSentAt - start).toBe(10_000);
    expect(scope.isDone()).toBe(true);
  });
});

describe('pacing', () => {
  it('spaces requests to maxRequestsPerSecond', async () => {
    const scope = nock(BASE)
      .get('/api/token/42')
      .times(3)
      .reply(200, ok(wire(KEY)));
    const { client, clock } = setupClient({ maxRequestsPerSecond: 2 });
    for (let i = 0; i < 3; i++) await client.getKey(42);
    expect(clock.sleeps).toEqual([500, 500]);
    expect(scope.isDone()).toBe(true);
  });
});
