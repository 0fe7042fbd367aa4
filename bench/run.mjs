// `npm run bench`: measures the performance targets of SPEC §10 against the emulator (a child
// process with 50 ms latency per request), beside their floors and a naive client, prints one
// table and writes it to bench/results.md. Not part of `npm test`: timing belongs here.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { measureApply, measurePlan, measureRateLimited } from './lib/scenarios.mjs';
import { measurePlanProcess, measureStartup } from './lib/cli-probes.mjs';
import {
  describeMachine,
  formatMs,
  formatRatio,
  renderResults,
  renderTable,
} from './lib/report.mjs';

const RESULTS_FILE = fileURLToPath(new URL('./results.md', import.meta.url));
const NOTES_FILE = fileURLToPath(new URL('./notes.md', import.meta.url));

const PLAN_RATIO_TARGET = 1.5;
const PLAN_CPU_TARGET_MS = 1000;
const APPLY_RATIO_TARGET = 1.2;
const RATE_RATIO_TARGET = 1.25;
const RATE_LIMIT_PER_S = 20;
const PEAK_RSS_TARGET_MB = 200;
const STARTUP_TARGET_MS = 150;
const STARTUP_RUNS = 10;

const started = performance.now();
const loadBefore = os.loadavg()[0];
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
const rows = [];
const details = [];

function ratioRow(figure, measuredMs, floorMs, target, naiveMs, extraOk = true) {
  const ratio = measuredMs / floorMs;
  rows.push({
    figure,
    measured: formatMs(measuredMs),
    floor: formatMs(floorMs),
    ratio: formatRatio(measuredMs, floorMs),
    target: `≤ ${target}× floor`,
    met: ratio <= target && extraOk,
    naive:
      naiveMs === undefined ? undefined : `${formatMs(naiveMs)} (${formatRatio(naiveMs, floorMs)})`,
  });
}

/**
 * SPEC §10 budgets a plan twice: the listing's wall time against its round-trip floor, and the
 * CPU spent beyond the listing (loading the key file and planning) against 1 s.
 */
function planRows(result, label) {
  ratioRow(
    `plan ${label} keys: listing`,
    result.listingMs,
    result.floorMs,
    PLAN_RATIO_TARGET,
    result.naiveListingMs,
  );
  rows.push({
    figure: `plan ${label} keys: CPU beyond the listing`,
    measured: formatMs(result.planCpuMs),
    target: `< ${formatMs(PLAN_CPU_TARGET_MS)}`,
    met: result.planCpuMs < PLAN_CPU_TARGET_MS,
    naive: 'same code',
  });
  details.push(
    `plan ${label} keys (median of 3, warm process): listing ${formatMs(result.listingMs)} ` +
      `(client CPU ${formatMs(result.listingCpuMs)}, emulator CPU ${formatMs(result.serverCpuMs)}); ` +
      `load + plan ${formatMs(result.planCpuMs)} CPU (${formatMs(result.loadCpuMs)} of it loading the key file); ` +
      `list + load + plan ${formatMs(result.wallMs)} wall, naive ${formatMs(result.naiveMs)}; ${result.changes} changes`,
  );
}

log('plan over 1,000 keys');
planRows(await measurePlan(1_000), '1,000');

log('plan over 10,000 keys');
const plan10k = await measurePlan(10_000, { keepEmulator: true });
let planProcess;
try {
  planRows(plan10k, '10,000');
  log('cometkeys plan over 10,000 keys in a child process (peak memory)');
  planProcess = await measurePlanProcess(plan10k.emulator, plan10k.text);
} finally {
  await plan10k.emulator.close();
}
rows.push({
  figure: 'peak RSS of `cometkeys plan`, 10,000 keys',
  measured: `${planProcess.rssMb.toFixed(0)} MB`,
  target: `< ${PEAK_RSS_TARGET_MB} MB`,
  met: planProcess.rssMb < PEAK_RSS_TARGET_MB,
});
details.push(
  `\`cometkeys plan\` process on 10,000 keys: ${formatMs(planProcess.ms)} wall (start, load, list, plan, render), output "${planProcess.summary}"`,
);

log('apply of 1,000 updates at parallelism 10 (the naive client takes about 2 minutes)');
const apply = await measureApply(1_000);
const applyOk = apply.summary.applied === apply.updates && apply.summary.failed === 0;
ratioRow(
  `apply ${apply.updates.toLocaleString('en')} updates, parallelism 10`,
  apply.wallMs,
  apply.floorMs,
  APPLY_RATIO_TARGET,
  apply.naiveMs,
  applyOk,
);
details.push(
  `apply ${apply.updates} updates: ledger ${JSON.stringify(apply.summary)}; naive client applied ${apply.naiveApplied}`,
);

log(`apply of 300 updates under a ${RATE_LIMIT_PER_S} requests/second server limit`);
const rate = await measureRateLimited(300, RATE_LIMIT_PER_S);
const rateOk = rate.summary.applied === rate.updates && rate.summary.failed === 0;
ratioRow(
  `apply ${rate.updates} updates at ${RATE_LIMIT_PER_S} req/s server limit (${rate.summary.failed} failed)`,
  rate.wallMs,
  rate.floorMs,
  RATE_RATIO_TARGET,
  rate.naiveMs,
  rateOk,
);
details.push(
  `rate-limited apply: ${rate.neededRequests} requests needed; cometkeys sent ${rate.stats.total} (${rate.stats.rateLimited} answered 429), the naive client ${rate.naiveStats.total} (${rate.naiveStats.rateLimited} answered 429); ledger ${JSON.stringify(rate.summary)}`,
);

log('cometkeys --version start time');
const startup = measureStartup(STARTUP_RUNS);
rows.push({
  figure: `\`cometkeys --version\` start (median of ${STARTUP_RUNS})`,
  measured: formatMs(startup.ms),
  floor: `${formatMs(startup.nodeMs)} (bare node)`,
  ratio: formatRatio(startup.ms, startup.nodeMs),
  target: `< ${STARTUP_TARGET_MS} ms`,
  met: startup.ms < STARTUP_TARGET_MS,
});

const table = renderTable(rows);
const durationMs = performance.now() - started;
process.stdout.write(`${table}\n`);
details.push(
  `1-minute load average ${loadBefore.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end (other work on the machine slows every figure)`,
);
const notes = existsSync(NOTES_FILE) ? readFileSync(NOTES_FILE, 'utf8') : '';
writeFileSync(
  RESULTS_FILE,
  renderResults({ machine: describeMachine(), table, details, notes, durationMs }),
);
log(`wrote ${RESULTS_FILE} (${formatMs(durationMs)})`);
if (rows.some((r) => r.met === false)) log('some targets were missed: see bench/results.md');
