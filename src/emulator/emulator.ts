/**
 * `startEmulator`: a local CometAPI-compatible server on 127.0.0.1 with test controls
 * (request log, out-of-band edits, simulated usage). See ../shared/cometapi-api.md.
 */
import type { Socket } from 'node:net';
import { generateKeys } from './generate.js';
import type { ApiContext } from './handlers.js';
import { createRandom, generateAccessToken, type Random } from './random.js';
import { SlidingWindow } from './rate-limit.js';
import { checkSeedRecords, loadSeedFile } from './seed-file.js';
import { createEmulatorServer, type ServerState } from './server.js';
import { loadState, saveState } from './state-file.js';
import { completeRecord, KeyStore } from './store.js';
import type { Emulator, EmulatorOptions, RuntimeOptions, SeedRecord, StoredKey } from './types.js';

/** Defaults of the options (cometapi-api.md: new-api caps an account at 1,000 keys). */
export const DEFAULT_MAX_KEYS = 1000;
export const DEFAULT_HANG_MS = 60_000;
export const DEFAULT_SEED_RANDOM = 42;

function checkOptions(o: EmulatorOptions): void {
  const bad = (what: string) => {
    throw new RangeError(`emulator option ${what}`);
  };
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535))
    bad(`port must be an integer 0-65535, got ${o.port}`);
  if (o.failRate !== undefined && !(o.failRate >= 0 && o.failRate <= 1))
    bad(`failRate must be between 0 and 1, got ${o.failRate}`);
  if (o.latencyMs !== undefined && !(o.latencyMs >= 0)) bad(`latencyMs must be >= 0`);
  if (o.rateLimit && !(o.rateLimit.requests >= 1 && o.rateLimit.windowSeconds > 0))
    bad('rateLimit needs requests >= 1 and windowSeconds > 0');
  if (o.maxKeys !== undefined && !(o.maxKeys >= 0)) bad('maxKeys must be >= 0');
  if (typeof o.seed === 'number' && !(Number.isInteger(o.seed) && o.seed >= 0))
    bad(`seed count must be a non-negative integer, got ${o.seed}`);
}

function seedRecords(o: EmulatorOptions, random: Random, now: () => number, userId: number) {
  if (o.seed === undefined) return [];
  if (typeof o.seed === 'number') return generateKeys(o.seed, { random, now, userId });
  // A bare number given as text (as `--seed N` arrives) is a count, never a file name.
  if (typeof o.seed === 'string' && /^\d+$/.test(o.seed)) {
    return generateKeys(Number(o.seed), { random, now, userId });
  }
  if (typeof o.seed === 'string') return loadSeedFile(o.seed);
  return checkSeedRecords(o.seed, 'seed');
}

/** Adds records: explicit ids first, so the others can take the ids after them. */
function fillStore(store: KeyStore, records: SeedRecord[], build: BuildRecord): void {
  for (const r of records) if (r.id !== undefined) store.add((id) => build(r, id), r.id);
  for (const r of records) if (r.id === undefined) store.add((id) => build(r, id));
}

type BuildRecord = (partial: Partial<StoredKey>, id: number) => StoredKey;

/** Starts the emulator on 127.0.0.1 (port 0 = any free port). */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  checkOptions(opts);
  const now = opts.now ?? Date.now;
  const nowSec = () => Math.floor(now() / 1000);
  const userId = opts.userId ?? 1;
  const seedRandom = opts.seedRandom ?? DEFAULT_SEED_RANDOM;
  const keyRandom = createRandom(seedRandom);
  const store = new KeyStore();
  // One account: every record belongs to the emulator's user, whatever a seed says.
  const build: BuildRecord = (partial, id) => ({
    ...completeRecord(partial, { id, userId, nowSec: nowSec(), random: keyRandom }),
    user_id: userId,
  });

  const persist = () => {
    if (opts.stateFile) saveState(opts.stateFile, { nextId: store.nextId, keys: store.all() });
  };
  const saved = opts.stateFile ? loadState(opts.stateFile) : undefined;
  if (saved) {
    fillStore(store, saved.keys, build);
    store.nextId = Math.max(store.nextId, saved.nextId);
  } else {
    fillStore(store, seedRecords(opts, keyRandom, now, userId), build);
    persist();
  }

  const api: ApiContext = {
    store,
    userId,
    nowSec,
    statusMode: opts.statusMode ?? 'upstream',
    maskKeys: opts.maskKeys ?? true,
    maxKeys: opts.maxKeys ?? DEFAULT_MAX_KEYS,
    committed: persist,
  };
  const limiterOf = (r: EmulatorOptions['rateLimit']) =>
    r ? new SlidingWindow(r.requests, r.windowSeconds * 1000) : undefined;
  const state: ServerState = {
    api,
    token: opts.token ?? generateAccessToken(),
    userId,
    requireUserIdHeader: opts.requireUserIdHeader ?? false,
    latencyMs: opts.latencyMs ?? 0,
    failRate: opts.failRate ?? 0,
    faultKinds: opts.faultKinds,
    hangMs: opts.hangMs ?? DEFAULT_HANG_MS,
    limiter: limiterOf(opts.rateLimit),
    retryAfter: opts.retryAfter ?? true,
    // A separate stream, so faults do not shift when the seed size changes.
    faultRandom: createRandom(seedRandom ^ 0x5bd1e995),
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
      // The server's lazy flips (cometapi-api.md "Server-owned drift"): only on use, never back.
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
      if ('rateLimit' in o) state.limiter = limiterOf(o.rateLimit);
      if (o.statusMode !== undefined) api.statusMode = o.statusMode;
      if (o.maskKeys !== undefined) api.maskKeys = o.maskKeys;
    },
  };
}
