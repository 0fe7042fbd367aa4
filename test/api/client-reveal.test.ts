import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { CometApiError } from '../../src/api/errors.js';
import { RevealUnavailableError, secretOf } from '../../src/api/reveal.js';
import { nockOnly } from '../helpers/offline.js';
import { BASE, failureOf, jsonBody, ok, setupClient } from './client-setup.js';

nockOnly();

/** Secrets that the key-shape redaction would not catch: only remembering them hides them. */
const S1 = 'rev_eal-One-1';
const S2 = 'rev_eal-Two-2';

const NOT_FOUND_ROUTE = (path: string) => ({
  error: {
    message: `Invalid URL (POST ${path})`,
    type: 'invalid_request_error',
    param: '',
    code: '',
  },
});

/** Every text an error carries: messages, stacks and fields of it and its causes. */
function textsOf(err: unknown): string {
  const out: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    out.push(current.message, current.stack ?? '', JSON.stringify({ ...current }));
    current = current.cause;
  }
  return out.join('\n');
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('revealKeys', () => {
  it('reveals with one batch call and hands on sk- secrets (ids not found left out)', async () => {
    const scope = nock(BASE)
      .post('/api/token/batch/keys', jsonBody({ ids: [5, 6, 7] }))
      .reply(200, ok({ keys: { '5': S1, '6': `sk-${S2}`, '99': 'not-asked-for' } }));
    const { client } = setupClient();
    const secrets = await client.revealKeys([5, 6, 7, 5]);
    expect([...secrets]).toEqual([
      [5, `sk-${S1}`],
      [6, `sk-${S2}`],
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('makes no call for no ids', async () => {
    const { client } = setupClient();
    expect((await client.revealKeys([])).size).toBe(0);
  });

  it('sends at most 100 ids per batch call', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => i + 1);
    const bodies: number[][] = [];
    const scope = nock(BASE)
      .post('/api/token/batch/keys')
      .times(3)
      .reply(200, (_uri, body) => {
        const asked = (body as { ids: number[] }).ids;
        bodies.push(asked);
        return ok({ keys: Object.fromEntries(asked.map((id) => [String(id), `key-of-${id}-xx`])) });
      });
    const { client } = setupClient();
    const secrets = await client.revealKeys(ids);
    expect(bodies.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(bodies.flat()).toEqual(ids);
    expect(secrets.size).toBe(250);
    expect(secrets.get(250)).toBe('sk-key-of-250-xx');
    expect(scope.isDone()).toBe(true);
  });

  it('falls back to POST /api/token/{id}/key when the batch route is missing (404)', async () => {
    const scope = nock(BASE)
      .post('/api/token/batch/keys')
      .reply(404, NOT_FOUND_ROUTE('/api/token/batch/keys'))
      .post('/api/token/5/key')
      .reply(200, ok({ key: S1 }))
      .post('/api/token/6/key')
      .reply(200, { success: false, message: 'record not found' })
      .post('/api/token/7/key')
      .reply(200, ok({ key: `sk-${S2}` }));
    const { client } = setupClient();
    const secrets = await client.revealKeys([5, 6, 7]);
    expect([...secrets]).toEqual([
      [5, `sk-${S1}`],
      [7, `sk-${S2}`],
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('after a missing batch route, asks later chunks per id without trying the batch again', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => i + 1);
    const scope = nock(BASE)
      .post('/api/token/batch/keys')
      .once()
      .reply(404, NOT_FOUND_ROUTE('/api/token/batch/keys'))
      .post(/^\/api\/token\/\d+\/key$/)
      .times(101)
      .reply(200, (uri) => ok({ key: `single-${uri.split('/')[3]}-x` }));
    const { client } = setupClient();
    const secrets = await client.revealKeys(ids);
    expect(secrets.size).toBe(101);
    expect(secrets.get(101)).toBe('sk-single-101-x');
    expect(scope.isDone()).toBe(true);
  });

  it('waits out a 429 of the critical limit and sends the reveal again', async () => {
    const scope = nock(BASE)
      .post('/api/token/batch/keys')
      .reply(429, '', { 'Retry-After': '60' })
      .post('/api/token/batch/keys')
      .reply(200, ok({ keys: { '5': S1 } }));
    const { client, clock, notices } = setupClient();
    expect((await client.revealKeys([5])).get(5)).toBe(`sk-${S1}`);
    expect(clock.sleeps).toEqual([60_000]);
    expect(notices).toEqual(['rate limited, resuming in 60 s']);
    expect(scope.isDone()).toBe(true);
  });

  it('throws RevealUnavailableError when the server has neither route', async () => {
    const scope = nock(BASE)
      .post('/api/token/batch/keys')
      .reply(404, NOT_FOUND_ROUTE('/api/token/batch/keys'))
      .post('/api/token/5/key')
      .reply(404, NOT_FOUND_ROUTE('/api/token/5/key'));
    const { client } = setupClient();
    const err = await rejectionOf(client.revealKeys([5, 6]));
    expect(err).toBeInstanceOf(RevealUnavailableError);
    const unavailable = err as RevealUnavailableError;
    expect(unavailable.message).toBe(
      'secret not available from this server (reveal it in the console)',
    );
    expect(unavailable.ids).toEqual([5, 6]);
    expect(unavailable.cause).toBeInstanceOf(CometApiError);
    expect(scope.isDone()).toBe(true);
  });

  it('treats a success:false refusal of both routes as neither route', async () => {
    nock(BASE)
      .post('/api/token/batch/keys')
      .reply(200, { success: false, message: 'no such feature' })
      .post('/api/token/5/key')
      .reply(200, { success: false, message: 'no such feature' });
    const { client } = setupClient();
    expect(await rejectionOf(client.revealKeys([5]))).toBeInstanceOf(RevealUnavailableError);
  });

  it('relays other failures as CometApiError (a batch answer without data.keys)', async () => {
    nock(BASE)
      .post('/api/token/batch/keys')
      .reply(200, ok({ items: [] }));
    const { client } = setupClient();
    const err = await failureOf(client.revealKeys([5]));
    expect(err.kind).toBe('protocol');
    expect(err.message).toContain('data.keys');
  });

  it('never lets a revealed secret reach an error message (batch map and data.key)', async () => {
    nock(BASE)
      .post('/api/token/batch/keys')
      .reply(200, ok({ keys: { '5': S1 } }))
      .post('/api/token/batch/keys')
      .reply(404, NOT_FOUND_ROUTE('/api/token/batch/keys'))
      .post('/api/token/6/key')
      .reply(200, ok({ key: S2 }))
      .get('/api/token/5')
      .reply(200, { success: false, message: `cannot read ${S1} / sk-${S1}` })
      .get('/api/token/6')
      .reply(500, { success: false, message: `panic near sk-${S2} and ${S2}` });
    const { client } = setupClient({ retries: 0 });
    await client.revealKeys([5]);
    await client.revealKeys([6]);
    const first = await failureOf(client.getKey(5));
    const second = await failureOf(client.getKey(6));
    for (const err of [first, second]) {
      const text = textsOf(err);
      expect(text).toContain('[redacted]');
      expect(text).not.toContain(S1);
      expect(text).not.toContain(S2);
    }
  });

  it('never puts a secret into the RevealUnavailableError it throws', async () => {
    nock(BASE)
      .post('/api/token/batch/keys')
      .reply(200, ok({ keys: { '5': S1 } }))
      .post('/api/token/batch/keys')
      .reply(404, NOT_FOUND_ROUTE('/api/token/batch/keys'))
      .post('/api/token/6/key')
      .reply(200, { success: false, message: `disabled; last key was ${S1}` });
    const { client } = setupClient();
    await client.revealKeys([5]);
    const err = await rejectionOf(client.revealKeys([6]));
    expect(err).toBeInstanceOf(RevealUnavailableError);
    expect(textsOf(err)).not.toContain(S1);
  });
});

describe('secretOf', () => {
  it('adds sk- unless the key already has it', () => {
    expect(secretOf('abc')).toBe('sk-abc');
    expect(secretOf('sk-abc')).toBe('sk-abc');
  });
});
