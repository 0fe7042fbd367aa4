import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { ListProgress } from '../../src/api/types.js';
import type { ServerKey } from '../../src/model.js';
import { aServerKey } from '../helpers/builders.js';
import { BASE, failureOf, listPage, listScope, ok, setupClient, wire } from './client-setup.js';
import { nockOnly } from '../helpers/offline.js';

nockOnly();

/** Keys with ids from..to, newest (highest id) first, as the server orders them. */
function keys(from: number, to: number): ServerKey[] {
  const out: ServerKey[] = [];
  for (let id = to; id >= from; id--) out.push(aServerKey({ id, name: `k${id}` }));
  return out;
}

const ids = (list: ServerKey[]) => list.map((k) => k.id).sort((a, b) => a - b);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

function pageQuery(p: number) {
  return { p: String(p), page_size: '100' };
}

describe('listKeys', () => {
  it('lists one page and strips every secret', async () => {
    const all = keys(1, 3);
    const scope = listScope([{ keys: all, secret: 'sk-unmasked-secret' }]);
    const listed = await setupClient().client.listKeys();
    expect(listed).toEqual(all);
    for (const k of listed) expect(k).not.toHaveProperty('key');
    expect(scope.isDone()).toBe(true);
  });

  it('walks every page the total and echoed page_size call for, and reports progress', async () => {
    const all = keys(1, 250);
    const scope = listScope(
      [1, 2, 3].map((p) => ({ page: p, total: 250, keys: all.slice((p - 1) * 100, p * 100) })),
    );
    const progress: ListProgress[] = [];
    const listed = await setupClient().client.listKeys({ onProgress: (x) => progress.push(x) });
    expect(ids(listed)).toEqual(range(1, 250));
    expect(progress.at(-1)).toEqual({ pagesDone: 3, pagesTotal: 3 });
    expect(scope.isDone()).toBe(true);
  });

  it('counts pages by the page_size the server echoes', async () => {
    // A server that caps pages at 10: 25 keys are 3 pages.
    const all = keys(1, 25);
    const scope = listScope(
      [1, 2, 3].map((p) => ({
        page: p,
        total: 25,
        pageSize: 10,
        keys: all.slice((p - 1) * 10, p * 10),
      })),
    );
    expect(ids(await setupClient().client.listKeys())).toEqual(range(1, 25));
    expect(scope.isDone()).toBe(true);
  });

  it('fetches the other pages concurrently, within parallelism', async () => {
    const all = keys(1, 1000);
    let inFlight = 0;
    let peak = 0;
    const fakeFetch: typeof fetch = async (input) => {
      const url = new URL(String(input));
      const p = Number(url.searchParams.get('p'));
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const body = listPage(
        all.slice((p - 1) * 100, p * 100).map((k) => wire(k)),
        { page: p, total: 1000 },
      );
      return new Response(JSON.stringify(body), { status: 200 });
    };
    const listed = await setupClient({ fetch: fakeFetch, parallelism: 4 }).client.listKeys();
    expect(listed).toHaveLength(1000);
    expect(peak).toBe(4);
  });

  it.each([
    ['data is an array', ok([])],
    ['data is missing', ok()],
    ['total is not an integer', ok({ page: 1, page_size: 100, total: '3', items: [] })],
    ['items is not an array', ok({ page: 1, page_size: 100, total: 0, items: {} })],
    ['the page is not echoed', ok({ page_size: 100, total: 0, items: [] })],
    ['page_size is missing', ok({ page: 1, total: 0, items: [] })],
  ])('refuses an unsupported list response: %s', async (_why, body) => {
    nock(BASE).get('/api/token/').query(pageQuery(1)).reply(200, body);
    const err = await failureOf(setupClient().client.listKeys());
    expect(err.kind).toBe('unsupported');
    expect(err.message).toMatch(
      /^\[GET\] \/api\/token\/\?p=1&page_size=100: HTTP 200 — unsupported list response: /,
    );
  });

  it('fails clearly on a garbage record', async () => {
    const bad = { ...aServerKey({ id: 5 }), remain_quota: 'lots' };
    nock(BASE)
      .get('/api/token/')
      .query(pageQuery(1))
      .reply(200, listPage([bad]));
    const err = await failureOf(setupClient().client.listKeys());
    expect(err.kind).toBe('protocol');
    expect(err.message).toMatch(/bad key record: key 5 has a string for "remain_quota"$/);
  });

  it('lists again when the total moves during the walk', async () => {
    const scope = listScope([
      // Walk 1: page 2 sees a key created meanwhile.
      { keys: keys(51, 150), total: 150 },
      { page: 2, keys: keys(1, 51), total: 151 },
      // Walk 2: settled.
      { keys: keys(52, 151), total: 151 },
      { page: 2, keys: keys(1, 51), total: 151 },
    ]);
    const listed = await setupClient().client.listKeys();
    expect(ids(listed)).toEqual(range(1, 151));
    expect(scope.isDone()).toBe(true);
  });

  it('de-duplicates by id, and lists again when the count is off', async () => {
    const scope = listScope([
      // Walk 1: a key deleted between the pages shifts key 101 onto page 2 as well.
      { keys: keys(101, 200), total: 200 },
      { page: 2, keys: keys(2, 101), total: 200 },
      // Walk 2: consistent, with a duplicate that de-duplication absorbs.
      { keys: keys(101, 200), total: 200 },
      { page: 2, keys: [...keys(1, 100), aServerKey({ id: 101, name: 'k101' })], total: 200 },
    ]);
    const listed = await setupClient().client.listKeys();
    expect(listed).toHaveLength(200);
    expect(ids(listed)).toEqual(range(1, 200));
    expect(scope.isDone()).toBe(true);
  });

  it('fails clearly after three walks that never settle', async () => {
    const scope = listScope(Array.from({ length: 3 }, () => ({ keys: keys(1, 9), total: 10 })));
    const err = await failureOf(setupClient().client.listKeys());
    expect(err.message).toMatch(
      /the key list did not settle after 3 walks \(9 distinct keys listed, but the total is 10\)/,
    );
    expect(scope.isDone()).toBe(true);
  });
});

describe('listKeys: maxListKeys', () => {
  it('fails after page 1 when the server claims more keys than maxListKeys', async () => {
    const scope = nock(BASE)
      .get('/api/token/')
      .query(pageQuery(1))
      .reply(
        200,
        listPage(
          keys(1, 100).map((k) => wire(k)),
          { page: 1, total: 10_000_000 },
        ),
      );
    const err = await failureOf(setupClient().client.listKeys());
    expect(err.kind).toBe('unsupported');
    expect(err.message).toBe(
      '[GET] /api/token/?p=1&page_size=100: HTTP 200 — the account reports 10000000 keys, more than maxListKeys (100000); raise the setting if that is real',
    );
    // Only page 1 was asked for: no walk of 100,000 pages.
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('takes a lower maxListKeys from the options', async () => {
    nock(BASE)
      .get('/api/token/')
      .query(pageQuery(1))
      .reply(
        200,
        listPage(
          keys(1, 100).map((k) => wire(k)),
          { page: 1, total: 250 },
        ),
      );
    const err = await failureOf(setupClient({ maxListKeys: 200 }).client.listKeys());
    expect(err.message).toContain('more than maxListKeys (200)');
  });
});
