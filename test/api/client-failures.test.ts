import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { AccessTokenError, accessTokenProblem } from '../../src/api/token.js';
import { CometkeysError } from '../../src/errors.js';
import { aServerKey } from '../helpers/builders.js';
import { BASE, TOKEN, failureOf, ok, setupClient, socketError, wire } from './client-setup.js';
import { nockOnly } from '../helpers/offline.js';

nockOnly();

const KEY = aServerKey({ id: 42, name: 'backend' });

describe('requests', () => {
  it('sends the token raw, Accept JSON, and no New-Api-User without a user id', async () => {
    const scope = nock(BASE, {
      reqheaders: { authorization: TOKEN, accept: 'application/json' },
      badheaders: ['new-api-user'],
    })
      .get('/api/token/42')
      .reply(200, ok(wire(KEY)));
    const { client } = setupClient();
    const got = await client.getKey(42);
    expect(got).toEqual(KEY);
    expect(got).not.toHaveProperty('key');
    expect(scope.isDone()).toBe(true);
  });

  it('sends New-Api-User when a user id is set', async () => {
    const scope = nock(BASE, { reqheaders: { 'new-api-user': '5678' } })
      .get('/api/token/42')
      .reply(200, ok(wire(KEY)));
    await setupClient({ userId: 5678 }).client.getKey(42);
    expect(scope.isDone()).toBe(true);
  });

  it('refuses a base URL with a path before any request', () => {
    expect(() => setupClient({ baseUrl: `${BASE}/comet/` })).toThrow(
      /must be an origin without a path/,
    );
  });
});

describe('auth', () => {
  it('401 without a user id: kind auth, the server message and a hint, not retried', async () => {
    const scope = nock(BASE)
      .get('/api/token/42')
      .reply(401, { success: false, message: 'Unauthorized, New-Api-User header not provided' });
    const err = await failureOf(setupClient().client.getKey(42));
    expect(err.kind).toBe('auth');
    expect(err.status).toBe(401);
    expect(err.message).toBe(
      '[GET] /api/token/42: HTTP 401 — Unauthorized, New-Api-User header not provided ' +
        '(hint: check COMETAPI_ACCESS_TOKEN (a missing, mistyped or revoked token is the usual ' +
        'cause); older servers also require your numeric user id: set COMETAPI_USER_ID)',
    );
    expect(scope.isDone()).toBe(true);
  });

  it('401 with a user id: no hint', async () => {
    nock(BASE)
      .get('/api/token/42')
      .reply(401, { success: false, message: 'Unauthorized, invalid access token' });
    const err = await failureOf(setupClient({ userId: 1 }).client.getKey(42));
    expect(err.kind).toBe('auth');
    expect(err.serverMessage).toBe('Unauthorized, invalid access token');
    expect(err.message).not.toMatch(/COMETAPI_USER_ID/);
    expect(err.message).toMatch(/hint: check COMETAPI_ACCESS_TOKEN/);
  });

  it('401 with a code (newest servers): the hint names the token first', async () => {
    nock(BASE).get('/api/token/42').reply(401, {
      success: false,
      code: 'AUTH_UNAUTHORIZED',
      message: 'invalid token',
    });
    const err = await failureOf(setupClient().client.getKey(42));
    expect(err.kind).toBe('auth');
    const hint = err.message.slice(err.message.indexOf('(hint:'));
    expect(hint.indexOf('COMETAPI_ACCESS_TOKEN')).toBeGreaterThan(0);
    expect(hint.indexOf('COMETAPI_ACCESS_TOKEN')).toBeLessThan(hint.indexOf('COMETAPI_USER_ID'));
  });

  it('403 is auth too', async () => {
    nock(BASE).delete('/api/token/42').reply(403, '');
    const err = await failureOf(setupClient().client.deleteKey(42));
    expect(err.kind).toBe('auth');
    expect(err.message).toBe('[DELETE] /api/token/42: HTTP 403 — empty body');
  });
});

describe('envelopes', () => {
  it('success:false at HTTP 200 relays the message', async () => {
    const scope = nock(BASE)
      .put('/api/token/')
      .reply(200, { success: false, message: 'Token name is too long' });
    const { client } = setupClient();
    const { buildUpdateBody } = await import('../../src/api/body.js');
    const err = await failureOf(client.updateKey(buildUpdateBody(KEY, { name: 'x' }), KEY));
    expect(err.kind).toBe('api');
    expect(err.status).toBe(200);
    expect(err.serverMessage).toBe('Token name is too long');
    expect(err.message).toBe('[PUT] /api/token/: HTTP 200 success:false — Token name is too long');
    expect(scope.isDone()).toBe(true);
  });

  it('success:false with an HTTP error status is still relayed', async () => {
    nock(BASE).get('/api/token/42').reply(400, { success: false, message: 'bad id' });
    const err = await failureOf(setupClient().client.getKey(42));
    expect(err.kind).toBe('http');
    expect(err.message).toBe('[GET] /api/token/42: HTTP 400 — bad id');
  });

  it.each([
    ['malformed JSON', '{"success": tru', 'malformed JSON'],
    ['an empty body', '', 'empty body'],
    ['an HTML page', '<!doctype html><p>hi</p>', 'HTML page instead of JSON'],
  ])(
    'names %s at HTTP 200, after retrying a GET whose answer was cut short',
    async (_what, body, name) => {
      const scope = nock(BASE).get('/api/token/42').times(3).reply(200, body);
      const err = await failureOf(setupClient({ retries: 2 }).client.getKey(42));
      expect(err.kind).toBe('protocol');
      expect(err.unreadable).toBe(true);
      expect(err.message).toBe(
        `[GET] /api/token/42: HTTP 200 — ${name}; gave up after 3 attempts over 750 ms`,
      );
      expect(scope.isDone()).toBe(true);
    },
  );

  it('reads a key whose first answer was cut short', async () => {
    const scope = nock(BASE)
      .get('/api/token/42')
      .reply(200, '{"success": tru')
      .get('/api/token/42')
      .reply(200, { success: true, message: '', data: KEY });
    const key = await setupClient().client.getKey(42);
    expect(key.id).toBe(KEY.id);
    expect(scope.isDone()).toBe(true);
  });

  it('names JSON without success at HTTP 200 and does not retry it', async () => {
    nock(BASE).get('/api/token/42').reply(200, '{"data": {}}');
    const err = await failureOf(setupClient().client.getKey(42));
    expect(err.kind).toBe('protocol');
    expect(err.unreadable).toBe(false);
    expect(err.message).toBe(
      '[GET] /api/token/42: HTTP 200 — not a CometAPI envelope (no boolean "success")',
    );
  });

  it('does not follow a redirect', async () => {
    const scope = nock(BASE)
      .get('/api/token/42')
      .reply(301, '', { Location: `${BASE}/api/token/42/` });
    const err = await failureOf(setupClient().client.getKey(42));
    expect(err.kind).toBe('protocol');
    expect(err.status).toBe(301);
    expect(err.message).toMatch(/redirect not followed/);
    expect(scope.isDone()).toBe(true);
  });

  it('refuses a record of the wrong shape', async () => {
    nock(BASE)
      .get('/api/token/42')
      .reply(200, ok({ ...KEY, name: 7 }));
    const err = await failureOf(setupClient().client.getKey(42));
    expect(err.message).toBe(
      '[GET] /api/token/42: HTTP 200 — bad key record: key 42 has a number for "name"',
    );
  });

  it('"record not found" is kind not_found on get, and "not_found" on delete', async () => {
    nock(BASE)
      .get('/api/token/9')
      .reply(200, { success: false, message: 'record not found' })
      .delete('/api/token/9')
      .reply(200, { success: false, message: 'record not found' })
      .delete('/api/token/10')
      .reply(200, ok());
    const { client } = setupClient();
    const err = await failureOf(client.getKey(9));
    expect(err.kind).toBe('not_found');
    expect(await client.deleteKey(9)).toBe('not_found');
    expect(await client.deleteKey(10)).toBe('deleted');
  });
});

describe('retries of GET and DELETE', () => {
  it('retries 5xx up to `retries` with doubling, jittered backoff', async () => {
    const scope = nock(BASE).get('/api/token/42').times(3).reply(500, { message: 'panic' });
    const { client, clock } = setupClient({ retries: 2, random: () => 0.5 });
    const err = await failureOf(client.getKey(42));
    expect(err.kind).toBe('http');
    expect(err.status).toBe(500);
    expect(err.message).toBe(
      '[GET] /api/token/42: HTTP 500 — panic; gave up after 3 attempts over 1.1 s',
    );
    // Base 500 ms doubling, times a jitter factor of 0.5 + random / 2.
    expect(clock.sleeps).toEqual([375, 750]);
    expect(scope.isDone()).toBe(true);
  });

  it('recovers when a retry succeeds', async () => {
    const scope = nock(BASE)
      .delete('/api/token/42')
      .reply(503, '')
      .delete('/api/token/42')
      .reply(200, ok());
    const { client, clock } = setupClient();
    expect(await client.deleteKey(42)).toBe('deleted');
    expect(clock.sleeps).toEqual([250]);
    expect(scope.isDone()).toBe(true);
  });

  it('names a 502 HTML page', async () => {
    nock(BASE).get('/api/token/42').reply(502, '<html><body>Bad Gateway</body></html>', {
      'Content-Type': 'text/html',
    });
    const err = await failureOf(setupClient({ retries: 0 }).client.getKey(42));
    expect(err.kind).toBe('http');
    expect(err.message).toBe('[GET] /api/token/42: HTTP 502 — HTML page instead of JSON');
  });

  it('retries a connection reset', async () => {
    const scope = nock(BASE)
      .get('/api/token/42')
      .replyWithError(socketError('ECONNRESET', 'socket hang up'))
      .get('/api/token/42')
      .reply(200, ok(wire(KEY)));
    expect((await setupClient().client.getKey(42)).id).toBe(42);
    expect(scope.isDone()).toBe(true);
  });

  it('reports a reset as a network error once retries are spent', async () => {
    nock(BASE).get('/api/token/42').replyWithError(socketError('ECONNRESET', 'hang up'));
    const err = await failureOf(setupClient({ retries: 0 }).client.getKey(42));
    expect(err.kind).toBe('network');
    expect(err.status).toBeNull();
    expect(err.message).toBe(
      '[GET] /api/token/42: connection reset by api.cometapi.test:443 (ECONNRESET)',
    );
  });

  it('times out an attempt that takes too long, and retries it', async () => {
    const scope = nock(BASE)
      .get('/api/token/42')
      .delay(2_000)
      .reply(200, ok(wire(KEY)))
      .get('/api/token/42')
      .reply(200, ok(wire(KEY)));
    const { client } = setupClient({ timeoutMs: 50 });
    expect((await client.getKey(42)).id).toBe(42);
    expect(scope.isDone()).toBe(true);
  });

  it('reports the timeout once retries are spent', async () => {
    nock(BASE)
      .get('/api/token/42')
      .delay(2_000)
      .reply(200, ok(wire(KEY)));
    const err = await failureOf(setupClient({ timeoutMs: 50, retries: 0 }).client.getKey(42));
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/^\[GET\] \/api\/token\/42: timed out after 50 ms/);
  });

  it('does not retry a 404', async () => {
    const scope = nock(BASE)
      .get('/api/token/42')
      .reply(404, { error: { message: 'Invalid URL (GET /api/token/42)' } });
    const err = await failureOf(setupClient().client.getKey(42));
    expect(err.kind).toBe('http');
    expect(err.serverMessage).toBe('Invalid URL (GET /api/token/42)');
    expect(scope.isDone()).toBe(true);
  });
});

describe('the token', () => {
  it('never appears in an error, even when the server echoes it', async () => {
    nock(BASE)
      .get('/api/token/42')
      .reply(200, { success: false, message: `invalid token ${TOKEN}` });
    const err = await failureOf(setupClient().client.getKey(42));
    expect(err.serverMessage).toBe('invalid token [redacted]');
  });

  it('is withheld from a cause that contains it', async () => {
    const fetchThatLeaks = () => Promise.reject(new TypeError(`bad header ${TOKEN}`));
    const err = await failureOf(
      setupClient({ fetch: fetchThatLeaks, retries: 0 }).client.getKey(42),
    );
    expect(err.kind).toBe('network');
  });

  it('a token that cannot be a header is refused up front without echoing it', () => {
    expect(() => setupClient({ token: `${TOKEN}\n` })).toThrow(/line breaks/);
    try {
      setupClient({ token: `${TOKEN}\n` });
    } catch (err) {
      expect(String((err as Error).stack)).not.toContain(TOKEN);
    }
  });

  it.each([
    ['a line break', `${TOKEN}\r\nX-Evil: 1`, /line breaks/],
    ['a control character', `${TOKEN}\u0001`, /control character/],
    ['a tab', `${TOKEN}\t`, /control character/],
    ['a character beyond Latin-1', `${TOKEN}\u20ac`, /beyond Latin-1/],
  ])('a token with %s is an AccessTokenError, not echoed', (_what, token, reason) => {
    let caught: unknown;
    try {
      setupClient({ token });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AccessTokenError);
    expect(caught).toBeInstanceOf(CometkeysError);
    expect((caught as Error).message).toMatch(reason);
    expect((caught as Error).message).not.toContain(TOKEN);
  });

  it('a token of Latin-1 characters and spaces is sent as it is', () => {
    expect(accessTokenProblem('sk-ab cd\u00e9')).toBeUndefined();
  });
});
