/**
 * The CometAPI client (issue 3): composes the request layer, listing and the write protocol's
 * failure handling behind the `CometClient` interface the executor and CLI use.
 */
import {
  DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
  DEFAULT_PARALLELISM,
  DEFAULT_QUOTA_MAX_UNITS,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
} from '../config/types.js';
import type { ServerKey } from '../model.js';
import { buildStatusBody, limitRemainQuota } from './body.js';
import { CometApiError } from './errors.js';
import { createFetchTransport } from './fetch-transport.js';
import { createHttp } from './http.js';
import { createLimiter } from './limiter.js';
import { DEFAULT_MAX_LIST_KEYS, listAllKeys } from './listing.js';
import { createNodeTransport } from './node-transport.js';
import { createPacer } from './pacer.js';
import { parseRecord } from './record.js';
import { revealSecrets } from './reveal.js';
import type { CometClient, CometClientOptions } from './types.js';
import { AccessTokenError, accessTokenProblem } from './token.js';
import { checkBaseUrl } from './url.js';
import { createAndResolve, putWithRecovery } from './write.js';
import type { WriteContext } from './write.js';

/**
 * Creates a client. Throws `BaseUrlError` for a base URL it refuses (plain http to another
 * machine) and `AccessTokenError` for a token that cannot be sent as a header (not echoed).
 */
export function createCometClient(opts: CometClientOptions): CometClient {
  const baseUrl = checkBaseUrl(opts.baseUrl);
  const tokenProblem = accessTokenProblem(opts.token);
  if (tokenProblem !== undefined) throw new AccessTokenError(`the access token ${tokenProblem}`);
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retries = opts.retries ?? DEFAULT_RETRIES;
  const parallelism = opts.parallelism ?? DEFAULT_PARALLELISM;
  const transport =
    opts.transport ??
    (opts.fetch
      ? createFetchTransport(opts.fetch)
      : createNodeTransport({ maxSockets: parallelism }));
  const pacer = createPacer({
    maxRequestsPerSecond: opts.maxRequestsPerSecond,
    maxRateLimitWaitSeconds: opts.maxRateLimitWaitSeconds ?? DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
    now,
    sleep,
    ...(opts.onNotice ? { onNotice: opts.onNotice } : {}),
  });
  const http = createHttp({
    baseUrl,
    token: opts.token,
    userId: opts.userId,
    transport,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retries,
    limiter: createLimiter(parallelism),
    pacer,
    sleep,
    now,
    random: opts.random ?? Math.random,
  });

  async function getKey(id: number): Promise<ServerKey> {
    const path = `/api/token/${id}`;
    const envelope = await http.call('GET', path, undefined, 'transient');
    const parsed = parseRecord(envelope.data);
    if ('problem' in parsed || parsed.record.id !== id) {
      throw http.error({
        method: 'GET',
        path,
        status: 200,
        kind: 'protocol',
        detail: `— bad key record: ${'problem' in parsed ? parsed.problem : `id ${parsed.record.id} instead of ${id}`}`,
      });
    }
    return parsed.record;
  }

  const writes: WriteContext = { http, retries, now, sleep, getKey };
  // Every body of a limited key stays within the server's maximum
  // (docs/write-protocol.md#bodies-are-complete-records), whoever built it.
  const quotaMaxUnits = opts.quotaMaxUnits ?? DEFAULT_QUOTA_MAX_UNITS;

  return {
    listKeys: (listOpts) =>
      listAllKeys(http, listOpts?.onProgress, opts.maxListKeys ?? DEFAULT_MAX_LIST_KEYS),
    getKey,
    createKey: (fields, { highestKnownId, ...observe }) =>
      createAndResolve(writes, fields, highestKnownId, observe),
    updateKey: (body, before, observe) =>
      putWithRecovery(
        writes,
        '/api/token/',
        limitRemainQuota(body, quotaMaxUnits),
        before,
        observe,
      ),
    setStatus: (current, status, observe) =>
      putWithRecovery(
        writes,
        '/api/token/?status_only=true',
        buildStatusBody(current, status, { quotaMaxUnits }),
        current,
        observe,
      ),
    async deleteKey(id, observe) {
      try {
        const envelope = await http.call('DELETE', `/api/token/${id}`, undefined, 'transient');
        observe?.onStatus?.(envelope.status);
        return 'deleted';
      } catch (err) {
        if (err instanceof CometApiError && err.kind === 'not_found') {
          if (err.status !== null) observe?.onStatus?.(err.status);
          return 'not_found';
        }
        throw err;
      }
    },
    revealKeys: (ids) => revealSecrets(http, ids),
    rateLimitExhausted: () => pacer.exhausted(),
    quotaMaxUnits,
    close: () => http.close(),
  };
}
