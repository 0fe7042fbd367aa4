/**
 * The contract of the CometAPI client (implemented by `createCometClient` in ./client.ts).
 * The executor and the CLI depend on this interface only, so tests can pass fakes.
 */
import type { CreateField, ExactKeys } from '../fields.js';
import type { ServerKey } from '../model.js';
import type { Transport } from './transport.js';

/**
 * Fields a create sends: every editable field but status, explicitly
 * (docs/write-protocol.md#creates); a field managed only when declared is sent only when declared.
 */
export type CreateFields = ExactKeys<CreateValues, CreateField> & {
  auto_groups?: string[];
};

interface CreateValues {
  name: string;
  expired_time: number;
  remain_quota: number;
  unlimited_quota: boolean;
  model_limits_enabled: boolean;
  model_limits: string;
  allow_ips: string;
  group: string;
  cross_group_retry: boolean;
}

declare const completeBody: unique symbol;

/**
 * A complete update body: a full record with the read-only fields removed and planned values
 * laid over it. Only `buildUpdateBody` (./body.ts) makes one, so an incomplete body cannot be
 * written (docs/write-protocol.md#bodies-are-complete-records, #updates-replace-the-whole-record).
 */
export type UpdateBody = Readonly<Record<string, unknown>> & {
  readonly id: number;
  readonly status: number;
  readonly [completeBody]: true;
};

export interface CreateResult {
  /** The new key as found by listing after the POST (secret stripped). */
  record: ServerKey;
  /** The secret when the server returned it unmasked; null otherwise. Never print it. */
  secret: string | null;
}

export interface ListProgress {
  pagesDone: number;
  pagesTotal: number;
}

/**
 * Told the HTTP status of a write's own answer when one arrived (for the audit log's
 * `http_status`); not called when the outcome was judged by reading the key or the listing.
 */
export interface WriteObserver {
  onStatus?: (status: number) => void;
}

export interface CometClient {
  /**
   * All keys of the account, de-duplicated by id, secrets stripped
   * (docs/plan-format.md#listing-the-account).
   */
  listKeys(opts?: { onProgress?: (p: ListProgress) => void }): Promise<ServerKey[]>;
  /** One key; throws CometApiError of kind `not_found` for "record not found". */
  getKey(id: number): Promise<ServerKey>;
  /**
   * POST the key, then resolve its id by listing: the key with this name and an id above
   * `highestKnownId` (docs/write-protocol.md#creates, #failures-and-retries for failures).
   */
  createKey(
    fields: CreateFields,
    opts: { highestKnownId: number } & WriteObserver,
  ): Promise<CreateResult>;
  /**
   * Plain full update. `before` is the record the body was built from; it is used to judge a PUT
   * whose outcome is unknown (docs/write-protocol.md#failures-and-retries). Returns the response's
   * `data`.
   */
  updateKey(body: UpdateBody, before: ServerKey, observe?: WriteObserver): Promise<ServerKey>;
  /**
   * `PUT /api/token/?status_only=true` with the current record, only `status` changed
   * (docs/write-protocol.md#status-calls). Returns the response's `data`.
   */
  setStatus(current: ServerKey, status: 1 | 2, observe?: WriteObserver): Promise<ServerKey>;
  /** DELETE; "record not found" counts as done (returns 'not_found'). */
  deleteKey(id: number, observe?: WriteObserver): Promise<'deleted' | 'not_found'>;
  /**
   * The secrets of masked keys (docs/write-protocol.md#new-keys-secrets), `sk-` included, by id:
   * `POST /api/token/batch/keys` in chunks of at most 100 ids, else `POST /api/token/{id}/key` per
   * id. An id the server did not find is left out. Throws `RevealUnavailableError` (./reveal.ts)
   * when the server has neither route. Never print the secrets; errors never contain them.
   */
  revealKeys(ids: number[]): Promise<Map<number, string>>;
  /**
   * True once this client has spent `maxRateLimitWaitSeconds` paused by 429s: the executor
   * then starts no new key (docs/write-protocol.md#429-handling).
   */
  rateLimitExhausted(): boolean;
  /**
   * The largest `remain_quota` this client's update and status bodies carry (a larger one is
   * sent as this); undefined when it sends values as they are. Responses are judged by it.
   */
  readonly quotaMaxUnits?: number;
  /**
   * Closes idle connections (they never keep a process alive, but a long-lived program may want
   * them gone); the client stays usable. Optional so that fakes need not implement it.
   */
  close?(): void;
}

/** What `createCometClient` takes. */
export interface CometClientOptions {
  baseUrl: string;
  /** Access token, sent raw as `Authorization`. Never appears in errors or logs. */
  token: string;
  /** Sent as `New-Api-User` when set. */
  userId?: number;
  /**
   * Sends requests through this fetch instead of the default node:http(s) transport (keep-alive,
   * gzip; docs/configuration.md#connections).
   */
  fetch?: typeof globalThis.fetch;
  /** Injected for tests: the transport itself (./transport.ts); wins over `fetch`. */
  transport?: Transport;
  timeoutMs?: number;
  retries?: number;
  parallelism?: number;
  maxRequestsPerSecond?: number;
  maxRateLimitWaitSeconds?: number;
  /** A listing whose `total` is larger fails after page 1 (default 100000). */
  maxListKeys?: number;
  /**
   * The largest `remain_quota` an update or status body of a limited key carries (default
   * 2147483647, the newest new-api's limit; docs/write-protocol.md#bodies-are-complete-records):
   * more is sent as this.
   */
  quotaMaxUnits?: number;
  /** Injected for tests: sleeping and the clock. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** Called with human-readable notices (e.g. "rate limited, resuming in 12 s"). */
  onNotice?: (message: string) => void;
}
