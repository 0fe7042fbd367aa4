/**
 * Injected failures (`failRate`): what a client meets between it and a real server — panics, an
 * HTML page from a proxy, resets, hangs, truncated JSON, and writes that commit although the client
 * never hears so (docs/write-protocol.md#failures-and-retries). Chosen by a seeded PRNG so a run
 * can be repeated.
 */
import { createRandom, hashSeed, pick, type Random } from './random.js';
import { FAULT_KINDS, type FaultKind, type LoggedRequest } from './types.js';

/** new-api's panic-recovery body (HTTP 500). */
export const PANIC_BODY = {
  error: {
    message:
      'Panic detected, error: runtime error: invalid memory address or nil pointer dereference',
    type: 'new_api_panic',
  },
};

/** A proxy's 502 page: HTML where JSON was expected. */
export const HTML_502_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
  '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

const WRITE_METHODS = new Set(['POST', 'PUT', 'DELETE']);

/** The request fields that say which request it is. */
type RequestKey = Pick<LoggedRequest, 'method' | 'path' | 'query' | 'body'>;

/**
 * Which request this is, apart from when it came: method, path, sorted query, and the key a
 * write body names (its id, else its name).
 */
export function requestIdentity(r: RequestKey): string {
  const query = Object.keys(r.query)
    .sort()
    .map((k) => `${k}=${r.query[k]}`)
    .join('&');
  const body =
    typeof r.body === 'object' && r.body !== null ? (r.body as Record<string, unknown>) : {};
  const target = body.id ?? body.name ?? '';
  return `${r.method} ${r.path}?${query} ${String(target)}`;
}

/** Gives each request the PRNG its fault decisions draw from. */
export type FaultSchedule = (request: RequestKey) => Random;

/**
 * A fault schedule that depends on the seed, the request's identity and how many requests with
 * that identity came before it — not on how concurrent requests for other keys interleave, so a
 * parallel client meets the same faults on every run.
 */
export function createFaultSchedule(seed: number): FaultSchedule {
  const seen = new Map<string, number>();
  return (request) => {
    const identity = requestIdentity(request);
    const index = seen.get(identity) ?? 0;
    seen.set(identity, index + 1);
    return createRandom(hashSeed(seed, `${identity}#${index}`));
  };
}

/**
 * Decides whether this request gets a fault and which. Draws one number per request, and a
 * second only when it faults, from the request's own PRNG (`createFaultSchedule`).
 * `after_commit` is only chosen for writes (a read has nothing to commit).
 */
export function chooseFault(
  random: Random,
  failRate: number,
  kinds: readonly FaultKind[] | undefined,
  method: string,
): FaultKind | undefined {
  if (failRate <= 0) return undefined;
  if (random() >= failRate) return undefined;
  const allowed = (kinds ?? FAULT_KINDS).filter(
    (k) => k !== 'after_commit' || WRITE_METHODS.has(method),
  );
  if (allowed.length === 0) return undefined;
  return pick(random, allowed);
}

/** A JSON text cut short, as a dropped proxy connection leaves it. */
export function truncateJson(json: unknown): string {
  const text = JSON.stringify(json);
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}
