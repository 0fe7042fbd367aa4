// The measured scenarios of docs/performance.md. Every figure is a whole process, start to exit:
// `node bin/cometkeys.js ...` (or the naive client's bench/naive-cli.mjs) against the emulator in
// its own process (bench/emulator-child.mjs, 50 ms per request), each run beside a bare
// `node -e 0` run interleaved with it, so the floor follows the machine's load.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChildEmulator } from './emulator.mjs';
import { exportedKeyFile, withAllowIps } from './key-file.mjs';
import { median } from './measure.mjs';
import { measureProcess } from './process.mjs';
import {
  applyRequests,
  applyRoundTrips,
  listingPages,
  listingRoundTrips,
  rateFloorMs,
  roundTripFloorMs,
} from './floor.mjs';

export const LATENCY_MS = 50;
export const PARALLELISM = 10;
export const PAGE_SIZE = 100;
/** Bare node runs per row at least, even when the row itself runs once. */
const MIN_BARE_RUNS = 3;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'cometkeys.js');
const NAIVE = path.join(ROOT, 'bench', 'naive-cli.mjs');
const VERSION = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

/** Scratch directory for key files; a cometkeys config is looked up in the cwd only. */
export function createWorkspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cometkeys-bench-'));
  return {
    dir,
    write(name, text) {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The environment a user's shell would give: no token unless the command needs the API. */
function childEnv(emulator) {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' };
  if (emulator) {
    env.COMETAPI_BASE_URL = emulator.url;
    env.COMETAPI_ACCESS_TOKEN = emulator.token;
  }
  return env;
}

function failure(what, r) {
  const lines = (r.stderr || r.stdout).trim().split('\n');
  // An uncaught exception ends with its stack and the Node version: show its message instead.
  const thrown = lines.filter((l) => /^\w*Error\b|^\s*\[cause\]/.test(l));
  const shown = thrown.length > 0 ? thrown : lines.slice(-3);
  return new Error(`${what} exited ${r.code}: ${shown.join(' | ').slice(0, 400)}`);
}

/**
 * Runs `ours(i)` `runs` times, each after a bare `node -e 0` (at least MIN_BARE_RUNS of those),
 * then `naive(i)` `naiveRuns` times. Medians of wall, CPU and peak RSS, each on its own.
 */
async function sample({ cwd, runs, ours, naiveRuns = 0, naive }) {
  const bare = [];
  const mine = [];
  for (let i = 0; i < Math.max(runs, MIN_BARE_RUNS); i++) {
    bare.push(await measureProcess(['-e', '0'], { cwd, env: childEnv() }));
    if (i < runs) mine.push(await ours(i));
  }
  const theirs = [];
  for (let i = 0; i < naiveRuns; i++) theirs.push(await naive(i));
  return {
    runs,
    bareMs: median(bare.map((r) => r.wallMs)),
    bareCpuMs: median(bare.map((r) => r.cpuMs)),
    bareRssMb: median(bare.map((r) => r.rssMb)),
    ...summarise(mine),
    naive: naiveRuns > 0 ? { runs: naiveRuns, ...summarise(theirs) } : undefined,
  };
}

function summarise(results) {
  return {
    wallMs: median(results.map((r) => r.wallMs)),
    cpuMs: median(results.map((r) => r.cpuMs)),
    rssMb: median(results.map((r) => r.rssMb)),
    all: results,
  };
}

/** `cometkeys --help` and `cometkeys --version`: the floor is bare node. */
export async function measureStart(ws, flag, runs) {
  const s = await sample({
    cwd: ws.dir,
    runs,
    ours: async () => {
      const r = await measureProcess([BIN, flag], { cwd: ws.dir, env: childEnv() });
      if (r.code !== 0) throw failure(`cometkeys ${flag}`, r);
      if (flag === '--version' && r.stdout.trim() !== VERSION) {
        throw new Error(`cometkeys --version printed "${r.stdout.trim()}", not ${VERSION}`);
      }
      if (flag === '--help' && !r.stdout.includes('Usage:')) {
        throw new Error('cometkeys --help printed no usage');
      }
      return r;
    },
  });
  return { ...s, floorMs: s.bareMs, roundTrips: 0 };
}

/** An emulator seeded with `keys` generated keys (fixed PRNG seed) and the export of them. */
export async function openAccount(ws, keys, extra = {}) {
  const emulator = await startChildEmulator({
    seed: keys,
    seedRandom: 7,
    latencyMs: LATENCY_MS,
    maxKeys: keys + 1000,
    ...extra,
  });
  const text = exportedKeyFile(await emulator.call('records'));
  return { emulator, keys, text, file: ws.write(`keys-${keys}.yaml`, text) };
}

/** `cometkeys validate -f FILE` on the exported file: no requests, the floor is bare node. */
export async function measureValidate(ws, account, runs) {
  const s = await sample({
    cwd: ws.dir,
    runs,
    ours: async () => {
      const r = await measureProcess([BIN, 'validate', '-f', account.file], {
        cwd: ws.dir,
        env: childEnv(),
      });
      if (r.code !== 0) throw failure('cometkeys validate', r);
      return r;
    },
  });
  return { ...s, floorMs: s.bareMs, roundTrips: 0 };
}

/** Runs a measured process against the account and returns it with the emulator's request counts. */
async function againstAccount(ws, account, args) {
  await account.emulator.call('stats'); // clears the request log
  const r = await measureProcess(args, { cwd: ws.dir, env: childEnv(account.emulator) });
  return { ...r, requests: await account.emulator.call('stats') };
}

/** `cometkeys plan -f FILE` with zero changes, beside the naive listing with the same planner. */
export async function measurePlanRow(ws, account, runs, naiveRuns) {
  const s = await sample({
    cwd: ws.dir,
    runs,
    ours: async () => {
      const r = await againstAccount(ws, account, [
        BIN,
        'plan',
        '-f',
        account.file,
        '--parallelism',
        String(PARALLELISM),
      ]);
      if (r.code !== 0 || !r.stdout.includes('No changes.')) throw failure('cometkeys plan', r);
      return r;
    },
    naiveRuns,
    naive: async () => {
      const r = await againstAccount(ws, account, [NAIVE, 'plan', account.file]);
      if (r.code !== 0 || r.stdout.trim() !== 'changes 0') throw failure('naive plan', r);
      return r;
    },
  });
  const roundTrips = listingRoundTrips(account.keys, PAGE_SIZE, PARALLELISM);
  return {
    ...s,
    roundTrips,
    pages: listingPages(account.keys, PAGE_SIZE),
    floorMs: roundTripFloorMs(s.bareMs, roundTrips, LATENCY_MS),
  };
}

/** The apply ledger on stdout (`--format json`), or an error naming the exit code. */
function ledger(r) {
  try {
    return JSON.parse(r.stdout).summary;
  } catch {
    throw failure('cometkeys apply (no JSON ledger)', r);
  }
}

/**
 * `cometkeys apply -f FILE --auto-approve --force updates` of `updates` plain updates
 * (`allow_ips` on the first keys, a new address each run, so every run has the same changes),
 * then the naive client's one-key-at-a-time apply on the same account. With `allowFailures` a
 * run that leaves keys unapplied is measured instead of thrown (the rate-limited row counts them).
 */
async function sampleApply(ws, account, { updates, runs, naiveRuns, allowFailures = false }) {
  const fileFor = (who, i) =>
    ws.write(
      `apply-${account.keys}-${who}-${i}.yaml`,
      withAllowIps(account.text, `198.51.100.${who === 'ours' ? 10 + i : 100 + i}`, updates),
    );
  return sample({
    cwd: ws.dir,
    runs,
    ours: async (i) => {
      const file = fileFor('ours', i);
      const r = await againstAccount(ws, account, [
        BIN,
        'apply',
        '-f',
        file,
        '--auto-approve',
        '--force',
        'updates',
        '--format',
        'json',
        '--parallelism',
        String(PARALLELISM),
      ]);
      const summary = ledger(r);
      if (!allowFailures && (r.code !== 0 || summary.applied !== updates)) {
        throw failure(`cometkeys apply (${JSON.stringify(summary)})`, r);
      }
      return { ...r, summary };
    },
    naiveRuns,
    naive: async (i) => {
      const r = await againstAccount(ws, account, [NAIVE, 'apply', fileFor('naive', i)]);
      if (r.code !== 0 || r.stdout.trim() !== `applied ${updates}`) throw failure('naive apply', r);
      return r;
    },
  });
}

/** apply of `updates` updates on an account of `account.keys` keys, beside its round-trip floor. */
export async function measureApplyRow(ws, account, { updates, runs, naiveRuns }) {
  const s = await sampleApply(ws, account, { updates, runs, naiveRuns });
  const roundTrips = applyRoundTrips(account.keys, updates, PAGE_SIZE, PARALLELISM);
  return {
    ...s,
    updates,
    roundTrips,
    floorMs: roundTripFloorMs(s.bareMs, roundTrips, LATENCY_MS),
  };
}

/**
 * apply of `updates` updates of as many keys under a server limit of `perSecond` requests a
 * second (sliding window, Retry-After), beside the rate floor: bare node + requests ÷ rate.
 */
export async function measureRateLimitedRow(ws, { updates, perSecond, runs, naiveRuns }) {
  const account = await openAccount(ws, updates, {
    rateLimit: { requests: perSecond, windowSeconds: 1 },
  });
  try {
    const s = await sampleApply(ws, account, { updates, runs, naiveRuns, allowFailures: true });
    const requests = applyRequests(updates, updates, PAGE_SIZE);
    return {
      ...s,
      updates,
      perSecond,
      requests,
      floorMs: rateFloorMs(s.bareMs, requests, perSecond),
    };
  } finally {
    await account.emulator.close();
  }
}
