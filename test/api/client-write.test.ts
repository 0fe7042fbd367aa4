import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { buildStatusBody, buildUpdateBody } from '../../src/api/body.js';
import { CREATE_SETTLE_MS, PUT_RESEND_WINDOW_MS } from '../../src/api/write.js';
import type { ServerKey } from '../../src/model.js';
import { aServerKey } from '../helpers/builders.js';
import {
  BASE,
  CI_RUNNER_FIELDS as FIELDS,
  failureOf,
  jsonBody,
  listPage,
  listScope,
  ok,
  setupClient,
  socketError,
  wire,
} from './client-setup.js';
import { nockOnly } from '../helpers/offline.js';

nockOnly();

/** The listing the server gives after the create: newest first. */
function listing(records: ServerKey[], secretOf: (k: ServerKey) => string = () => 'Ab**Yz') {
  return listPage(records.map((k) => wire(k, secretOf(k))));
}

const LIST_QUERY = { p: '1', page_size: '100' };

describe('createKey', () => {
  it('POSTs every field and resolves the new id by name above the highest known id', async () => {
    const oldTwin = aServerKey({ id: 7, ...FIELDS });
    const created = aServerKey({ id: 21, ...FIELDS });
    const other = aServerKey({ id: 22, name: 'someone-else' });
    const scope = listScope(
      [{ keys: [other, created, aServerKey({ id: 20 }), oldTwin] }],
      nock(BASE).post('/api/token/', jsonBody(FIELDS)).reply(200, ok()),
    );
    const result = await setupClient().client.createKey(FIELDS, { highestKnownId: 20 });
    expect(result.record).toEqual(created);
    expect(result.record).not.toHaveProperty('key');
    expect(result.secret).toBeNull();
    expect(scope.isDone()).toBe(true);
  });

  it('keeps the secret only when the server returned it unmasked', async () => {
    const created = aServerKey({ id: 21, ...FIELDS });
    nock(BASE)
      .post('/api/token/')
      .reply(200, ok())
      .get('/api/token/')
      .query(LIST_QUERY)
      .reply(
        200,
        listing([created], () => 'sk-fullsecret'),
      );
    const result = await setupClient().client.createKey(FIELDS, { highestKnownId: 20 });
    expect(result.secret).toBe('sk-fullsecret');
  });

  it('reads further pages only while every key on a page is new', async () => {
    const created = aServerKey({ id: 101, ...FIELDS });
    const scope = nock(BASE)
      .post('/api/token/')
      .reply(200, ok())
      .get('/api/token/')
      .query(LIST_QUERY)
      .reply(
        200,
        listPage(
          Array.from({ length: 100 }, (_, i) => wire(aServerKey({ id: 300 - i }))),
          { total: 250 },
        ),
      )
      .get('/api/token/')
      .query({ p: '2', page_size: '100' })
      .reply(
        200,
        listPage(
          [created, aServerKey({ id: 100 }), aServerKey({ id: 99 })].map((k) => wire(k)),
          { page: 2, total: 250 },
        ),
      );
    const result = await setupClient().client.createKey(FIELDS, { highestKnownId: 100 });
    expect(result.record.id).toBe(101);
    expect(scope.isDone()).toBe(true);
  });

  it('names the ids when several new keys carry the name', async () => {
    listScope(
      [{ keys: [aServerKey({ id: 31, ...FIELDS }), aServerKey({ id: 30, ...FIELDS })] }],
      nock(BASE).post('/api/token/').reply(200, ok()),
    );
    const err = await failureOf(setupClient().client.createKey(FIELDS, { highestKnownId: 20 }));
    expect(err.message).toMatch(
      /several new keys named "ci-runner" after the create \(ids 31, 30\)/,
    );
  });

  it('does not list after a refusal (success:false)', async () => {
    const scope = nock(BASE)
      .post('/api/token/')
      .reply(200, { success: false, message: 'Token name is too long' });
    const err = await failureOf(setupClient().client.createKey(FIELDS, { highestKnownId: 20 }));
    expect(err.kind).toBe('api');
    expect(scope.isDone()).toBe(true);
  });

  it('after a 5xx, waits, lists, and adopts exactly one new key — never POSTs again', async () => {
    const created = aServerKey({ id: 21, ...FIELDS });
    const scope = listScope(
      [{ keys: [created] }],
      nock(BASE).post('/api/token/').reply(502, '<html>Bad Gateway</html>'),
    );
    const { client, clock } = setupClient();
    const result = await client.createKey(FIELDS, { highestKnownId: 20 });
    expect(result.record.id).toBe(21);
    expect(clock.sleeps).toEqual([CREATE_SETTLE_MS]);
    expect(scope.isDone()).toBe(true);
  });

  it('after a timeout with no new key: "create outcome unknown", not POSTed again', async () => {
    const scope = listScope(
      [{ keys: [aServerKey({ id: 20 }), aServerKey({ id: 7, ...FIELDS })] }],
      nock(BASE).post('/api/token/').delay(2_000).reply(200, ok()),
    );
    const err = await failureOf(
      setupClient({ timeoutMs: 50 }).client.createKey(FIELDS, { highestKnownId: 20 }),
    );
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/^\[POST\] \/api\/token\/: create outcome unknown: timed out/);
    expect(scope.isDone()).toBe(true);
  });

  it('after a reset, several new keys of that name are reported with their ids', async () => {
    listScope(
      [{ keys: [aServerKey({ id: 23, ...FIELDS }), aServerKey({ id: 22, ...FIELDS })] }],
      nock(BASE).post('/api/token/').replyWithError(socketError('ECONNRESET', 'reset')),
    );
    const err = await failureOf(setupClient().client.createKey(FIELDS, { highestKnownId: 20 }));
    expect(err.message).toMatch(/ids 23, 22/);
  });

  it('sends the POST again after a refused connection: nothing was sent', async () => {
    const scope = listScope(
      [{ keys: [aServerKey({ id: 21, ...FIELDS })] }],
      nock(BASE)
        .post('/api/token/')
        .replyWithError(socketError('ECONNREFUSED', 'refused'))
        .post('/api/token/')
        .reply(200, ok()),
    );
    const result = await setupClient().client.createKey(FIELDS, { highestKnownId: 20 });
    expect(result.record.id).toBe(21);
    expect(scope.isDone()).toBe(true);
  });
});

describe('updateKey', () => {
  const before = aServerKey({ id: 42, name: 'old', allow_ips: null });
  const body = buildUpdateBody(before, { name: 'new' });
  const after = { ...before, name: 'new' };

  it('PUTs the complete body and returns the response data without the secret', async () => {
    const scope = nock(BASE)
      .put('/api/token/', jsonBody(body))
      .reply(200, ok(wire(after)));
    const got = await setupClient().client.updateKey(body, before);
    expect(got).toEqual(after);
    expect(got).not.toHaveProperty('key');
    expect(scope.isDone()).toBe(true);
  });

  it('resends the same body within 5 s of the first attempt', async () => {
    const scope = nock(BASE)
      .put('/api/token/', jsonBody(body))
      .reply(500, '')
      .put('/api/token/', jsonBody(body))
      .reply(200, ok(wire(after)));
    expect((await setupClient().client.updateKey(body, before)).name).toBe('new');
    expect(scope.isDone()).toBe(true);
  });

  it('names the attempts once a PUT that never got an answer has spent its retries', async () => {
    const scope = nock(BASE)
      .put('/api/token/', jsonBody(body))
      .times(2)
      .replyWithError(socketError('ECONNRESET', 'reset'));
    const err = await failureOf(setupClient({ retries: 1 }).client.updateKey(body, before));
    expect(err.kind).toBe('network');
    expect(err.message).toBe(
      '[PUT] /api/token/: connection reset by api.cometapi.test:443 (ECONNRESET); ' +
        'gave up after 2 attempts over 250 ms',
    );
    expect(scope.isDone()).toBe(true);
  });

  /** A PUT that fails after the server took longer than the resend window. */
  function slowFailure(clock: { advance: (ms: number) => void }) {
    return () => {
      clock.advance(PUT_RESEND_WINDOW_MS + 1_000);
      return [503, ''] as [number, string];
    };
  }

  it('past 5 s, re-reads: the intended result means done, with no second PUT', async () => {
    const { client, clock } = setupClient();
    const scope = nock(BASE)
      .put('/api/token/')
      .reply(slowFailure(clock))
      .get('/api/token/42')
      .reply(200, ok(wire({ ...after, remain_quota: 4_000_000 })));
    const got = await client.updateKey(body, before);
    expect(got.name).toBe('new');
    expect(scope.isDone()).toBe(true);
  });

  it('past 5 s, re-reads: the state before means resend', async () => {
    const { client, clock } = setupClient();
    const scope = nock(BASE)
      .put('/api/token/')
      .reply(slowFailure(clock))
      .get('/api/token/42')
      .reply(200, ok(wire({ ...before, allow_ips: '' })))
      .put('/api/token/', jsonBody(body))
      .reply(200, ok(wire(after)));
    expect((await client.updateKey(body, before)).name).toBe('new');
    expect(scope.isDone()).toBe(true);
  });

  it('past 5 s, re-reads: anything else is "changed during apply"', async () => {
    const { client, clock } = setupClient();
    const scope = nock(BASE)
      .put('/api/token/')
      .reply(slowFailure(clock))
      .get('/api/token/42')
      .reply(200, ok(wire({ ...before, group: 'vip' })));
    const err = await failureOf(client.updateKey(body, before));
    expect(err.message).toMatch(/^\[PUT\] \/api\/token\/: HTTP 503 — changed during apply/);
    expect(scope.isDone()).toBe(true);
  });

  it('counts a written remain_quota in the comparison', async () => {
    const limited = aServerKey({ id: 43, remain_quota: 10 });
    const refill = buildUpdateBody(limited, { remain_quota: 500 });
    const { client, clock } = setupClient();
    const scope = nock(BASE)
      .put('/api/token/')
      .reply(slowFailure(clock))
      .get('/api/token/43')
      .reply(200, ok(wire(limited)))
      .put('/api/token/', jsonBody(refill))
      .reply(200, ok(wire({ ...limited, remain_quota: 500 })));
    expect((await client.updateKey(refill, limited)).remain_quota).toBe(500);
    expect(scope.isDone()).toBe(true);
  });

  it('does not resend after a refusal', async () => {
    const scope = nock(BASE).put('/api/token/').reply(200, { success: false, message: 'no' });
    const err = await failureOf(setupClient().client.updateKey(body, before));
    expect(err.kind).toBe('api');
    expect(scope.isDone()).toBe(true);
  });
});

describe('setStatus', () => {
  it('a status call on a key whose quota went negative is judged done when only status took', async () => {
    const current = aServerKey({ id: 44, status: 1, remain_quota: -20, used_quota: 120 });
    const { client, clock } = setupClient();
    const scope = nock(BASE)
      .put('/api/token/')
      .query({ status_only: 'true' })
      .reply(() => {
        clock.advance(PUT_RESEND_WINDOW_MS + 1);
        return [500, ''];
      })
      // status_only copied only the status: the stored quota is still negative.
      .get('/api/token/44')
      .reply(200, ok(wire({ ...current, status: 2 })));
    expect((await client.setStatus(current, 2)).status).toBe(2);
    expect(scope.isDone()).toBe(true);
  });

  it('PUTs status_only with the current record, only status changed', async () => {
    const current = aServerKey({ id: 42, status: 1, remain_quota: -20 });
    const expected: Record<string, unknown> = { ...buildUpdateBody(current, {}), status: 2 };
    expect(expected['remain_quota']).toBe(0);
    const scope = nock(BASE)
      .put('/api/token/', jsonBody(expected))
      .query({ status_only: 'true' })
      .reply(200, ok(wire({ ...current, status: 2 })));
    const got = await setupClient().client.setStatus(current, 2);
    expect(got.status).toBe(2);
    expect(scope.isDone()).toBe(true);
  });

  it('judges an unknown outcome by re-reading, like updateKey', async () => {
    const current = aServerKey({ id: 42, status: 2 });
    const { client, clock } = setupClient();
    const scope = nock(BASE)
      .put('/api/token/', jsonBody(buildStatusBody(current, 1)))
      .query({ status_only: 'true' })
      .reply(() => {
        clock.advance(PUT_RESEND_WINDOW_MS + 1);
        return [504, ''];
      })
      .get('/api/token/42')
      .reply(200, ok(wire({ ...current, status: 1 })));
    expect((await client.setStatus(current, 1)).status).toBe(1);
    expect(scope.isDone()).toBe(true);
  });
});
