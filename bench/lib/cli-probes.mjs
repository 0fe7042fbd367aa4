// Probes of the built CLI as users run it: start time of `--version`, and the peak memory and
// wall time of a whole `cometkeys plan` process.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, timed } from './measure.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'cometkeys.js');
const RSS_PRELOAD = fileURLToPath(new URL('./report-rss.mjs', import.meta.url));
const WORK_DIR = path.join(ROOT, 'bench', '.work');

/** Median wall time (ms) of `cometkeys --version` over `runs` spawns, after one warm-up. */
export function measureStartup(runs) {
  const times = [];
  for (let i = 0; i <= runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`cometkeys --version exited ${r.status}: ${r.stderr}`);
    if (i > 0) times.push(ms);
  }
  // The floor: bare Node starting and exiting, on this machine.
  const bare = [];
  for (let i = 0; i <= runs; i++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    if (i > 0) bare.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { ms: median(times), nodeMs: median(bare) };
}

/**
 * Runs `cometkeys plan` on `keyFileText` against the emulator in a child process and returns
 * its peak RSS (MB, process.resourceUsage().maxRSS written at exit) and wall time.
 */
export async function measurePlanProcess(emulator, keyFileText) {
  mkdirSync(WORK_DIR, { recursive: true });
  const keysFile = path.join(WORK_DIR, 'keys.yaml');
  const rssFile = path.join(WORK_DIR, 'rss.txt');
  writeFileSync(keysFile, keyFileText);
  rmSync(rssFile, { force: true });
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NO_COLOR: '1',
    COMETAPI_BASE_URL: emulator.url,
    COMETAPI_ACCESS_TOKEN: emulator.token,
    BENCH_RSS_FILE: rssFile,
  };
  const run = await timed(
    () =>
      new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--import', RSS_PRELOAD, BIN, 'plan', '-f', keysFile, '--quiet'],
          { cwd: WORK_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b) => (stdout += b));
        child.stderr.on('data', (b) => (stderr += b));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      }),
  );
  if (run.value.code !== 0) {
    throw new Error(`cometkeys plan exited ${run.value.code}: ${run.value.stderr.slice(0, 500)}`);
  }
  const maxRssKb = Number(readFileSync(rssFile, 'utf8'));
  return { rssMb: maxRssKb / 1024, ms: run.ms, summary: lastLine(run.value.stdout) };
}

function lastLine(text) {
  const lines = text.trimEnd().split('\n');
  return lines[lines.length - 1] ?? '';
}
