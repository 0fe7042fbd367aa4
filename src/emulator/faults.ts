/**
 * Injected failures (`failRate`): what a client meets between it and a real server — panics,
 * an HTML page from a proxy, resets, hangs, truncated JSON, and writes that commit although the
 * client never hears so (SPEC §7.9). Chosen by a seeded PRNG so a run can be repeated.
 */
import { pick, type Random } from './random.js';
import { FAULT_KINDS, type FaultKind } from './types.js';

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

/**
 * Decides whether this request gets a fault and which. Draws one number per request, and a
 * second only when it faults, so the pattern depends on the request sequence alone.
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
