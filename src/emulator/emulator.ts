/**
 * `startEmulator`: a local CometAPI-compatible server on 127.0.0.1 with test controls
 * (request log, out-of-band edits, simulated usage). See docs/write-protocol.md#server-facts.
 */
import type { Socket } from 'node:net';
import { generateKeys } from './generate.js';
import { createFaultSchedule } from './faults.js';
import { INT32_QUOTA_MAX, MAX_QUOTA_VALUE, type ApiContext } from './handlers.js';
import { createRandom, generateAccessToken, type Random } from './random.js';
import { SlidingWindow } from './rate-limit.js';
import { checkSeedRecords, loadSeedFileWithGroups } from './seed-file.js';
import { createEmulatorServer, type ServerState } from './server.js';
import { loadState, saveState } from './state-file.js';
import { completeRecord, KeyStore } from './store.js';
import type {
  AuthStyle,
  Emulator,
  EmulatorOptions,
  Generation,
  RateLimit,
  RevealRoutes,
  RuntimeOptions,
  SeedRecord,
  StatusMode,
  StoredKey,
} from './types.js';

/**
 * Defaults of the options (docs/write-protocol.md#listing: new-api caps an account at 1,000 keys).
 */
export const DEFAULT_MAX_KEYS = 1000;
export const DEFAULT_HANG_MS = 60_000;
export const DEFAULT_SEED_RANDOM = 42;
/** Groups available to the user unless the options or the seed file say otherwise. */
export const DEFAULT_GROUPS: readonly string[] = ['default', 'vip', 'svip', 'auto'];
/**
 * new-api's "critical" limit on the reveal routes: 20 requests per 1,200 s
 * (docs/write-protocol.md#server-facts).
 */
export const DEFAULT_REVEAL_RATE_LIMIT: Readonly<RateLimit> = { requests: 20, windowSeconds: 1200 };

/** The options a server generation sets. */
export interface GenerationSettings {
  statusMode: StatusMode;
  quotaMax: number;
  autoGroups: boolean;
  authStyle: AuthStyle;
  revealRoutes: RevealRoutes;
}

/**
 * The server generations of docs/write-protocol.md#server-facts ("Server generations seen in
 * new-api's history"):
 * - `docs`: CometAPI's documentation (status is an ordinary field), old quota max, session auth,
 *   no reveal route (none is documented).
 * - `upstream-2025`: new-api before 2026-03 (status only via `status_only`), quota max 5e14,
 *   session auth, no `auto_groups`, no reveal routes — the emulator's defaults, except that
 *   without a generation both reveal routes are served.
 * - `upstream-2026-08`: new-api since 2026-08-10: upstream status, quota max 2,147,483,647,
 *   `auto_groups` on records, PAT auth (401 with `code`, any-case Bearer, no New-Api-User),
 *   both reveal routes.
 */
export const GENERATIONS: Readonly<Record<Generation, Readonly<GenerationSettings>>> = {
  docs: {
    statusMode: 'docs',
    quotaMax: MAX_QUOTA_VALUE,
    autoGroups: false,
    authStyle: 'session',
    revealRoutes: 'none',
  },
  'upstream-2025': {
    statusMode: 'upstream',
    quotaMax: MAX_QUOTA_VALUE,
    autoGroups: false,
    authStyle: 'session',
    revealRoutes: 'none',
  },
  'upstream-2026-08': {
    statusMode: 'upstream',
    quotaMax: INT32_QUOTA_MAX,
    autoGroups: true,
    authStyle: 'pat',
    revealRoutes: 'both',
  },
};

/**
 * The generation-bound options: explicit values first, then the generation's, then the defaults
 * (upstream-2025's, but both reveal routes: docs/write-protocol.md#new-keys-secrets wants them
 * served by default).
 */
function generationSettings(o: EmulatorOptions): GenerationSettings {
  const base = GENERATIONS[o.generation ?? 'upstream-2025'];
  return {
    statusMode: o.statusMode ?? base.statusMode,
    quotaMax: o.quotaMax ?? base.quotaMax,
    autoGroups: o.autoGroups ?? base.autoGroups,
    authStyle: o.authStyle ?? base.authStyle,
    revealRoutes: o.revealRoutes ?? (o.generation ? base.revealRoutes : 'both'),
  };
}

function checkOptions(o: EmulatorOptions): void {
  const bad = (what: string) => {
    throw new RangeError(`emulator option ${what}`);
  };
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535))
    bad(`port must be an integer 0-65535, got ${o.port}`);
  if (o.failRate !== undefined && !(o.failRate >= 0 && o.failRate <= 1))
    bad(`failRate must be between 0 and 1, got ${o.failRate}`);
  if (o.latencyMs !== undefined && !(o.latencyMs >= 0)) bad(`latencyMs must be >= 0`);
  for (const [name, limit] of [
    ['rateLimit', o.rateLimit],
    ['revealRateLimit', o.revealRateLimit],
  ] as const) {
    if (limit && !(limit.requests >= 1 && limit.windowSeconds > 0))
      bad(`${name} needs requests >= 1 and windowSeconds > 0`);
  }
  if (o.maxKeys !== undefined && !(o.maxKeys >= 0)) bad('maxKeys must be >= 0');
  if (typeof o.seed === 'number' && !(Number.isInteger(o.seed) && o.seed >= 0))
    bad(`seed count must be a non-negative integer, got ${o.seed}`);
  if (o.quotaMax !== undefined && !(Number.isSafeInteger(o.quotaMax) && o.quotaMax >= 0))
    bad(`quotaMax must be a non-negative integer, got ${o.quotaMax}`);
}

/** Checks of the start-only options (not changeable by `set`). */
function checkStartOptions(o: EmulatorOptions): void {
  checkOptions(o);
  const bad = (what: string) => {
    throw new RangeError(`emulator option ${what}`);
  };
  if (o.generation !== undefined && !Object.hasOwn(GENERATIONS, o.generation))
    bad(`generation must be one of ${Object.keys(GENERATIONS).join(', ')}, got ${o.generation}`);
  if (o.authStyle !== undefined && o.authStyle !== 'session' && o.authStyle !== 'pat')
    bad(`authStyle must be session or pat, got ${String(o.authStyle)}`);
  if (o.revealRoutes !== undefined && !['both', 'single', 'none'].includes(o.revealRoutes))
    bad(`revealRoutes must be both, single or none, got ${String(o.revealRoutes)}`);
  if (o.requireUserIdHeader && generationSettings(o).authStyle === 'pat')
    bad('requireUserIdHeader needs authStyle session (pat servers never check New-Api-User)');
  if (
    o.availableGroups !== undefined &&
    !(
      Array.isArray(o.availableGroups) &&
      o.availableGroups.every((g) => typeof g === 'string' && g !== '')
    )
  )
    bad('availableGroups must be a list of non-empty group names');
}

/** The seed's records and, for a seed file with a `groups` list, the available groups. */
function seedSource(
  o: EmulatorOptions,
  random: Random,
  now: () => number,
  userId: number,
): { records: SeedRecord[]; groups?: string[] } {
  if (o.seed === undefined) return { records: [] };
  if (typeof o.seed === 'number') return { records: generateKeys(o.seed, { random, now, userId }) };
  // A bare number given as text (as `--seed N` arrives) is a count, never a file name.
  if (typeof o.seed === 'string' && /^\d+$/.test(o.seed)) {
    return { records: generateKeys(Number(o.seed), { random, now, userId }) };
  }
  if (typeof o.seed === 'string') return loadSeedFileWithGroups(o.seed);
  return { records: checkSeedRecords(o.seed, 'seed') };
}

/** Adds records: explicit ids first, so the others can take the ids after them. */
function fillStore(store: KeyStore, records: SeedRecord[], build: BuildRecord): void {
  for (const r of records) if (r.id !== undefined) store.add((id) => build(r, id), r.id);
  for (const r of records) if (r.id === undefined) store.add((id) => build(r, id));
}

type BuildRecord = (partial: Partial<StoredKey>, id: number) => StoredKey;

/** Starts the emulator on 127.0.0.1 (port 0 = any free port). */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  checkStartOptions(opts);
  const settings = generationSettings(opts);
  const now = opts.now ?? Date.now;
  const nowSec = () => Math.floor(now() / 1000);
  const userId = opts.userId ?? 1;
  const seedRandom = opts.seedRandom ?? DEFAULT_SEED_RANDOM;
  const keyRandom = createRandom(seedRandom);
  const store = new KeyStore();
  // One account: every record belongs to the emulator's user, whatever a seed says.
  // `auto_groups` exists only on servers that have it: null when a seed leaves it out.
  const build: BuildRecord = (partial, id) => {
    const { auto_groups: autoGroups, ...record } = completeRecord(partial, {
      id,
      userId,
      nowSec: nowSec(),
      random: keyRandom,
    });
    if (!settings.autoGroups) return { ...record, user_id: userId };
    return { ...record, user_id: userId, auto_groups: autoGroups ?? null };
  };

  const saved = opts.stateFile ? loadState(opts.stateFile) : undefined;
  const seed = saved ? undefined : seedSource(opts, keyRandom, now, userId);
  fillStore(store, saved?.keys ?? seed?.records ?? [], build);
  if (saved) store.nextId = Math.max(store.nextId, saved.nextId);
  const availableGroups = new Set(
    opts.availableGroups ?? saved?.groups ?? seed?.groups ?? DEFAULT_GROUPS,
  );
  for (const r of store.all()) if (r.group !== '') availableGroups.add(r.group);

  const persist = () => {
    if (opts.stateFile) {
      const groups = [...availableGroups];
      saveState(opts.stateFile, { nextId: store.nextId, keys: store.all(), groups });
    }
  };
  if (!saved) persist();

  const api: ApiContext = {
    store,
    userId,
    nowSec,
    statusMode: settings.statusMode,
    maskKeys: opts.maskKeys ?? true,
    maxKeys: opts.maxKeys ?? DEFAULT_MAX_KEYS,
    quotaMax: settings.quotaMax,
    autoGroups: settings.autoGroups,
    availableGroups,
    committed: persist,
  };
  const limiterOf = (r: RateLimit | null | undefined) =>
    r ? new SlidingWindow(r.requests, r.windowSeconds * 1000) : undefined;
  const revealLimiterOf = (r: RateLimit | null | undefined) =>
    limiterOf(r === undefined ? DEFAULT_REVEAL_RATE_LIMIT : r);
  const state: ServerState = {
    api,
    token: opts.token ?? generateAccessToken(),
    userId,
    requireUserIdHeader: opts.requireUserIdHeader ?? false,
    authStyle: settings.authStyle,
    latencyMs: opts.latencyMs ?? 0,
    gzip: opts.gzip ?? false,
    failRate: opts.failRate ?? 0,
    faultKinds: opts.faultKinds,
    faultFor: opts.faultFor,
    hangMs: opts.hangMs ?? DEFAULT_HANG_MS,
    limiter: limiterOf(opts.rateLimit),
    revealRoutes: settings.revealRoutes,
    revealLimiter: revealLimiterOf(opts.revealRateLimit),
    retryAfter: opts.retryAfter ?? true,
    // A separate stream, so faults do not shift when the seed size changes.
    faultSchedule: createFaultSchedule(seedRandom ^ 0x5bd1e995),
    now,
    sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    log: [],
    seq: 0,
    onRequest: opts.onRequest,
  };

  const hangs = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const server = createEmulatorServer(state, hangs);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const mustGet = (id: number): StoredKey => {
    const r = store.get(id);
    if (!r) throw new Error(`emulator: no live key with id ${id}`);
    return r;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    token: state.token,
    userId,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of hangs) clearTimeout(t);
        hangs.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
    requests: () => state.log.map((e) => ({ ...e })),
    clearRequests: () => {
      state.log.length = 0;
    },
    records: () => store.all(),
    get: (id) => store.get(id),
    edit: (id, patch) => {
      store.put({ ...mustGet(id), ...patch, id });
      persist();
    },
    use: (id, quota) => {
      const r = mustGet(id);
      const t = nowSec();
      r.remain_quota -= quota;
      r.used_quota += quota;
      r.accessed_time = t;
      // The server's lazy flips (docs/write-protocol.md#server-owned-changes): only on use, never
      // back.
      if (r.status === 1 && r.expired_time !== -1 && r.expired_time <= t) r.status = 3;
      else if (r.status === 1 && !r.unlimited_quota && r.remain_quota <= 0) r.status = 4;
      store.put(r);
      persist();
    },
    insert: (record) => {
      const [checked] = checkSeedRecords([record], 'insert');
      const added = store.add((id) => build(checked ?? {}, id), checked?.id);
      persist();
      return added;
    },
    remove: (id) => {
      if (!store.delete(id)) throw new Error(`emulator: no live key with id ${id}`);
      persist();
    },
    set: (o: RuntimeOptions) => {
      checkOptions(o);
      if (o.latencyMs !== undefined) state.latencyMs = o.latencyMs;
      if (o.failRate !== undefined) state.failRate = o.failRate;
      if ('faultKinds' in o) state.faultKinds = o.faultKinds;
      if ('faultFor' in o) state.faultFor = o.faultFor;
      if ('rateLimit' in o) state.limiter = limiterOf(o.rateLimit);
      if ('revealRateLimit' in o) state.revealLimiter = revealLimiterOf(o.revealRateLimit);
      if (o.statusMode !== undefined) api.statusMode = o.statusMode;
      if (o.maskKeys !== undefined) api.maskKeys = o.maskKeys;
      if (o.quotaMax !== undefined) api.quotaMax = o.quotaMax;
    },
  };
}
