// `npm run bench`: the performance targets of docs/performance.md, each a whole `cometkeys`
// process as a user runs it (start to exit), beside bare `node -e 0` measured in the same run,
// its round-trip floor and the naive client. Prints one table and writes it to bench/results.md.
// `npm run bench -- --quick`: a reduced set (under a minute of CPU), printed only.
// `--only start,validate,plan,apply,rate`: those groups only (printed only).
// `--renotes`: copy an edited bench/notes.md into bench/results.md without measuring.
// Not part of `npm test`: timing belongs here.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  LATENCY_MS,
  PAGE_SIZE,
  PARALLELISM,
  createWorkspace,
  measureApplyRow,
  measurePlanRow,
  measureRateLimitedRow,
  measureStart,
  measureValidate,
  openAccount,
} from './lib/scenarios.mjs';
import { USAGE_SOURCE } from './lib/process.mjs';
import {
  NOTES_MARKER,
  describeMachine,
  formatMb,
  formatMs,
  renderResults,
  renderTable,
} from './lib/report.mjs';

const RESULTS_FILE = fileURLToPath(new URL('./results.md', import.meta.url));
const NOTES_FILE = fileURLToPath(new URL('./notes.md', import.meta.url));

// Targets (docs/performance.md).
const PLAN_RATIO_SMALL = 1.5; // at 10 keys
const PLAN_RATIO = 2; // at 100 keys and more
const APPLY_RATIO = 1.2; // 1,000 updates of 1,000 keys
const RATE_RATIO = 1.25;
const RATE_PER_S = 20;
const RSS_MB = 150; // at 10,000 keys
const VALIDATE_RATIO = 2.5; // 2,000 keys, against a bare start
const HELP_RATIO = 1.2;
const VERSION_MS = 150;

/**
 * What each mode runs. Per size: runs of validate and plan, the naive plan's runs, and an apply
 * of `updates` plain updates (runs, naive runs). The naive client writes one key at a time, so
 * it runs once from 100 keys (apply) or 1,000 keys (plan) on; apply at 2,000 and 10,000 keys
 * updates 200 and 100 keys (the naive client would take 200 s and 1,000 s to update them all).
 */
const MODES = {
  full: {
    startRuns: 10,
    sizes: [
      { keys: 10, validate: 5, plan: 5, naivePlan: 3, apply: { updates: 10, runs: 5, naive: 3 } },
      { keys: 100, validate: 5, plan: 5, naivePlan: 3, apply: { updates: 100, runs: 3, naive: 1 } },
      {
        keys: 1_000,
        validate: 3,
        plan: 3,
        naivePlan: 1,
        apply: { updates: 1_000, runs: 3, naive: 1 },
      },
      {
        keys: 2_000,
        validate: 3,
        plan: 3,
        naivePlan: 1,
        apply: { updates: 200, runs: 3, naive: 1 },
      },
      {
        keys: 10_000,
        validate: 3,
        plan: 3,
        naivePlan: 1,
        apply: { updates: 100, runs: 3, naive: 1 },
      },
    ],
    rate: { updates: 300, runs: 1, naive: 1 },
  },
  quick: {
    startRuns: 3,
    sizes: [
      { keys: 10, plan: 3, naivePlan: 1, apply: { updates: 10, runs: 3, naive: 1 } },
      { keys: 1_000, plan: 1, naivePlan: 1, apply: { updates: 1_000, runs: 1, naive: 0 } },
      { keys: 2_000, validate: 3 },
      { keys: 10_000, plan: 1, naivePlan: 0 },
    ],
    rate: null,
  },
};
const GROUPS = ['start', 'validate', 'plan', 'apply', 'rate'];

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    renotes: { type: 'boolean', default: false },
  },
});
if (flags.renotes) {
  // The analysis was edited after a run: refresh its copy in results.md, keep the figures.
  const results = readFileSync(RESULTS_FILE, 'utf8');
  const at = results.indexOf(NOTES_MARKER);
  if (at < 0) throw new Error(`bench/results.md has no "${NOTES_MARKER}" line: run the bench`);
  const notes = readFileSync(NOTES_FILE, 'utf8');
  writeFileSync(RESULTS_FILE, `${results.slice(0, at)}${NOTES_MARKER}\n\n${notes.trim()}\n`);
  process.exit(0);
}
const only = flags.only ? new Set(flags.only.split(',').map((g) => g.trim())) : new Set(GROUPS);
for (const g of only) {
  if (!GROUPS.includes(g)) throw new Error(`--only takes ${GROUPS.join(',')}, got "${g}"`);
}
const modeName = flags.quick ? 'quick' : 'full';
const mode = MODES[modeName];
const writeResults = !flags.quick && !flags.only;

const started = performance.now();
const loadAtStart = os.loadavg()[0];
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
const rows = Object.fromEntries(GROUPS.map((g) => [g, []]));
const details = [];
const ws = createWorkspace();
const n = (x) => x.toLocaleString('en');
const plural = (count, word) => `${n(count)} ${word}${count === 1 ? '' : 's'}`;

const ratioCheck = (m, max, text = `≤ ${max}× floor`) => ({
  name: 'time',
  text,
  ok: m.wallMs / m.floorMs <= max,
});
const rssCheck = (m) => ({ name: 'RSS', text: `RSS < ${RSS_MB} MB`, ok: m.rssMb < RSS_MB });
const bareFloor = (m) => `${formatMs(m.floorMs)} (bare node)`;
const tripFloor = (m) =>
  `${formatMs(m.floorMs)} = ${formatMs(m.bareMs)} + ${m.roundTrips} × ${LATENCY_MS} ms`;
const naiveNote = (runs) => (runs === 0 && modeName === 'quick' ? 'not run (--quick)' : '—');
const naiveDetail = (m) =>
  m.naive
    ? `; naive client ${formatMs(m.naive.wallMs)} wall, ${formatMs(m.naive.cpuMs)} CPU, ${formatMb(m.naive.rssMb)}`
    : '';

/** Measures one row; a failure is a row marked failed (and explained in the details), not the end. */
async function measureRow(group, figure, measure, toRow) {
  if (!only.has(group)) return;
  log(figure);
  try {
    const m = await measure();
    rows[group].push({ figure, runs: m.runs, wallMs: m.wallMs, cpuMs: m.cpuMs, ...toRow(m) });
  } catch (err) {
    rows[group].push({ figure, error: true });
    details.push(`${figure}: FAILED: ${err.message}`);
    log(`${figure} failed: ${err.message}`);
  }
}

async function startRows() {
  await measureRow(
    'start',
    '`cometkeys --help`',
    () => measureStart(ws, '--help', mode.startRuns),
    (m) => {
      details.push(
        `bare \`node -e 0\` beside \`--help\`: ${formatMs(m.bareMs)} wall, ${formatMs(m.bareCpuMs)} CPU, ${formatMb(m.bareRssMb)} (medians)`,
      );
      return {
        rssMb: m.rssMb,
        floorMs: m.floorMs,
        floorText: bareFloor(m),
        checks: [ratioCheck(m, HELP_RATIO, `≤ ${HELP_RATIO}× bare node`)],
      };
    },
  );
  await measureRow(
    'start',
    '`cometkeys --version`',
    () => measureStart(ws, '--version', mode.startRuns),
    (m) => ({
      rssMb: m.rssMb,
      floorMs: m.floorMs,
      floorText: bareFloor(m),
      checks: [{ name: 'time', text: `< ${VERSION_MS} ms`, ok: m.wallMs < VERSION_MS }],
    }),
  );
}

async function sizeRows(size, account) {
  const { keys } = size;
  const at10k = keys === 10_000;
  if (size.validate) {
    await measureRow(
      'validate',
      `validate ${n(keys)} keys`,
      () => measureValidate(ws, account, size.validate),
      (m) => ({
        rssMb: m.rssMb,
        floorMs: m.floorMs,
        floorText: bareFloor(m),
        checks: [
          ...(keys === 2_000
            ? [ratioCheck(m, VALIDATE_RATIO, `≤ ${VALIDATE_RATIO}× bare node`)]
            : []),
          ...(at10k ? [rssCheck(m)] : []),
        ],
      }),
    );
  }
  if (size.plan) {
    await measureRow(
      'plan',
      `plan ${n(keys)} keys`,
      () => measurePlanRow(ws, account, size.plan, size.naivePlan),
      (m) => {
        const gets = m.all.at(-1).requests.byMethod.GET ?? 0;
        details.push(
          `plan ${n(keys)} keys: ${plural(m.pages, 'page')} in ${plural(m.roundTrips, 'round trip')} at parallelism ${PARALLELISM}; ` +
            `cometkeys sent ${plural(m.all.at(-1).requests.total, 'request')} (${gets} GET) in its last run${naiveDetail(m)}`,
        );
        return {
          rssMb: m.rssMb,
          floorMs: m.floorMs,
          floorText: tripFloor(m),
          checks: [
            ratioCheck(m, keys === 10 ? PLAN_RATIO_SMALL : PLAN_RATIO),
            ...(at10k ? [rssCheck(m)] : []),
          ],
          naive: m.naive,
          naiveNote: naiveNote(size.naivePlan),
        };
      },
    );
  }
  if (size.apply) {
    const { updates, runs, naive } = size.apply;
    await measureRow(
      'apply',
      `apply ${n(updates)} updates of ${n(keys)} keys`,
      () => measureApplyRow(ws, account, { updates, runs, naiveRuns: naive }),
      (m) => {
        details.push(
          `apply ${n(updates)} updates of ${n(keys)} keys: ${plural(m.roundTrips, 'round trip')}; last run's ledger ` +
            `${JSON.stringify(m.all.at(-1).summary)}, requests ${JSON.stringify(m.all.at(-1).requests.byMethod)}` +
            naiveDetail(m),
        );
        return {
          rssMb: m.rssMb,
          floorMs: m.floorMs,
          floorText: tripFloor(m),
          checks: [
            ...(keys === 1_000 && updates === 1_000 ? [ratioCheck(m, APPLY_RATIO)] : []),
            ...(at10k ? [rssCheck(m)] : []),
          ],
          naive: m.naive,
          naiveNote: naiveNote(naive),
        };
      },
    );
  }
}

async function rateRow() {
  if (!mode.rate) return;
  const { updates, runs, naive } = mode.rate;
  await measureRow(
    'rate',
    `apply ${n(updates)} updates, server limit ${RATE_PER_S} req/s`,
    () => measureRateLimitedRow(ws, { updates, perSecond: RATE_PER_S, runs, naiveRuns: naive }),
    (m) => {
      const failed = Math.max(...m.all.map((r) => r.summary.failed + r.summary.did_not_converge));
      const stats = m.all.at(-1).requests;
      const naiveStats = m.naive?.all.at(-1).requests;
      details.push(
        `rate-limited apply: ${m.requests} requests needed; cometkeys sent ${stats.total} ` +
          `(${stats.rateLimited} answered 429), ledger ${JSON.stringify(m.all.at(-1).summary)}` +
          (naiveStats
            ? `; the naive client sent ${naiveStats.total} (${naiveStats.rateLimited} answered 429)`
            : '') +
          naiveDetail(m),
      );
      return {
        rssMb: m.rssMb,
        floorMs: m.floorMs,
        floorText: `${formatMs(m.floorMs)} = ${formatMs(m.bareMs)} + ${m.requests} ÷ ${RATE_PER_S}/s`,
        checks: [
          { name: 'failures', text: '0 failed', ok: failed === 0 },
          ratioCheck(m, RATE_RATIO),
        ],
        naive: m.naive,
        naiveNote: naiveNote(naive),
      };
    },
  );
}

try {
  await startRows();
  const needsAccount = ['validate', 'plan', 'apply'].some((g) => only.has(g));
  for (const size of needsAccount ? mode.sizes : []) {
    log(`seeding an account of ${n(size.keys)} keys`);
    const account = await openAccount(ws, size.keys);
    try {
      await sizeRows(size, account);
    } finally {
      await account.emulator.close();
    }
  }
  if (only.has('rate')) await rateRow();
} finally {
  ws.remove();
}

const table = renderTable(GROUPS.flatMap((g) => rows[g]));
process.stdout.write(`${table}\n`);
const durationMs = performance.now() - started;
function dirty() {
  const status = spawnSync(
    'git',
    ['status', '--porcelain', '--', 'src', 'bin', 'bench', 'package.json', ':!bench/*.md'],
    {
      encoding: 'utf8',
    },
  );
  return status.stdout.trim() ? ' (with uncommitted changes)' : '';
}
const commit = spawnSync('git', ['log', '-1', '--format=%h %s'], { encoding: 'utf8' });
const about = [
  ...(commit.status === 0 ? [`Commit: ${commit.stdout.trim().slice(0, 100)}${dirty()}`] : []),
  `Load (1-minute average): ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end`,
  `Mode: ${modeName}${flags.only ? ` (--only ${flags.only})` : ''}; took ${formatMs(durationMs)}`,
  `Every figure is a whole process, spawned and waited for; N runs, medians of wall, CPU (user + system of the child) and peak RSS each; CPU and RSS from ${USAGE_SOURCE}`,
  `Floor: bare \`node -e 0\` (median of runs interleaved with the row's, at least 3) + ${LATENCY_MS} ms per round trip (page 1, then the other pages ${PARALLELISM} at a time; for apply a read and a write per key, ${PARALLELISM} keys at a time); pages of ${PAGE_SIZE}`,
  `Emulator in its own process, ${LATENCY_MS} ms latency per request, seeded with generated keys; the key file is the export of the account (plan: no changes), apply sets allow_ips on the first keys`,
];
if (writeResults) {
  const notes = existsSync(NOTES_FILE) ? readFileSync(NOTES_FILE, 'utf8') : '';
  writeFileSync(
    RESULTS_FILE,
    renderResults({ machine: describeMachine(), about, table, details, notes }),
  );
  log(`wrote ${RESULTS_FILE} (${formatMs(durationMs)})`);
} else {
  for (const line of [...about, ...details]) log(line);
  log(`${modeName === 'quick' ? '--quick' : '--only'}: bench/results.md not written`);
}
if (GROUPS.some((g) => rows[g].some((r) => r.error || r.checks.some((c) => !c.ok)))) {
  log('some targets were missed: see the table');
}
