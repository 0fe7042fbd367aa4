// The measured scenarios of SPEC §10. Each starts its own emulator (a child process, fixed
// latency), runs cometkeys' client and planner in this process, and the naive client on a
// fresh copy of the same account.
import { startChildEmulator } from './emulator.mjs';
import { createNaiveClient } from './naive-client.mjs';
import { withAllowIpsOnEveryKey } from './key-file.mjs';
import { cpuTimed, listingRoundTrips, median, timed } from './measure.mjs';
import {
  applyPlan,
  createCometClient,
  createPlan,
  defaultSettings,
  exportKeyFile,
  loadKeyFileText,
} from './cometkeys.mjs';

export const LATENCY_MS = 50;
export const PARALLELISM = 10;
export const PAGE_SIZE = 100;
const PLAN_REPEATS = 3;
const TOOL_VERSION = 'bench';

const settings = { ...defaultSettings(), parallelism: PARALLELISM };

function openClient(emulator) {
  return createCometClient({
    baseUrl: emulator.url,
    token: emulator.token,
    parallelism: PARALLELISM,
    timeoutMs: 30_000,
    retries: settings.retries,
    maxRateLimitWaitSeconds: settings.maxRateLimitWaitSeconds,
    onNotice: () => {},
  });
}

/**
 * Load the key file and plan against a listing; CPU time is what planning costs beyond it
 * (`loadCpuMs` the loading part).
 */
function loadAndPlan(text, server, baseUrl) {
  const now = new Date();
  let loadCpuMs = 0;
  const result = cpuTimed(() => {
    const load = cpuTimed(() =>
      loadKeyFileText(text, 'keys.yaml', { quotaPerUsd: settings.quotaPerUsd, now }),
    );
    loadCpuMs = load.cpuMs;
    const loaded = load.value;
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(`the bench key file is invalid: ${errors[0].message}`);
    return createPlan({
      desired: loaded.keys,
      server,
      settings,
      now,
      baseUrl,
      userId: null,
      toolVersion: TOOL_VERSION,
    });
  });
  return { ...result, loadCpuMs };
}

function exportText(server) {
  return exportKeyFile(server, {
    quotaPerUsd: settings.quotaPerUsd,
    unmanagedAction: 'ignore',
    now: new Date(),
  }).text;
}

function seedOptions(keys, extra = {}) {
  return { seed: keys, seedRandom: 7, latencyMs: LATENCY_MS, maxKeys: keys + 1000, ...extra };
}

/**
 * `plan` over `keys` keys: listing + load + plan, median of a few runs, against the naive
 * listing (pages one by one) with the same load + plan. Leaves the emulator running when
 * `keepEmulator` is set (the memory probe reuses it) and returns the exported key file.
 */
export async function measurePlan(keys, { keepEmulator = false } = {}) {
  const emulator = await startChildEmulator(seedOptions(keys));
  try {
    const client = openClient(emulator);
    const warm = await client.listKeys(); // connections and JIT warm; also the key file
    const text = exportText(warm);
    const walls = [];
    const listings = [];
    const cpus = [];
    const loadCpus = [];
    const listingCpus = [];
    const serverCpus = [];
    let changes = 0;
    for (let i = 0; i < PLAN_REPEATS; i++) {
      const serverBefore = await emulator.call('cpu');
      const cpuBefore = process.cpuUsage();
      const listing = await timed(() => client.listKeys());
      const cpuUsed = process.cpuUsage(cpuBefore);
      listingCpus.push((cpuUsed.user + cpuUsed.system) / 1000);
      serverCpus.push((await emulator.call('cpu')) - serverBefore);
      const planned = loadAndPlan(text, listing.value, emulator.url);
      listings.push(listing.ms);
      cpus.push(planned.cpuMs);
      loadCpus.push(planned.loadCpuMs);
      walls.push(listing.ms + planned.ms);
      changes = planned.value.changes.length;
    }
    const naive = createNaiveClient({ baseUrl: emulator.url, token: emulator.token });
    const naiveWalls = [];
    const naiveListings = [];
    for (let i = 0; i < PLAN_REPEATS; i++) {
      const listing = await timed(() => naive.listKeys());
      if (listing.value.length !== keys) throw new Error('the naive listing is incomplete');
      const planned = loadAndPlan(text, listing.value, emulator.url);
      naiveListings.push(listing.ms);
      naiveWalls.push(listing.ms + planned.ms);
    }
    const floorMs = listingRoundTrips(keys, PAGE_SIZE, PARALLELISM) * LATENCY_MS;
    const result = {
      keys,
      changes,
      wallMs: median(walls),
      listingMs: median(listings),
      listingCpuMs: median(listingCpus),
      serverCpuMs: median(serverCpus),
      planCpuMs: median(cpus),
      loadCpuMs: median(loadCpus),
      naiveMs: median(naiveWalls),
      naiveListingMs: median(naiveListings),
      floorMs,
      text,
    };
    if (keepEmulator) return { ...result, emulator };
    await emulator.close();
    return result;
  } catch (err) {
    await emulator.close();
    throw err;
  }
}

/** The key file giving every key of the emulator's account one plain update. */
async function updateEveryKeyFile(emulator, ip) {
  return withAllowIpsOnEveryKey(exportText(await emulator.call('records')), ip);
}

/** Lists, plans and applies one plain update per key; returns the time and the ledger summary. */
async function runApply(emulator, client, ip) {
  const text = await updateEveryKeyFile(emulator, ip);
  return timed(async () => {
    const server = await client.listKeys();
    const plan = loadAndPlan(text, server, emulator.url).value;
    const result = await applyPlan({
      plan,
      client,
      parallelism: PARALLELISM,
      now: () => new Date(),
    });
    return { plan, result, pages: Math.ceil(server.length / PAGE_SIZE) };
  });
}

async function runNaiveApply(emulator, ip) {
  const naive = createNaiveClient({ baseUrl: emulator.url, token: emulator.token });
  const text = await updateEveryKeyFile(emulator, ip);
  return timed(async () => {
    const server = await naive.listKeys();
    const plan = loadAndPlan(text, server, emulator.url).value;
    return naive.applyUpdates(plan);
  });
}

/**
 * `apply` of one update per key at parallelism 10. Floor: the listing's round trips, then a
 * read and a write per key, `PARALLELISM` keys at a time. The export → edit → plan between
 * listing and writes is CPU work inside the measured time, as in a real `apply`.
 */
export async function measureApply(keys) {
  const emulator = await startChildEmulator(seedOptions(keys));
  let ours;
  try {
    ours = await runApply(emulator, openClient(emulator), '198.51.100.7');
  } finally {
    await emulator.close();
  }
  const naiveEmulator = await startChildEmulator(seedOptions(keys));
  let naive;
  try {
    naive = await runNaiveApply(naiveEmulator, '198.51.100.7');
  } finally {
    await naiveEmulator.close();
  }
  const updates = ours.value.plan.changes.length;
  const floorMs =
    (listingRoundTrips(keys, PAGE_SIZE, PARALLELISM) + 2 * Math.ceil(updates / PARALLELISM)) *
    LATENCY_MS;
  return {
    keys,
    updates,
    wallMs: ours.ms,
    floorMs,
    summary: ours.value.result.summary,
    naiveMs: naive.ms,
    naiveApplied: naive.value,
  };
}

/**
 * `apply` of one update per key under a server limit of `perSecond` requests per second
 * (sliding window, Retry-After). Floor: the requests the work needs (listing pages + a read
 * and a write per key) ÷ the rate.
 */
export async function measureRateLimited(keys, perSecond) {
  const options = seedOptions(keys, { rateLimit: { requests: perSecond, windowSeconds: 1 } });
  const emulator = await startChildEmulator(options);
  let ours;
  let stats;
  try {
    ours = await runApply(emulator, openClient(emulator), '198.51.100.8');
    stats = await emulator.call('stats');
  } finally {
    await emulator.close();
  }
  const naiveEmulator = await startChildEmulator(options);
  let naive;
  let naiveStats;
  try {
    naive = await runNaiveApply(naiveEmulator, '198.51.100.8');
    naiveStats = await naiveEmulator.call('stats');
  } finally {
    await naiveEmulator.close();
  }
  const updates = ours.value.plan.changes.length;
  const neededRequests = ours.value.pages + 2 * updates;
  return {
    keys,
    updates,
    perSecond,
    wallMs: ours.ms,
    floorMs: (neededRequests / perSecond) * 1000,
    neededRequests,
    stats,
    summary: ours.value.result.summary,
    naiveMs: naive.ms,
    naiveStats,
  };
}
