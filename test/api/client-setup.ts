/** Shared set-up of the client's nock tests: one client on a fake clock, and checks. */
import nock from 'nock';
import type { ServerKey } from '../../src/model.js';
import { BASE, listPage, wire } from './client-fixtures.js';

export * from './client-fixtures.js';

/** One page of a listing: its records (sent with `secret`) and what its envelope says. */
export interface ListedPage {
  keys: readonly ServerKey[];
  /** Default 1. */
  page?: number;
  /** Default: the number of keys on the page. */
  total?: number;
  pageSize?: number;
  /** The secret each record carries (default a masked one). */
  secret?: string | ((k: ServerKey) => string);
}

/**
 * Interceptors for a listing: `GET /api/token/?p=N&page_size=100` answered with each page in
 * turn, added to `scope` (default a new one on BASE), which is returned.
 */
export function listScope(
  pages: readonly ListedPage[],
  scope: nock.Scope = nock(BASE),
): nock.Scope {
  for (const p of pages) {
    const page = p.page ?? 1;
    const secret = p.secret;
    const secretOf = typeof secret === 'function' ? secret : () => secret;
    scope
      .get('/api/token/')
      .query({ p: String(page), page_size: '100' })
      .reply(
        200,
        listPage(
          p.keys.map((k) => wire(k, secretOf(k))),
          { page, total: p.total, pageSize: p.pageSize },
        ),
      );
  }
  return scope;
}
