/**
 * The route table, with gin's habits (docs/write-protocol.md#paths-and-redirects):
 * list/create/update end in a slash, get/delete do not, and a trailing-slash mismatch is redirected
 * (301 for GET, 307 otherwise) rather than answered. Unknown /api paths get new-api's OpenAI-style
 * 404.
 */
import type { RevealRoutes } from './types.js';

/** The endpoints the emulator serves. */
export type Endpoint =
  'list' | 'create' | 'update' | 'get' | 'delete' | 'models' | 'reveal' | 'reveal_batch';

/** Where a request goes. */
export type RouteMatch =
  | { kind: 'endpoint'; endpoint: Endpoint; id?: string; auth: boolean }
  | { kind: 'redirect'; status: 301 | 307; location: string }
  | { kind: 'not_found'; api: boolean };

const COLLECTION: Partial<Record<string, Endpoint>> = {
  GET: 'list',
  POST: 'create',
  PUT: 'update',
};
const ITEM: Partial<Record<string, Endpoint>> = { GET: 'get', DELETE: 'delete' };

/**
 * Matches a method and path (query excluded; `search` is re-attached to redirects). A reveal
 * route the server generation lacks is an unknown /api path.
 */
export function matchRoute(
  method: string,
  path: string,
  search: string,
  reveal: RevealRoutes = 'both',
): RouteMatch {
  const redirect = (to: string): RouteMatch => ({
    kind: 'redirect',
    status: method === 'GET' ? 301 : 307,
    location: to + search,
  });
  if (path === '/api/token/' && COLLECTION[method]) {
    return { kind: 'endpoint', endpoint: COLLECTION[method], auth: true };
  }
  if (path === '/api/token' && COLLECTION[method]) return redirect('/api/token/');
  if (method === 'POST' && reveal === 'both' && /^\/api\/token\/batch\/keys\/?$/.test(path)) {
    if (path.endsWith('/')) return redirect('/api/token/batch/keys');
    return { kind: 'endpoint', endpoint: 'reveal_batch', auth: true };
  }
  const revealOne = /^\/api\/token\/([^/]+)\/key(\/?)$/.exec(path);
  if (method === 'POST' && reveal !== 'none' && revealOne) {
    const [, id, slash] = revealOne;
    if (slash) return redirect(`/api/token/${id}/key`);
    return { kind: 'endpoint', endpoint: 'reveal', id: safeDecode(id ?? ''), auth: true };
  }
  const item = /^\/api\/token\/([^/]+)(\/?)$/.exec(path);
  if (item && ITEM[method]) {
    const [, id, slash] = item;
    if (slash) return redirect(`/api/token/${id}`);
    return { kind: 'endpoint', endpoint: ITEM[method], id: safeDecode(id ?? ''), auth: true };
  }
  if (method === 'GET' && path === '/api/models') {
    return { kind: 'endpoint', endpoint: 'models', auth: false };
  }
  if (method === 'GET' && path === '/api/models/') return redirect('/api/models');
  return { kind: 'not_found', api: path === '/api' || path.startsWith('/api/') };
}

/** new-api's body for an unknown /api path. */
export function notFoundBody(method: string, path: string): unknown {
  return {
    error: {
      message: `Invalid URL (${method} ${path})`,
      type: 'invalid_request_error',
      param: '',
      code: '',
    },
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
