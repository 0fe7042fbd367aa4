// Runs one whole process as a user runs it and measures it from outside: wall time from spawn to
// exit (in this process), CPU (user + system) and peak RSS of the child from GNU time's rusage
// (`/usr/bin/time -f`), or, where GNU time is missing, from a preload reading resourceUsage().
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const GNU_TIME = '/usr/bin/time';
const USAGE_PRELOAD = fileURLToPath(new URL('./report-usage.mjs', import.meta.url));
const scratch = mkdtempSync(path.join(os.tmpdir(), 'cometkeys-bench-usage-'));
const usageFile = path.join(scratch, 'usage');
// Whatever imported this (the bench, a one-off script), the scratch directory goes at exit.
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

function hasGnuTime() {
  const r = spawnSync(GNU_TIME, ['-f', '%U', '-o', usageFile, process.execPath, '-e', '0']);
  return r.status === 0;
}

/** How CPU and peak RSS are read: 'GNU time' or 'resourceUsage() preload'. */
export const USAGE_SOURCE = hasGnuTime() ? 'GNU time' : 'resourceUsage() preload';

function command(nodeArgs, env) {
  if (USAGE_SOURCE === 'GNU time') {
    // %U %S seconds of user and system CPU, %M peak RSS in kB (of the child, after its exit).
    return {
      file: GNU_TIME,
      args: ['-f', '%U %S %M', '-o', usageFile, process.execPath, ...nodeArgs],
      env,
    };
  }
  return {
    file: process.execPath,
    args: ['--import', USAGE_PRELOAD, ...nodeArgs],
    env: { ...env, BENCH_USAGE_FILE: usageFile },
  };
}

function readUsage() {
  const text = readFileSync(usageFile, 'utf8').trim();
  if (USAGE_SOURCE === 'GNU time') {
    // A child killed by a signal gets a "Command terminated by signal" line first.
    const [user, sys, rssKb] = text.split('\n').at(-1).split(' ').map(Number);
    return { cpuMs: (user + sys) * 1000, rssMb: rssKb / 1024 };
  }
  const u = JSON.parse(text);
  return { cpuMs: (u.user + u.sys) / 1000, rssMb: u.maxRss / 1024 };
}

/**
 * Runs `node ...nodeArgs` and resolves when it has exited.
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, wallMs: number, cpuMs: number, rssMb: number }>}
 */
export function measureProcess(nodeArgs, { cwd, env }) {
  rmSync(usageFile, { force: true });
  const cmd = command(nodeArgs, env);
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd.file, cmd.args, {
      cwd,
      env: cmd.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      try {
        resolve({
          code,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          wallMs,
          ...readUsage(),
        });
      } catch (e) {
        reject(e);
      }
    });
  });
}
