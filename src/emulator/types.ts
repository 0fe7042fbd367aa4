/**
 * The emulator's public types: its options, its test controls and the records it stores.
 * Behaviour follows docs/write-protocol.md#server-facts (new-api where CometAPI's docs are silent).
 */

/** The ways a request can fail on purpose when `failRate` > 0. */
export type FaultKind = '500' | 'html502' | 'reset' | 'hang' | 'malformed' | 'after_commit';

/** Every fault kind, in a fixed order (the PRNG picks by index). */
export const FAULT_KINDS: readonly FaultKind[] = [
  '500',
  'html502',
  'reset',
  'hang',
  'malformed',
  'after_commit',
];

/**
 * How updates treat `status` (docs/write-protocol.md#status-updates-differ-between-servers):
 * new-api's behaviour, or CometAPI's documentation.
 */
export type StatusMode = 'upstream' | 'docs';

/**
 * How the management API authenticates (docs/write-protocol.md#server-facts):
 * - `session` (default): new-api before 2026-07-20. A missing or wrong token is HTTP 401
 *   `{success:false, message}` without `code`; the raw token or `Bearer <token>` (that exact
 *   spelling) is accepted; `New-Api-User` is checked when `requireUserIdHeader` is set.
 * - `pat`: new-api since 2026-07-20. A missing or wrong token is HTTP 401
 *   `{success:false, code:"AUTH_UNAUTHORIZED", message}`; `Bearer` in any case is accepted;
 *   `New-Api-User` is never checked.
 */
export type AuthStyle = 'session' | 'pat';

/**
 * A server generation: a shorthand for `statusMode`, `quotaMax`, `autoGroups`, `authStyle` and
 * `revealRoutes` together (see GENERATIONS in emulator.ts). Options given explicitly override it.
 */
export type Generation = 'docs' | 'upstream-2025' | 'upstream-2026-08';

/**
 * Which reveal routes exist (docs/write-protocol.md#server-facts): `both` (new-api since
 * 2026-04-06), `single` (`POST /api/token/{id}/key` only, since 2026-03-08) or `none` (before).
 */
export type RevealRoutes = 'both' | 'single' | 'none';

/** A sliding-window limit: at most `requests` admitted in any `windowSeconds`. */
export interface RateLimit {
  requests: number;
  windowSeconds: number;
}

/** A key record as the emulator stores it: the full record, secret included. */
export interface StoredKey {
  /** Numeric identity; names repeat. */
  id: number;
  /** Owner; always the emulator's user. */
  user_id: number;
  /** The whole secret (`sk-...`, 48 characters); masked in responses unless `maskKeys` false. */
  key: string;
  /** 1 enabled, 2 disabled, 3 expired, 4 exhausted (any integer a body wrote). */
  status: number;
  name: string;
  /** Unix seconds. */
  created_time: number;
  /** Unix seconds; moves with use. */
  accessed_time: number;
  /** Unix seconds; -1 = never. */
  expired_time: number;
  remain_quota: number;
  unlimited_quota: boolean;
  model_limits_enabled: boolean;
  /** Comma-separated model ids, stored verbatim. */
  model_limits: string;
  /** Newline-separated addresses; null and "" both mean none. */
  allow_ips: string | null;
  used_quota: number;
  group: string;
  cross_group_retry: boolean;
  /**
   * Groups `group: "auto"` routes through (null = none set). Only present when the emulator
   * runs with `autoGroups` (new-api since 2026-08-01); absent otherwise.
   */
  auto_groups?: string[] | null;
}

/**
 * How each stored field is typed (`count`: an integer >= 0; `string-list`: strings or null).
 * The body decoder and the seed check derive their field lists from this one table.
 */
export type StoredFieldType =
  'int' | 'count' | 'string' | 'bool' | 'nullable-string' | 'string-list';

export const STORED_FIELD_TYPES: Record<keyof StoredKey, StoredFieldType> = {
  id: 'int',
  user_id: 'int',
  key: 'string',
  status: 'int',
  name: 'string',
  created_time: 'count',
  accessed_time: 'count',
  expired_time: 'int',
  remain_quota: 'int',
  unlimited_quota: 'bool',
  model_limits_enabled: 'bool',
  model_limits: 'string',
  allow_ips: 'nullable-string',
  used_quota: 'count',
  group: 'string',
  cross_group_retry: 'bool',
  auto_groups: 'string-list',
};

/** A seed record: any subset of a stored key; missing fields get defaults. */
export type SeedRecord = Partial<StoredKey>;

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** Port on 127.0.0.1; 0 (default) = any free port. */
  port?: number;
  /** Access token to accept; default a random `ck-emu-...`. */
  token?: string;
  /** The account's user id (default 1). */
  userId?: number;
  /** Answer 401 unless `New-Api-User` equals `userId` (some new-api versions do). */
  requireUserIdHeader?: boolean;
  /** N generated keys, explicit records, or the path of a JSON/YAML seed file. */
  seed?: number | SeedRecord[] | string;
  /** PRNG seed for generated keys and faults (default 42). */
  seedRandom?: number;
  /** Delay added to every request, in ms. */
  latencyMs?: number;
  /**
   * Gzip JSON answers of 1 KB or more when the request accepts gzip, as a server behind a proxy
   * does (default off: answers are sent as they are).
   */
  gzip?: boolean;
  /** Fraction (0..1) of /api requests that get a fault. */
  failRate?: number;
  /** Which faults may be chosen (default all). */
  faultKinds?: FaultKind[];
  /**
   * A fault for this very request, chosen by the caller (a test aiming at one step of a
   * sequence); undefined leaves the request to `failRate`. Library option only.
   */
  faultFor?: (
    request: Pick<LoggedRequest, 'method' | 'path' | 'query' | 'body'>,
  ) => FaultKind | undefined;
  /** How long a 'hang' holds the request before destroying the socket (default 60000 ms). */
  hangMs?: number;
  /** Sliding-window limit shared by all /api routes. */
  rateLimit?: RateLimit;
  /**
   * The reveal routes served (default 'both', or what `generation` sets): 'single' models
   * new-api between 2026-03-08 and 2026-04-06, 'none' servers before; a missing route is 404.
   */
  revealRoutes?: RevealRoutes;
  /**
   * new-api's "critical" limit, shared by the two reveal routes on top of `rateLimit` and
   * checked after auth (default DEFAULT_REVEAL_RATE_LIMIT, upstream's 20 per 1,200 s; null =
   * none).
   */
  revealRateLimit?: RateLimit | null;
  /** Send `Retry-After` on 429 (default true). */
  retryAfter?: boolean;
  /** Status behaviour of updates (default 'upstream', or what `generation` sets). */
  statusMode?: StatusMode;
  /**
   * Sets statusMode, quotaMax, autoGroups, authStyle and revealRoutes at once to one server
   * generation's values; any of those given explicitly wins over it.
   */
  generation?: Generation;
  /**
   * The largest `remain_quota` a create, update or status-only body of a limited key may carry
   * (default MAX_QUOTA_VALUE, 500,000,000,000,000; new-api since 2026-08-10: 2,147,483,647).
   * Seed records and out-of-band edits may hold more.
   */
  quotaMax?: number;
  /**
   * Records carry `auto_groups` (new-api since 2026-08-01): a write that omits it keeps the
   * stored value; one that sends it must send null or at most 5 distinct available groups.
   */
  autoGroups?: boolean;
  /**
   * Groups available to the user, checked against `auto_groups` in bodies. Default: the seed
   * file's `groups` list when it has one, else DEFAULT_GROUPS; the `group` of every seed record
   * is added either way.
   */
  availableGroups?: string[];
  /** How the token is checked (default 'session'; see AuthStyle). */
  authStyle?: AuthStyle;
  /** Load state from this file when it exists; save it after every write. */
  stateFile?: string;
  /** The account's key cap (default 1000). */
  maxKeys?: number;
  /** Mask secrets in responses (default true). */
  maskKeys?: boolean;
  /** Clock in ms (default Date.now). */
  now?: () => number;
  /** Waits `ms` (default setTimeout); injected by tests to observe latency without timing. */
  sleep?: (ms: number) => Promise<void>;
  /** Called once per finished request (after it is logged), e.g. for `--verbose`. */
  onRequest?: (entry: LoggedRequest) => void;
}

/** One request as the emulator saw it; the access token is never kept. */
export interface LoggedRequest {
  /** 1, 2, 3... in arrival order. */
  seq: number;
  /** Arrival time, ms (the emulator's clock). */
  time: number;
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names; `authorization` is '<redacted>'. */
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  /** HTTP status sent; 0 when the socket was destroyed without a response. */
  status: number;
  /** The envelope's `success`, when the response was one. */
  success?: boolean;
  /** The fault injected, if any. */
  fault?: FaultKind;
}

/** Options `set()` may change while the emulator runs. */
export type RuntimeOptions = Partial<
  Pick<
    EmulatorOptions,
    | 'latencyMs'
    | 'failRate'
    | 'faultKinds'
    | 'faultFor'
    | 'rateLimit'
    | 'revealRateLimit'
    | 'statusMode'
    | 'maskKeys'
    | 'quotaMax'
  >
>;

/** A running emulator and its test controls. */
export interface Emulator {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  token: string;
  userId: number;
  /** Stops listening, drops open connections and pending hangs. */
  close(): Promise<void>;
  /** Every request so far, in order. */
  requests(): LoggedRequest[];
  clearRequests(): void;
  /** Live (not deleted) records, full, id ascending. */
  records(): StoredKey[];
  /** A live record by id (a copy). */
  get(id: number): StoredKey | undefined;
  /** Out-of-band change: bypasses every check. Throws for an unknown id. */
  edit(id: number, patch: Partial<StoredKey>): void;
  /**
   * Simulated usage: remain -= quota, used += quota, accessed_time = now, then the server's
   * lazy flips for an enabled key: past expiry → 3, limited with remain <= 0 → 4.
   */
  use(id: number, quota: number): void;
  /** Out-of-band create (no cap, no checks); missing fields get defaults. */
  insert(record: Partial<StoredKey>): StoredKey;
  /** Out-of-band soft delete. Throws for an unknown id. */
  remove(id: number): void;
  /** Changes runtime behaviour. */
  set(opts: RuntimeOptions): void;
}
