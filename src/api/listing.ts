/**
 * Listing all keys (docs/plan-format.md#listing-the-account): page 1 decides the shape and the page
 * count, the other pages go out concurrently (the client's limiter keeps them within
 * `parallelism`), and the walk is repeated when keys were created or deleted meanwhile.
 */
import type { ServerKey } from '../model.js';
import type { Http } from './http.js';
import type { ParsedRecord } from './record.js';
import { parseRecord } from './record.js';
import type { ListProgress } from './types.js';

/** The largest page the API serves (docs/write-protocol.md#listing). */
export const LIST_PAGE_SIZE = 100;
/** Walks before giving up on a listing that keeps changing. */
export const MAX_LIST_WALKS = 3;
/** The default of the `maxListKeys` setting. */
export const DEFAULT_MAX_LIST_KEYS = 100_000;

/** One checked page. */
export interface KeyPage {
  page: number;
  pageSize: number;
  total: number;
  items: ParsedRecord[];
}

const pathOf = (page: number): string => `/api/token/?p=${page}&page_size=${LIST_PAGE_SIZE}`;

/** Fetches and checks one page; anything but the documented shape is "unsupported". */
export async function fetchPage(http: Http, page: number): Promise<KeyPage> {
  const path = pathOf(page);
  const envelope = await http.call('GET', path, undefined, 'transient');
  const unsupported = (why: string) =>
    http.error({
      method: 'GET',
      path,
      status: 200,
      kind: 'unsupported',
      detail: `— unsupported list response: ${why}`,
    });
  const data = envelope.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw unsupported('"data" is not an object with "items" and "total"');
  }
  const { total, items, page: echoed, page_size: pageSize } = data as Record<string, unknown>;
  if (!Number.isInteger(total) || (total as number) < 0) {
    throw unsupported('"total" is not a non-negative integer');
  }
  if (!Array.isArray(items)) throw unsupported('"items" is not an array');
  if (echoed !== page) throw unsupported(`asked for page ${page}, got ${JSON.stringify(echoed)}`);
  if (!Number.isInteger(pageSize) || (pageSize as number) < 1) {
    throw unsupported('"page_size" is not a positive integer');
  }
  const parsed = items.map((raw) => {
    const result = parseRecord(raw);
    if ('problem' in result) {
      throw http.error({
        method: 'GET',
        path,
        status: 200,
        kind: 'protocol',
        detail: `— bad key record: ${result.problem}`,
      });
    }
    return result;
  });
  return { page, pageSize: pageSize as number, total: total as number, items: parsed };
}

/** All keys, de-duplicated by id, secrets stripped; throws if the listing never settles. */
export async function listAllKeys(
  http: Http,
  onProgress?: (p: ListProgress) => void,
  maxListKeys = DEFAULT_MAX_LIST_KEYS,
): Promise<ServerKey[]> {
  let problem = '';
  for (let walk = 1; walk <= MAX_LIST_WALKS; walk++) {
    const first = await fetchPage(http, 1);
    if (first.total > maxListKeys) {
      // A server claiming millions of keys would have us walk its pages for hours.
      throw http.error({
        method: 'GET',
        path: pathOf(1),
        status: 200,
        kind: 'unsupported',
        detail: `— the account reports ${first.total} keys, more than maxListKeys (${maxListKeys}); raise the setting if that is real`,
      });
    }
    const pagesTotal = Math.max(1, Math.ceil(first.total / first.pageSize));
    let pagesDone = 1;
    onProgress?.({ pagesDone, pagesTotal });
    const others = await Promise.all(
      Array.from({ length: pagesTotal - 1 }, (_, i) =>
        fetchPage(http, i + 2).then((page) => {
          pagesDone++;
          onProgress?.({ pagesDone, pagesTotal });
          return page;
        }),
      ),
    );
    const byId = new Map<number, ServerKey>();
    for (const page of [first, ...others]) {
      for (const { record } of page.items) byId.set(record.id, record);
    }
    const moved = others.find((page) => page.total !== first.total);
    if (moved) {
      problem = `the total moved from ${first.total} to ${moved.total} during the walk`;
    } else if (byId.size !== first.total) {
      problem = `${byId.size} distinct keys listed, but the total is ${first.total}`;
    } else {
      return [...byId.values()];
    }
  }
  throw http.error({
    method: 'GET',
    path: '/api/token/',
    status: 200,
    kind: 'protocol',
    detail:
      `— the key list did not settle after ${MAX_LIST_WALKS} walks (${problem}); ` +
      'are keys being created or deleted right now? Try again later',
  });
}

/**
 * Keys named `name` with an id above `aboveId`, newest first, with their raw secrets: the lookup
 * after a create (docs/write-protocol.md#creates). Reads page 1 and further pages only while every
 * key on a page is newer than `aboveId`.
 */
export async function findNewKeys(
  http: Http,
  name: string,
  aboveId: number,
): Promise<ParsedRecord[]> {
  const found = new Map<number, ParsedRecord>();
  let pagesTotal = 1;
  for (let page = 1; page <= pagesTotal; page++) {
    const result = await fetchPage(http, page);
    if (page === 1) pagesTotal = Math.max(1, Math.ceil(result.total / result.pageSize));
    for (const item of result.items) {
      if (item.record.id > aboveId && item.record.name === name) found.set(item.record.id, item);
    }
    if (result.items.length === 0 || result.items.some((item) => item.record.id <= aboveId)) {
      break;
    }
  }
  return [...found.values()].sort((a, b) => b.record.id - a.record.id);
}
